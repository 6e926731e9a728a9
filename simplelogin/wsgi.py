"""WSGI entry point (gunicorn simplelogin.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "simplelogin.settings")
application = get_wsgi_application()
