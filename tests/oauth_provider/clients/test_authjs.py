"""Auth.js (@auth/core, npm) signs in with its SimpleLogin provider, given SimpleLogin's URL as `issuer`.

tests/clients/node/server.mjs is a small app on Auth.js; it runs under node (installed from the committed
package-lock.json with `npm ci`). The id_token's claims are Auth.js's profile: `sub`, `email`, `name`, `avatar_url`.
"""

import pytest
import requests

from oauth_provider.models import Authorization
from tests.factories import ClientFactory
from tests.oauth_provider.clients.conftest import node_app, sign_in

pytestmark = pytest.mark.slow

CLIENT_IDS = ("rp-authjs", "rp-authjs-other")


@pytest.fixture(scope="session")
def authjs_rp(live_server, tmp_path_factory):
    """The Auth.js app on 127.0.0.1, its SimpleLogin provider's issuer the live server."""
    folder = tmp_path_factory.mktemp("authjs")
    with node_app("server.mjs", issuer=live_server.url, client_ids=CLIENT_IDS, folder=folder) as url:
        yield url


@pytest.fixture
def apps(authjs_rp, server):
    """The two apps, registered with Auth.js's callback URLs."""
    return {
        provider: ClientFactory(client_id=client_id, redirect_uris=f"{authjs_rp}/auth/callback/{provider}")
        for provider, client_id in zip(("simplelogin", "simplelogin-other"), CLIENT_IDS, strict=True)
    }


def test_the_app_gets_the_alias_name_avatar_and_a_pairwise_uid(authjs_rp, apps, person, alias, avatar_url):
    button = f"{authjs_rp}/sign-in/simplelogin"
    consent = {"email": alias.email, "name": "Rita", "share_avatar": "on"}
    first = sign_in(requests.Session(), button, person, consent=consent)

    assert first["user"] == {"email": alias.email, "name": "Rita", "image": avatar_url}
    assert first["uid"] == Authorization.objects.get(user=person, client=apps["simplelogin"]).sub

    again = sign_in(requests.Session(), button, person, consent=None)
    assert again["uid"] == first["uid"] and again["user"]["email"] == alias.email

    other = sign_in(
        requests.Session(),
        f"{authjs_rp}/sign-in/simplelogin-other",
        person,
        consent={"email": "random", "name": "R.", "share_avatar": ""},
    )
    assert other["provider"] == "simplelogin-other" and other["uid"] != first["uid"]
    assert other["user"]["email"] not in (alias.email, person.email) and other["user"].get("image") is None
