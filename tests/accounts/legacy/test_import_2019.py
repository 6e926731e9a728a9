"""The full 2019 database (a few hundred rows of each kind) imported once: people, apps and aliases keep working."""

import smtplib
from datetime import UTC, datetime
from email.message import EmailMessage
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from allauth.account.models import EmailAddress
from authlib.jose import JsonWebKey, jwt
from django.contrib.auth.hashers import identify_hasher

from accounts import services as account_services
from accounts.models import Alias, DeletedAlias, PartnerApplication, User
from billing.models import Membership, Plan, PromoRedemption
from billing.services import BillingError, promo_redeem
from oauth_provider.models import Authorization, Client
from tests.accounts.forwarding.conftest import mail_handler, shared_connection_executor, start_handler  # noqa: F401
from tests.accounts.legacy.legacy_db import ALICE_PASSWORD, APP_REDIRECT, APP_SECRET, LONG_PASSWORD
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _imported(imported_once, settings):
    """Every test here sees the module's import (and its avatar files)."""
    settings.MEDIA_ROOT = str(imported_once.media_root)
    return imported_once


def _dt(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=UTC)


# --- the report --------------------------------------------------------------------------------------------


def test_the_report_counts_every_table_and_names_the_refused_rows(imported_once, legacy_data):
    tables = imported_once.report.tables
    assert list(tables) == ["users", "client", "gen_email", "client_user", "partner"]
    users = tables["users"]
    assert (users.rows, users.created, users.updated) == (
        len(legacy_data.rows["users"]),
        len(legacy_data.rows["users"]) - 3,
        0,
    )
    [(duplicates, two), (invalid, one)] = users.refused.most_common()
    assert (
        "differ only in letter case" in duplicates and invalid == "not a valid email address" and (two, one) == (2, 1)
    )
    assert users.examples[("refused", duplicates)] == ["users#3", "users#4"]
    assert tables["client"].created == len(legacy_data.rows["client"])
    aliases = tables["gen_email"]
    assert aliases.created == len(legacy_data.rows["gen_email"]) - sum(aliases.refused.values())
    assert set(aliases.refused.values()) and all(aliases.examples[("refused", reason)] for reason in aliases.refused)
    assert tables["client_user"].refused == {
        "its person was not imported": tables["client_user"].rows - tables["client_user"].created
    }
    assert tables["partner"].created == len(legacy_data.rows["partner"])
    assert User.objects.count() == users.created
    assert Alias.objects.count() == aliases.created
    assert Authorization.objects.count() == tables["client_user"].created


def test_every_consent_keeps_the_subject_and_the_address_the_app_knows(legacy_data):
    emails = {row["id"]: row["email"].lower() for row in legacy_data.rows["users"]}
    client_ids = {row["id"]: row["oauth_client_id"] for row in legacy_data.rows["client"]}
    aliases = {row["id"]: row["email"].lower() for row in legacy_data.rows["gen_email"]}
    expected = {
        (emails[row["user_id"]], client_ids[row["client_id"]], str(row["id"]), aliases.get(row["gen_email_id"]))
        for row in legacy_data.rows["client_user"]
        if emails[row["user_id"]] not in ("dup@example.com", "not an email")
    }
    found = set(Authorization.objects.values_list("user__email", "client__client_id", "sub", "alias__email"))
    assert found == expected


# --- people ------------------------------------------------------------------------------------------------


def test_a_2019_person_logs_in_with_the_old_password_which_is_then_upgraded(client, production_hashers):
    alice = User.objects.get(email="alice@example.com")
    assert identify_hasher(alice.password).algorithm == "bcrypt"
    assert (
        client.post("/accounts/login/", {"login": "alice@example.com", "password": "wrong-password"}).status_code == 200
    )

    response = client.post("/accounts/login/", {"login": "Alice@Example.com", "password": ALICE_PASSWORD})

    assert response.status_code == 302 and response["Location"] == "/dashboard/"
    alice.refresh_from_db()
    assert identify_hasher(alice.password).algorithm == "argon2"
    client.post("/accounts/logout/")
    again = client.post("/accounts/login/", {"login": "alice@example.com", "password": ALICE_PASSWORD})
    assert again["Location"] == "/dashboard/"


def test_a_2019_password_longer_than_72_bytes_still_logs_in(client, production_hashers):
    response = client.post("/accounts/login/", {"login": "long@example.com", "password": LONG_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/dashboard/"


def test_a_person_who_never_activated_in_2019_verifies_their_email_first(client, production_hashers, smtp_server):
    response = client.post(
        "/accounts/login/", {"login": "unverified@example.com", "password": "pw-unverified@example.com"}
    )
    assert response["Location"] == "/accounts/confirm-email/"
    assert [message["to"] for message in smtp_server.messages] == [["unverified@example.com"]]
    assert not EmailAddress.objects.get(email="unverified@example.com").verified


def test_people_keep_name_plan_promo_codes_developer_flag_avatar_and_sign_up_date(legacy_data, settings):
    alice = User.objects.get(email="alice@example.com")
    assert alice.name == "Alice Liddell" and alice.is_developer
    assert not alice.is_staff and not alice.is_superuser  # 2019 admins are reported, not made superusers
    assert alice.created_at == _dt(legacy_data.get("users", 1)["created_at"])
    assert EmailAddress.objects.get(user=alice).verified
    membership = Membership.objects.get(user=alice)
    assert (membership.plan, membership.expires_at) == (Plan.YEARLY, None)
    assert (membership.stripe_customer_id, membership.stripe_subscription_id) == ("cus_2019alice", "sub_2019alice")
    assert alice.avatar.name.startswith(f"avatars/{alice.pk}/") and alice.avatar.storage.exists(alice.avatar.name)
    assert alice.avatar.open().read(8) == b"\x89PNG\r\n\x1a\n"

    trial = Membership.objects.get(user__email="trial@example.com")
    assert trial.plan == Plan.TRIAL and trial.expires_at == _dt(legacy_data.get("users", 2)["plan_expiration"])
    assert Membership.objects.get(user__email="trial-no-end@example.com").plan == Plan.FREE

    settings.PROMO_CODES = ["SPRING2019", "FRIENDS", "NEW2026"]
    assert set(PromoRedemption.objects.filter(user=alice).values_list("code", flat=True)) == {"SPRING2019", "FRIENDS"}
    with pytest.raises(BillingError, match="already used"):
        promo_redeem(user=alice, code="spring2019")


def test_imported_people_get_no_new_alias_and_the_import_sends_no_mail(imported_once, legacy_data):
    assert imported_once.mail_sent == []
    emails = {row["id"]: row["email"].lower() for row in legacy_data.rows["users"]}
    expected = {
        (emails[row["user_id"]], row["email"].lower(), row["enabled"])
        for row in legacy_data.rows["gen_email"]
        if row["email"] != "Brave_Lion@sl.local" and emails[row["user_id"]] not in ("dup@example.com", "not an email")
    }
    assert set(Alias.objects.values_list("user__email", "email", "enabled")) == expected


def test_cases_2019_could_not_tell_apart_are_refused_not_merged():
    assert not User.objects.filter(email__iexact="dup@example.com").exists()
    assert not User.objects.filter(email="not an email").exists()
    nohash = User.objects.get(email="nohash@example.com")
    assert not nohash.has_usable_password()


# --- client apps -------------------------------------------------------------------------------------------


def _authorize(http, client_id: str, redirect_uri: str = APP_REDIRECT, path: str = "/oauth/authorize", **extra):
    query = {
        "client_id": client_id,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": "openid email profile",
        "state": "s2019",
        **extra,
    }
    return http.get(f"{path}?{urlencode(query)}")


def test_a_2019_app_signs_its_user_in_with_its_old_id_and_secret_and_gets_the_same_sub(client, signing_key_dir):
    alice = User.objects.get(email="alice@example.com")
    client.force_login(alice)

    response = _authorize(client, "app-2019")  # the consent was imported: no consent page, like in 2019

    assert response.status_code == 302 and response["Location"].startswith(f"{APP_REDIRECT}?")
    params = {k: v[0] for k, v in parse_qs(urlsplit(response["Location"]).query).items()}
    assert params["state"] == "s2019"
    token = client.post(
        "/oauth/token",
        {
            "grant_type": "authorization_code",
            "code": params["code"],
            "redirect_uri": APP_REDIRECT,
            "client_id": "app-2019",
            "client_secret": APP_SECRET,
        },
    )
    assert token.status_code == 200, token.content
    body = token.json()
    assert body["user"]["id"] == body["user"]["sub"] == "1"  # str(client_user.id) of 2019
    assert body["user"]["email"] == "brave_lion@sl.local" and body["user"]["name"] == "Alice Liddell"
    assert body["user"]["avatar_url"].startswith("http://testserver/media/avatars/")
    jwks = JsonWebKey.import_key_set(client.get("/jwks").json())
    claims = jwt.decode(body["id_token"], jwks)
    claims.validate()
    assert claims["sub"] == "1" and claims["aud"] == "app-2019" and claims["iss"] == "http://testserver"
    info = client.get("/oauth/user_info", HTTP_AUTHORIZATION=f"Bearer {body['access_token']}").json()
    assert info["id"] == info["sub"] == "1" and info["email"] == "brave_lion@sl.local"
    assert "refresh_token" in body  # 2019 apps got refresh tokens without asking for offline_access; they still do
    # 2019 libraries (python-social-auth) send the token in the query string: imported apps have that switch on.
    client.logout()
    by_query = client.get(f"/oauth/user_info?access_token={body['access_token']}")
    assert by_query.status_code == 200 and by_query["Cache-Control"] == "no-store"
    assert by_query.json()["id"] == "1" and by_query.json()["email"] == "brave_lion@sl.local"


def test_an_app_that_got_the_real_email_keeps_getting_it_with_http_basic(client, signing_key_dir, legacy_data):
    person = User.objects.get(email="trial@example.com")
    client.force_login(person)
    code = parse_qs(urlsplit(_authorize(client, "app-2019")["Location"]).query)["code"][0]
    import base64

    basic = base64.b64encode(f"app-2019:{APP_SECRET}".encode()).decode()
    body = client.post(
        "/oauth/token",
        {"grant_type": "authorization_code", "code": code, "redirect_uri": APP_REDIRECT},
        HTTP_AUTHORIZATION=f"Basic {basic}",
    ).json()
    assert body["user"]["id"] == "2" and body["user"]["email"] == "trial@example.com"
    wrong = base64.b64encode(b"app-2019:not-the-secret").decode()
    refused = client.post(
        "/oauth/token",
        {"grant_type": "authorization_code", "code": code, "redirect_uri": APP_REDIRECT},
        HTTP_AUTHORIZATION=f"Basic {wrong}",
    )
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"


def test_clients_keep_their_settings_and_lose_only_what_our_rules_refuse(imported_once):
    app = Client.objects.get(client_id="app-2019")
    assert app.redirect_uris == APP_REDIRECT  # http://localhost:8000/callback is refused (RFC 8252 8.3) and reported
    assert (app.name, app.home_url, app.published, app.user.email) == (
        "App 2019",
        "https://app2019.example",
        True,
        "alice@example.com",
    )
    assert app.accepts_query_access_token and app.client_type == Client.CLIENT_CONFIDENTIAL
    assert app.refresh_without_offline_access  # 2019 apps got refresh tokens without asking
    assert app.client_secret.startswith("sha256_client_secret$") and APP_SECRET not in app.client_secret
    assert app.icon and app.icon.storage.exists(app.icon.name)
    orphan = Client.objects.get(client_id="orphan-app")
    assert (orphan.user, orphan.home_url, orphan.redirect_uris) == (
        None,
        "",
        "",
    )  # javascript: URL and fragment refused
    notes = imported_once.report.tables["client"].notes
    assert any("redirect URI refused" in note and "127.0.0.1" in note for note in notes)


def test_a_refused_redirect_uri_is_not_accepted_at_authorize(client):
    client.force_login(User.objects.get(email="alice@example.com"))
    response = _authorize(client, "app-2019", redirect_uri="http://localhost:8000/callback")
    assert response.status_code == 400 and "Location" not in response


# --- aliases -------------------------------------------------------------------------------------------------


def _message(to: str) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = "shop@example.org", to, "Your order"
    message.set_content("Hello from 2019.\n")
    return message.as_bytes()


def test_imported_aliases_forward_to_the_2019_mailbox_and_keep_their_enabled_flag(mail_handler, smtp_server):  # noqa: F811
    mail_handler.send(mail_from="shop@example.org", to=["brave_lion@sl.local"], message=_message("brave_lion@sl.local"))
    [arrived] = smtp_server.messages
    assert arrived["to"] == ["alice@example.com"] and arrived["message"]["Subject"] == "Your order"

    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        mail_handler.send(
            mail_from="shop@example.org", to=["sleepy_owl@sl.local"], message=_message("sleepy_owl@sl.local")
        )
    assert refused.value.recipients["sleepy_owl@sl.local"][0] == 550
    assert len(smtp_server.messages) == 1


def test_an_address_that_existed_in_2019_is_never_given_to_anyone_else(monkeypatch, imported_once):
    held = "held_for_dup@sl.local"  # its owner (a case duplicate) was refused: the address is held by a tombstone
    assert DeletedAlias.objects.filter(email=held).exists() and not Alias.objects.filter(email=held).exists()
    words = iter(["held_for_dup", "brave_lion", "fresh_words"])
    monkeypatch.setattr(account_services, "random_words", lambda count=None: next(words))
    newcomer = UserFactory()

    alias = account_services.alias_create_random(user=newcomer)

    assert alias.email == "fresh_words@sl.local"
    assert Alias.objects.get(email="brave_lion@sl.local").user.email == "alice@example.com"


def test_aliases_on_another_domain_are_kept_and_reported(imported_once):
    assert Alias.objects.get(email="old_domain@simplelogin.co").user.email == "alice@example.com"
    assert any("not on EMAIL_DOMAIN" in note for note in imported_once.report.tables["gen_email"].notes)


# --- partner programme and re-runs ---------------------------------------------------------------------------


def test_partner_applications_are_carried_over():
    first = PartnerApplication.objects.get(name="Partner 1")
    assert first.email == "alice@example.com" and first.user.email == "alice@example.com"
    assert first.approved_at is not None  # alice was a 2019 developer
    assert PartnerApplication.objects.get(name="Partner 3").website == ""  # "not a url"


def test_a_second_import_changes_nothing_and_says_so(run_import, legacy_sqlite, imported_once):
    before = [
        model.objects.count()
        for model in (User, Alias, DeletedAlias, Client, Authorization, Membership, PartnerApplication)
    ]
    report = run_import(legacy_sqlite)
    assert report.changed == 0
    assert (
        report.tables["users"].skipped["unchanged since the last import"]
        == imported_once.report.tables["users"].created
    )
    after = [
        model.objects.count()
        for model in (User, Alias, DeletedAlias, Client, Authorization, Membership, PartnerApplication)
    ]
    assert after == before
    from accounts.legacy.report import report_render

    assert report_render(report).endswith("Nothing changed: everything was already imported.")
