"""Real client libraries signing in with the live test server: the relying parties run as subprocesses."""

import contextlib
import fcntl
import os
import shutil
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests
from django.core.files.base import ContentFile

from oauth_provider import claims
from tests.conftest import free_port
from tests.factories import CLIENT_SECRET, PASSWORD, AliasFactory, UserFactory

ROOT = Path(__file__).resolve().parents[3]
NODE_APPS = ROOT / "tests" / "clients" / "node"

# The client ids the relying parties are configured with; each test registers the apps it signs in to.
CLIENT_IDS = {
    "RP_ALLAUTH_CLIENT_ID": "rp-allauth",
    "RP_ALLAUTH_OTHER_CLIENT_ID": "rp-allauth-other",
    "RP_SOCIAL_CLIENT_ID": "rp-social",
    "RP_SOCIAL_OTHER_CLIENT_ID": "rp-social-other",
}
# A 1x1 PNG, the person's avatar.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d4944415478da63f8cfc0f01f0005000201e2c3e3b40000000049454e44ae426082"
)


def wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float = 30) -> None:
    """Poll `url` until it answers; fail with the process's output if it exits or never answers."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the relying party exited ({process.returncode}):\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=1).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.1)
    pytest.fail(f"the relying party did not start in {timeout} s:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    """End a subprocess this fixture started."""
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


LOGS: dict[str, Path] = {}  # a running relying party's URL -> its output, quoted when a sign-in fails there


@contextlib.contextmanager
def running(command: list[str], *, cwd: Path, env: dict, folder: Path):
    """Run a relying party on a free loopback port (given to it as RP_PORT) until the block ends; yields its URL."""
    port = free_port()
    log = folder / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, cwd=cwd, env={**env, "RP_PORT": str(port)}, stdout=output, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    LOGS[url] = log
    try:
        wait_until_up(f"{url}/health", process, log)
        yield url
    finally:
        stop(process)
        del LOGS[url]


@pytest.fixture(scope="session")
def django_rp(live_server, tmp_path_factory):
    """tests/clients/django_rp (allauth + social-auth) on 127.0.0.1, configured with the live server's base URL."""
    folder = tmp_path_factory.mktemp("django_rp")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "PYTEST_")) and key not in ("SECRET_KEY", "URL", "DATABASE_URL")
    }
    env.update(
        CLIENT_IDS,
        DJANGO_SETTINGS_MODULE="tests.clients.django_rp.settings",
        RP_SIMPLELOGIN_URL=live_server.url,
        RP_CLIENT_SECRET=CLIENT_SECRET,
        RP_DATABASE=str(folder / "rp.sqlite3"),
    )
    with running([sys.executable, "-m", "tests.clients.django_rp.serve"], cwd=ROOT, env=env, folder=folder) as url:
        yield url


def npm_ci() -> None:
    """Install the locked npm packages, unless node_modules already holds them (npm ci writes its own lock last).

    One test process at a time (pytest -n): two npm ci at once in one folder leave half the packages installed.
    """
    installed = NODE_APPS / "node_modules" / ".package-lock.json"
    with open(NODE_APPS / "node_modules.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if installed.exists() and installed.stat().st_mtime >= (NODE_APPS / "package-lock.json").stat().st_mtime:
            return
        done = subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--prefer-offline"],
            cwd=NODE_APPS,
            capture_output=True,
            timeout=300,
        )
    if done.returncode:
        pytest.fail(f"npm ci failed in {NODE_APPS}:\n{done.stderr.decode()[-3000:]}")


@contextlib.contextmanager
def node_app(script: str, *, issuer: str, client_ids: tuple[str, str], folder: Path):
    """Run tests/clients/node/<script>, its issuer `issuer`, with two apps' client ids; yields its URL.

    Skipped without node, the one skip allowed here.
    """
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    npm_ci()
    env = {
        **os.environ,
        "RP_SIMPLELOGIN_URL": issuer,
        "RP_CLIENT_ID": client_ids[0],
        "RP_OTHER_CLIENT_ID": client_ids[1],
        "RP_CLIENT_SECRET": CLIENT_SECRET,
    }
    with running(["node", script], cwd=NODE_APPS, env=env, folder=folder) as url:
        yield url


@pytest.fixture
def server(live_server, settings):
    """The live test server is the issuer."""
    settings.URL = live_server.url
    return live_server.url


@pytest.fixture
def person(transactional_db):
    """A person with an avatar."""
    user = UserFactory(name="Rita Hayworth")
    user.avatar.save("rita.png", ContentFile(PNG))
    return user


@pytest.fixture
def alias(person):
    """An alias of the person's, to share with the apps."""
    return AliasFactory(user=person)


@pytest.fixture
def avatar_url(server, person):
    """The avatar's address as SimpleLogin publishes it."""
    return claims.avatar_url(avatar_name=person.avatar.name)


class _Forms(HTMLParser):
    """The POST forms of a page: action and the inputs' default values."""

    def __init__(self):
        super().__init__()
        self.forms = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "").lower() == "post":
            self.forms.append({"action": attrs.get("action"), "fields": {}})
        elif tag == "input" and self.forms and attrs.get("type") == "hidden" and attrs.get("name"):
            self.forms[-1]["fields"][attrs["name"]] = attrs.get("value") or ""


def submit(session: requests.Session, page: requests.Response, **fields) -> requests.Response:
    """Fill in and send the first POST form of `page`, as a browser would (its hidden fields, CSRF, Referer)."""
    parser = _Forms()
    parser.feed(page.text)
    assert parser.forms, f"no form on {page.url} ({page.status_code}): {page.text[:500]}"
    form = parser.forms[0]
    return session.post(
        urljoin(page.url, form["action"] or page.url),
        data={**form["fields"], **fields},
        headers={"Referer": page.url},
        timeout=30,
    )


def sign_in_page(session: requests.Session, button_url: str, person, *, consent: dict | None) -> requests.Response:
    """Click "Sign in with SimpleLogin" on a relying party's page, log in (when asked) and consent (when asked).

    Returns the page the browser lands on at the relying party.
    """
    page = submit(session, session.get(button_url, timeout=30))
    if "/accounts/login/" in page.url:
        page = submit(session, page, login=person.email, password=PASSWORD)
    if consent is not None:
        assert "/authorize" in page.url, f"expected the consent page, got {page.url}: {page.text[:500]}"
        page = submit(session, page, action="allow", **consent)
    return page


def sign_in(session: requests.Session, button_url: str, person, *, consent: dict | None) -> dict:
    """`sign_in_page`, landing signed in: what the relying party then knows of its user (its /me page)."""
    page = sign_in_page(session, button_url, person, consent=consent)
    if not page.url.endswith("/me"):
        logs = "".join(log.read_text()[-3000:] for url, log in LOGS.items() if button_url.startswith(url))
        pytest.fail(f"ended at {page.url} ({page.status_code}): {page.text[:500]}\nthe relying party said:\n{logs}")
    return page.json()
