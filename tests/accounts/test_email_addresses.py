"""One address per person; an address nobody proved never blocks a sign-up and never receives a reset link."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.utils import timezone

from accounts.models import User
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

VICTIM = "victim@example.com"
NEW_PASSWORD = "victims-own-pass-phrase"


def _bodies(smtp_server, to: str) -> list[str]:
    return [
        m["message"].get_body(preferencelist=("plain",)).get_content() for m in smtp_server.messages if m["to"] == [to]
    ]


def _reset_links(smtp_server, to: str) -> list[str]:
    return [
        link
        for body in _bodies(smtp_server, to)
        for link in re.findall(r"https?://\S+/accounts/password/reset/key/\S+/", body)
    ]


def _signup(client, email=VICTIM, password=NEW_PASSWORD):
    return client.post(
        "/accounts/signup/", {"email": email, "name": "Victim", "password1": password, "password2": password}
    )


def _verify(client, smtp_server, to: str):
    body = _bodies(smtp_server, to)[-1]
    path = re.sub(r"^https?://[^/]+", "", re.search(r"https?://\S+/accounts/confirm-email/\S+/", body).group(0))
    return client.post(path)


def test_a_second_address_is_only_ever_one_pending_change(client, user):
    from tests.conftest import reauthenticate

    client.force_login(user)
    reauthenticate(client, user)
    client.post("/accounts/email/", {"action_add": "", "email": VICTIM})
    client.post("/accounts/email/", {"action_add": "", "email": "other@example.com"})
    rows = set(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary"))
    assert rows == {(user.email, True, True), ("other@example.com", False, False)}  # the newest replaced the first
    user.refresh_from_db()
    assert user.email != VICTIM and not EmailAddress.objects.filter(email=VICTIM).exists()


def test_the_pre_hijack_through_an_unverified_address_fails_end_to_end(client, smtp_server):
    attacker = UserFactory(email="attacker@example.com")
    client.force_login(attacker)
    client.post("/accounts/email/", {"action_add": "", "email": VICTIM})
    # however the attacker's account came to hold it (e.g. a pending change of address), it stays unverified
    EmailAddress.objects.get_or_create(user=attacker, email=VICTIM, defaults={"verified": False})
    client.logout()

    # "forgot password" for the victim's address sends no link to the attacker's account
    assert client.post("/accounts/password/reset/", {"email": VICTIM}).status_code == 302
    assert _reset_links(smtp_server, VICTIM) == []

    # the victim can sign up with their own address, verify it and live in their own account
    assert _signup(client).status_code == 302
    victim = User.objects.get(email=VICTIM)
    assert victim.pk != attacker.pk
    assert _verify(client, smtp_server, VICTIM)["Location"] == "/dashboard/"
    assert client.get("/dashboard/").context["user"].pk == victim.pk
    assert not EmailAddress.objects.filter(user=attacker, email=VICTIM).exists()

    # the attacker resetting their own password reaches only their own mailbox and account
    client.logout()
    client.post("/accounts/password/reset/", {"email": attacker.email})
    assert _reset_links(smtp_server, VICTIM) == [] and len(_reset_links(smtp_server, attacker.email)) == 1
    response = client.post("/accounts/login/", {"login": VICTIM, "password": NEW_PASSWORD})
    assert response["Location"] == "/dashboard/" and client.get("/dashboard/").context["user"].pk == victim.pk


def test_password_resets_go_only_to_verified_addresses(client, smtp_server):
    UserFactory(email=VICTIM, verified=False)
    client.post("/accounts/password/reset/", {"email": VICTIM})
    assert _reset_links(smtp_server, VICTIM) == []
    assert any("/accounts/signup/" in body for body in _bodies(smtp_server, VICTIM))  # allauth's unknown-account mail


def test_a_never_verified_account_gives_way_to_the_sign_up(client, smtp_server):
    stale = UserFactory(email=VICTIM, verified=False, name="Squatter")
    SocialAccount.objects.create(user=stale, provider="github", uid="attacker-github-id")

    assert _signup(client).status_code == 302

    person = User.objects.get(email=VICTIM)
    assert person.pk != stale.pk and person.name == "Victim" and person.check_password(NEW_PASSWORD)
    assert not SocialAccount.objects.exists()  # the squatter's social log in went with their account
    assert _verify(client, smtp_server, VICTIM)["Location"] == "/dashboard/"


@pytest.mark.parametrize("kind", ["verified", "has logged in", "staff"])
def test_an_account_someone_uses_is_never_replaced(client, smtp_server, kind):
    owner = UserFactory(
        email=VICTIM,
        verified=kind == "verified",
        is_staff=kind == "staff",
        last_login=timezone.now() if kind == "has logged in" else None,
    )

    assert _signup(client, password="someone-elses-pass").status_code == 302

    assert list(User.objects.filter(email=VICTIM)) == [owner]
    owner.refresh_from_db()
    assert owner.check_password(PASSWORD)
    assert any("already" in body for body in _bodies(smtp_server, VICTIM))  # allauth's account-exists mail


def test_a_person_added_in_the_admin_is_not_replaced_before_their_first_log_in(client, smtp_server):
    added = User.objects.create_user(email=VICTIM, password=PASSWORD)  # the admin's add form makes no address row
    assert _signup(client, password="someone-elses-pass").status_code == 302
    assert list(User.objects.filter(email=VICTIM)) == [added]


def test_resend_verification_never_sends_another_accounts_unverified_row(client, smtp_server):
    attacker = UserFactory(email="attacker@example.com")
    EmailAddress.objects.create(user=attacker, email=VICTIM, verified=False)
    client.post("/accounts/resend-verification/", {"email": VICTIM})
    assert _bodies(smtp_server, VICTIM) == []
