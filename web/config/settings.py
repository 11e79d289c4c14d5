"""Settings for the skillsubsidy web app, read from the environment.

Development needs nothing set. Production sets at least DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE),
DJANGO_ALLOWED_HOSTS and DATABASE_URL; see the README's production section.
"""

from __future__ import annotations

import os
import sys
import warnings
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from common.files import PRIVATE_UMASK
from config.env import env_bool, env_float, env_int, env_list, env_str

WEB_DIR = Path(__file__).resolve().parent.parent
REPO_DIR = WEB_DIR.parent
VAR_DIR = Path(env_str("SKILLSUBSIDY_VAR_DIR") or REPO_DIR / "var")
# Whatever this process writes (the SQLite database and its WAL, uploads, policy directories,
# backups) is readable by its own account only; `manage.py bootstrap` tightens older files.
os.umask(PRIVATE_UMASK)
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

DEBUG = env_bool("DJANGO_DEBUG", default=False)

_DEV_SECRET = "dev-only-insecure-secret-key-never-use-in-production"


def _secret_key() -> str:
    if key := env_str("DJANGO_SECRET_KEY"):
        return key
    if path := env_str("DJANGO_SECRET_KEY_FILE"):
        try:
            key = Path(path).read_text("utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"DJANGO_SECRET_KEY_FILE={path!r} cannot be read: {exc}") from exc
        if not key:
            raise ImproperlyConfigured(f"DJANGO_SECRET_KEY_FILE={path!r} is empty")
        return key
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY (or DJANGO_SECRET_KEY_FILE) must be set when DJANGO_DEBUG is off"
        )
    warnings.warn(
        "\n*** Using the DEVELOPMENT-ONLY secret key: sessions and tokens are forgeable. ***\n"
        "*** Set DJANGO_SECRET_KEY before exposing this server to anyone.               ***",
        stacklevel=1,
    )
    print("WARNING: skillsubsidy is running with the development-only SECRET_KEY", file=sys.stderr)
    return _DEV_SECRET


SECRET_KEY = _secret_key()


def _data_keys() -> list[str]:
    """Fernet keys for personal data at rest, newest first (older ones only decrypt, for rotation).
    Read lazily by common.personal, which refuses to store personal data without one."""
    if keys := env_list("SKILLSUBSIDY_DATA_KEYS", []):
        return keys
    if path := env_str("SKILLSUBSIDY_DATA_KEYS_FILE"):
        try:
            return [k.strip() for k in Path(path).read_text("utf-8").splitlines() if k.strip()]
        except OSError as exc:
            raise ImproperlyConfigured(f"SKILLSUBSIDY_DATA_KEYS_FILE={path!r} cannot be read: {exc}") from exc
    return []


PERSONAL_DATA_KEYS = _data_keys()
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",
    "axes",
    "accounts",
    "common",
    "calendars",
    "audit",
    "catalogs",
    "standards",
    "institutions",
    "calls",
    "classes",
    "claims",
    "portal",
    "backoffice",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "common.middleware.private_pages",
    # Before WhiteNoise, which answers static files without calling the middleware after it.
    "common.csp.content_security_policy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outside the others, so that it sees the final answer to every request under /api/.
    "api.middleware.json_errors",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Inside the session middleware, so that the session it marks is saved on the way out.
    "common.middleware.idle_sessions",
    "django.middleware.locale.LocaleMiddleware",
    # After the locale, so that its refusal speaks the page's language.
    "common.middleware.refuse_unsafe_input",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it answers a locked-out login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "accounts.context_processors.staff",
            ],
        },
    },
]


def _databases() -> dict[str, dict[str, object]]:
    url = env_str("DATABASE_URL")
    if url:
        db: dict[str, object] = dict(dj_database_url.parse(url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60)))
        if db["ENGINE"] == "django.db.backends.postgresql":
            db["CONN_HEALTH_CHECKS"] = True
            # Parameters bound by the server and statements prepared after a few uses on a connection
            # (ADR 0020): Django's default composes every value into the SQL text in Python and has
            # the server parse and plan each statement afresh, about half of a claim submission's
            # database CPU and a millisecond of its Python. A pooler in transaction mode that cannot
            # keep prepared statements (PgBouncer before 1.21) needs DB_PREPARED_STATEMENTS=0.
            db["OPTIONS"] = {
                "server_side_binding": True,
                "prepare_threshold": 5 if env_bool("DB_PREPARED_STATEMENTS", default=True) else None,
            }
    else:
        VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
        db = {"ENGINE": "django.db.backends.sqlite3", "NAME": VAR_DIR / "skillsubsidy.sqlite3"}
    if db["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers run beside the one writer; IMMEDIATE makes a writer queue for the lock
        # at BEGIN (and wait up to `timeout`) instead of failing mid-transaction with "locked".
        db["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
                "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-20000;"
            ),
        }
    return {"default": db}


DATABASES = _databases()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed logins are counted per account and, separately, per client address; either reaching the
# limit locks it for the cool-off, which every further try restarts.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("SKILLSUBSIDY_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("SKILLSUBSIDY_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "accounts.login.client_ip"
AXES_LOCKOUT_CALLABLE = "accounts.login.locked_out"
AXES_VERBOSE = False  # accounts.login logs each failure in one line
LOGIN_URL = "backoffice:login"
LOGIN_REDIRECT_URL = "backoffice:home"
LOGOUT_REDIRECT_URL = "portal:home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [WEB_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [WEB_DIR / "static"]
STATIC_ROOT = Path(env_str("DJANGO_STATIC_ROOT") or VAR_DIR / "static")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_ROOT = Path(env_str("DJANGO_MEDIA_ROOT") or VAR_DIR / "uploads")
# Official attachments are a few MB at most; anything far larger is a mistake or an attack.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Every standards edit writes a policy directory to var/policy/; the one in use and this many of the
# newest others are kept.
POLICY_DIRS_KEPT = env_int("SKILLSUBSIDY_POLICY_DIRS_KEPT", 3)
# The longest text and the longest JSON list any field takes (common.middleware); fields have
# narrower limits of their own.
INPUT_MAX_CHARS = 10_000
INPUT_MAX_ITEMS = 1_000
UPLOAD_MAX_BYTES = env_int("SKILLSUBSIDY_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
# How stale a worker's quote engine may be after a publication or a new standard (ADR 0011).
GENERATION_CHECK_SECONDS = env_float("SKILLSUBSIDY_GENERATION_CHECK_SECONDS", 1.0)
# What one upload's parse may take on (ADR 0012). It runs in a child process within the memory,
# CPU and wall-clock limits; the table limits refuse a file before most of it is read.
UPLOAD_MAX_ROWS = env_int("SKILLSUBSIDY_UPLOAD_MAX_ROWS", 200_000)
UPLOAD_MAX_COLUMNS = env_int("SKILLSUBSIDY_UPLOAD_MAX_COLUMNS", 200)
UPLOAD_MAX_CELLS = env_int("SKILLSUBSIDY_UPLOAD_MAX_CELLS", 2_000_000)
UPLOAD_MAX_PAGES = env_int("SKILLSUBSIDY_UPLOAD_MAX_PAGES", 1_000)
UPLOAD_MAX_UNPACKED_BYTES = env_int("SKILLSUBSIDY_UPLOAD_MAX_UNPACKED_BYTES", 200 * 1024 * 1024)
UPLOAD_MAX_CELL_CHARS = env_int("SKILLSUBSIDY_UPLOAD_MAX_CELL_CHARS", 100_000)
UPLOAD_PARSE_MEMORY_MB = env_int("SKILLSUBSIDY_UPLOAD_PARSE_MEMORY_MB", 1024)
UPLOAD_PARSE_CPU_SECONDS = env_int("SKILLSUBSIDY_UPLOAD_PARSE_CPU_SECONDS", 60)
UPLOAD_PARSE_WALL_SECONDS = env_int("SKILLSUBSIDY_UPLOAD_PARSE_WALL_SECONDS", 90)
# Niceness of the parse process (0–19): it runs on what the request threads leave (ADR 0012).
UPLOAD_PARSE_NICE = env_int("SKILLSUBSIDY_UPLOAD_PARSE_NICE", 10)
# Uploads read at once per server process; the rest are refused, so request threads stay free.
UPLOAD_PARSE_CONCURRENCY = env_int("SKILLSUBSIDY_UPLOAD_PARSE_CONCURRENCY", 2)

# Objections filed on a call's public notice page, per sender address and per contact, in any 24
# hours. 002 asks for a notice but says nothing about how objections reach the city; these bound a
# public form against flooding and are the city's to change.
CALL_OBJECTIONS_PER_SENDER = env_int("SKILLSUBSIDY_CALL_OBJECTIONS_PER_SENDER", 5)
CALL_OBJECTIONS_PER_CONTACT = env_int("SKILLSUBSIDY_CALL_OBJECTIONS_PER_CONTACT", 3)

SESSION_COOKIE_HTTPONLY = True
# A session ends after this much idle time: a request pushes the expiry forward when the last push
# is at least SESSION_TOUCH_SECONDS old (common.middleware.idle_sessions), not on every request.
SESSION_COOKIE_AGE = env_int("SKILLSUBSIDY_SESSION_IDLE_MINUTES", 30) * 60
SESSION_TOUCH_SECONDS = 60
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("DJANGO_BEHIND_PROXY", False) else None
)
# Sent only on answers over HTTPS (directly or as the proxy reports it), so plain-HTTP development is
# unaffected. Browsers remember it: start low in a new deployment, then raise it.
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_personal_data": {"()": "accounts.privacy.MaskPersonalDataFilter"},
        "denials_in_one_line": {"()": "common.logs.DenialsInOneLine"},
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["mask_personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL") or "INFO"},
    # Django's defaults give `django` an unfiltered console (in DEBUG) and mail to ADMINS, and
    # `django.server` its own console; naming them here drops those handlers, so every record
    # reaches the one masked console through the root.
    "loggers": {
        "django": {"handlers": [], "propagate": True},
        "django.server": {"handlers": [], "propagate": True},
        "django.request": {"handlers": [], "propagate": True, "filters": ["denials_in_one_line"]},
        "django.db.backends": {"level": "WARNING"},
        # Its INFO lines repeat accounts.login's one line per failure; lockouts are warnings.
        "axes": {"level": "WARNING"},
    },
}

NINJA_PAGINATION_PER_PAGE = 50
