"""The staff login: throttled per account and per address, strong passwords, idle sessions, and a
log line for each failure that never holds the password (issue 14, point 4)."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db.models import F
from django.test import Client
from django.utils import timezone
from web_support import PASSWORD, client_for, make_staff

from accounts.models import Role
from accounts.services import staff_create

pytestmark = pytest.mark.django_db
LOGIN = "/office/login/"
WRONG = "not-the-password-9"


@pytest.fixture
def clerk() -> AbstractUser:
    return make_staff("clerk", Role.CITY_BUREAU, "320600")


def try_login(client: Client, username: str, password: str, **extra: Any) -> int:
    return client.post(LOGIN, {"username": username, "password": password}, **extra).status_code


def signed_in(client: Client) -> bool:
    return client.get("/office/").status_code == 200


def test_fifty_wrong_passwords_then_the_right_one_is_refused(clerk: AbstractUser) -> None:
    client = Client()
    statuses = [try_login(client, "clerk", WRONG) for _ in range(50)]
    # The form answers the first four; the fifth failure reaches the limit and locks the account.
    assert statuses == [200] * 4 + [429] * 46
    response = client.post(LOGIN, {"username": "clerk", "password": PASSWORD})
    assert response.status_code == 429
    assert response["Retry-After"] == "900"
    page = response.content.decode()
    assert "登录失败次数过多" in page
    assert "请在 15 分钟后" in page
    assert not signed_in(client)


def test_the_lockout_page_speaks_english_under_en(clerk: AbstractUser) -> None:
    client = Client()
    for _ in range(5):
        client.post("/en/office/login/", {"username": "clerk", "password": WRONG})
    page = client.post("/en/office/login/", {"username": "clerk", "password": PASSWORD}).content.decode()
    assert "Try again in 15 minutes" in page


def test_a_locked_account_unlocks_after_the_cool_off(clerk: AbstractUser) -> None:
    client = Client()
    for _ in range(5):
        try_login(client, "clerk", WRONG)
    assert try_login(client, "clerk", PASSWORD) == 429
    # Fifteen minutes and a second pass: every recorded try is moved back beyond the cool-off.
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=15, seconds=1))
    assert try_login(client, "clerk", PASSWORD) == 302
    assert signed_in(client)


def test_failures_from_one_address_lock_it_for_every_account(clerk: AbstractUser) -> None:
    make_staff("other", Role.CITY_BUREAU, "320000")
    client = Client()
    assert [try_login(client, f"guess{i}", WRONG) for i in range(5)] == [200] * 4 + [429]
    # The account was never tried, but the address that guessed five names is locked.
    assert try_login(client, "other", PASSWORD, REMOTE_ADDR="127.0.0.1") == 429
    assert try_login(Client(), "other", PASSWORD, REMOTE_ADDR="10.9.8.7") == 302


def test_behind_the_proxy_the_client_not_the_proxy_is_locked_out(clerk: AbstractUser, settings: Any) -> None:
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    proxy = {"REMOTE_ADDR": "127.0.0.1"}
    attacker = Client()
    for i in range(5):
        # A forged first hop changes nothing: the proxy appends the address it really saw.
        try_login(attacker, f"guess{i}", WRONG, HTTP_X_FORWARDED_FOR=f"1.1.1.{i}, 203.0.113.5", **proxy)
    assert try_login(attacker, "clerk", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.5", **proxy) == 429
    colleague = Client()
    assert try_login(colleague, "clerk", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7", **proxy) == 302


def test_a_failed_login_is_logged_with_the_name_and_address_but_not_the_password(
    clerk: AbstractUser, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        try_login(Client(), "clerk", "Secret-Guess-7731")
    lines = [r.getMessage() for r in caplog.records if r.name == "skillsubsidy.login"]
    assert lines == ["failed login for user 'clerk' from 127.0.0.1"]
    assert all("Secret-Guess-7731" not in r.getMessage() and "Secret-Guess-7731" not in (r.exc_text or "")
               for r in caplog.records)  # fmt: skip


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("", "密码太短，至少要有 8 个字符。"),
        ("1", "密码太短，至少要有 8 个字符。"),
        ("clerk2025", "密码跟 用户名 太相似了。"),
        ("12345678", "这个密码太常见了。"),
    ],
    ids=["empty", "one", "own-name", "common"],
)
def test_weak_passwords_are_refused_by_the_service_naming_the_field(password: str, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        staff_create(
            username="clerk2025", password=password, role=Role.PLATFORM_ADMIN, region=None, actor=None
        )
    assert message in refused.value.message_dict["password"]
    assert not get_user_model().objects.filter(username="clerk2025").exists()


def test_the_staff_form_refuses_a_weak_password_beside_the_field(admin: AbstractUser) -> None:
    client = client_for(admin)
    response = client.post(
        "/office/staff/", {"username": "clerk2025", "password": "1", "role": "platform_admin"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<li>密码：密码太短，至少要有 8 个字符。" in page
    assert not get_user_model().objects.filter(username="clerk2025").exists()


def test_sessions_end_after_the_idle_time(clerk: AbstractUser, settings: Any) -> None:
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    client = Client()
    assert try_login(client, "clerk", PASSWORD) == 302
    session = Session.objects.get()
    # Each request pushes the expiry on by the idle time.
    assert timedelta(minutes=29) < session.expire_date - timezone.now() <= timedelta(minutes=30)
    assert signed_in(client)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))  # 30 idle minutes passed
    response = client.get("/office/")
    assert (response.status_code, response["Location"]) == (302, "/office/login/?next=/office/")


def test_a_request_pushes_the_idle_expiry_on_at_most_once_a_minute(
    clerk: AbstractUser, settings: Any
) -> None:
    """A session write per page cost a commit per page; the expiry moves once the last push is
    SESSION_TOUCH_SECONDS old, so idleness still ends the session within a minute of the idle time."""
    assert settings.SESSION_TOUCH_SECONDS == 60
    client = Client()
    assert try_login(client, "clerk", PASSWORD) == 302
    pushed = timezone.now() + timedelta(minutes=10)  # as if the last push was 20 minutes ago
    Session.objects.update(expire_date=pushed)
    assert client.get("/office/").status_code == 200
    assert Session.objects.get().expire_date == pushed  # the last push is not a minute old: no write
    session = client.session
    session["_touched"] -= 60  # a minute has passed since the last push
    session.save()
    Session.objects.update(expire_date=pushed)
    assert client.get("/office/").status_code == 200
    assert timedelta(minutes=29) < Session.objects.get().expire_date - timezone.now() <= timedelta(minutes=30)


def test_an_anonymous_visit_stores_no_session(settings: Any) -> None:
    assert Client().get("/office/login/").status_code == 200
    assert Client().get("/").status_code == 200
    assert not Session.objects.exists()
