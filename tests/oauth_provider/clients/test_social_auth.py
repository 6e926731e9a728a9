"""python-social-auth (social-core's SimpleLogin backend, through social-auth-app-django) signs in with SimpleLogin.

The backend is social-core's own with the base URL changed (tests/clients/django_rp/backends.py). It sends no
scope, puts the access token in the query string and reads the uid from `id`: the app is registered with the
query-token switch on, as the console offers for such libraries.
"""

import pytest
import requests

from oauth_provider.models import Authorization
from tests.factories import ClientFactory
from tests.oauth_provider.clients.conftest import CLIENT_IDS, sign_in, sign_in_page

pytestmark = pytest.mark.slow


@pytest.fixture
def apps(django_rp, server):
    """The two apps the relying party signs in to, registered with social-auth's callback URLs."""
    return {
        backend: ClientFactory(
            client_id=CLIENT_IDS[variable],
            redirect_uris=f"{django_rp}/social/complete/{backend}/",
            accepts_query_access_token=True,
        )
        for backend, variable in (
            ("simplelogin", "RP_SOCIAL_CLIENT_ID"),
            ("simplelogin-other", "RP_SOCIAL_OTHER_CLIENT_ID"),
        )
    }


def test_the_app_gets_the_alias_name_avatar_and_a_pairwise_uid(django_rp, apps, person, alias, avatar_url, caplog):
    login = f"{django_rp}/sign-in/social-auth/simplelogin"
    consent = {"email": alias.email, "name": "Rita", "share_avatar": "on"}
    first = sign_in(requests.Session(), login, person, consent=consent)

    (account,) = first["accounts"]
    assert account["library"] == "social-auth" and first["email"] == alias.email
    assert account["email"] == alias.email and account["name"] == "Rita" and account["avatar_url"] == avatar_url
    # No scope sent: SimpleLogin grants `openid email profile`, as in 2019.
    authorization = Authorization.objects.get(user=person, client=apps["simplelogin"])
    assert account["uid"] == authorization.sub and set(authorization.scope.split()) == {"openid", "email", "profile"}

    again = sign_in(requests.Session(), login, person, consent=None)
    assert again["id"] == first["id"] and again["accounts"][0]["uid"] == account["uid"]
    # The token social-core put in the query string is in no log record of SimpleLogin's (message, args, extras).
    userinfo_calls = [record for record in caplog.records if getattr(record, "path", None) == "/oauth2/userinfo"]
    assert [record.status for record in userinfo_calls] == [200, 200]
    assert not [record for record in caplog.records if "access_token=" in str(vars(record))]

    other = sign_in(
        requests.Session(),
        f"{django_rp}/sign-in/social-auth/simplelogin-other",
        person,
        consent={"email": "random", "name": "R.", "share_avatar": ""},
    )
    (other_account,) = other["accounts"]
    assert other["id"] != first["id"] and other_account["uid"] != account["uid"]
    assert other["email"] not in (alias.email, person.email) and other_account["avatar_url"] is None


def test_without_the_query_token_switch_the_sign_in_fails_and_the_app_has_nobody(
    django_rp, server, person, alias, caplog
):
    ClientFactory(
        client_id=CLIENT_IDS["RP_SOCIAL_CLIENT_ID"], redirect_uris=f"{django_rp}/social/complete/simplelogin/"
    )
    session = requests.Session()
    page = sign_in_page(session, f"{django_rp}/sign-in/social-auth/simplelogin", person, consent={"email": alias.email})

    # SimpleLogin refuses social-core's ?access_token= call, so its callback fails and nobody is signed in.
    userinfo = [r.status for r in caplog.records if getattr(r, "path", None) == "/oauth2/userinfo"]
    assert userinfo == [400]
    assert "/social/complete/simplelogin/" in page.url and page.status_code == 500
    assert session.get(f"{django_rp}/me", timeout=10).status_code == 401
