"""Personal data at rest: sealed (encrypted), matched by a keyed hash, shown masked.

Phone numbers, resident ID numbers and bank accounts are sensitive personal data (PIPL 第二十八条).
A model stores three things for such a value: the sealed value (Fernet: AES-128-CBC with an
HMAC-SHA256 tag, so a changed ciphertext is refused, not decrypted into garbage), a keyed hash for
equality (duplicate checks and look-ups without decrypting; a plain hash of an 18-digit ID number
could be reversed by trying every birth date and sequence), and the masked form that most pages
show. Only a role that needs the whole value unseals it, and the service that does so audits it.

Keys come from settings.PERSONAL_DATA_KEYS (SKILLSUBSIDY_DATA_KEYS / _FILE), newest first: the first
seals, all of them unseal, so keys can be rotated by prepending a new one. The keyed hash uses a key
derived from the first key that was ever used, which is the last in the list.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import warnings
from dataclasses import dataclass
from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from accounts.privacy import mask_personal_data


@dataclass(frozen=True, slots=True)
class Sealed:
    """What a model stores for one personal value."""

    token: str  # Fernet token, text
    digest: str  # keyed hash, hex, for equality
    masked: str  # what pages show


@cache
def _keys() -> tuple[tuple[bytes, ...], bytes]:
    configured = _configured()
    return configured, derived_key(b"skillsubsidy personal-data digest v1")


def derived_key(label: bytes) -> bytes:
    """A key for one purpose (the personal-data digest, the audit chain), derived from the first data
    key ever used (the last in the list), so rotating the sealing key changes neither."""
    return hmac.new(_configured()[-1], label, hashlib.sha256).digest()


@cache
def _configured() -> tuple[bytes, ...]:
    configured = [k.encode() for k in settings.PERSONAL_DATA_KEYS]
    if not configured:
        if not settings.DEBUG:
            raise ImproperlyConfigured(
                "SKILLSUBSIDY_DATA_KEYS (or SKILLSUBSIDY_DATA_KEYS_FILE) must be set to store personal data; "
                "`make run` generates var/data_keys"
            )
        warnings.warn("personal data is sealed with a key derived from the development secret", stacklevel=2)
        configured = [
            base64.urlsafe_b64encode(hashlib.sha256(f"data:{settings.SECRET_KEY}".encode()).digest())
        ]
    try:
        for key in configured:
            Fernet(key)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"SKILLSUBSIDY_DATA_KEYS holds a key that is not a Fernet key: {exc}"
        ) from None
    return tuple(configured)


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(k) for k in _keys()[0]])


def digest(value: str) -> str:
    """The keyed hash of a normalised value: equal values, equal digests; nothing else to learn."""
    return hmac.new(_keys()[1], value.encode("utf-8"), hashlib.sha256).hexdigest()


def seal(value: str, *, masked: str | None = None) -> Sealed:
    """Seal `value` (already normalised by its field's validation). `masked` defaults to the
    project's masking of IDs, phones and bank accounts."""
    token = _fernet().encrypt(value.encode("utf-8")).decode("ascii")
    return Sealed(token, digest(value), masked if masked is not None else mask_personal_data(value))


class UnsealError(ValueError):
    """A stored token that no configured key opens, or that was changed."""


def unseal(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode("ascii")).decode("utf-8")
    except InvalidToken:
        raise UnsealError("the stored value cannot be decrypted with the configured keys") from None


def mask_name(name: str) -> str:
    """张三 → 张*, 欧阳娜娜 → 欧阳**: the family name stays, as public notices print it."""
    name = name.strip()
    if len(name) <= 1:
        return name
    keep = 2 if len(name) >= 4 else 1
    return name[:keep] + "*" * (len(name) - keep)
