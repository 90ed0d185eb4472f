#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kia.settings")
    from kia.env import load_local_env

    load_local_env(os.path.dirname(os.path.abspath(__file__)))  # .env from `make run`
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
