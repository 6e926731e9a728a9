"""Rotating a client secret: the new one is shown once and works, the old one gets invalid_client at /oauth2/token."""

from oauth_provider.models import Client
from tests.factories import CLIENT_SECRET, AuthorizationFactory
from tests.oauth_provider.console.conftest import get_code, token_request


def test_rotation_shows_new_secret_once_and_old_one_stops_working(dev, developer, owned):
    AuthorizationFactory(user=developer, client=owned)
    assert token_request(dev, owned, get_code(dev, owned), CLIENT_SECRET).status_code == 200

    response = dev.post(f"/developer/clients/{owned.client_id}/secret")
    new_secret = response.context["secret"]
    assert response.status_code == 200 and new_secret.encode() in response.content
    assert b"The previous secret no longer works" in response.content
    assert new_secret != CLIENT_SECRET and new_secret not in Client.objects.get(pk=owned.pk).client_secret

    old = token_request(dev, owned, get_code(dev, owned), CLIENT_SECRET)
    assert old.status_code == 401 and old.json()["error"] == "invalid_client"
    assert old["WWW-Authenticate"].startswith("Basic")

    fresh = token_request(dev, owned, get_code(dev, owned), new_secret)
    assert fresh.status_code == 200 and fresh.json()["id_token"]
    assert new_secret.encode() not in dev.get(f"/developer/clients/{owned.client_id}/").content


def test_public_clients_have_no_secret_to_rotate(dev, developer):
    from tests.factories import ClientFactory

    public = ClientFactory(user=developer, client_type=Client.CLIENT_PUBLIC)
    response = dev.post(f"/developer/clients/{public.client_id}/secret", follow=True)
    assert b"Public clients have no secret." in response.content
