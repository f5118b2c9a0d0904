"""Settings for ICS Portal, read from the environment (see .env.example).

Defaults are safe for production: DEBUG is off and a SECRET_KEY must be given.
The quick start (`make run`) sets DJANGO_DEBUG=true, which also allows a
throwaway secret key and a SQLite file when no DATABASE_URL is set.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="insecure-dev-only-key" if DEBUG else environ.Env.NOTSET)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
# A kept connection is checked before reuse, so after a database restart no request fails on a dead one.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False


SHORT_QUERY_OPTIONS = "-c jit=off -c max_parallel_workers_per_gather=0"


def for_short_queries(database):
    """A PostgreSQL connection without JIT or parallel query (unless its URL's own `options` say otherwise): both
    pay for a query that runs for seconds on an idle server, and the portal runs many queries of milliseconds at
    once. JIT compiled the decisions list's count for 0.9 s; a parallel plan has three processes share the work
    of one, on cores that other requests are waiting for (ADR 12)."""
    if database["ENGINE"] == "django.db.backends.postgresql":
        database.setdefault("OPTIONS", {}).setdefault("options", SHORT_QUERY_OPTIONS)
    return database


for_short_queries(DATABASES["default"])


def replica_databases(primary):
    """DATABASE_REPLICA_URLS (comma-separated): streaming replicas of the primary, as replica_0, replica_1, …"""
    replicas = {}
    for number, url in enumerate(env.list("DATABASE_REPLICA_URLS", default=[])):
        replica = env.db_url_config(url)
        replica.update(CONN_MAX_AGE=primary["CONN_MAX_AGE"], CONN_HEALTH_CHECKS=True, ATOMIC_REQUESTS=False)
        # libpq's shortest: a replica that does not answer holds a reader at most 2 s, once per retry period.
        replica.setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
        replicas[f"replica_{number}"] = for_short_queries(replica)
    return replicas


# Anonymous reads go to a replica, everything else to the primary (ics_portal/core/db_router.py; README).
DATABASES.update(replica_databases(DATABASES["default"]))
DATABASE_REPLICAS = [alias for alias in DATABASES if alias != "default"]
DATABASE_ROUTERS = ["ics_portal.core.db_router.ReplicaRouter"]
# How long a replica that refused a connection is left alone, and how long a client's reads stay on the
# primary after its own write (longer than the replicas ever lag).
DATABASE_REPLICA_RETRY_SECONDS = env.int("DATABASE_REPLICA_RETRY_SECONDS", default=5)
DATABASE_READ_YOUR_WRITES_SECONDS = env.int("DATABASE_READ_YOUR_WRITES_SECONDS", default=10)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "ics_portal.core",
    "places",
    "partners",
    "governance",
    "staff",
    "ics_portal.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A path or query string holding NUL (%00) answers 400 before any view or file look-up sees it.
    "ics_portal.core.middleware.NulCharacterMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A view that cannot reach the database answers 503 with Retry-After, not 500.
    "ics_portal.core.middleware.DatabaseUnavailableMiddleware",
    # Anonymous GETs may read from a replica; writes set the read-your-writes cookie. Absent without replicas.
    "ics_portal.core.db_router.ReplicaReadsMiddleware",
    # OPTIONS on a page answers its Allow header without the page; TRACE answers 405.
    "ics_portal.core.middleware.HttpMethodsMiddleware",
    # Anonymous reads from the shared cache, keyed on the data version; ETag, Last-Modified, 304.
    "ics_portal.core.response_cache.ResponseCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes last, as its docs ask.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "ics_portal.urls"
WSGI_APPLICATION = "ics_portal.wsgi.application"

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
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]


def storage_config():
    """Where uploads are stored: MEDIA_ROOT on this server's disk (the quick start, or one app server), or
    with DJANGO_STORAGE_BACKEND=s3 (or AWS_STORAGE_BUCKET_NAME set) a private S3-compatible bucket that every
    app server shares (django-storages; boto3 must be installed). Nothing is public: no ACL is set (the
    bucket's own, private, applies), storage URLs are signed, and the portal's view streams every file."""
    bucket = env("AWS_STORAGE_BUCKET_NAME", default="")
    backend = env("DJANGO_STORAGE_BACKEND", default="s3" if bucket else "filesystem").lower()
    if backend == "filesystem":
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    if backend != "s3":
        raise environ.ImproperlyConfigured(f"DJANGO_STORAGE_BACKEND is {backend!r}: give filesystem or s3.")
    if not bucket:
        raise environ.ImproperlyConfigured("DJANGO_STORAGE_BACKEND=s3 needs AWS_STORAGE_BUCKET_NAME.")
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            # Credentials come from boto3's own sources: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a role.
            "endpoint_url": env("AWS_S3_ENDPOINT_URL", default=None),  # an S3-compatible store other than AWS
            "region_name": env("AWS_S3_REGION_NAME", default=None),
            "location": env("AWS_LOCATION", default=""),  # a prefix inside a shared bucket
            "default_acl": None,
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
            "custom_domain": None,
        },
    }


STORAGES = {
    "default": storage_config(),
    "staticfiles": {
        "BACKEND": env(
            "DJANGO_STATICFILES_STORAGE",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
# Uploaded documents: stored under random names (governance.models.document_upload_to), outside static/,
# and served by no URL pattern and not by WhiteNoise (which serves STATIC_ROOT only). The portal's document
# view streams a file to the public once it is published, and to staff who may edit it before. Whatever
# storage production uses must not be publicly readable or listable.
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media")))
# The largest upload accepted (ics_portal/core/uploads.py), in bytes: 20 MB.
DOCUMENT_MAX_BYTES = env.int("DOCUMENT_MAX_BYTES", default=20 * 1024 * 1024)

# Background jobs (docs/adr/0011): on the database queue, run by `manage.py db_worker`. The SQLite quick start
# (or TASKS_INLINE=true) runs each job inline in the request that starts it, so it needs no worker.
TASKS_INLINE = env.bool("TASKS_INLINE", default=DATABASES["default"]["ENGINE"].endswith("sqlite3"))
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend"
        if TASKS_INLINE
        else "django_tasks_db.DatabaseBackend"
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Where the shipped reference data lives (copied from shared/data).
REFERENCE_DATA_DIR = BASE_DIR / "data"

# Security: secure cookies and HTTPS in production, relaxed only under DEBUG.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe /healthz over plain HTTP on the private side of the TLS proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG
SESSION_COOKIE_HTTPONLY = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        # No <base> may point links elsewhere, and forms (search, the admin) submit to this site only.
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
    }
}

# How many reverse proxies sit in front of the portal, each appending to X-Forwarded-For (0 = clients
# connect to gunicorn directly). The client's address, for sign-in lock-out and API rate limits alike,
# is the one the outermost of them saw: ics_portal/core/client_address.py. Too low a count makes every
# client look like the proxy; too high lets clients choose their address.
NUM_PROXIES = env.int("DJANGO_NUM_PROXIES", default=0 if DEBUG else 1)

# Sign-in lock-out (django-axes): 5 failures for one username from one client address lock that pair
# (never the username everywhere) for an hour; a failure while locked starts the hour again.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "ics_portal.core.client_address.client_address"
# An NHS.UK page with 429 and Retry-After that says how long to wait: staff/lockout.py.
AXES_LOCKOUT_CALLABLE = "staff.lockout.lockout_response"


# The default cache holds the API's rate-limit counts. Production: CACHE_URL=redis://HOST:6379/N, one
# Redis shared by every worker and server (ics_portal/api/throttling.py; fails open if Redis is down).
# Without CACHE_URL: a per-process memory cache, for the quick start only.
def cache_config(variable, socket_timeout=0.5):
    """A cache from the URL in an environment variable; none: local memory."""
    config = env.cache(variable, default="locmemcache://")
    # django-environ leaves ?key_prefix=, ?timeout=… lower-case for Django's Redis backend, which ignores them.
    for option in ("timeout", "key_prefix", "version", "key_function"):
        if option in config:
            config[option.upper()] = config.pop(option)
    if config["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
        # A Redis that stops answering must not hold requests (redis-py waits for ever by default).
        config.setdefault("OPTIONS", {}).setdefault("socket_connect_timeout", socket_timeout)
        config["OPTIONS"].setdefault("socket_timeout", socket_timeout)
    return config


CACHES = {
    "default": cache_config("CACHE_URL"),
    # Anonymous pages and API answers (ics_portal/core/response_cache.py): the same Redis in production,
    # given up on sooner, as a page can always be rendered instead.
    "responses": cache_config("CACHE_URL", socket_timeout=0.25),
}

# The apps whose tables are public data: a change to any moves the data version (ics_portal/core/data_version.py).
PUBLIC_DATA_APPS = ["places", "partners", "governance"]
RESPONSE_CACHE_ENABLED = env.bool("RESPONSE_CACHE_ENABLED", default=True)
# How long the shared cache keeps an answer: its key changes with the data, so this only bounds memory.
RESPONSE_CACHE_SECONDS = env.int("RESPONSE_CACHE_SECONDS", default=3600)
RESPONSE_CACHE_MAX_BYTES = 2 * 1024 * 1024
# What browsers and CDNs may do with an anonymous answer: keep it a minute, and serve it for five more while
# they fetch a fresh one. Short, because a write is visible at once only to those who ask the portal.
RESPONSE_MAX_AGE = env.int("RESPONSE_MAX_AGE", default=60)
RESPONSE_STALE_WHILE_REVALIDATE = env.int("RESPONSE_STALE_WHILE_REVALIDATE", default=300)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="WARNING")},
}

# REST API (/api/v1/, ics_portal/api/): open reads, staff writes by token or session.
# Anonymous clients get API_ANON_THROTTLE_RATE per client address (429 with Retry-After past it),
# counted in the default cache: Redis in production, so the limit holds across workers and servers.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first, so an anonymous write gets 401 with `WWW-Authenticate: Token`. `Bearer <key>` works too.
        "ics_portal.api.authentication.TokenOrBearerAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["ics_portal.api.permissions.StaffMayWrite"],
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "ics_portal.api.renderers.CSVRenderer",
    ],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "ics_portal.api.pagination.PortalPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": [
        "ics_portal.api.throttling.AnonymousThrottle",
        "ics_portal.api.throttling.StaffThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("API_ANON_THROTTLE_RATE", default="120/minute"),
        "user": env("API_USER_THROTTLE_RATE", default="1200/minute"),
    },
    # The portal's throttles use ics_portal.core.client_address; DRF's own get_ident gets the same count.
    "NUM_PROXIES": NUM_PROXIES,
    "EXCEPTION_HANDLER": "ics_portal.api.exceptions.portal_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "ics_portal.api.schema.PortalAutoSchema",
    "DEFAULT_VERSIONING_CLASS": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ICS Portal API",
    "DESCRIPTION": (
        "Integrated care systems, their places, partner organisations, boards, members, meetings and MoUs. "
        "Reads are open and need no credentials; writes need a staff token (`Authorization: Bearer …` or "
        "`Token …`). Lists are paginated (`page`, `page_size` 1 to 500), filterable (`modified_since`, …), "
        "orderable (`ordering`) and come as JSON or CSV (`?format=csv` or `Accept: text/csv`). Lists of dated "
        "records (ICSs, places, organisations, partnerships, boards, seats, MoUs, programmes) give what is true "
        "today unless `as_at=YYYY-MM-DD` names another day, or `include=all` (or `modified_since`, a sync) asks for "
        "every row, past and future. "
        "An unknown parameter or ordering field is a 400 naming the allowed ones. Every error is "
        '`{"detail", "code", "errors"?}`, `errors` naming each field or parameter at fault. '
        "Every answer has an ETag; send it "
        "back in If-None-Match (304) or If-Match on updates (412 if the record changed). Anonymous clients "
        "may make 120 requests a minute (429 with Retry-After past that)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "ics_portal.api.schema.blank_strings_any_of",
        "ics_portal.api.schema.query_parameters_allow_empty",
        "ics_portal.api.schema.shared_parameter_enums",
    ],
    "ENUM_NAME_OVERRIDES": {
        "OrganisationKindEnum": "partners.models.Organisation.Kind",
        "BoardKindEnum": "governance.models.Board.Kind",
        "SuccessionKindEnum": "places.models.IcsSuccession.Kind",
        "DocumentKindEnum": "governance.models.Document.Kind",
        "AgendaItemKindEnum": "governance.models.AgendaItem.Kind",
        "OrganisationSuccessionKindEnum": "partners.models.OrganisationSuccession.Kind",
    },
}

# The ODS files `manage.py sync_ods` reads when given none: paths or URLs, comma-separated (partners/ods.py).
ODS_SYNC_FILES = env.list("ODS_SYNC_FILES", default=[])
