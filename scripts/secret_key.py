"""Create a random key file for local runs (`make run`) unless it already exists: the Django secret
key, or with `--fernet` the key that encrypts personal data at rest.

Production sets DJANGO_SECRET_KEY(_FILE) and SKILLSUBSIDY_DATA_KEYS(_FILE) itself; this only spares
a developer from running the site with an insecure key.
"""

from __future__ import annotations

import base64
import os
import secrets
import sys
from pathlib import Path


def main(path: str, fernet: bool = False) -> None:
    target = Path(path)
    if target.exists() and target.read_text("utf-8").strip():
        return
    target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        key = (
            base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
            if fernet
            else secrets.token_urlsafe(50)
        )
        fh.write(key + "\n")
    print(f"wrote a new {'data' if fernet else 'secret'} key to {target}")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--fernet"]
    main(args[0] if args else "var/secret_key", fernet="--fernet" in sys.argv)
