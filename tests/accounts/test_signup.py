"""Sign up → verification mail (real SMTP on loopback) → verify → dashboard."""

import re

import pytest
from allauth.account.models import EmailAddress

from accounts.models import User
from billing.models import Membership, Plan

pytestmark = pytest.mark.django_db


def _link(mail_item):
    body = mail_item["message"].get_body(preferencelist=("plain",)).get_content()
    return re.search(r"https?://\S+/accounts/confirm-email/\S+/", body).group(0)


def _signup(client, email="new@example.com", next_url=None):
    url = "/accounts/signup/" + (f"?next={next_url}" if next_url else "")
    data = {"email": email, "name": "New Person", "password1": "a-long-pass-phrase", "password2": "a-long-pass-phrase"}
    if next_url:
        data["next"] = next_url
    return client.post(url, data)


def test_signup_sends_verification_mail_and_link_activates(client, smtp_server):
    response = _signup(client)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert len(smtp_server.messages) == 1
    mail = smtp_server.messages[0]
    assert mail["to"] == ["new@example.com"]
    assert "Confirm" in mail["message"]["Subject"] or "confirm" in mail["message"]["Subject"].lower()

    user = User.objects.get(email="new@example.com")
    assert user.name == "New Person"
    assert not EmailAddress.objects.get(user=user).verified

    link = _link(mail)
    path = re.sub(r"^https?://[^/]+", "", link)
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert EmailAddress.objects.get(user=user).verified
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200


def test_new_account_starts_on_a_15_day_trial(client, smtp_server):
    _signup(client)
    membership = Membership.objects.get(user__email="new@example.com")
    assert membership.plan == Plan.TRIAL
    assert 14 <= (membership.expires_at - membership.created_at).days <= 15


def test_signup_rejects_short_password_and_duplicate_email(client, user, smtp_server):
    response = client.post(
        "/accounts/signup/", {"email": "x@example.com", "name": "X", "password1": "short", "password2": "short"}
    )
    assert response.status_code == 200
    assert "at least 8 characters" in response.content.decode()
    assert not User.objects.filter(email="x@example.com").exists()

    response = client.post(
        "/accounts/signup/",
        {
            "email": user.email.upper(),
            "name": "Dup",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    assert User.objects.filter(email__iexact=user.email).count() == 1


def test_next_survives_signup_verification_and_login(client, smtp_server):
    next_url = "/oauth/authorize?client_id=abc&response_type=code"
    response = _signup(client, next_url=next_url)
    assert response.status_code == 302
    path = re.sub(r"^https?://[^/]+", "", _link(smtp_server.messages[0]))
    response = client.post(path)
    assert response.status_code == 302
    assert response["Location"] == next_url


def test_offsite_next_is_refused_at_signup(client, smtp_server):
    _signup(client, next_url="https://evil.example/steal")
    path = re.sub(r"^https?://[^/]+", "", _link(smtp_server.messages[0]))
    response = client.post(path)
    assert response["Location"] == "/dashboard/"


def test_an_alias_domain_address_cannot_be_a_real_mailbox(client, smtp_server):
    response = _signup(client, email="someone@sl.local")
    assert response.status_code == 200
    assert "Addresses on sl.local are aliases" in response.content.decode()
    assert not User.objects.filter(email="someone@sl.local").exists()
