"""Create a random Django secret key file for local runs (`make run`) unless it already exists.

Production sets DJANGO_SECRET_KEY or DJANGO_SECRET_KEY_FILE itself; this only spares a developer
from running the site with the insecure development key.
"""

from __future__ import annotations

import os
import secrets
import sys
from pathlib import Path


def main(path: str) -> None:
    target = Path(path)
    if target.exists() and target.read_text("utf-8").strip():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secrets.token_urlsafe(50) + "\n")
    print(f"wrote a new secret key to {target}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "var/secret_key")
