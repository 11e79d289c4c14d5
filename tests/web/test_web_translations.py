"""The Chinese catalogue compiles and the shipped .mo is the compiled .po: a merge that left a duplicate
entry or a stale .mo would otherwise show English on Chinese pages without any error."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[2] / "web" / "locale" / "zh_Hans" / "LC_MESSAGES"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
def test_the_shipped_mo_is_the_compiled_po(tmp_path: Path) -> None:
    compiled = tmp_path / "django.mo"
    command = ["msgfmt", "-o", str(compiled), str(LOCALE / "django.po")]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert compiled.read_bytes() == (LOCALE / "django.mo").read_bytes()
