"""Auth.js (@auth/core, npm) signs in with its SimpleLogin provider, given SimpleLogin's URL as `issuer`.

tests/clients/authjs/server.mjs is a small app on Auth.js; it runs under node (installed from the committed
package-lock.json with `npm ci`). The id_token's claims are Auth.js's profile: `sub`, `email`, `name`, `avatar_url`.
"""

import os
import shutil
import subprocess

import pytest
import requests

from oauth_provider.models import Authorization
from tests.conftest import free_port
from tests.factories import CLIENT_SECRET, ClientFactory
from tests.oauth_provider.clients.conftest import ROOT, sign_in, stop, wait_until_up

pytestmark = pytest.mark.slow

APP = ROOT / "tests" / "clients" / "authjs"
CLIENT_ID, OTHER_CLIENT_ID = "rp-authjs", "rp-authjs-other"


def npm_ci() -> None:
    """Install the locked packages, unless node_modules already holds exactly them."""
    installed = APP / "node_modules" / ".package-lock.json"
    if installed.exists() and installed.stat().st_mtime >= (APP / "package-lock.json").stat().st_mtime:
        return
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--prefer-offline"],
        cwd=APP,
        check=True,
        capture_output=True,
        timeout=300,
    )


@pytest.fixture(scope="session")
def authjs_rp(live_server, tmp_path_factory):
    """The Auth.js app on 127.0.0.1, its SimpleLogin provider's issuer the live server."""
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    npm_ci()
    port = free_port()
    env = {
        **os.environ,
        "RP_PORT": str(port),
        "RP_SIMPLELOGIN_URL": live_server.url,
        "RP_CLIENT_ID": CLIENT_ID,
        "RP_OTHER_CLIENT_ID": OTHER_CLIENT_ID,
        "RP_CLIENT_SECRET": CLIENT_SECRET,
    }
    log = tmp_path_factory.mktemp("authjs") / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(["node", "server.mjs"], cwd=APP, env=env, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/health", process, log)
        yield url
    finally:
        stop(process)


@pytest.fixture
def apps(authjs_rp, server):
    """The two apps, registered with Auth.js's callback URLs."""
    return {
        provider: ClientFactory(client_id=client_id, redirect_uris=f"{authjs_rp}/auth/callback/{provider}")
        for provider, client_id in (("simplelogin", CLIENT_ID), ("simplelogin-other", OTHER_CLIENT_ID))
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
