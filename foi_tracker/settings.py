"""FOI Tracker settings: one file, every production value from the environment.

The embedded defaults run the whole app from `var/` with SQLite, a filesystem Celery
broker and mail written to files, so that `make run` needs nothing else.
"""

from __future__ import annotations

from pathlib import Path

import django_stubs_ext
import environ

# Lets admin.ModelAdmin[Model] and QuerySet[Model] be subscripted at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("FOI_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

# Everything the embedded default writes lives under var/; make sure it exists.
for _folder in (VAR_DIR, VAR_DIR / "static"):
    _folder.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str(
    "SECRET_KEY", default="dev-only-insecure-key-change-me-in-production-0123456789"
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_celery_beat",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "requests_app",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "foi_tracker.urls"
WSGI_APPLICATION = "foi_tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "requests_app.views.page_cache.csrf_placeholder",
            ],
            # Each area keeps its template tags beside its code; templates load them by
            # these names ({% load alert_tags %}). foi_tags, the site's own, is found in
            # requests_app/templatetags/.
            "libraries": {
                "alert_tags": "requests_app.alerts.templatetags",
                "batch_tags": "requests_app.batches.templatetags",
                "chaser_tags": "requests_app.chasers.templatetags",
                "extraction_tags": "requests_app.extraction.templatetags",
                "insights_tags": "requests_app.insights.templatetags",
                "mail_tags": "requests_app.mail.templatetags",
                "redaction_tags": "requests_app.redaction.templatetags",
                "report_tags": "requests_app.reports.templatetags",
                "search_tags": "requests_app.search.templatetags",
            },
        },
    },
]

# The main pages are kept whole per user under the pages version (views/page_cache.py),
# in each process's memory: a page is at most about 120 KB.
FOI_PAGE_CACHE = env.bool("FOI_PAGE_CACHE", default=True)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": 300},
    },
}


def _database() -> dict[str, object]:
    config = env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'foi.sqlite3'}")
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Web server, worker and beat share one file: WAL and immediate transactions
        # keep them from tripping over "database is locked".
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    else:
        config.setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
        config.setdefault("CONN_HEALTH_CHECKS", True)
    return dict(config)


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# The calendar's date indexes carry the columns it filters on (INCLUDE) so that PostgreSQL
# reads them index-only; SQLite builds the same indexes without those columns.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"  # or the first-steps checklist (accounts.AccountLoginView)
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    # Uploaded originals are never served from a public URL: every download goes
    # through a permission-checked view.
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "files"), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedStaticFilesStorage"
        ),
    },
}
MEDIA_ROOT = VAR_DIR / "files"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "requests_app.api.schema.ApiSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("FOI_API_ANON_RATE", default="60/hour"),
        "user": env.str("FOI_API_USER_RATE", default="5000/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "FOI Tracker API",
    "DESCRIPTION": "Requests, correspondence, deadlines and search for FOI campaigners.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "ENUM_NAME_OVERRIDES": {
        "RegimeEnum": "requests_app.models.bodies.regime_choices",
        "MessageKindEnum": "requests_app.models.correspondence.MessageKind",
        "EventKindEnum": "requests_app.models.requests.EventKind",
        "RecordableEventKindEnum": "requests_app.api.schema.recordable_event_kinds",
    },
}
# Spreadsheet import limits.
FOI_IMPORT_MAX_BYTES = env.int("FOI_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
FOI_IMPORT_MAX_ROWS = env.int("FOI_IMPORT_MAX_ROWS", default=5_000)

FOI_MAX_UPLOAD_BYTES = env.int("FOI_MAX_UPLOAD_BYTES", default=50 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Mail: files under var/mail/ unless EMAIL_URL says otherwise.
_email_url = env.str("EMAIL_URL", default="")
if _email_url:
    vars().update(env.email_url_config(_email_url))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="FOI Tracker <foi-tracker@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Text extraction and OCR: limits on what one attachment may cost, and the OCR set-up.
FOI_EXTRACTION_MAX_FILE_BYTES = env.int("FOI_EXTRACTION_MAX_FILE_BYTES", default=100 * 1024**2)
FOI_EXTRACTION_MAX_PAGES = env.int("FOI_EXTRACTION_MAX_PAGES", default=5000)
FOI_ARCHIVE_MAX_UNPACKED_BYTES = env.int("FOI_ARCHIVE_MAX_UNPACKED_BYTES", default=500 * 1024**2)
FOI_ARCHIVE_MAX_RATIO = env.int("FOI_ARCHIVE_MAX_RATIO", default=100)
FOI_ARCHIVE_MAX_MEMBERS = env.int("FOI_ARCHIVE_MAX_MEMBERS", default=1000)
FOI_ARCHIVE_MAX_DEPTH = env.int("FOI_ARCHIVE_MAX_DEPTH", default=3)
FOI_EXTRACTION_TIME_LIMIT = env.int("FOI_EXTRACTION_TIME_LIMIT", default=300)
FOI_OCR_TIME_LIMIT = env.int("FOI_OCR_TIME_LIMIT", default=3600)
FOI_OCR_LANGUAGES = env.str("FOI_OCR_LANGUAGES", default="eng")
FOI_TESSERACT_COMMAND = env.str("FOI_TESSERACT_COMMAND", default="tesseract")
FOI_SOFFICE_COMMAND = env.str("FOI_SOFFICE_COMMAND", default="soffice")
# Where catdoc, xls2csv and catppt are (legacy Office files without LibreOffice); "": PATH.
FOI_CATDOC_PATH = env.str("FOI_CATDOC_PATH", default="")

# Full-text search: the stemming language (run search_reindex after changing it) and how
# many matches of a very common word are ranked and counted.
FOI_SEARCH_LANGUAGE = env.str("FOI_SEARCH_LANGUAGE", default="english")
FOI_SEARCH_WINDOW = env.int("FOI_SEARCH_WINDOW", default=1000)

# Alerts: how many days before the regulator window closes to warn, when a claimed
# "sending" row counts as stuck, and how long to gather messages into one alert.
FOI_ALERT_REGULATOR_WARNING_DAYS = env.int("FOI_ALERT_REGULATOR_WARNING_DAYS", default=7)
FOI_ALERT_SENDING_TIMEOUT = env.int("FOI_ALERT_SENDING_TIMEOUT", default=900)
FOI_ALERT_COALESCE_SECONDS = env.int("FOI_ALERT_COALESCE_SECONDS", default=300)

FOI_INBOUND_DOMAIN = env.str("FOI_INBOUND_DOMAIN", default="replies.foi-tracker.example")
FOI_INBOUND_SECRET = env.str("FOI_INBOUND_SECRET", default="dev-only-inbound-secret")
FOI_INBOUND_PREFIX = env.str("FOI_INBOUND_PREFIX", default="foi")
IMAP_URL = env.str("IMAP_URL", default="")
# Limits on mail from outside: a message over them is quarantined with the reason.
FOI_MAIL_MAX_MESSAGE_BYTES = env.int("FOI_MAIL_MAX_MESSAGE_BYTES", default=50 * 1024 * 1024)
FOI_MAIL_MAX_ATTACHMENTS = env.int("FOI_MAIL_MAX_ATTACHMENTS", default=100)
FOI_MAIL_MAX_NESTING_DEPTH = env.int("FOI_MAIL_MAX_NESTING_DEPTH", default=8)
FOI_MAIL_SEND_MAX_ATTEMPTS = env.int("FOI_MAIL_SEND_MAX_ATTEMPTS", default=5)
# A batch asking more bodies than this is refused: split it into smaller batches.
FOI_BATCH_MAX_BODIES = env.int("FOI_BATCH_MAX_BODIES", default=500)
# Inbound webhooks (django-anymail), at mail/inbound/<service>/: Mailgun signs its posts
# with MAILGUN_WEBHOOK_SIGNING_KEY; Postmark sends ANYMAIL_WEBHOOK_SECRET ("user:password")
# as basic auth, which every service's post must then carry. A service whose secret is
# unset takes no mail; `check --deploy` fails until each listed service has its secret.
FOI_INBOUND_WEBHOOKS = env.list("FOI_INBOUND_WEBHOOKS", default=["mailgun", "postmark"])
# Development only: take posts from a listed service whose secret is unset, unchecked.
FOI_INBOUND_ALLOW_UNSIGNED = env.bool("FOI_INBOUND_ALLOW_UNSIGNED", default=False)
ANYMAIL: dict[str, str] = {
    "MAILGUN_WEBHOOK_SIGNING_KEY": env.str("MAILGUN_WEBHOOK_SIGNING_KEY", default=""),
}
if env.str("ANYMAIL_WEBHOOK_SECRET", default=""):
    ANYMAIL["WEBHOOK_SECRET"] = env.str("ANYMAIL_WEBHOOK_SECRET")

# Celery: Redis when REDIS_URL is set, else the filesystem transport under var/celery/.
REDIS_URL = env.str("REDIS_URL", default="")
FOI_TASKS_EAGER = env.bool("FOI_TASKS_EAGER", default=False)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = FOI_TASKS_EAGER
CELERY_TASK_EAGER_PROPAGATES = FOI_TASKS_EAGER
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Queued work that has waited this long for a worker is queued again by the stranded-work
# sweep (requests_app/queueing.py); work whose worker died is queued again when its lease ends.
FOI_STRANDED_AFTER_SECONDS = env.int("FOI_STRANDED_AFTER_SECONDS", default=600)
# Queues: mail in and out on "mail", text extraction on "extract", OCR on "ocr" (slow),
# everything else on the default "celery" queue.
CELERY_TASK_ROUTES = {
    "mail.*": {"queue": "mail"},
    "alerts.deliver*": {"queue": "mail"},
    "extraction.ocr*": {"queue": "ocr"},
    "extraction.*": {"queue": "extract"},
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # Redis hands an unacknowledged task to another worker after the visibility timeout:
    # longer than the longest task (OCR) and the longest retry countdown (an hour), so a
    # task that is running or waiting for its retry is never given out twice.
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, object] = {
        "visibility_timeout": FOI_OCR_TIME_LIMIT + 2 * 3600
    }
else:
    _celery_dir = VAR_DIR / "celery"
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_celery_dir / "queue"),
        "data_folder_out": str(_celery_dir / "queue"),
        "processed_folder": str(_celery_dir / "processed"),
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # WeasyPrint logs every page it lays out at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Security and production ---
# Everything below hardens the site for the internet; `make run` on http://127.0.0.1 keeps
# working because the HTTPS-only settings wait for FOI_HTTPS=1.
from email.utils import getaddresses  # noqa: E402

from django.core.exceptions import ImproperlyConfigured  # noqa: E402

INSTALLED_APPS += [
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
]


def _insert_after(existing: str, *added: str) -> None:
    """Put middleware right after the one whose work it builds on."""
    position = MIDDLEWARE.index(existing) + 1
    MIDDLEWARE[position:position] = list(added)


# The policy header as early as possible; facts read once per page view and the second
# factor right after the session user is known; the login throttle last (django-axes
# turns its refusals into a 429 there).
_insert_after("django.middleware.security.SecurityMiddleware", "csp.middleware.CSPMiddleware")
_insert_after(
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "requests_app.per_request.PerRequestMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "requests_app.security.middleware.TwoFactorMiddleware",
)
MIDDLEWARE.append("axes.middleware.AxesMiddleware")

# Behind a TLS-terminating proxy: FOI_HTTPS=1 makes cookies secure, redirects http to https
# and sends HSTS (RFC 6797). The proxy must set X-Forwarded-Proto and strip any the client sent.
FOI_HTTPS = env.bool("FOI_HTTPS", default=False)
if FOI_HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("FOI_HSTS_SECONDS", default=365 * 24 * 3600)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("FOI_HSTS_INCLUDE_SUBDOMAINS", default=True)
    SECURE_HSTS_PRELOAD = env.bool("FOI_HSTS_PRELOAD", default=True)
    # A load balancer probes the health check over plain http on the private network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True

# Content-Security-Policy (django-csp): scripts only from our own static files, never inline.
# Inline styles stay allowed: a formatted email is shown in a srcdoc frame that inherits this
# policy, and its style attributes (already cut to a list of harmless properties by nh3) are
# what lay it out. Nothing may load from another origin, so a style cannot leak data out.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        **({"upgrade-insecure-requests": True} if FOI_HTTPS else {}),
    },
}

# Login throttling (django-axes): a username is locked for a while, from the address it was
# guessed from, after FOI_LOGIN_FAILURE_LIMIT wrong passwords.
AXES_ENABLED = env.bool("FOI_LOGIN_THROTTLING", default=True)
AXES_FAILURE_LIMIT = env.int("FOI_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("FOI_LOGIN_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "requests_app.security.addresses.client_ip"
# How many proxies in front of the app append to X-Forwarded-For (0: trust none of it).
FOI_TRUSTED_PROXIES = env.int("FOI_TRUSTED_PROXIES", default=0)
AUTHENTICATION_BACKENDS = [
    "requests_app.security.backends.LoginThrottlingBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Optional two-factor login with a TOTP app (RFC 6238), through django-otp.
OTP_TOTP_ISSUER = env.str("FOI_OTP_ISSUER", default="FOI Tracker")

# Who hears about problems: the fixity check mails them, and so does Django on a 500.
ADMINS = getaddresses(env.list("ADMINS", default=[]))

# Files on an S3-compatible object store (django-storages) when FOI_S3_BUCKET is set;
# without keys, boto3 finds credentials its usual way (instance role, ~/.aws).
FOI_S3_BUCKET = env.str("FOI_S3_BUCKET", default="")
if FOI_S3_BUCKET:
    STORAGES = {
        **STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": FOI_S3_BUCKET,
                "endpoint_url": env.str("FOI_S3_ENDPOINT_URL", default="") or None,
                "region_name": env.str("FOI_S3_REGION", default="") or None,
                "access_key": env.str("FOI_S3_ACCESS_KEY_ID", default="") or None,
                "secret_key": env.str("FOI_S3_SECRET_ACCESS_KEY", default="") or None,
                "location": env.str("FOI_S3_PREFIX", default=""),
                "addressing_style": env.str("FOI_S3_ADDRESSING_STYLE", default="") or None,
                # Originals are private: no public ACL, and never overwritten in place.
                "default_acl": None,
                "file_overwrite": False,
                "querystring_auth": True,
            },
        },
    }

# Logs: one JSON object per line (FOI_LOG_FORMAT=json) for a log collector, or plain text.
FOI_LOG_FORMAT = env.str("FOI_LOG_FORMAT", default="plain")
if FOI_LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f"FOI_LOG_FORMAT must be plain or json, not {FOI_LOG_FORMAT!r}")
LOGGING["formatters"]["json"] = {"()": "foi_tracker.logging.JsonFormatter"}  # type: ignore[index]
LOGGING["handlers"]["console"]["formatter"] = FOI_LOG_FORMAT  # type: ignore[index]
# django-axes tells of every successful login at INFO; failures and lockouts are warnings.
LOGGING["loggers"]["axes"] = {"level": "WARNING"}  # type: ignore[index]
# Celery workers and beat log through the same handler (JSON lines too) instead of their own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = FOI_LOG_FORMAT == "plain"

# The health check: how old the newest beat run may be before it counts as stalled.
FOI_HEALTH_BEAT_MAX_AGE = env.int("FOI_HEALTH_BEAT_MAX_AGE", default=3 * 3600)
# Who may read the health check's details (queues, broker, beat, fixity): staff, or a monitor
# sending "Authorization: Bearer <this token>". Anyone else learns only ok or failing.
FOI_HEALTH_TOKEN = env.str("FOI_HEALTH_TOKEN", default="")
