"""Headless Chromium: the consent POST's redirect and the form_post page pass the CSP and reach the app."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client as DjangoClient

from oauth_provider.models import Authorization
from tests.factories import AuthorizationFactory, ClientFactory, UserFactory
from tests.oauth_provider.conftest import authorize_url

CALLBACK = "http://127.0.0.1:7000/callback"


@pytest.fixture
def signed_in_page(live_server, page, settings, transactional_db):
    settings.URL = live_server.url
    person = UserFactory()
    django_client = DjangoClient()
    django_client.force_login(person)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "url": live_server.url,
                               "value": django_client.cookies[settings.SESSION_COOKIE_NAME].value}])
    page.person = person
    return page


def capture_callback(page):
    """Answer the app's callback in the browser and remember what it received."""
    seen = []

    def handle(route):
        seen.append({"url": route.request.url, "method": route.request.method, "body": route.request.post_data})
        route.fulfill(status=200, body="app received it")

    page.route("http://127.0.0.1:7000/**", handle)
    return seen


def test_allow_on_the_consent_page_lands_on_the_app(live_server, signed_in_page):
    page = signed_in_page
    app = ClientFactory(redirect_uris=CALLBACK)
    seen = capture_callback(page)
    page.goto(live_server.url + authorize_url(app))
    page.check("input[value=real]")
    page.fill("#id_name", "Browser Person")
    page.click("button[value=allow]")
    page.wait_for_url(f"{CALLBACK}**")
    params = parse_qs(urlsplit(seen[0]["url"]).query)
    assert params["state"] == ["xyz"] and params["code"]
    assert Authorization.objects.get(user=page.person, client=app).name == "Browser Person"


def test_form_post_submits_to_the_app(live_server, signed_in_page):
    page = signed_in_page
    app = ClientFactory(redirect_uris=CALLBACK)
    AuthorizationFactory(user=page.person, client=app)
    seen = capture_callback(page)
    page.goto(live_server.url + authorize_url(app, response_mode="form_post"))
    page.wait_for_url(f"{CALLBACK}**")
    assert seen[0]["method"] == "POST"
    body = parse_qs(seen[0]["body"])
    assert body["code"] and body["state"] == ["xyz"] and body["iss"] == [live_server.url]
