"""Settings for SimpleLogin, read from the environment (and a local `.env` file when present)."""

import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see .env.example).")
    SECRET_KEY = "django-insecure-local-development-only"

# The port `make run` (and the Docker image's gunicorn) listens on; URL follows it unless set.
PORT = env.int("PORT", default=7777)
URL = env("URL", default=f"http://127.0.0.1:{PORT}").rstrip("/")
_url = urlsplit(URL)
URL_IS_HTTPS = _url.scheme == "https"
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[_url.hostname or "127.0.0.1", "localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[f"{_url.scheme}://{_url.netloc}"])

INSTALLED_APPS = [
    "simplelogin.apps.AdminConfig",  # django.contrib.admin with our site (simplelogin/admin.py)
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "corsheaders",
    "csp",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.mfa",
    "allauth.usersessions",
    "allauth.socialaccount.providers.github",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.facebook",
    "oauth2_provider",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "djstripe",
    "accounts",
    "oauth_provider",
    "billing",
]

MIDDLEWARE = [
    "simplelogin.middleware.HealthCheckMiddleware",
    "simplelogin.logs.RequestLogMiddleware",
    "simplelogin.middleware.ProtocolMiddleware",  # the protocol endpoints leave here for PROTOCOL_MIDDLEWARE
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "simplelogin.middleware.NoStoreMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "simplelogin.middleware.RejectNullCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "simplelogin.middleware.LocaleMiddleware",  # Django's, after the user is known: their chosen language wins
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "simplelogin.middleware.SessionActivityMiddleware",  # allauth.usersessions' middleware, once a minute
]
# What the token, userinfo, introspection, revocation, discovery and JWKS endpoints go through (after the two
# above): no sessions, user, CSRF, messages or allauth, which those machine-to-machine calls never use.
PROTOCOL_MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "simplelogin.middleware.NoStoreMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "simplelogin.middleware.RejectNullCharactersMiddleware",
]

ROOT_URLCONF = "simplelogin.urls"
WSGI_APPLICATION = "simplelogin.wsgi.application"

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
                "simplelogin.context_processors.site",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Concurrent writers wait for the lock (timeout, seconds) instead of failing with "database is locked";
    # IMMEDIATE takes the write lock at BEGIN, so a transaction never fails upgrading a read lock.
    # WAL lets readers go on while one writer writes (a no-op for the suite's in-memory database).
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
# gunicorn's worker count (the Dockerfile passes it on); more than one needs REDIS_URL (check simplelogin.W001).
WEB_CONCURRENCY = env.int("WEB_CONCURRENCY", default=1)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "simplelogin.cache.FallbackRedisCache",  # process memory while Redis is down
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
# Argon2id at OWASP's parameters (19 MiB, t=2, p=1) first; other hashes, older Argon2 ones too, upgrade on log in.
PASSWORD_HASHERS = [
    "accounts.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "accounts.hashers.LegacyBCryptPasswordHasher",  # `bcrypt$` hashes imported from 2019 (import_legacy)
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "oauth_provider.hashers.ClientSecretSHA256Hasher",  # client secrets only (OAUTH2_PROVIDER CLIENT_SECRET_HASHER)
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"

# django-allauth
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_FORMS = {
    "login": "accounts.forms.LoginForm",
    "signup": "accounts.forms.SignupForm",
    "reset_password": "accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "accounts.forms.ResetPasswordKeyForm",
    "change_password": "accounts.forms.ChangePasswordForm",
    "set_password": "accounts.forms.SetPasswordForm",
}
# One address per person: the login address is the forwarding mailbox. Changing it (/accounts/email/) adds the new
# address unverified next to it; only once it is verified does it replace the old one (allauth's CHANGE_EMAIL,
# which requires MAX_EMAIL_ADDRESSES = 2: the current address and the pending one).
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_MAX_EMAIL_ADDRESSES = 2
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[SimpleLogin] "
# Security mail (templates/account/email/, templates/mfa/email/): password changed, set or reset, email changed
# (to the old and the new address), a factor added or removed, new recovery codes, a sign-in from a new browser.
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if URL_IS_HTTPS else "http"
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/300s/key",
    "signup": "20/m/ip",
    "reset_password": "20/m/ip,5/h/key,10/d/key",  # at most 10 reset mails a day to one address
    "reset_password_from_key": "20/m/ip",
    "confirm_email": "1/180s/key",
    "change_password": "5/m/user",
    "promo_code": "10/h/user",  # billing.views.promo: no guessing codes
    "partner_apply": "5/h/ip",  # developer.views.partner: each application mails the support address
    "partner_code": "10/h/user",  # developer.views.partner_code: no guessing codes
    "alias_test_email": "10/h/user",  # accounts.views.alias_test_email: each one is a real outbound mail
}
ACCOUNT_RATE_LIMITS_ENABLED = env.bool("RATE_LIMITS_ENABLED", default=True)
if not ACCOUNT_RATE_LIMITS_ENABLED:
    ACCOUNT_RATE_LIMITS = False
# Re-authentication (allauth's `reauthentication_required`): sensitive actions ask for the password or a second
# factor again when the last one is older than this many seconds (docs/security.md).
ACCOUNT_REAUTHENTICATION_TIMEOUT = env.int("REAUTHENTICATION_TIMEOUT", default=300)
ACCOUNT_REAUTHENTICATION_REQUIRED = True  # allauth's own: adding/removing addresses, setting a password, social links
# Two-factor and passkeys (allauth.mfa, pages under /accounts/2fa/): an authenticator app with recovery codes,
# WebAuthn security keys, and passkey log in. Passkeys need https (or http://localhost), never a bare IP address.
MFA_ADAPTER = "accounts.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_TOTP_ISSUER = "SimpleLogin"
MFA_TOTP_TOLERANCE = 1  # the code before and after the current one count too (phone clocks drift); each works once
# allauth.mfa refuses a pending (unverified) address on an account with a factor, against an attacker who signs up
# unverified and turns on MFA. Here no session exists before an address is verified (mandatory verification), a
# pending address counts for nothing (log in, resets, forwarding) and a sign-up releases it, so the change of email
# stays open to people with two-factor (docs/security.md#account-addresses).
MFA_ALLOW_UNVERIFIED_EMAIL = True
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG  # plain-http origins other than localhost: local development only
# "Where you're signed in" (allauth.usersessions, /accounts/sessions/): each request of a signed-in person updates
# the session's IP and last-seen time, at most once every USERSESSIONS_SEEN_INTERVAL seconds per session.
USERSESSIONS_TRACK_ACTIVITY = True
USERSESSIONS_SEEN_INTERVAL = 60
SOCIALACCOUNT_ADAPTER = "accounts.adapters.SocialAccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_QUERY_EMAIL = True
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_PROVIDERS = {}
for _provider, _scope in (("github", ["user:email"]), ("google", ["profile", "email"]), ("facebook", ["email"])):
    _client_id = env(f"{_provider.upper()}_CLIENT_ID", default="")
    _secret = env(f"{_provider.upper()}_CLIENT_SECRET", default="")
    if _client_id and _secret:
        SOCIALACCOUNT_PROVIDERS[_provider] = {
            "APPS": [{"client_id": _client_id, "secret": _secret, "key": ""}],
            "SCOPE": _scope,
        }

LANGUAGE_CODE = "en"
# Each language in its own name (the settings page lists them so); catalogues live in each app's locale/ and, for
# templates/ and simplelogin/, in simplelogin/locale. Listing the apps' folders too lets `makemessages` (run from
# the project folder) write each string into the catalogue of the app it comes from (docs/development.md).
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / app / "locale" for app in ("simplelogin", "accounts", "oauth_provider", "billing")]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
AWS_STORAGE_BUCKET_NAME = env("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_REGION_NAME = env("AWS_S3_REGION_NAME", default=None)
    AWS_S3_ENDPOINT_URL = env("AWS_S3_ENDPOINT_URL", default=None)
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = env.bool("AWS_QUERYSTRING_AUTH", default=True)
    _default_storage = {"BACKEND": "storages.backends.s3.S3Storage"}
else:
    _default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
SERVE_MEDIA = not AWS_STORAGE_BUCKET_NAME
STORAGES = {
    "default": _default_storage,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Mail
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="SimpleLogin <hi@sl.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SUPPORT_EMAIL = env("SUPPORT_EMAIL", default="support@sl.local")

# The footer of every page: the operator's privacy policy and terms (empty: our own /privacy and /terms pages),
# and the version shown (empty: the one in pyproject.toml).
PRIVACY_URL = env("PRIVACY_URL", default="")
TERMS_URL = env("TERMS_URL", default="")
APP_VERSION = env("APP_VERSION", default="")
if not APP_VERSION:
    try:
        APP_VERSION = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        APP_VERSION = "unknown"

# Product
EMAIL_DOMAIN = env("EMAIL_DOMAIN", default="sl.local").lower()
MAX_ALIASES_FREE_PLAN = env.int("MAX_ALIASES_FREE_PLAN", default=3)
TRIAL_DAYS = env.int("TRIAL_DAYS", default=15)
KEYS_DIR = env.path("KEYS_DIR", default=BASE_DIR / "keys")
# Set (Fernet keys, comma-separated; the first encrypts): signing keys live in the database, encrypted with it,
# shared by every instance. Unset: they are files in KEYS_DIR (one machine). See docs/operations.md.
KEY_ENCRYPTION_KEY = env("KEY_ENCRYPTION_KEY", default="")
SIGNING_KEY_REFRESH_SECONDS = env.int("SIGNING_KEY_REFRESH_SECONDS", default=5)

# Security
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("USE_X_FORWARDED_PROTO", default=False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_ENGINE = "simplelogin.sessions"  # Django's database sessions, one query less per new session
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = URL_IS_HTTPS
CSRF_COOKIE_SECURE = URL_IS_HTTPS
# The language chosen in Settings, remembered by this browser after log out too (simplelogin.middleware).
LANGUAGE_COOKIE_SECURE = URL_IS_HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=URL_IS_HTTPS)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if URL_IS_HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = URL_IS_HTTPS
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=URL_IS_HTTPS)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"] + env.list("CSP_EXTRA_IMG_SRC", default=[]),
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "form-action": ["'self'", "https:", "http://127.0.0.1:*", "http://localhost:*"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

CORS_URLS_REGEX = r"^/(oauth2?/(token|user_?info|me|introspect|revoke)|\.well-known/.*|jwks)/?$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_CREDENTIALS = False

# One JSON object per line in production (LOG_FORMAT=json, the default with DEBUG off), readable lines in development.
LOG_FORMAT = env("LOG_FORMAT", default="plain" if DEBUG else "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request_id": {"()": "simplelogin.logs.RequestIdFilter"},
        "no_query_string": {"()": "simplelogin.logs.QueryStringFilter"},
    },
    "formatters": {
        "plain": {
            "()": "simplelogin.logs.PlainFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
        "json": {
            "()": "simplelogin.logs.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id", "no_query_string"],
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # oauthlib logs tokens and secrets at DEBUG: never below INFO, whatever LOG_LEVEL says. django.server repeats
    # the request line under runserver (simplelogin.request writes it once): its 4xx/5xx lines lose the query
    # string, which may carry an access token (RFC 6750 2.3). gunicorn's access log: simplelogin/gunicorn_conf.py.
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "stripe": {"level": "WARNING"},
        "oauthlib": {"level": "INFO"},
        "django.server": {"level": "WARNING", "filters": ["no_query_string"]},
    },
}

# Prometheus metrics at /metrics (django-prometheus), off by default. With several gunicorn workers set
# PROMETHEUS_MULTIPROC_DIR to an empty folder so the workers' counts add up; METRICS_TOKEN requires a bearer token.
METRICS_ENABLED = env.bool("METRICS_ENABLED", default=False)
METRICS_TOKEN = env("METRICS_TOKEN", default="")
if METRICS_ENABLED:
    INSTALLED_APPS.append("django_prometheus")
    MIDDLEWARE = [
        "django_prometheus.middleware.PrometheusBeforeMiddleware",
        *MIDDLEWARE,
        "django_prometheus.middleware.PrometheusAfterMiddleware",
    ]

# django-oauth-toolkit (the OpenID Connect provider); the swapped Application model is set from the first migration.
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth_provider.Client"
OAUTH2_PROVIDER_GRANT_MODEL = "oauth_provider.AuthorizationCode"
# Named explicitly so migration tooling can resolve every swappable DOT model.
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"
OAUTH2_PROVIDER_DEVICE_GRANT_MODEL = "oauth2_provider.DeviceGrant"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OAUTH2_VALIDATOR_CLASS": "oauth_provider.oauth2_validator.Validator",
    "OIDC_SERVER_CLASS": "oauth_provider.server.Server",  # code, implicit, hybrid; code and refresh grants only
    "OAUTH2_BACKEND_CLASS": "oauth_provider.backends.SimpleLoginOAuthLibCore",
    "APPLICATION_ADMIN_CLASS": "oauth_provider.admin.ClientAdmin",
    # PKCE is required of public clients only (the validator decides; 2019 confidential clients keep working).
    "PKCE_REQUIRED": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,  # S256 only
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,  # no access_token in query strings
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,  # only SHA-256 checksums of tokens are stored
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,  # RFC 9207 (the views add it in every response mode)
    "OIDC_ISS_ENDPOINT": URL,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "ID_TOKEN_EXPIRE_SECONDS": 3600,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "REFRESH_TOKEN_EXPIRE_SECONDS": 60 * 60 * 24 * 30,
    "ACCESS_TOKEN_GENERATOR": "oauth_provider.server.token_generate",  # and refresh tokens (oauthlib's fallback)
    "ROTATE_REFRESH_TOKEN": True,
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "REFRESH_TOKEN_GRACE_PERIOD_SECONDS": 0,
    "CLIENT_SECRET_GENERATOR_LENGTH": 64,  # 64 chars of [A-Za-z0-9] = 381 bits
    "CLIENT_SECRET_HASHER": "sha256_client_secret",
    "OIDC_SUBJECT_TYPES_SUPPORTED": ["pairwise"],
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
    "OIDC_RP_INITIATED_LOGOUT_STRICT_REDIRECT_URIS": True,
    "OIDC_RP_INITIATED_LOGOUT_ACCEPT_EXPIRED_TOKENS": True,
    "REQUEST_APPROVAL_PROMPT": "force",
    "SCOPES_BACKEND_CLASS": "oauth_provider.scopes.ScopesBackend",  # oauth_provider.constants.Scope
}
# Dynamic client registration (RFC 7591/7592) at /oauth2/register, off by default. When on, registering still needs
# an initial access token made by `manage.py create_registration_token` (docs/provider.md).
DYNAMIC_CLIENT_REGISTRATION = env.bool("DYNAMIC_CLIENT_REGISTRATION", default=False)
# Clients' jwks_uri and request_uri are fetched only from public addresses (oauth_provider/client_urls.py, SSRF);
# true lets them name loopback or private addresses: tests and local development only.
CLIENT_URLS_PRIVATE_ADDRESSES = env.bool("CLIENT_URLS_PRIVATE_ADDRESSES", default=False)
# Deliberate: the implicit/hybrid flows are part of the product (2019 clients), and http redirect URIs are
# accepted only for loopback addresses (RFC 8252; oauth_provider.models.redirect_uri_problem enforces it).
SILENCED_SYSTEM_CHECKS = ["oauth2_provider.W001", "oauth2_provider.W008"]
CSRF_FAILURE_VIEW = "simplelogin.views.csrf_failure"

# dj-stripe (billing); keys come from the environment, billing is off without them.
DJSTRIPE_FOREIGN_KEY_TO_FIELD = "id"
# dj-stripe's own history rebuilds SQLite tables ~520 times (minutes of CPU); this one squashed migration (which
# `replaces` it, so databases migrated the long way stay valid) creates the same tables at once.
MIGRATION_MODULES = {"djstripe": "billing.djstripe_migrations"}
DJSTRIPE_USE_NATIVE_JSONFIELD = True
STRIPE_LIVE_MODE = env.bool("STRIPE_LIVE_MODE", default=False)
STRIPE_TEST_SECRET_KEY = env("STRIPE_TEST_SECRET_KEY", default="")
STRIPE_LIVE_SECRET_KEY = env("STRIPE_LIVE_SECRET_KEY", default="")
DJSTRIPE_WEBHOOK_VALIDATION = "verify_signature"
# Where the Stripe API is reached (empty: Stripe's own; e.g. http://127.0.0.1:12111 for stripe-mock).
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")
# Stripe price ids of the two premium plans (billing.plans); promo codes give one year of premium.
STRIPE_PRICE_MONTHLY = env("STRIPE_PRICE_MONTHLY", default="")
STRIPE_PRICE_YEARLY = env("STRIPE_PRICE_YEARLY", default="")
PROMO_CODES = [code.strip().upper() for code in env.list("PROMO_CODES", default=[]) if code.strip()]
TRIAL_REMINDER_DAYS = env.int("TRIAL_REMINDER_DAYS", default=3)

# Alias mail forwarding (forwarding/): the inbound SMTP handler that Postfix relays @EMAIL_DOMAIN mail to.
MAIL_HANDLER_HOST = env("MAIL_HANDLER_HOST", default="127.0.0.1")
MAIL_HANDLER_PORT = env.int("MAIL_HANDLER_PORT", default=20381)
MAIL_MAX_MESSAGE_BYTES = env.int("MAIL_MAX_MESSAGE_BYTES", default=25 * 1024 * 1024)
# DKIM signing of forwarded mail and replies (off while no key path is set; then Postfix/OpenDKIM must sign).
DKIM_PRIVATE_KEY_PATH = env("DKIM_PRIVATE_KEY_PATH", default="")
DKIM_SELECTOR = env("DKIM_SELECTOR", default="dkim")

# JSON API under /api/v1/ (api/): personal API keys or OAuth tokens with aliases:* scopes; OpenAPI by drf-spectacular.
API_THROTTLE_RATE = env("API_THROTTLE_RATE", default="120/min")
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "simplelogin.api.authentication.ApiKeyAuthentication",
        "simplelogin.api.authentication.OAuth2TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["simplelogin.api.permissions.ApiKeyOrTokenHasScope"],
    "DEFAULT_THROTTLE_CLASSES": ["simplelogin.api.throttling.ApiClientThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api": API_THROTTLE_RATE},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["simplelogin.api.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "simplelogin.api.pagination.AliasPagination",
    "EXCEPTION_HANDLER": "simplelogin.api.exceptions.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "SimpleLogin API",
    "DESCRIPTION": "Manage your aliases and the apps you signed in to. Authenticate with a personal API key "
    "(`Authorization: Bearer sl_...`, created on the settings page) or an OAuth access token with the "
    "`aliases:read` / `aliases:write` scopes.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "OAUTH2_FLOWS": ["authorizationCode"],
    "OAUTH2_AUTHORIZATION_URL": "/oauth2/authorize",
    "OAUTH2_TOKEN_URL": "/oauth2/token",
}

# Developer programme (developer/): partner codes (comma-separated, case-insensitive) that make the
# signed-in person a developer at once on /partner/.
PARTNER_CODES = [code.strip().upper() for code in env.list("PARTNER_CODES", default=[]) if code.strip()]
