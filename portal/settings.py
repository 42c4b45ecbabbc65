"""Channel Portal settings: one module, every value read from the environment.

See README.md, "Configuration", for the list of variables. ``DJANGO_ENV=production``
switches on the secure defaults and refuses to start without a real secret key.
"""

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import csp.constants as csp
import environ
from celery.schedules import crontab

from portal import exports
from portal.discovery import app_modules

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env.str("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"
TESTING = env.bool("PORTAL_TESTING", default=False)

DEBUG = env.bool("DJANGO_DEBUG", default=not PRODUCTION and not TESTING)
if PRODUCTION:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY")
else:
    SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="insecure-development-key-change-me")
ALLOWED_HOSTS = env.list(
    "DJANGO_ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework_api_key",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "simple_history",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    "import_export",
    "csp",
]
# The project's own apps, bottom layer first (docs/architecture.md): each imports only the
# apps before it. The kernel finds the apps' URLs, API routes, periodic jobs, staff-group
# permissions and demo data through this list, never by importing them.
# Months, quarters and statements are counted in the manufacturer's time zone (also Celery
# beat's, below).
MANUFACTURER_TIME_ZONE = env.str("MANUFACTURER_TIME_ZONE", default="Asia/Shanghai")

PROJECT_APPS = [
    "portal",
    "dealers",
    "webhooks",
    "deals",
    "commissions",
    "inventory",
    "conflicts",
    "collaboration",
    "rotation",
    "pricing",
    "mdf",
    "reviews",
    "dashboards",
]
INSTALLED_APPS += PROJECT_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "portal.middleware.RejectNullCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "portal.middleware.UserLanguageMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "portal.middleware.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "portal.middleware.RequestActorMiddleware",
    "portal.site.SiteUrlMiddleware",
    "portal.middleware.TimeZoneMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# DATABASE_URL unset: a SQLite file under var/ (the demo works with no PostgreSQL).
VAR_DIR.mkdir(exist_ok=True)
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("TEST", {})
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 30
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache, Celery -------------------------------------------------------------
# REDIS_URL unset: a local-memory cache and a file-based Celery broker under var/, so
# that `make run` works on a machine without Redis.
REDIS_URL = env.str("REDIS_URL", default="")
# Under pytest-xdist (``make test`` runs two test workers) each worker has its own Redis
# database, as it has its own test database: tests clear the cache, and a Celery test
# worker consumes the broker's queue. gw0 keeps the URL's database, gwN the Nth after it.
_XDIST_WORKER = env.str("PYTEST_XDIST_WORKER", default="") if TESTING else ""
if REDIS_URL and _XDIST_WORKER.startswith("gw"):
    _url = urlsplit(REDIS_URL)
    _db = (int(_url.path.strip("/") or 0) + int(_XDIST_WORKER[2:])) % 16
    REDIS_URL = urlunsplit(_url._replace(path=f"/{_db}"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "portal.cache.FailOpenRedisCache",  # Redis down: misses, not 500s
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="portal"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
if CELERY_BROKER_URL == "filesystem://":
    _queue_dir = VAR_DIR / "celery-queue"
    (_queue_dir / "processed").mkdir(parents=True, exist_ok=True)
    (_queue_dir / "control").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_queue_dir / "processed"),
        # the exchange table of broadcasts (kombu's default is ./control in the work tree)
        "control_folder": str(_queue_dir / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Beat reads every crontab in the manufacturer's zone: crontab(hour=2) is 02:00 there.
CELERY_TIMEZONE = MANUFACTURER_TIME_ZONE
# A running job run without a heartbeat (progress) for this long is stalled: its process
# was killed; the sweep (`mark_stalled_jobs`) marks it failed so that it can be re-run.
JOB_STALL_AFTER_MINUTES = env.int("JOB_STALL_AFTER_MINUTES", default=30)
# Succeeded runs of the every-minute sweeps (``SWEEP_JOBS`` in the apps' schedule.py) are
# purged after this many days; failed runs and all other jobs' runs are kept.
JOB_RUNS_SWEEPS_KEPT_DAYS = env.int("JOB_RUNS_SWEEPS_KEPT_DAYS", default=14)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Each app lists its periodic jobs in `<app>/schedule.py:BEAT_SCHEDULE` (the ops twin of
# each is a management command); they are merged here.
CELERY_BEAT_SCHEDULE = {
    "portal-heartbeat": {"task": "portal.tasks.heartbeat", "schedule": crontab(minute="*/5")},
}
for _schedule in app_modules(PROJECT_APPS, "schedule"):
    CELERY_BEAT_SCHEDULE.update(_schedule.BEAT_SCHEDULE)

# --- Auth -----------------------------------------------------------------------------
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24 * 7  # invitation links stay valid for a week
if TESTING:
    # Django's advice for fast tests: the default hasher (PBKDF2, 1,000,000 iterations)
    # takes 0.3 s a password here, and the suite creates users by the thousand. Everywhere
    # else, including `make run`, Django's default hashers apply.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Staff sign in with a second factor (a TOTP app; recovery codes) before any page, the
# admin or the session API; on by default wherever DEBUG is off except under the test
# settings (tests that check it switch it on). Others may opt in (portal/mfa.py).
STAFF_MFA_REQUIRED = env.bool("STAFF_MFA_REQUIRED", default=not DEBUG and not TESTING)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="Channel Portal")

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文"), ("zh-hant", "繁體中文")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True
# One date style per language and thousands grouped the same way in every language
# (portal/formats/<locale>/formats.py). Numbers are grouped where they are amounts or
# quantities (``|money``, ``|intcomma``), not everywhere: ids and page numbers in URLs and
# element ids must stay plain, so USE_THOUSAND_SEPARATOR stays off.
FORMAT_MODULE_PATH = ["portal.formats"]
USE_THOUSAND_SEPARATOR = False
MANUFACTURER_CURRENCY = env.str("MANUFACTURER_CURRENCY", default="CNY")

# --- Static and media -----------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "staticfiles")
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# The largest request body (forms and API JSON; files are counted apart): a sales batch of
# 10,000 lines is about 3 MB.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=10 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 20000

# --- Exports (django-import-export in the admin) ----------------------------------------
# Cells that would start a formula are neutralised (portal/exports.py), whatever the format.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True
EXPORT_FORMATS = exports.EXPORT_FORMATS

# --- E-mail ---------------------------------------------------------------------------
EMAIL_CONFIG = env.email_url(
    "EMAIL_URL", default="consolemail://" if not PRODUCTION else "smtp://localhost:25"
)
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Channel Portal <portal@example.com>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- REST API -------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.api.authentication.ApiKeyAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["portal.api.permissions.PortalPermission"],
    # JSON bodies: size limit, nesting limit and no NUL in any string (portal/api/parsers.py)
    "DEFAULT_PARSER_CLASSES": [
        "portal.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "portal.api.pagination.CursorPagination",
    "DEFAULT_FILTER_BACKENDS": [
        "portal.api.filters.PortalFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "portal.api.throttling.ApiKeyRateThrottle",
        "portal.api.throttling.SessionRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"api_key": env.str("API_KEY_RATE", default="600/min")},
    # documents each operation's error statuses too (portal/api/schema.py)
    "DEFAULT_SCHEMA_CLASS": "drf_standardized_errors.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + ([] if PRODUCTION else ["rest_framework.renderers.BrowsableAPIRenderer"]),
    "COERCE_DECIMAL_TO_STRING": True,
    "DATETIME_FORMAT": "iso-8601",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# API calls of browser sessions, per person; the password-reset form (it sends e-mail), per
# client address and per e-mail address (portal/api/throttling.py)
API_SESSION_RATE = env.str("API_SESSION_RATE", default="600/min")
PASSWORD_RESET_RATE = env.str("PASSWORD_RESET_RATE", default="5/hour")
API_KEY_CUSTOM_HEADER = None  # keys arrive in `Authorization: Api-Key <key>`
_API_ERROR_STATUSES = ["400", "401", "403", "404", "405", "406", "415", "429"]
DRF_STANDARDIZED_ERRORS = {
    "ENABLE_IN_DEBUG_FOR_UNHANDLED_EXCEPTIONS": False,
    # documented on every operation that can answer them; 409 and 422 only where declared
    # (portal.api.schema.error_responses); a 500 is a bug, never part of the contract
    "ALLOWED_ERROR_STATUS_CODES": _API_ERROR_STATUSES,
    "ERROR_SCHEMAS": {
        status: "portal.api.schema.ErrorResponseSerializer" for status in _API_ERROR_STATUSES
    },
    "EXCEPTION_HANDLER_CLASS": "portal.api.exceptions.ExceptionHandler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Channel Portal API",
    "DESCRIPTION": "REST API for dealers' and the manufacturer's systems. "
    "Authenticate with `Authorization: Api-Key <key>`.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_GENERATE_CHOICE_DESCRIPTION": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "drf_standardized_errors.openapi_hooks.postprocess_schema_enums",
    ],
}

# --- Deal registration (DOMAIN.md §12) ------------------------------------------------
# An approved registration is protected for this many days after the approval date (through
# 23:59:59 manufacturer time of the last day); one extension adds DEALS_EXTENSION_DAYS.
DEALS_PROTECTION_DAYS = env.int("DEALS_PROTECTION_DAYS", default=90)
DEALS_EXTENSION_DAYS = env.int("DEALS_EXTENSION_DAYS", default=30)
# E-mail domains that never make two registrations the same customer (anyone has one).
DEALS_FREE_MAIL_DOMAINS = env.list(
    "DEALS_FREE_MAIL_DOMAINS",
    default=[
        "qq.com",
        "163.com",
        "126.com",
        "sina.com",
        "foxmail.com",
        "gmail.com",
        "outlook.com",
        "hotmail.com",
        "yahoo.com",
    ],
)

# --- Webhooks (DOMAIN.md §15) -------------------------------------------------------
# Endpoints must use https in production. Private, loopback and link-local receivers (an
# SSRF risk) are refused in production whatever the variable says; development and tests
# allow them (a receiver on 127.0.0.1).
WEBHOOK_REQUIRE_HTTPS = PRODUCTION or env.bool("WEBHOOK_REQUIRE_HTTPS", default=False)
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = not PRODUCTION and env.bool(
    "WEBHOOK_ALLOW_PRIVATE_ADDRESSES", default=True
)

# --- Security -------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp 4) on every response: scripts only from this site's
# static files, never inline (no template has an inline script or on* handler; tested).
# Inline *styles* stay allowed: templates, the admin and htmx set style attributes, and
# styles cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF, csp.UNSAFE_INLINE],
        "img-src": [csp.SELF, "data:"],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    }
}
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # plain-HTTP health checks of a load balancer
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# --- Logging (structured: one JSON object a line) -------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="json" if PRODUCTION else "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
AXES_VERBOSE = False
