"""Personal data at rest: sealed, matched by a keyed hash, shown masked, never readable without a key."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from common import personal


@pytest.fixture(autouse=True)
def _fresh_keys() -> Iterator[None]:
    personal._keys.cache_clear()
    personal._configured.cache_clear()
    yield
    personal._keys.cache_clear()
    personal._configured.cache_clear()


def test_a_sealed_phone_opens_to_itself_and_shows_only_its_ends() -> None:
    sealed = personal.seal("13812345678")
    assert "13812345678" not in sealed.token
    assert personal.unseal(sealed.token) == "13812345678"
    assert sealed.masked == "138****5678"


def test_equal_values_have_equal_digests_and_the_digest_is_keyed() -> None:
    a, b = personal.seal("320602199001011234"), personal.seal("320602199001011234")
    assert a.token != b.token  # Fernet tokens carry a random IV
    assert a.digest == b.digest == personal.digest("320602199001011234")
    assert a.digest != hashlib.sha256(b"320602199001011234").hexdigest()


def test_a_changed_token_is_refused_not_decrypted(settings: object) -> None:
    token = personal.seal("13812345678").token
    tampered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    with pytest.raises(personal.UnsealError):
        personal.unseal(tampered)


def test_a_new_key_seals_and_the_old_one_still_opens_what_it_sealed(settings: object) -> None:
    old = personal.seal("13812345678")
    new_key = Fernet.generate_key().decode()
    settings.PERSONAL_DATA_KEYS = [new_key, *settings.PERSONAL_DATA_KEYS]  # type: ignore[attr-defined]
    personal._keys.cache_clear()
    personal._configured.cache_clear()
    assert personal.unseal(old.token) == "13812345678"
    assert personal.seal("13812345678").digest == old.digest  # the digest key stays with the first key
    Fernet(new_key.encode()).decrypt(personal.seal("x").token.encode())


def test_storing_personal_data_without_a_key_is_refused_outside_development(settings: object) -> None:
    settings.PERSONAL_DATA_KEYS = []  # type: ignore[attr-defined]
    settings.DEBUG = False  # type: ignore[attr-defined]
    with pytest.raises(ImproperlyConfigured, match="SKILLSUBSIDY_DATA_KEYS"):
        personal.seal("13812345678")


def test_a_key_that_is_not_a_fernet_key_is_named_as_the_problem(settings: object) -> None:
    settings.PERSONAL_DATA_KEYS = [base64.urlsafe_b64encode(b"short").decode()]  # type: ignore[attr-defined]
    with pytest.raises(ImproperlyConfigured, match="not a Fernet key"):
        personal.seal("13812345678")


@pytest.mark.parametrize(
    ("name", "masked"), [("张三", "张*"), ("李", "李"), ("王小明", "王**"), ("欧阳娜娜", "欧阳**")]
)
def test_a_name_keeps_its_family_name(name: str, masked: str) -> None:
    assert personal.mask_name(name) == masked
