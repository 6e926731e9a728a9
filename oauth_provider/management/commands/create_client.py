"""Register a client app and print its id and secret (shown once)."""

from django.core.management.base import BaseCommand, CommandError

from oauth_provider.exceptions import ClientError
from oauth_provider.services import ClientSettings, client_create


class Command(BaseCommand):
    """`python manage.py create_client --name App --redirect-uri https://app.example/callback [--public]`"""

    help = "Register a client; prints client_id and client_secret (the secret is stored hashed, shown only now)."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--redirect-uri", action="append", required=True, dest="redirect_uris")
        parser.add_argument("--post-logout-redirect-uri", action="append", default=[], dest="logout_uris")
        parser.add_argument("--public", action="store_true", help="A client without a secret (PKCE S256 required).")
        parser.add_argument("--implicit", action="store_true", help="Also allow the implicit flow.")
        parser.add_argument("--hybrid", action="store_true", help="Also allow the hybrid flow.")

    def handle(self, *args, **options):
        try:
            client, secret = client_create(
                data=ClientSettings(
                    name=options["name"],
                    redirect_uris=options["redirect_uris"],
                    post_logout_redirect_uris=options["logout_uris"],
                    allow_implicit_flow=options["implicit"],
                    allow_hybrid_flow=options["hybrid"],
                ),
                public=options["public"],
            )
        except ClientError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"client_id={client.client_id}")
        if secret:
            self.stdout.write(f"client_secret={secret}")
