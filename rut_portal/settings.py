"""Settings for rut-portal, read from the environment.

With nothing set the portal runs on an embedded default: SQLite and Celery tasks executed
in-process. Setting DATABASE_URL and REDIS_URL switches to PostgreSQL and Redis.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-secret-key-do-not-use-in-production-0123456789abcdef"


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {raw!r}")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from exc


def envlist(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET_KEY)
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("SITE_URL", "http://localhost:8000")

INSTALLED_APPS = [
    # Before django.contrib.admin: its templates/admin/ override the admin's own.
    "backoffice",
    "backoffice.site.RutAdminConfig",  # django.contrib.admin with our site
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_fsm",
    "pgtrigger",
    "axes",
    "csp",
    "registry",
    "procedures",
    "deadlines",
    "documents",
    "portal",
    "agreements",
    "mass_changes",
    "open_data",
    "demo",
    # Last: its post_migrate handler grants role permissions of every app above.
    "accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (django-csp; CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Cache-Control: private, no-store on every response to a signed-in person.
    "rut_portal.security_headers.NoStoreForSignedInMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # A 400 for NUL and other control characters in any parameter or JSON string.
    "rut_portal.input_guard.RejectControlCharactersMiddleware",
    # Officials: 30 minutes idle, 12 hours in all (citizens: portal.views.common).
    "backoffice.sessions.StaffSessionLimitsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last: answers a locked sign-in attempt (django-axes).
    "axes.middleware.AxesMiddleware",
]

# django-axes checks every sign-in through authenticate() (the officials' admin) before the
# password is tried; citizens sign in through portal.services.accounts and its own counters.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, whose user comes with its citizen account in the same statement.
    "portal.backends.AccountBackend",
]

ROOT_URLCONF = "rut_portal.urls"
WSGI_APPLICATION = "rut_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # Replaces Django's `date` filter: day and month names in lower case, as Spanish
            # writes them (Django's es_CO catalogue capitalises them).
            "builtins": ["rut_portal.dates"],
            # {% frozen %}: fragments the same for everyone, rendered once per process.
            "libraries": {"fragments": "rut_portal.fragments"},
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        # Production keeps each worker's connection for a minute (checked before reuse) instead
        # of opening one per request; development opens one per request.
        conn_max_age=envint("DB_CONN_MAX_AGE", 0 if DEBUG else 60),
        conn_health_checks=True,
    )
}
# PostgreSQL production: the role web, workers and beat connect as (DATABASE_URL), while the
# `migrate` service connects as the schema's owner. `manage.py deploy` grants this role row
# access, only INSERT/SELECT on the append-only tables (rut_portal/database_roles.py). Empty: one
# role does everything (development, tests).
DATABASE_APP_ROLE = os.environ.get("DATABASE_APP_ROLE", "")
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Django's backend, whose health check of a kept connection reads its socket instead of
    # sending SELECT 1 when nothing from the server is waiting there (rut_portal/db/postgresql).
    DATABASES["default"]["ENGINE"] = "rut_portal.db.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers wait for the lock instead of failing at once; SQLite serialises them anyway.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "es-co"
LANGUAGES = [("es-co", "Español (Colombia)")]
TIME_ZONE = "America/Bogota"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "media/"
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

LOGIN_URL = "admin:login"

# Content-Security-Policy (django-csp 4): scripts, styles, fonts and images only from our own
# origin, no inline script or style, no plugins, no framing. `check --deploy` fails without it
# (rut_portal.checks).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# No session outlives a working day, whoever holds it (Django's default is two weeks); officials
# and citizens have their own, shorter idle limits on top.
SESSION_COOKIE_AGE = 12 * 60 * 60
# Django's database sessions, their row read by a statement compiled once per process.
SESSION_ENGINE = "rut_portal.sessions"

# Number of reverse proxies in front of the web service that append to X-Forwarded-For (the
# TLS proxy of the production topology: 1). Every per-address limit reads the client's address
# through rut_portal.client.client_address, which trusts exactly this many entries.
TRUSTED_PROXIES = envint("TRUSTED_PROXIES", 0)
if TRUSTED_PROXIES < 0:
    raise ImproperlyConfigured("TRUSTED_PROXIES must be 0 or more")

# Officials' sign-in (/admin/login/): after 5 wrong passwords for one username from one address,
# that username is refused from that address for 15 minutes. The attempt is locked, not the
# person: the owner signs in from elsewhere, and nobody can lock an official out everywhere.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "rut_portal.client.client_address"
AXES_USERNAME_CALLABLE = "backoffice.lockout.attempted_username"
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_VERBOSE = False

# Email: console on the embedded default, SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_PORT = envint("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "RUT <no-responder@rut.localhost>")
# Areas that receive referrals: fiscalización (art. 11) and the legal division (art. 20).
AUDIT_AREA_EMAIL = os.environ.get("AUDIT_AREA_EMAIL", "fiscalizacion@rut.localhost")
LEGAL_DIVISION_EMAIL = os.environ.get("LEGAL_DIVISION_EMAIL", "juridica@rut.localhost")

# The cache holds the API's rate-limit counters. With several web workers they must share one
# (CACHE_URL, e.g. redis://redis:6379/1, a database of its own: clearing the cache empties it);
# without it each process keeps its own, which is right for the single-process embedded default.
# Citizen sign-up and recovery ask a proof-of-work captcha after the first attempt from an
# address (rut_portal/captcha.py): the browser searches up to this number, ~1-2 s for a person.
CAPTCHA_MAX_NUMBER = envint("CAPTCHA_MAX_NUMBER", 100_000)
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "rut",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Celery: a real broker when REDIS_URL is set; otherwise tasks run in-process (still on commit).
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
else:
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ROUTES = {"documents.tasks.*": {"queue": "pdf"}}

REST_FRAMEWORK = {
    "EXCEPTION_HANDLER": "rut_portal.errors.api_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    # Same count as rut_portal.client.client_address (which the throttles use).
    "NUM_PROXIES": TRUSTED_PROXIES,
}
# RUT lookups per client address, for /consulta-rut/ and /api/v1/rut/<nit>/ together
# (DRF notation: 30/minute, 500/hour).
PUBLIC_LOOKUP_RATE = os.environ.get("PUBLIC_LOOKUP_RATE", "30/minute")
# The API docs page loads Swagger UI from our own static files, not from a CDN.
SPECTACULAR_SETTINGS = {
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# NIT allocation: numbers for inscritos that do not use their cédula as NIT come from this
# range (inclusive). It sits above every cédula series, so the two never collide.
NIT_RANGE_START = envint("NIT_RANGE_START", 901_000_000)
NIT_RANGE_END = envint("NIT_RANGE_END", 999_999_999)
# Decreto 2460 de 2013, art. 10 lit. a: a provisional NIT must be activated within 15 days.
PROVISIONAL_NIT_DAYS = envint("PROVISIONAL_NIT_DAYS", 15)
# Decreto 2460 de 2013, art. 9: only personas naturales of the simplified regime are formalised
# electronically by the system; holding any of these responsibilities (casilla 53) sends the
# self-service inscription or update to an official. Default: IVA (48, and the historical 11).
ELECTRONIC_FORMALIZATION_EXCLUDED_RESPONSIBILITIES = envlist(
    "ELECTRONIC_FORMALIZATION_EXCLUDED_RESPONSIBILITIES", "11,48"
)
# Decreto 2460 de 2013, art. 7: a persona natural who becomes an income-tax filer may register
# until the filing deadline of that taxable year's return, due the next year on this month-day
# (MM-DD; the latest day of DIAN's calendar for personas naturales).
INCOME_TAX_FILING_DEADLINE = os.environ.get("INCOME_TAX_FILING_DEADLINE", "10-31")
# Reference tables (seccionales, DIVIPOLA, CIIU, ...) are cached per process; an edit made in
# another process shows within this many seconds (registry.reference_cache).
REFERENCE_CACHE_SECONDS = envint("REFERENCE_CACHE_SECONDS", 300)
# Days the DIAN closes besides national holidays (ISO dates, comma separated): business-day terms
# skip them. A bad date fails the system check deadlines.E001.
EXTRA_NON_BUSINESS_DAYS = envlist("EXTRA_NON_BUSINESS_DAYS", "")
# Legal deadlines: Celery beat sweeps every DEADLINE_SWEEP_SECONDS; a deadline claimed by a worker
# that died is claimed again once its DEADLINE_LEASE_SECONDS lease runs out.
DEADLINE_SWEEP_SECONDS = envint("DEADLINE_SWEEP_SECONDS", 60)
DEADLINE_LEASE_SECONDS = envint("DEADLINE_LEASE_SECONDS", 300)
# Agreements' change feed (agreements/events.py): events younger than EVENTS_SETTLE_SECONDS are
# held back, so that a transaction committing late cannot slip behind a reader's cursor. Beat
# dispatches webhooks every WEBHOOK_DISPATCH_SECONDS; endpoints must be https unless DEBUG.
EVENTS_SETTLE_SECONDS = envint("EVENTS_SETTLE_SECONDS", 10)
WEBHOOK_DISPATCH_SECONDS = envint("WEBHOOK_DISPATCH_SECONDS", 15)
WEBHOOK_REQUIRE_HTTPS = envbool("WEBHOOK_REQUIRE_HTTPS", not DEBUG)
# Open statistics (/estadisticas/): beat recomputes the published figures this often.
OPEN_DATA_PUBLISH_SECONDS = envint("OPEN_DATA_PUBLISH_SECONDS", 3600)

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every rendering step at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
