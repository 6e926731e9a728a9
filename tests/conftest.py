"""Fixtures shared by the whole suite."""

import pytest
from django.core.cache import cache

from tests.factories import PASSWORD, UserFactory

BROWSER_FIXTURES = {"page", "browser"}
# A session's first request of the minute records it for "Where you're signed in" (allauth.usersessions:
# SELECT, UPDATE and the savepoint around them); query budgets of signed-in pages include it.
SESSION_SEEN_QUERIES = 4


def pytest_collection_modifyitems(items):
    """Mark every test that drives Chromium `browser` (and `slow`), so `-m "not browser"` skips them all."""
    for item in items:
        if BROWSER_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.slow)


@pytest.fixture(autouse=True)
def _fast_hashing_and_clean_cache(settings, tmp_path):
    """Fast password hashing in tests (Argon2 is tested on its own), fresh cache and media per test."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "oauth_provider.hashers.ClientSecretSHA256Hasher",
    ]
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def password():
    """The password every factory user has."""
    return PASSWORD


@pytest.fixture
def user(db):
    """An activated person on a trial."""
    return UserFactory()


@pytest.fixture
def signed_in(client, user):
    """A test client signed in as `user`."""
    client.force_login(user)
    return client


def reauthenticate(client, user) -> None:
    """Record in the test client's session that `user` just confirmed their password (allauth's recent re-auth)."""
    import time

    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY

    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "password", "at": time.time(), "reauthenticated": True}]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


@pytest.fixture
def reauthenticated(signed_in, user):
    """`signed_in`, having just confirmed the password: sensitive actions (re-authentication) do not ask again."""
    reauthenticate(signed_in, user)
    return signed_in


@pytest.fixture(scope="session")
def _session_signing_key(tmp_path_factory):
    """One RSA key for the whole run (generating one per test is slow)."""
    from oauth_provider import keys

    folder = tmp_path_factory.mktemp("keys")
    keys.pem_write_private(path=folder / keys.PRIMARY_KEY_NAME, pem=keys.rsa_private_pem_generate())
    return folder / keys.PRIMARY_KEY_NAME


@pytest.fixture
def signing_key_dir(settings, tmp_path, _session_signing_key):
    """A KEYS_DIR of this test's own holding the session's RSA key; the issuer is the test server."""
    import shutil

    from oauth_provider import keys

    folder = tmp_path / "keys"
    folder.mkdir()
    shutil.copy(_session_signing_key, folder / keys.PRIMARY_KEY_NAME)
    settings.KEYS_DIR = folder
    settings.URL = "http://testserver"
    return folder


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _Mailbox:
    """Messages received by the loopback SMTP server."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        from email import message_from_bytes, policy

        message = message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append(
            {"from": envelope.mail_from, "to": list(envelope.rcpt_tos), "message": message, "raw": envelope.content}
        )
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server (aiosmtpd) on loopback; outbound mail of the app is sent to it."""
    from aiosmtpd.controller import Controller

    mailbox = _Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    mailbox.port = settings.EMAIL_PORT
    yield mailbox
    controller.stop()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Headless Debian Chromium driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    """A fresh browser context and page for one test."""
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
