#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys

from django.core.management import execute_from_command_line

from kia.env import load_local_env


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kia.settings")

    load_local_env(os.path.dirname(os.path.abspath(__file__)))  # .env from `make run`

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
