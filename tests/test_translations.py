"""The Dutch catalogue is complete and its compiled .mo matches the .po."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

PO = Path(__file__).resolve().parent.parent / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def entries() -> list[str]:
    return PO.read_text(encoding="utf-8").split("\n\n")[1:]


def test_every_message_has_a_dutch_translation():
    untranslated = []
    for entry in entries():
        if entry.lstrip().startswith("#~"):
            continue  # obsolete
        msgid = re.search(r'^msgid ((?:".*"\n?)+)', entry, re.M)
        strings = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', entry, re.M)
        if msgid and any(s.strip() == '""' for s in strings):
            untranslated.append(msgid.group(1).strip())
    assert untranslated == []


def test_no_fuzzy_translations():
    assert [e for e in entries() if "#, fuzzy" in e] == []


@pytest.mark.skipif(not shutil.which("msgfmt"), reason="gettext's msgfmt is not installed")
def test_compiled_catalogue_is_up_to_date(tmp_path):
    out = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(out), str(PO)], check=True)
    assert out.read_bytes() == PO.with_suffix(".mo").read_bytes(), "run `make messages`"
