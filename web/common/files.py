"""The state directory (`var/`: the SQLite database, keys, uploads, edited policy, backups) is private
to the account that runs the app: it holds personal data and secrets."""

from __future__ import annotations

import os
import stat
from pathlib import Path

PRIVATE_UMASK = 0o077  # new directories 0700, new files 0600


def make_private(root: Path) -> list[Path]:
    """Take group and other permissions off `root` and everything under it; the paths changed.
    For state written before the umask was set (an older deployment's world-readable database)."""
    changed: list[Path] = []
    if not root.exists():
        return changed
    for path in [root, *root.rglob("*")]:
        if path.is_symlink():
            continue
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            os.chmod(path, mode & 0o700)
            changed.append(path)
    return changed
