"""Create the relying party's tables and serve it on 127.0.0.1:RP_PORT (one process, no autoreload)."""

import os

import django
from django.core.management import call_command


def main() -> None:
    """Set up Django, create the tables, serve until killed."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.clients.django_rp.settings")
    django.setup()
    call_command("migrate", run_syncdb=True, interactive=False, verbosity=0)
    from django.core.servers.basehttp import run
    from django.core.wsgi import get_wsgi_application

    run("127.0.0.1", int(os.environ["RP_PORT"]), get_wsgi_application(), threading=True)


if __name__ == "__main__":
    main()
