"""``python -m tests.bench report|pages [options]``: one benchmark, printed as JSON."""

import importlib
import sys

from tests.bench import setup

BENCHES = ("report", "pages", "large")

if len(sys.argv) < 2 or sys.argv[1] not in BENCHES:
    sys.exit(f"usage: python -m tests.bench {{{'|'.join(BENCHES)}}} [options]")
name = sys.argv.pop(1)
setup()
importlib.import_module(f"tests.bench.{name}").main()
