#!/usr/bin/env python
"""Django's command-line utility for the skillsubsidy web app."""

import os
import sys
from pathlib import Path


def main() -> None:
    # web/ is the source root of the Django project (apps import as `catalogs`, `portal`, ...).
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
