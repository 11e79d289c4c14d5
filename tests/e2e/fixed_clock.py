"""Run a Python script, or `-c` code, with the clock set to a fixed moment and ticking on from it.

    python tests/e2e/fixed_clock.py 2026-12-01T10:00:00+08:00 web/manage.py serve --port 8001
    python tests/e2e/fixed_clock.py 2026-12-01T10:00:00+08:00 -c "import django; ..."

The browser walks' server and every script that prepares their data run through this, so that the
whole world of a walk shares one day (conftest.E2E_NOW). time-machine patches the clock functions
in the process, and a forked worker of `manage.py serve` inherits the patch.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import time_machine


def main() -> None:
    moment, *command = sys.argv[1:]
    time_machine.travel(moment, tick=True).start()
    if command[0] == "-c":
        sys.argv = ["-c", *command[2:]]
        sys.path.insert(0, "")  # as `python -c` does: the working directory first
        exec(compile(command[1], "<string>", "exec"), {"__name__": "__main__"})
    else:
        sys.argv = command
        sys.path.insert(0, str(Path(command[0]).resolve().parent))  # as `python script.py` does
        runpy.run_path(command[0], run_name="__main__")


if __name__ == "__main__":
    main()
