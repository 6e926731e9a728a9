"""panva's openid-client (npm, v6) signs in with SimpleLogin from its issuer URL: discovery, code flow, userinfo.

tests/clients/node/openid_client.mjs is a small app on openid-client (PKCE, state, nonce; the id_token and the
authorization response's `iss` checked by the library).
"""

import pytest
import requests

from oauth_provider.models import Authorization
from tests.factories import ClientFactory
from tests.oauth_provider.clients.conftest import node_app, sign_in

pytestmark = pytest.mark.slow

CLIENT_IDS = ("rp-openid-client", "rp-openid-client-other")


@pytest.fixture(scope="session")
def openid_client_rp(live_server, tmp_path_factory):
    """The openid-client app on 127.0.0.1, its issuer the live server."""
    folder = tmp_path_factory.mktemp("openid_client")
    with node_app("openid_client.mjs", issuer=live_server.url, client_ids=CLIENT_IDS, folder=folder) as url:
        yield url


@pytest.fixture
def apps(openid_client_rp, server):
    """The two apps, registered with the app's callback URLs."""
    return {
        app: ClientFactory(client_id=client_id, redirect_uris=f"{openid_client_rp}/callback/{app}")
        for app, client_id in zip(("simplelogin", "simplelogin-other"), CLIENT_IDS, strict=True)
    }


def test_the_app_gets_the_alias_name_avatar_and_a_pairwise_uid(openid_client_rp, apps, person, alias, avatar_url):
    button = f"{openid_client_rp}/sign-in/simplelogin"
    consent = {"email": alias.email, "name": "Rita", "share_avatar": "on"}
    first = sign_in(requests.Session(), button, person, consent=consent)

    userinfo = first["userinfo"]
    assert first["uid"] == Authorization.objects.get(user=person, client=apps["simplelogin"]).sub
    assert (userinfo["sub"], userinfo["email"], userinfo["name"]) == (first["uid"], alias.email, "Rita")
    assert userinfo["picture"] == avatar_url and first["id_token"]["email"] == alias.email

    again = sign_in(requests.Session(), button, person, consent=None)
    assert again["uid"] == first["uid"]

    other = sign_in(
        requests.Session(),
        f"{openid_client_rp}/sign-in/simplelogin-other",
        person,
        consent={"email": "random", "name": "R.", "share_avatar": ""},
    )
    assert other["uid"] != first["uid"] and other["userinfo"]["email"] not in (alias.email, person.email)
    assert other["userinfo"].get("picture") is None
