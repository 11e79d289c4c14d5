"""Staff accounts and API tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import ApiToken, Role, StaffProfile
from accounts.selectors import staff_scope
from audit.services import audit_record
from common import rawsql
from skillsubsidy.regions import Level, UnknownRegion, resolve_region

TOKEN_PREFIX = "ss_"
# Writing last_used_at on every call would turn each read into a write; a minute is precise enough.
_LAST_USED_RESOLUTION = timedelta(minutes=1)


# A district bureau (天河区人社局) works at county level; a city bureau at city level, or for a province
# or municipality (上海市) whose bureau oversees the districts below it.
_ROLE_LEVELS: dict[Role, tuple[Level, ...]] = {
    Role.CITY_BUREAU: ("province", "city"),
    Role.DISTRICT_BUREAU: ("district",),
}

_LEVEL_NAMES = {
    "province": gettext_lazy("province-level"),
    "city": gettext_lazy("city-level"),
    "district": gettext_lazy("county-level"),
}


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_account(*, username: str, password: str, email: str, role: Role, region: str) -> User:
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise ValidationError({"username": _("User “%(name)s” already exists.") % {"name": username}})
    try:
        # The user's own name and e-mail are compared against the password, so the validators see them.
        validate_password(password, user=user_model(username=username, email=email))
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from None
    user = user_model.objects.create_user(username=username, password=password, email=email)
    StaffProfile.objects.create(user=user, role=role.value, region=region)
    assert isinstance(user, User)
    return user


def clerk_account_create(*, username: str, password: str, region: str, email: str = "") -> User:
    """An institution clerk's account. Only `institutions.services.clerk_create` calls this: it
    checks who may create it, links it to the institution and writes the audit row."""
    if not username.strip():
        raise ValidationError({"username": _("A user name is required.")})
    return _new_account(
        username=username, password=password, email=email, role=Role.INSTITUTION, region=region
    )


def worker_account_create(*, username: str, password: str, region: str, email: str = "") -> User:
    """A worker's account. Only `claims.services.worker_register` calls this: it verifies the ID number,
    links the account to it and writes the audit row."""
    if not username.strip():
        raise ValidationError({"username": "a user name is required"})
    return _new_account(username=username, password=password, email=email, role=Role.WORKER, region=region)


@transaction.atomic
def staff_create(
    *,
    username: str,
    password: str,
    role: Role,
    region: str | None,
    actor: User | None,
    email: str = "",
) -> AbstractUser:
    """Create a back-office user. Bureau staff need a region; platform administrators have none.

    `actor=None` is the command line (`manage.py create_staff`), whose operator already controls the
    server; through the web only a platform administrator may create accounts, since a bureau that
    could would be able to make itself an administrator."""
    if actor is not None:
        scope = staff_scope(actor)
        if scope is None or not scope.is_platform_admin:
            raise PermissionDenied("only platform administrators create staff accounts")
    if role is Role.INSTITUTION:
        raise ValidationError(
            {
                "role": _(
                    "An institution clerk's account is created on the institution's page, which links it."
                )
            }
        )
    if role is Role.WORKER:
        raise ValidationError({"role": "a worker's account is made by the worker through the portal"})
    if not username.strip():
        raise ValidationError({"username": _("A user name is required.")})
    code = ""
    if role is not Role.PLATFORM_ADMIN:
        if not region:
            raise ValidationError({"region": _("%(role)s needs a region.") % {"role": role.label}})
        try:
            found = resolve_region(region)
        except UnknownRegion as exc:
            raise ValidationError({"region": str(exc)}) from None
        if found.level not in _ROLE_LEVELS[role]:
            wanted = _(" or ").join(str(_LEVEL_NAMES[level]) for level in _ROLE_LEVELS[role])
            raise ValidationError(
                {"region": _("%(role)s needs a %(wanted)s region; “%(region)s” is %(name)s %(code)s, a "
                             "%(level)s region.") % {"role": role.label, "wanted": wanted, "region": region,
                                                     "name": found.qualified, "code": found.code,
                                                     "level": _LEVEL_NAMES[found.level]}}
            )  # fmt: skip
        code = found.code
    user = _new_account(username=username, password=password, email=email, role=role, region=code)
    audit_record(
        actor=actor,
        action="staff.create",
        target_type="user",
        target_id=user.pk,
        region=code,
        summary=f"创建{role.label}账户 {username}（{code or '全部地区'}）",
    )
    return user


@transaction.atomic
def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token; the raw value is returned once and never stored."""
    if not name.strip():
        raise ValidationError({"name": _("A token needs a name.")})
    prefix = secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name.strip(), prefix=prefix, key_hash=_hash(secret))
    audit_record(
        actor=user,
        action="token.create",
        target_type="api_token",
        target_id=token.pk,
        summary=f"创建API令牌“{token.name}”（{prefix}…）",
    )
    return token, f"{TOKEN_PREFIX}{prefix}_{secret}"


@transaction.atomic
def token_revoke(*, token: ApiToken, actor: User) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="token.revoke",
            target_type="api_token",
            target_id=token.pk,
            summary=f"revoked API token {token.name!r} ({token.prefix}…)",
        )
    return token


# The token, its user and the user's staff profile (the account's role: every write through the API
# asks for it next) in one written-out statement (common.rawsql): it runs on every API call, and through
# the ORM (select_related) it cost a fifth of a claim submission's Python.
_TOKEN_READS = rawsql.attnames(ApiToken, ("id", "user", "key_hash", "last_used_at"))
_USER_READS = rawsql.attnames(User)
_STAFF_READS = rawsql.attnames(StaffProfile)
_TOKEN_SQL = (
    f"SELECT {rawsql.columns('t', ApiToken, _TOKEN_READS)}, {rawsql.columns('u', User, _USER_READS)}, "
    f"{rawsql.columns('s', StaffProfile, _STAFF_READS)} FROM {ApiToken._meta.db_table} t "
    f'JOIN {User._meta.db_table} u ON u."id" = t."user_id" '
    f'LEFT JOIN {StaffProfile._meta.db_table} s ON s."user_id" = u."id" '
    'WHERE t."prefix" = %s AND t."revoked_at" IS NULL'
)


def token_authenticate(raw: str) -> User | None:
    """The active user behind a raw token, or None; constant-time on the secret."""
    if not raw.startswith(TOKEN_PREFIX) or raw.count("_") < 2:
        return None
    prefix, _, secret = raw[len(TOKEN_PREFIX) :].partition("_")
    with connection.cursor() as cursor:
        cursor.execute(_TOKEN_SQL, [prefix])
        row = cursor.fetchone()
    if row is None:
        return None
    u = len(_TOKEN_READS)
    s = u + len(_USER_READS)
    token = rawsql.instance(ApiToken, _TOKEN_READS, row[:u])
    if not hmac.compare_digest(token.key_hash, _hash(secret)):
        return None
    user = rawsql.instance(User, _USER_READS, row[u:s])
    if not user.is_active:
        return None
    staff = rawsql.instance(StaffProfile, _STAFF_READS, row[s:]) if row[s] is not None else None
    if staff is not None:
        staff.user = user
    # As select_related leaves it: `user.staff` is the profile, or raises DoesNotExist without a query.
    StaffProfile._meta.get_field("user").remote_field.set_cached_value(user, staff)
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > _LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user
