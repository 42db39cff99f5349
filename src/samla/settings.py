"""Django settings, read from the environment so one build serves the embedded run and scale-out.

Every setting a deployment may change is listed in docs/configuration.md (a test keeps the two in step).
"""

import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent

# SAMLA_DATA_DIR: where the embedded database, the file store and caches live.
DATA_DIR = Path(os.environ.get("SAMLA_DATA_DIR", PROJECT_DIR / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


# SECRET_KEY: signs sessions and tokens. The embedded default is generated once and kept in DATA_DIR.
def _secret_key() -> str:
    if key := os.environ.get("SECRET_KEY"):
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        import secrets

        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = os.environ.get("SAMLA_DEBUG", "") == "1"
# SAMLA_BASE_URL: the public address, used for permanent links and in exports.
BASE_URL = os.environ.get("SAMLA_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = [h for h in os.environ.get("SAMLA_ALLOWED_HOSTS", "").split(",") if h] or [
    "127.0.0.1",
    "localhost",
    "testserver",
    BASE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0],
]
# SAMLA_NAME: the repository's name, shown in the header and in "Search in <name>".
REPOSITORY_NAME = os.environ.get("SAMLA_NAME", "Samla")
# SAMLA_URN_RESOLVER: where URN:NBN permanent links resolve.
URN_RESOLVER = os.environ.get("SAMLA_URN_RESOLVER", "https://urn.kb.se/resolve?urn=")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # Swagger UI from our own static files, not a CDN
    "samla.core",
    "samla.vocabularies",
    "samla.organisations",
    "samla.people",
    "samla.journals",
    "samla.accounts",
    "samla.records",
    "samla.files",
    "samla.stats",
    "samla.exports",
    "samla.citations",
    "samla.search",
    "samla.oai",
    "samla.imports",
    "samla.quality",
    "samla.demo",
    "samla.jobs",
    "samla.sso",
    "djangosaml2",
    "django_tasks",
    "django_tasks_db",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "djangosaml2.middleware.SamlSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "samla.accounts.middleware.ApiTokenMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "samla.core.middleware.RefuseNulInApiMiddleware",
    "samla.core.middleware.SamlaErrorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "samla.urls"
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
                "samla.core.context_processors.repository",
                "samla.core.context_processors.reviewing",
            ],
        },
    },
]
WSGI_APPLICATION = "samla.wsgi.application"

# DATABASE_URL: PostgreSQL for scale-out (postgres://user@host:5432/name); the default is SQLite in DATA_DIR.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'samla.sqlite3'}"), conn_max_age=60
    )
}
# One test database per test process, so two suites running at once never drop each other's database.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_samla_{os.getpid()}"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Sign-in throttled by django-axes, per account and per address apart: SAMLA_SIGN_IN_ATTEMPTS failures lock
# the account (whoever tries) and the address (whichever account) for SAMLA_SIGN_IN_LOCKOUT_MINUTES. The
# lockout page says the same whether the account exists or not.
# The backends are listed with single sign-on's, below.
AXES_FAILURE_LIMIT = int(os.environ.get("SAMLA_SIGN_IN_ATTEMPTS", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("SAMLA_SIGN_IN_LOCKOUT_MINUTES", "15")) / 60
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_SENSITIVE_PARAMETERS = ["password", "token"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "home"


LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("sv", "Svenska")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise looks here at start-up; `collectstatic` fills it
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
# SAMLA_SECURE_COOKIES: send the session and CSRF cookies over HTTPS only; on when SAMLA_BASE_URL is https.
SECURE_COOKIES = (
    os.environ.get("SAMLA_SECURE_COOKIES", "1" if BASE_URL.startswith("https://") else "0") == "1"
)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_SAMESITE = CSRF_COOKIE_SAMESITE = "Lax"
# SAMLA_SESSION_HOURS: how long a sign-in lasts without a visit.
SESSION_COOKIE_AGE = int(float(os.environ.get("SAMLA_SESSION_HOURS", "12")) * 3600)
# SAMLA_BEHIND_HTTPS_PROXY: the server sits behind a proxy that ends TLS and sets X-Forwarded-Proto.
if os.environ.get("SAMLA_BEHIND_HTTPS_PROXY", "") == "1":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
if BASE_URL.startswith("https://"):
    CSRF_TRUSTED_ORIGINS = [BASE_URL]
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SAMLA_LOG_LEVEL", "WARNING")},
}

# SAMLA_LOCAL_ID_PREFIX: the prefix of local ids minted for new records ("samla:42").
LOCAL_ID_PREFIX = os.environ.get("SAMLA_LOCAL_ID_PREFIX", "samla")

# SAMLA_RECORD_PAGE_CACHE_SECONDS: how long an anonymous reader's copy of a record page is kept. A change
# to the record itself shows at once; a renamed person, organisation or journal within this time.
RECORD_PAGE_CACHE_SECONDS = int(os.environ.get("SAMLA_RECORD_PAGE_CACHE_SECONDS", "300"))
# SAMLA_CACHE_MAX_ENTRIES: entries each server process keeps in its cache (record pages, citations); the
# bound on its memory, which a crawler walking every record page fills (docs/reliability.md, the soaks):
# kept small, as a full cache of record pages is most of what a crawler adds to a worker's memory.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("SAMLA_CACHE_MAX_ENTRIES", "1000"))},
    }
}

# Citations (docs/citations.md). SAMLA_CITATION_STYLE_DIRS: colon-separated directories of local CSL styles,
# searched before the 10,844 packaged ones. SAMLA_CITATION_MEMORY_LIMIT_MB: V8 heap limit of each citeproc-js
# context (one per server thread). SAMLA_CITATION_ENGINES: built style engines kept per thread.
CITATION_STYLE_DIRS = [d for d in os.environ.get("SAMLA_CITATION_STYLE_DIRS", "").split(":") if d]
CITATION_MEMORY_LIMIT_MB = int(os.environ.get("SAMLA_CITATION_MEMORY_LIMIT_MB", "1024"))
CITATION_ENGINES_PER_THREAD = int(os.environ.get("SAMLA_CITATION_ENGINES", "12"))
# SAMLA_CITATION_ENGINE_BUDGET_MB: the V8 heap the built engines of a worker process may hold; past it the
# least recently used are dropped. Room for APA and a few small styles, not all five DiVA styles: the
# engines are most of a worker's memory (docs/reliability.md, the soaks).
CITATION_ENGINE_BUDGET_MB = int(os.environ.get("SAMLA_CITATION_ENGINE_BUDGET_MB", "64"))
# SAMLA_CITATION_WARM_UP: CSL locales (comma-separated) for which server workers build the five DiVA styles'
# engines at start; off (0) by default, as the five do not fit the default engine budget.
CITATION_WARM_UP = [c for c in os.environ.get("SAMLA_CITATION_WARM_UP", "0").split(",") if c not in ("", "0")]
CITATION_BUILD_TIMEOUT = 20.0  # seconds to build one engine, far above APA's build (docs/benchmarks.md)
CITATION_RENDER_TIMEOUT = 5.0  # seconds to render one entry, far above a built engine's render

# SAMLA_ADMIN_EMAIL: the address harvesters are given in OAI-PMH Identify.
ADMIN_EMAIL = os.environ.get("SAMLA_ADMIN_EMAIL", "repository@example.org")
# Mail: records' notifications (records/notifications.py) and password resets (accounts/mail.py), sent by
# the jobs worker. SAMLA_EMAIL_BACKEND is "smtp" (to SAMLA_EMAIL_HOST) or "files" (each mail a file in
# $SAMLA_DATA_DIR/mail: `make run`).
EMAIL_BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "files": "django.core.mail.backends.filebased.EmailBackend",
}
_email_backend = os.environ.get("SAMLA_EMAIL_BACKEND", "smtp")
if _email_backend not in EMAIL_BACKENDS:
    raise ImproperlyConfigured(f"SAMLA_EMAIL_BACKEND is {_email_backend!r}: it must be smtp or files.")
EMAIL_BACKEND = EMAIL_BACKENDS[_email_backend]
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_HOST = os.environ.get("SAMLA_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("SAMLA_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("SAMLA_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("SAMLA_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("SAMLA_EMAIL_TLS", "") == "1"
EMAIL_TIMEOUT = 30  # seconds: the worker, not a reader, waits for a slow mail server
DEFAULT_FROM_EMAIL = os.environ.get("SAMLA_EMAIL_FROM", ADMIN_EMAIL)
# SAMLA_OAI_REPOSITORY_ID: the domain-name part of this repository's OAI identifiers (oai:<id>:<local id>).
OAI_REPOSITORY_ID = os.environ.get("SAMLA_OAI_REPOSITORY_ID", "samla.example.org")

# SAMLA_FILE_STORE_DIR: the content-addressed store of full-text files (docs/files.md).
FILE_STORE_DIR = Path(os.environ.get("SAMLA_FILE_STORE_DIR", DATA_DIR / "files")).resolve()
# SAMLA_MAX_UPLOAD_BYTES: the largest file that may be attached; a larger one is refused with 413.
MAX_UPLOAD_BYTES = int(os.environ.get("SAMLA_MAX_UPLOAD_BYTES", str(512 * 1024 * 1024)))
# SAMLA_EXTRACT_INLINE_MAX_BYTES: PDFs up to this size have their text extracted during the upload;
# larger ones are left pending for `samla files extract`.
EXTRACT_INLINE_MAX_BYTES = int(os.environ.get("SAMLA_EXTRACT_INLINE_MAX_BYTES", str(5 * 1024 * 1024)))

# SAMLA_STATS_BUFFER_SECONDS: usage events are written together at most this many seconds after the
# answer (0: at once, in the request, as the tests do); see docs/stats.md.
STATS_BUFFER_SECONDS = float(os.environ.get("SAMLA_STATS_BUFFER_SECONDS", "1"))

# Bounded work per request (docs/operations.md). SAMLA_STREAM_MAX_RECORDS: the records a list or search
# export streams in one request; SAMLA_CITE_MAX_RECORDS: the entries a bibliography formats in one request.
# Over them the request is refused with 413 before anything streams, and the page offers a background job.
# SAMLA_STREAM_SECONDS: a streamed answer still running after this is cut (the client sees it incomplete).
STREAM_MAX_RECORDS = int(os.environ.get("SAMLA_STREAM_MAX_RECORDS", "5000"))
CITE_MAX_RECORDS = int(os.environ.get("SAMLA_CITE_MAX_RECORDS", "1000"))
STREAM_SECONDS = float(os.environ.get("SAMLA_STREAM_SECONDS", "25"))

# Background jobs (docs/architecture.md): Django's Tasks API on the database (django-tasks-db), run by
# `samla jobs worker`. SAMLA_JOB_MAX_RECORDS and SAMLA_JOB_SECONDS bound one job; SAMLA_JOB_KEEP_HOURS is how
# long its file is kept in DATA_DIR/jobs; SAMLA_JOB_MAX_ACTIVE: unfinished jobs per user or session;
# SAMLA_JOB_MAX_QUEUED: unfinished jobs in all.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
JOB_MAX_RECORDS = int(os.environ.get("SAMLA_JOB_MAX_RECORDS", "1000000"))
JOB_SECONDS = float(os.environ.get("SAMLA_JOB_SECONDS", "3600"))
JOB_KEEP_HOURS = float(os.environ.get("SAMLA_JOB_KEEP_HOURS", "24"))
JOB_MAX_ACTIVE = int(os.environ.get("SAMLA_JOB_MAX_ACTIVE", "2"))
JOB_MAX_QUEUED = int(os.environ.get("SAMLA_JOB_MAX_QUEUED", "50"))
JOB_ATTEMPTS = 3  # runs of a job whose worker stopped under it before it is reported failed
# SAMLA_JOB_STALE_SECONDS: a running job whose worker has not reported for this long is taken as lost.
JOB_STALE_SECONDS = float(os.environ.get("SAMLA_JOB_STALE_SECONDS", "60"))
JOB_DIR = DATA_DIR / "jobs"

# Accounts (docs/configuration.md). SAMLA_ROLE_RULES: a JSON list of rules that grant roles from single
# sign-on attributes at sign-in, e.g. [{"affiliations": ["staff", "faculty"], "role": "depositor",
# "organisation": "home"}]; SAMLA_HOME_ORGANISATIONS: a JSON object from the home organisation an identity
# provider names ("his.se") to an organisation identifier ("his:1").
ROLE_RULES = json.loads(
    os.environ.get("SAMLA_ROLE_RULES", "")
    or '[{"affiliations": ["staff", "faculty"], "role": "depositor", "organisation": "home"}]'
)
HOME_ORGANISATIONS = json.loads(os.environ.get("SAMLA_HOME_ORGANISATIONS", "") or "{}")

# Single sign-on (samla.sso, docs/configuration.md "Single sign-on").
# SAMLA_SAML_IDP_METADATA: the identity providers' metadata, files or https URLs separated by spaces (a
# federation's aggregate, such as SWAMID's, names them all); none turns SAML sign-in off.
# SAMLA_SAML_IDP_METADATA_CERT: the certificate that signs metadata fetched from a URL (checked when set).
SAML_IDP_METADATA = os.environ.get("SAMLA_SAML_IDP_METADATA", "").split()
SAML_IDP_METADATA_CERT = os.environ.get("SAMLA_SAML_IDP_METADATA_CERT", "")
# SAMLA_SAML_METADATA_REFRESH_SECONDS: how long a server process keeps the metadata it read.
SAML_METADATA_REFRESH_SECONDS = float(os.environ.get("SAMLA_SAML_METADATA_REFRESH_SECONDS", "21600"))
# SAMLA_SAML_ENTITY_ID: this service provider's name in the federation; its metadata is served there.
SAML_ENTITY_ID = os.environ.get("SAMLA_SAML_ENTITY_ID", f"{BASE_URL}/saml2/metadata/")
# SAMLA_SAML_KEY_FILE, SAMLA_SAML_CERT_FILE: the SP's key pair (PEM), made once into DATA_DIR/saml if unset.
SAML_KEY_FILE = Path(os.environ.get("SAMLA_SAML_KEY_FILE", DATA_DIR / "saml" / "sp-key.pem"))
SAML_CERT_FILE = Path(os.environ.get("SAMLA_SAML_CERT_FILE", DATA_DIR / "saml" / "sp-cert.pem"))
# SAMLA_SAML_ATTRIBUTES: JSON changing which attribute (its friendly name) gives each of Samla's fields.
SAML_ATTRIBUTES = {
    "username": ["eduPersonPrincipalName"],
    "email": ["mail"],
    "display_name": ["displayName"],
    "given_name": ["givenName"],
    "family_name": ["sn"],
    "orcid": ["eduPersonOrcid"],
    "affiliations": ["eduPersonScopedAffiliation", "eduPersonAffiliation"],
    "home_organisation": ["schacHomeOrganization"],
    **json.loads(os.environ.get("SAMLA_SAML_ATTRIBUTES", "{}")),
}
# SAMLA_SAML_LOCAL_ID_SCOPES: "liu.se=liu,his.se=his": the user matth80@liu.se has the local id liu:matth80,
# the one authority records hold.
SAML_LOCAL_ID_SCOPES = dict(
    item.split("=", 1) for item in os.environ.get("SAMLA_SAML_LOCAL_ID_SCOPES", "").split(",") if "=" in item
)
# SAMLA_SAML_DISCOVERY_URL: a discovery service (SeamlessAccess, the federation's) instead of Samla's choice.
SAML2_DISCO_URL = os.environ.get("SAMLA_SAML_DISCOVERY_URL", "") or None
# SAMLA_SAML_CONTACT_EMAIL: the technical and support contact in the SP metadata.
SAML_CONTACT_EMAIL = os.environ.get("SAMLA_SAML_CONTACT_EMAIL", ADMIN_EMAIL)
# SAMLA_SAML_ENTITY_CATEGORIES: entity categories the SP declares (space-separated URIs), so that IdPs
# release attributes (REFEDS Research and Scholarship, GÉANT Code of Conduct).
SAML_ENTITY_CATEGORIES = os.environ.get("SAMLA_SAML_ENTITY_CATEGORIES", "").split()
# djangosaml2: the SP configuration is built by samla.sso.saml; refusals are explained by samla.sso.views.
SAML_CONFIG_LOADER = "samla.sso.saml.sp_config"
SAML_DEFAULT_BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
SAML_ACS_FAILURE_RESPONSE_FUNCTION = "samla.sso.views.saml_refused"
SAML2_CUSTOM_WAYF_TEMPLATE = "sso/choose_idp.html"
SAML_ATTRIBUTE_MAPPING = {SAML_ATTRIBUTES["username"][0]: ("username",)}
SAML_DJANGO_USER_MAIN_ATTRIBUTE = "username"
SAML_CREATE_UNKNOWN_USER = True
SAML_CSP_HANDLER = ""
# The IdP posts its answer from another site: the SAML session cookie must travel with that POST, which
# browsers allow only for SameSite=None, and only over HTTPS.
SAML_SESSION_COOKIE_SAMESITE = "None" if BASE_URL.startswith("https://") else "Lax"

# Sign in with ORCID (OpenID Connect). SAMLA_ORCID_CLIENT_ID and SAMLA_ORCID_CLIENT_SECRET: the client
# registered at ORCID (developer tools, or a member API client); without an id ORCID sign-in is off.
# SAMLA_ORCID_ISSUER: https://orcid.org, https://sandbox.orcid.org, or any OpenID provider whose `sub` is
# an ORCID iD; its endpoints come from its discovery document.
ORCID_ISSUER = os.environ.get("SAMLA_ORCID_ISSUER", "https://orcid.org").rstrip("/")
ORCID_CLIENT_ID = os.environ.get("SAMLA_ORCID_CLIENT_ID", "")
ORCID_CLIENT_SECRET = os.environ.get("SAMLA_ORCID_CLIENT_SECRET", "")

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: a locked account or address goes no further
    "django.contrib.auth.backends.ModelBackend",
    "samla.sso.backends.SamlBackend",
    "samla.sso.backends.OrcidBackend",
]
