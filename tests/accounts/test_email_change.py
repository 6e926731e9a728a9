"""Changing the account's email (the mailbox aliases forward to): verified before it counts, the old address told."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.test import Client

from accounts.forwarding.services import route_recipient
from accounts.models import User
from tests.factories import AliasFactory, UserFactory, totp_code, totp_enable

pytestmark = pytest.mark.django_db

SITE = "https://login.example"
NEW = "me@new-provider.example"
PASSWORD_PAGE = "/accounts/reauthenticate/"
FACTOR_PAGE = "/accounts/2fa/reauthenticate/"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.URL = SITE


def subjects_to(smtp_server, address):
    return [mail["message"]["Subject"] for mail in smtp_server.messages if mail["to"] == [address]]


def verification_link(smtp_server, address) -> str:
    [mail] = [
        mail
        for mail in smtp_server.messages
        if mail["to"] == [address] and "confirm" in mail["message"]["Subject"].lower()
    ]
    text = mail["message"].get_body(preferencelist=("plain",)).get_content()
    [path] = re.findall(rf"{SITE}(/accounts/confirm-email/\S+/)", text)
    return path


def forwards_to(alias) -> str:
    return route_recipient(recipient=alias.email, mail_from="shop@example.net").owner_email


def ask_for(browser, email):
    return browser.post("/accounts/email/", {"email": email, "action_add": ""})


def test_the_settings_page_offers_the_change(signed_in):
    page = signed_in.get("/settings/").content.decode()
    assert 'href="/accounts/email/"' in page and "Change email" in page


def test_changing_asks_for_the_password_first(signed_in, user, password, smtp_server):
    response = ask_for(signed_in, NEW)
    assert response["Location"].startswith(f"{PASSWORD_PAGE}?next=")
    assert not EmailAddress.objects.filter(email=NEW).exists() and not smtp_server.messages
    done = signed_in.post(response["Location"], {"password": password})
    assert done.status_code == 302
    assert EmailAddress.objects.filter(user=user, email=NEW, verified=False).exists()


def test_the_new_address_counts_only_once_verified_and_the_old_one_is_told(reauthenticated, user, smtp_server):
    old = user.email
    alias = AliasFactory(user=user)
    assert ask_for(reauthenticated, NEW)["Location"] == "/accounts/email/"
    page = reauthenticated.get("/accounts/email/").content.decode()
    assert "Changing to" in page and NEW in page and "Not verified yet" in page
    assert subjects_to(smtp_server, NEW) == ["[SimpleLogin] Please confirm your email address"]
    user.refresh_from_db()
    assert user.email == old and forwards_to(alias) == old  # nothing changed yet

    link = verification_link(smtp_server, NEW)
    assert reauthenticated.get(link).status_code == 200
    assert reauthenticated.post(link).status_code == 302
    user.refresh_from_db()
    assert user.email == NEW and forwards_to(alias) == NEW
    assert list(EmailAddress.objects.filter(user=user).values_list("email", "verified", "primary")) == [
        (NEW, True, True)
    ]
    assert "[SimpleLogin] Your account's email was changed" in subjects_to(smtp_server, old)
    assert "[SimpleLogin] This is now your SimpleLogin address" in subjects_to(smtp_server, NEW)
    told = next(m for m in smtp_server.messages if m["to"] == [old] and "changed" in m["message"]["Subject"])
    text = told["message"].get_body(preferencelist=("plain",)).get_content()
    assert f"changed from {old} to {NEW}" in text and f"{SITE}/accounts/password/reset/" in text


def test_a_pending_address_does_not_log_in_nor_reset_the_password(reauthenticated, user, password, smtp_server):
    ask_for(reauthenticated, NEW)
    smtp_server.messages.clear()
    stranger = Client()
    response = stranger.post("/accounts/login/", {"login": NEW, "password": password})
    assert stranger.get("/dashboard/").status_code == 302, response
    stranger.post("/accounts/password/reset/", {"email": NEW})
    assert not any("/accounts/password/reset/key/" in m["raw"].decode() for m in smtp_server.messages)


def test_a_person_with_an_authenticator_app_confirms_with_it_then_changes(signed_in, user, smtp_server):
    secret, _codes = totp_enable(user)
    response = ask_for(signed_in, NEW)
    assert response["Location"].startswith(f"{FACTOR_PAGE}?next=")
    done = signed_in.post(response["Location"], {"code": totp_code(secret)})
    assert done["Location"] == "/accounts/email/"
    assert EmailAddress.objects.filter(user=user, email=NEW, verified=False).exists()
    signed_in.post(verification_link(smtp_server, NEW))
    user.refresh_from_db()
    assert user.email == NEW


def test_cancelling_the_change_keeps_the_old_address(reauthenticated, user, smtp_server):
    old = user.email
    ask_for(reauthenticated, NEW)
    link = verification_link(smtp_server, NEW)
    reauthenticated.post("/accounts/email/", {"email": NEW, "action_remove": ""})
    assert not EmailAddress.objects.filter(email=NEW).exists()
    assert "[SimpleLogin] Your email change is cancelled" in subjects_to(smtp_server, old)
    reauthenticated.post(link)
    user.refresh_from_db()
    assert user.email == old


def test_an_address_someone_else_verified_never_becomes_yours(reauthenticated, user, smtp_server):
    other = UserFactory(email=NEW)
    ask_for(reauthenticated, NEW)
    link = verification_link(smtp_server, NEW)
    reauthenticated.post(link)
    user.refresh_from_db()
    assert user.email != NEW and User.objects.get(pk=other.pk).email == NEW


def test_an_alias_cannot_be_the_mailbox(reauthenticated, user):
    alias = AliasFactory(user=user)
    response = ask_for(reauthenticated, alias.email)
    assert response.status_code == 200 and "are aliases" in response.content.decode()
    assert not EmailAddress.objects.filter(email=alias.email).exists()


def test_a_sign_up_with_the_pending_address_wins_over_the_change(reauthenticated, user, smtp_server):
    ask_for(reauthenticated, NEW)
    Client().post(
        "/accounts/signup/",
        {"email": NEW, "name": "Owner", "password1": "a-long-pass-phrase", "password2": "a-long-pass-phrase"},
    )
    assert not EmailAddress.objects.filter(user=user, email=NEW).exists()
    assert EmailAddress.objects.filter(email=NEW).exclude(user=user).exists()


def test_the_confirmation_page_answers_without_a_session_too(user, smtp_server, reauthenticated):
    ask_for(reauthenticated, NEW)
    link = verification_link(smtp_server, NEW)
    assert Client().get(link).status_code == 200
