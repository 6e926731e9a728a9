"""Demo data for local development (`manage.py seed_demo`)."""

from allauth.account.models import EmailAddress

from accounts.models import User
from accounts.services import user_onboard

DEMO_PASSWORD = "demo-password-1"
ADMIN_PASSWORD = "admin-password-1"


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
        lines.append(f"{'created' if created else 'exists '}  {email} / {password}{'  (superuser, /admin/)' if staff else ''}")
    return lines
