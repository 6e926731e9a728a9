"""Where you're signed in (allauth.usersessions): the list, signing out one session or all others, and the apps."""

import pytest
from allauth.usersessions.models import UserSession
from django.core.cache import cache
from django.test import Client
from django.utils import timezone
from oauth2_provider.models import AccessToken, RefreshToken

from accounts.selectors import user_agent_describe
from tests.factories import AuthorizationFactory

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36"


def log_in(user, password, user_agent, ip="127.0.0.1") -> Client:
    """A browser of its own that logs in through the log-in form."""
    browser = Client(HTTP_USER_AGENT=user_agent, REMOTE_ADDR=ip)
    response = browser.post("/accounts/login/", {"login": user.email, "password": password})
    assert response.status_code == 302, response.content[:300]
    return browser


def is_signed_in(browser) -> bool:
    return browser.get("/dashboard/").status_code == 200


@pytest.fixture
def laptop(user, password):
    return log_in(user, password, FIREFOX, ip="203.0.113.7")


@pytest.fixture
def phone(user, password):
    return log_in(user, password, CHROME, ip="198.51.100.9")


def test_the_page_lists_each_browser_with_its_device_ip_and_last_seen(laptop, phone):
    page = laptop.get("/accounts/sessions/").content.decode()
    assert "Where you're signed in" in page
    assert "Firefox on Windows" in page and "203.0.113.7" in page
    assert "Chrome on Linux" in page and "198.51.100.9" in page
    assert page.count("This browser") == 1
    assert page.index("Firefox on Windows") < page.index("This browser") < page.index("Chrome on Linux")


def test_the_settings_page_links_to_it(laptop):
    assert 'href="/accounts/sessions/"' in laptop.get("/settings/").content.decode()


def test_last_seen_moves_when_the_browser_is_used_a_minute_later(user, laptop, phone):
    laptop.get("/dashboard/")  # the first request of the new session (log in changed its key) is recorded
    an_hour_ago = timezone.now() - timezone.timedelta(hours=1)
    UserSession.objects.filter(user=user).update(last_seen_at=an_hour_ago)
    laptop.get("/dashboard/")
    assert UserSession.objects.get(user=user, user_agent=FIREFOX).last_seen_at == an_hour_ago  # within the minute
    cache.clear()  # the once-a-minute marks expire
    laptop.get("/dashboard/", REMOTE_ADDR="192.0.2.44")
    seen = UserSession.objects.get(user=user, user_agent=FIREFOX)
    assert seen.last_seen_at > an_hour_ago and seen.ip == "192.0.2.44"
    assert UserSession.objects.get(user=user, user_agent=CHROME).last_seen_at == an_hour_ago


def test_signing_out_another_session_logs_that_browser_out_only(user, laptop, phone):
    other = UserSession.objects.get(user=user, user_agent=CHROME)
    response = laptop.post(f"/accounts/sessions/{other.pk}/end")
    assert response["Location"] == "/accounts/sessions/"
    assert "That session (Chrome on Linux) is signed out." in laptop.get("/accounts/sessions/").content.decode()
    assert not is_signed_in(phone)
    assert is_signed_in(laptop)


def test_signing_out_this_session_logs_out_here(user, laptop):
    mine = UserSession.objects.get(user=user)
    assert laptop.post(f"/accounts/sessions/{mine.pk}/end")["Location"] == "/accounts/login/"
    assert not is_signed_in(laptop)


def test_someone_elses_session_is_not_found_and_stays_signed_in(laptop, phone, password):
    from tests.factories import UserFactory

    stranger = UserFactory()
    theirs = log_in(stranger, password, CHROME)
    session = UserSession.objects.get(user=stranger)
    assert laptop.post(f"/accounts/sessions/{session.pk}/end").status_code == 404
    assert is_signed_in(theirs)


def tokens_for(user):
    """An app holding an access and a refresh token for the person (as after a code exchange)."""
    authorization = AuthorizationFactory(user=user)
    expires = timezone.now() + timezone.timedelta(hours=1)
    access = AccessToken.objects.create(
        user=user, application=authorization.client, token="access-1", expires=expires, scope="openid"
    )
    RefreshToken.objects.create(user=user, application=authorization.client, token="refresh-1", access_token=access)


def test_signing_out_everywhere_else_keeps_the_apps_unless_ticked(user, laptop, phone):
    tokens_for(user)
    response = laptop.post("/accounts/sessions/", {})
    assert response["Location"] == "/accounts/sessions/"
    assert "You are signed out of 1 other session." in laptop.get("/accounts/sessions/").content.decode()
    assert not is_signed_in(phone) and is_signed_in(laptop)
    assert AccessToken.objects.filter(user=user).exists() and RefreshToken.objects.filter(user=user).exists()


def test_also_signing_out_of_the_apps_revokes_their_tokens(user, laptop, phone, password):
    tokens_for(user)
    laptop.post("/accounts/sessions/", {"revoke_apps": "on"})
    page = laptop.get("/accounts/sessions/").content.decode()
    assert "Every app must ask you to sign in again." in page
    assert not AccessToken.objects.filter(user=user).exists()
    assert not RefreshToken.objects.filter(user=user).exists()
    assert not is_signed_in(phone) and is_signed_in(laptop)


def test_the_forms_need_a_csrf_token(user, password):
    browser = Client(enforce_csrf_checks=True, HTTP_USER_AGENT=FIREFOX)
    browser.force_login(user)
    assert browser.post("/accounts/sessions/", {}).status_code == 403


@pytest.mark.parametrize(
    ("user_agent", "device"),
    [
        (FIREFOX, "Firefox on Windows"),
        (CHROME, "Chrome on Linux"),
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.5 Mobile/15E148 Safari/604.1",
            "Safari on iPhone",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0",
            "Edge on macOS",
        ),
        ("curl/8.5.0", "Unknown browser"),
        ("", "Unknown browser"),
    ],
)
def test_user_agents_read_as_devices(user_agent, device):
    assert user_agent_describe(user_agent=user_agent) == device


@pytest.mark.parametrize(
    ("method", "path", "data", "status"),
    [
        ("get", "/accounts/sessions/999999/end", None, 405),
        ("post", "/accounts/sessions/999999/end", {}, 404),
        ("post", "/accounts/sessions/", {"revoke_apps": "\x00"}, 400),
        ("get", "/settings/api-keys/999999/delete", None, 404),
        ("post", "/settings/export", {}, 405),
        ("get", "/apps/no-such-app/revoke", None, 404),
    ],
)
def test_odd_requests_to_the_new_pages_get_a_clear_answer(laptop, method, path, data, status):
    response = getattr(laptop, method)(path, data) if data is not None else getattr(laptop, method)(path)
    assert response.status_code == status
