"""Headless Chromium: the consent POST's redirect and the form_post page pass the CSP and reach the app."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.test import Client as DjangoClient

from billing.models import Plan
from oauth_provider.models import Authorization
from tests.factories import AliasFactory, AuthorizationFactory, ClientFactory, UserFactory
from tests.oauth_provider.conftest import authorize_url

CALLBACK = "http://127.0.0.1:7000/callback"


@pytest.fixture
def signed_in_page(live_server, page, settings, transactional_db):
    settings.URL = live_server.url
    person = UserFactory()
    django_client = DjangoClient()
    django_client.force_login(person)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "url": live_server.url,
                "value": django_client.cookies[settings.SESSION_COOKIE_NAME].value,
            }
        ]
    )
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


def checked_email(page) -> str | None:
    """The value of the preselected email choice, or None."""
    checked = page.locator("input[name=email]:checked")
    return checked.get_attribute("value") if checked.count() else None


def test_with_no_alias_a_new_random_alias_is_preselected_and_shared(live_server, signed_in_page):
    page = signed_in_page
    app = ClientFactory(redirect_uris=CALLBACK)
    capture_callback(page)
    page.goto(live_server.url + authorize_url(app))
    assert checked_email(page) == "random"
    assert not page.locator("input[value=real]").is_checked()
    page.click("button[value=allow]")
    page.wait_for_url(f"{CALLBACK}**")
    alias = Authorization.objects.get(user=page.person, client=app).alias
    assert alias is not None and alias.user == page.person


def test_with_aliases_they_are_listed_and_the_random_alias_stays_the_default(live_server, signed_in_page):
    page = signed_in_page
    aliases = [AliasFactory(user=page.person) for _ in range(2)]
    app = ClientFactory(redirect_uris=CALLBACK, name="Demo App")
    page.goto(live_server.url + authorize_url(app))
    assert checked_email(page) == "random"
    for alias in aliases:
        assert page.locator(f"input[name=email][value='{alias.email}']").is_visible()
    suggested = page.locator("#suggested-email").inner_text()
    assert suggested.startswith("demo-app.") and suggested.endswith("@" + settings.EMAIL_DOMAIN)
    capture_callback(page)
    page.locator("input[value=suggested]").check()  # one click on the suggestion, then Allow
    page.click("button[value=allow]")
    page.wait_for_url(f"{CALLBACK}**")
    assert Authorization.objects.get(user=page.person, client=app).alias.email == suggested


def test_at_quota_an_unused_alias_is_preselected_and_allow_never_shares_the_real_email(
    live_server, page, settings, transactional_db
):
    settings.URL = live_server.url
    settings.MAX_ALIASES_FREE_PLAN = 2
    person = UserFactory(plan=Plan.FREE)
    held = AliasFactory(user=person)
    AuthorizationFactory(user=person, client=ClientFactory(name="Other App"), alias=held)
    unused = AliasFactory(user=person)
    django_client = DjangoClient()
    django_client.force_login(person)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "url": live_server.url,
                "value": django_client.cookies[settings.SESSION_COOKIE_NAME].value,
            }
        ]
    )
    app = ClientFactory(redirect_uris=CALLBACK)
    capture_callback(page)
    page.goto(live_server.url + authorize_url(app))
    assert checked_email(page) == unused.email
    assert page.locator("input[value=random]").count() == 0
    assert "You have used the 2 aliases of the free plan" in page.locator("#no-new-alias").inner_text()
    assert page.locator("#no-new-alias a").count() == 0  # payments are off: no upgrade link
    assert (
        "also used by Other App" in page.locator("label", has=page.locator(f"input[value='{held.email}']")).inner_text()
    )
    page.click("button[value=allow]")
    page.wait_for_url(f"{CALLBACK}**")
    assert Authorization.objects.get(user=person, client=app).alias == unused


def test_signed_out_the_log_in_page_names_the_app_and_leads_to_consent(
    live_server, page, password, settings, transactional_db
):
    settings.URL = live_server.url
    person = UserFactory()
    app = ClientFactory(redirect_uris=CALLBACK, name="Demo App")
    page.goto(live_server.url + authorize_url(app))
    page.wait_for_url("**/accounts/login/**")
    assert "You are signing in to Demo App" in page.locator("#signing-in-to").inner_text()
    page.get_by_label("Email").fill(person.email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.get_by_role("button", name="Allow").wait_for()
    assert page.locator("h1").inner_text() == "Demo App"

    page.get_by_role("button", name="Use another account").click()
    page.wait_for_url("**/accounts/login/**")
    assert "You are signing in to Demo App" in page.locator("#signing-in-to").inner_text()


def test_the_app_icon_is_a_square_not_stretched(live_server, signed_in_page):
    import io

    from django.core.files.base import ContentFile
    from PIL import Image

    page = signed_in_page
    app = ClientFactory(redirect_uris=CALLBACK)
    buffer = io.BytesIO()
    Image.new("RGB", (300, 100), "red").save(buffer, "PNG")
    app.icon.save("wide.png", ContentFile(buffer.getvalue()), save=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + authorize_url(app))
        box = page.locator(".client-head img").bounding_box()
        assert box["width"] == box["height"] == 48
        assert page.locator(".client-head img").evaluate("img => getComputedStyle(img).objectFit") == "cover"
