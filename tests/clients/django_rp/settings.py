"""A relying party of its own (not SimpleLogin): django-allauth and python-social-auth signing in with SimpleLogin.

Started by the tests as a subprocess (`python -m tests.clients.django_rp.serve`); everything comes from the
environment: RP_SIMPLELOGIN_URL (the provider's base URL, nothing else about it), RP_DATABASE, and one
client id per app registered at SimpleLogin. Every app uses the same secret, RP_CLIENT_SECRET.
"""

import os

SIMPLELOGIN_URL = os.environ["RP_SIMPLELOGIN_URL"].rstrip("/")
CLIENT_SECRET = os.environ["RP_CLIENT_SECRET"]

SECRET_KEY = "relying-party-test-only-secret-key-0123456789"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1"]
ROOT_URLCONF = "tests.clients.django_rp.urls"
USE_TZ = True

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "social_django",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["RP_DATABASE"]}}
# Tables straight from the models (`migrate --run-syncdb`): the subprocess starts in a second, not ten.
MIGRATION_MODULES = {
    app: None for app in ("auth", "contenttypes", "sessions", "account", "socialaccount", "social_django")
}
SESSION_COOKIE_NAME = "rp_session"
CSRF_COOKIE_NAME = "rp_csrftoken"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Errors to stderr (the fixture's log file); the request lines of runserver, which carry codes, not at all.
LOGGING = {
    "version": 1,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {"django": {"handlers": ["stderr"], "level": "WARNING"}, "django.server": {"level": "ERROR"}},
}

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "tests.clients.django_rp.backends.SimpleLogin",
    "tests.clients.django_rp.backends.SimpleLoginOtherApp",
]
LOGIN_REDIRECT_URL = "/me"

# django-allauth's generic OpenID Connect provider: the discovery document at server_url does the rest.
ACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "APPS": [
            {
                "provider_id": provider_id,
                "name": "SimpleLogin",
                "client_id": os.environ[variable],
                "secret": CLIENT_SECRET,
                "settings": {"server_url": SIMPLELOGIN_URL},
            }
            for provider_id, variable in (
                ("simplelogin", "RP_ALLAUTH_CLIENT_ID"),
                ("simplelogin-other", "RP_ALLAUTH_OTHER_CLIENT_ID"),
            )
        ]
    }
}

# python-social-auth (social-core through social-auth-app-django): the SimpleLogin backend, base URL in backends.py.
SOCIAL_AUTH_URL_NAMESPACE = "social"
SOCIAL_AUTH_LOGIN_REDIRECT_URL = "/me"
SOCIAL_AUTH_SIMPLELOGIN_KEY = os.environ["RP_SOCIAL_CLIENT_ID"]
SOCIAL_AUTH_SIMPLELOGIN_SECRET = CLIENT_SECRET
SOCIAL_AUTH_SIMPLELOGIN_OTHER_KEY = os.environ["RP_SOCIAL_OTHER_CLIENT_ID"]
SOCIAL_AUTH_SIMPLELOGIN_OTHER_SECRET = CLIENT_SECRET
