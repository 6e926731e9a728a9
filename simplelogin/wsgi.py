"""WSGI entry point (gunicorn simplelogin.wsgi): Django, with discovery and the JWKS answered in front of it."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "simplelogin.settings")
application = get_wsgi_application()

from oauth_provider.wsgi import PublicDocuments  # noqa: E402 (after Django is set up)

application = PublicDocuments(application)
