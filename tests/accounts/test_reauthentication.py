"""Sensitive actions ask for the password (or the second factor first) unless it was confirmed in the last minutes."""

import pytest
from allauth.mfa.models import Authenticator

from accounts.models import ApiKey, User
from oauth_provider.models import Client
from tests.conftest import reauthenticate
from tests.factories import ClientFactory, UserFactory, totp_code, totp_enable

pytestmark = pytest.mark.django_db

PASSWORD_PAGE = "/accounts/reauthenticate/"
FACTOR_PAGE = "/accounts/2fa/reauthenticate/"


def asks_to_confirm(response, page=PASSWORD_PAGE):
    """The action was held: the person is sent to confirm it's them, and comes back to it afterwards."""
    assert response.status_code == 302, response.content[:300]
    assert response["Location"].startswith(f"{page}?next="), response["Location"]
    return response["Location"]


def test_deleting_the_account_asks_for_the_password_then_goes_on(signed_in, user, password):
    confirm = asks_to_confirm(signed_in.post("/settings/delete", {"password": password}))
    assert User.objects.filter(pk=user.pk).exists()
    page = signed_in.get(confirm).content.decode()
    assert "Confirm it's you" in page
    wrong = signed_in.post(confirm, {"password": "not-my-password"})
    assert wrong.status_code == 200 and User.objects.filter(pk=user.pk).exists()
    done = signed_in.post(confirm, {"password": password})
    assert done["Location"] == "/accounts/login/"
    assert not User.objects.filter(pk=user.pk).exists()


def test_creating_an_api_key_asks_for_the_password_then_shows_the_key(signed_in, user, password):
    confirm = asks_to_confirm(signed_in.post("/settings/api-keys/", {"name": "script"}))
    assert not ApiKey.objects.filter(user=user).exists()
    shown = signed_in.post(confirm, {"password": password})
    assert shown.status_code == 201 and "sl_" in shown.content.decode()
    assert ApiKey.objects.get(user=user).name == "script"


def test_a_confirmation_counts_for_the_next_minutes_only(signed_in, user, settings, password):
    reauthenticate(signed_in, user)
    assert signed_in.post("/settings/api-keys/", {"name": "one"}).status_code == 201
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 0
    asks_to_confirm(signed_in.post("/settings/api-keys/", {"name": "two"}))
    assert ApiKey.objects.filter(user=user).count() == 1


@pytest.fixture
def developer_client(client, signing_key_dir):
    developer = UserFactory(is_developer=True)
    client.force_login(developer)
    client.developer = developer
    return client


def test_rotating_a_client_secret_asks_for_the_password(developer_client, password):
    app = ClientFactory(user=developer_client.developer)
    old_secret = app.client_secret
    confirm = asks_to_confirm(developer_client.post(f"/developer/clients/{app.client_id}/secret"))
    app.refresh_from_db()
    assert app.client_secret == old_secret
    shown = developer_client.post(confirm, {"password": password})
    assert shown.status_code == 200 and "secret" in shown.content.decode().lower()
    app.refresh_from_db()
    assert app.client_secret != old_secret


def test_deleting_a_client_shows_the_page_then_asks_for_the_password(developer_client, password):
    app = ClientFactory(user=developer_client.developer)
    assert developer_client.get(f"/developer/clients/{app.client_id}/delete").status_code == 200
    confirm = asks_to_confirm(developer_client.post(f"/developer/clients/{app.client_id}/delete"))
    assert Client.objects.filter(pk=app.pk).exists()
    assert developer_client.post(confirm, {"password": password})["Location"] == "/developer/"
    assert not Client.objects.filter(pk=app.pk).exists()


def test_adding_a_factor_asks_for_the_password(signed_in):
    asks_to_confirm(signed_in.get("/accounts/2fa/totp/activate/"))
    asks_to_confirm(signed_in.get("/accounts/2fa/webauthn/add/"))


def test_a_person_with_a_second_factor_confirms_with_it_not_the_password(signed_in, user, password):
    secret, _codes = totp_enable(user)
    confirm = asks_to_confirm(signed_in.post("/settings/api-keys/", {"name": "script"}), page=FACTOR_PAGE)
    page = signed_in.get(confirm).content.decode()
    assert "Use your password" not in page and "Send me a sign-in code" not in page
    assert signed_in.get("/accounts/reauthenticate/?next=/settings/")["Location"].startswith(FACTOR_PAGE)
    wrong = signed_in.post(confirm, {"code": "000000"})
    assert "That code is not right" in wrong.content.decode()
    assert signed_in.post(confirm, {"code": totp_code(secret)}).status_code == 201


def test_removing_the_last_factor_asks_for_that_factor_first(signed_in, user):
    secret, _codes = totp_enable(user)
    confirm = asks_to_confirm(signed_in.get("/accounts/2fa/totp/deactivate/"), page=FACTOR_PAGE)
    assert signed_in.post(confirm, {"code": totp_code(secret)})["Location"] == "/accounts/2fa/totp/deactivate/"
    assert signed_in.post("/accounts/2fa/totp/deactivate/")["Location"] == "/accounts/2fa/"
    assert not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def test_managing_email_addresses_asks_for_the_password(signed_in, user):
    from allauth.account.models import EmailAddress

    pending = EmailAddress.objects.create(user=user, email="new@example.com", verified=False, primary=False)
    asks_to_confirm(signed_in.post("/accounts/email/", {"action_remove": "", "email": pending.email}))
    assert EmailAddress.objects.filter(pk=pending.pk).exists()


def test_a_person_with_only_a_security_key_confirms_with_the_key(signed_in, user):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    Authenticator.objects.create(user=user, type=Authenticator.Type.WEBAUTHN, data={"name": "key"})
    RecoveryCodes.activate(user)
    asks_to_confirm(
        signed_in.post("/settings/api-keys/", {"name": "script"}), page="/accounts/2fa/webauthn/reauthenticate/"
    )
