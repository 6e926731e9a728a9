"""Demo data for local development (`manage.py seed_demo`)."""

from allauth.account.models import EmailAddress

from accounts.models import User
from accounts.services import user_onboard

DEMO_PASSWORD = "demo-password-1"
ADMIN_PASSWORD = "admin-password-1"
DEMO_CLIENT_SECRET = "demo-client-secret-local-development-only"


def _person(*, email: str, name: str, password: str, staff: bool) -> tuple[User, bool]:
    user = User.objects.filter(email=email).first()
    created = user is None
    if created:
        factory = User.objects.create_superuser if staff else User.objects.create_user
        user = factory(email=email, password=password, name=name)
        user_onboard(user=user)
    EmailAddress.objects.update_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user, created


def demo_seed() -> list[str]:
    """Create (once) the demo person and an admin; return lines describing them."""
    lines = []
    for email, name, password, staff in (
        ("demo@sl.local", "Demo Person", DEMO_PASSWORD, False),
        ("admin@sl.local", "Site Admin", ADMIN_PASSWORD, True),
    ):
        _, created = _person(email=email, name=name, password=password, staff=staff)
        lines.append(
            f"{'created' if created else 'exists '}  {email} / {password}{'  (superuser, /admin/)' if staff else ''}"
        )
    lines.append(demo_client_seed())
    return lines


DEMO_CLIENT_ID = "demo-client"
DEMO_REDIRECT_URI = "http://127.0.0.1:7000/callback"


def demo_client_seed() -> str:
    """Create (once) the demo client app, with a fixed secret that only local demo data may have."""
    from oauth_provider.models import Client
    from oauth_provider.services import ClientSettings, client_create

    created = not Client.objects.filter(client_id=DEMO_CLIENT_ID).exists()
    if created:
        client_create(
            data=ClientSettings(
                name="Demo App",
                redirect_uris=[DEMO_REDIRECT_URI],
                post_logout_redirect_uris=["http://127.0.0.1:7000/"],
                allow_hybrid_flow=True,
            ),
            client_id=DEMO_CLIENT_ID,
            client_secret=DEMO_CLIENT_SECRET,
        )
    return (
        f"{'created' if created else 'exists '}  demo client client_id={DEMO_CLIENT_ID} "
        f"client_secret={DEMO_CLIENT_SECRET} redirect_uri={DEMO_REDIRECT_URI}"
    )


def demo_links() -> list[str]:
    """Where to go once `make run` serves: the site, the admin and the demo client's sign-in link."""
    from urllib.parse import urlencode

    from django.conf import settings

    query = urlencode(
        {
            "client_id": DEMO_CLIENT_ID,
            "redirect_uri": DEMO_REDIRECT_URI,
            "response_type": "code",
            "scope": "openid email profile",
            "state": "demo",
        }
    )
    return [
        f"Site:         {settings.URL}/",
        f"Admin:        {settings.URL}/admin/",
        f"Demo client:  {settings.URL}/oauth2/authorize?{query}",
    ]
