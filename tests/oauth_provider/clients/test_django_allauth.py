"""django-allauth's generic `openid_connect` provider signs in with SimpleLogin, configured with its URL only."""

import pytest
import requests

from oauth_provider.models import Authorization
from tests.factories import ClientFactory
from tests.oauth_provider.clients.conftest import CLIENT_IDS, sign_in

pytestmark = pytest.mark.slow


@pytest.fixture
def apps(django_rp, server):
    """The two apps the relying party signs in to, registered with allauth's callback URLs."""
    return {
        provider_id: ClientFactory(
            client_id=CLIENT_IDS[variable],
            redirect_uris=f"{django_rp}/accounts/oidc/{provider_id}/login/callback/",
        )
        for provider_id, variable in (
            ("simplelogin", "RP_ALLAUTH_CLIENT_ID"),
            ("simplelogin-other", "RP_ALLAUTH_OTHER_CLIENT_ID"),
        )
    }


def test_the_app_gets_the_alias_name_avatar_and_a_pairwise_uid(django_rp, apps, person, alias, avatar_url):
    login = f"{django_rp}/sign-in/allauth/simplelogin"
    consent = {"email": alias.email, "name": "Rita", "share_avatar": "on"}
    first = sign_in(requests.Session(), login, person, consent=consent)

    (account,) = first["accounts"]
    assert first["email"] == alias.email and first["first_name"] == "Rita"
    assert account["email"] == alias.email and account["name"] == "Rita" and account["picture"] == avatar_url
    assert account["uid"] == Authorization.objects.get(user=person, client=apps["simplelogin"]).sub

    # Another browser, another day: log in again, no consent asked, the same account at the app.
    again = sign_in(requests.Session(), login, person, consent=None)
    assert again["id"] == first["id"] and again["accounts"][0]["uid"] == account["uid"]

    other = sign_in(
        requests.Session(),
        f"{django_rp}/sign-in/allauth/simplelogin-other",
        person,
        consent={"email": "random", "name": "R.", "share_avatar": ""},
    )
    (other_account,) = other["accounts"]
    assert other["id"] != first["id"] and other_account["uid"] != account["uid"]
    assert other["email"] not in (alias.email, person.email) and other_account["picture"] is None
