"""The dashboard: list, search, create, toggle, note, test email, delete; POST + CSRF; 404 for others' aliases."""

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client as CsrfCheckingClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services
from accounts.models import Alias, DeletedAlias
from billing.models import Plan
from oauth_provider.models import Authorization, Client
from tests.factories import AliasFactory, UserFactory

pytestmark = pytest.mark.django_db

ACTIONS = ["alias_toggle", "alias_note", "alias_delete", "alias_test_email"]


def _client(name):
    return Client.objects.create(
        name=name,
        user=UserFactory(),
        client_type="confidential",
        authorization_grant_type="authorization-code",
        redirect_uris="https://app.example/callback",
    )


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_dashboard_needs_sign_in(client):
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_dashboard_lists_aliases_newest_first_with_apps_and_note(signed_in, user):
    old = AliasFactory(user=user, email=f"old_one@{settings.EMAIL_DOMAIN}", note="bank")
    new = AliasFactory(user=user, email=f"new_one@{settings.EMAIL_DOMAIN}", enabled=False)
    Authorization.objects.create(user=user, client=_client("Bakery Shop"), alias=old)
    AliasFactory(email=f"someone_else@{settings.EMAIL_DOMAIN}")
    response = signed_in.get(reverse("dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index(new.email) < html.index(old.email)
    assert "Bakery Shop" in html and 'value="bank"' in html
    assert "someone_else" not in html
    assert "badge off" in html


def test_dashboard_search_filters_aliases(signed_in, user):
    AliasFactory(user=user, email=f"red_apple@{settings.EMAIL_DOMAIN}")
    AliasFactory(user=user, email=f"blue_sky@{settings.EMAIL_DOMAIN}")
    html = signed_in.get(reverse("dashboard"), {"q": "apple"}).content.decode()
    assert "red_apple@" in html and "blue_sky@" not in html
    html = signed_in.get(reverse("dashboard"), {"q": "nothing-like-it"}).content.decode()
    assert "No alias matches" in html


def test_create_random_in_one_click(signed_in, user):
    response = signed_in.post(reverse("alias_create_random"))
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    alias = user.aliases.get()
    assert f"Alias {alias.email} has been created." in _messages(response)


def test_create_random_over_the_free_limit_says_why(client):
    free = UserFactory(plan=Plan.FREE)
    for _ in range(3):
        services.alias_create_random(user=free)
    client.force_login(free)
    page = client.get(reverse("dashboard")).content.decode()
    assert "used all the aliases of the free plan" in page
    response = client.post(reverse("alias_create_random"), follow=True)
    assert free.aliases.count() == 3
    assert "alias limit of the free plan" in response.content.decode()


def test_create_custom_alias(signed_in, user):
    response = signed_in.post(reverse("alias_create_custom"), {"prefix": "Boulangerie"})
    assert response.status_code == 302
    alias = user.aliases.get()
    assert alias.email.startswith("boulangerie.")
    assert f"Alias {alias.email} has been created." in _messages(response)


def test_create_custom_alias_bad_prefix_is_a_form_error(signed_in, user):
    response = signed_in.post(reverse("alias_create_custom"), {"prefix": "no way!"})
    assert response.status_code == 400
    assert "3 to 40 characters" in response.content.decode()
    assert not user.aliases.exists()


def test_create_custom_alias_empty_prefix_is_a_form_error(signed_in, user):
    response = signed_in.post(reverse("alias_create_custom"), {"prefix": ""})
    assert response.status_code == 400
    assert "This field is required." in response.content.decode()


def test_free_plan_sees_upgrade_link_and_custom_is_refused(client, settings):
    settings.STRIPE_TEST_SECRET_KEY = "sk_test_FakeKeyForTheTestSuite0123456789"
    settings.STRIPE_PRICE_MONTHLY, settings.STRIPE_PRICE_YEARLY = "price_monthly", "price_yearly"
    free = UserFactory(plan=Plan.FREE)
    client.force_login(free)
    page = client.get(reverse("dashboard")).content.decode()
    assert '<a class="button" href="/pricing">Upgrade</a>' in page and "premium feature" in page
    assert 'name="prefix"' not in page
    response = client.post(reverse("alias_create_custom"), {"prefix": "shopping"})
    assert response.status_code == 302
    assert "Custom aliases are a premium feature. Upgrade to create them." in _messages(response)
    assert not free.aliases.exists()


def test_toggle(signed_in, user):
    alias = AliasFactory(user=user)
    response = signed_in.post(reverse("alias_toggle", args=[alias.pk]))
    alias.refresh_from_db()
    assert alias.enabled is False
    assert f"Forwarding for {alias.email} is now off." in _messages(response)


def test_edit_note(signed_in, user):
    alias = AliasFactory(user=user)
    response = signed_in.post(reverse("alias_note", args=[alias.pk]), {"note": "Newsletter"})
    alias.refresh_from_db()
    assert alias.note == "Newsletter"
    assert f"The note of {alias.email} is saved." in _messages(response)


def test_too_long_note_is_refused(signed_in, user):
    alias = AliasFactory(user=user, note="keep")
    response = signed_in.post(reverse("alias_note", args=[alias.pk]), {"note": "x" * 1001})
    alias.refresh_from_db()
    assert alias.note == "keep"
    assert "The note is too long: at most 1000 characters." in _messages(response)


def test_delete_confirmation_names_the_apps_that_lose_the_alias(signed_in, user):
    alias = AliasFactory(user=user)
    Authorization.objects.create(user=user, client=_client("Bakery Shop"), alias=alias)
    response = signed_in.get(reverse("alias_delete", args=[alias.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "These apps use this alias and will lose it" in html and "Bakery Shop" in html
    assert Alias.objects.filter(pk=alias.pk).exists()


def test_delete(signed_in, user):
    alias = AliasFactory(user=user)
    Authorization.objects.create(user=user, client=_client("Bakery Shop"), alias=alias)
    response = signed_in.post(reverse("alias_delete", args=[alias.pk]))
    assert response.status_code == 302
    assert not Alias.objects.filter(pk=alias.pk).exists()
    assert DeletedAlias.objects.filter(email=alias.email).exists()
    assert f"Alias {alias.email} has been deleted." in _messages(response)


def test_send_test_email(signed_in, user, smtp_server):
    alias = AliasFactory(user=user)
    response = signed_in.post(reverse("alias_test_email", args=[alias.pk]))
    assert response.status_code == 302
    assert f"A test email has been sent to {alias.email}. Please check your inbox." in _messages(response)
    assert [m["to"] for m in smtp_server.messages] == [[alias.email]]


def test_send_test_email_when_smtp_is_down_says_so(signed_in, user, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 1, 2
    alias = AliasFactory(user=user)
    response = signed_in.post(reverse("alias_test_email", args=[alias.pk]))
    assert response.status_code == 302
    assert "The test email could not be sent right now. Please try again later." in _messages(response)


@pytest.mark.parametrize("action", ACTIONS)
def test_others_aliases_answer_404(signed_in, action, smtp_server):
    theirs = AliasFactory(note="theirs")
    response = signed_in.post(reverse(action, args=[theirs.pk]), {"note": "mine now"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.enabled is True and theirs.note == "theirs"
    assert smtp_server.messages == []


def test_others_alias_delete_confirmation_answers_404(signed_in):
    theirs = AliasFactory()
    assert signed_in.get(reverse("alias_delete", args=[theirs.pk])).status_code == 404


@pytest.mark.parametrize("action", ACTIONS)
def test_unknown_alias_answers_404(signed_in, action):
    assert signed_in.post(reverse(action, args=[999999])).status_code == 404


@pytest.mark.parametrize("action", ["alias_toggle", "alias_note", "alias_test_email"])
def test_actions_refuse_get(signed_in, user, action):
    alias = AliasFactory(user=user)
    assert signed_in.get(reverse(action, args=[alias.pk])).status_code == 405
    alias.refresh_from_db()
    assert alias.enabled is True


def test_create_refuses_get(signed_in, user):
    assert signed_in.get(reverse("alias_create_random")).status_code == 405
    assert not user.aliases.exists()


def test_actions_need_csrf_token(user):
    alias = AliasFactory(user=user)
    browser = CsrfCheckingClient(enforce_csrf_checks=True)
    browser.force_login(user)
    assert browser.post(reverse("alias_toggle", args=[alias.pk])).status_code == 403
    assert browser.post(reverse("alias_delete", args=[alias.pk])).status_code == 403
    assert browser.post(reverse("alias_create_random")).status_code == 403
    alias.refresh_from_db()
    assert alias.enabled is True and user.aliases.count() == 1


def _dashboard_queries(client, *, aliases: int) -> int:
    """Sign in as a new person with `aliases` aliases, each used by an app, and count the dashboard's queries."""
    user = UserFactory()
    for n in range(aliases):
        Authorization.objects.create(user=user, client=_client(f"App {n}"), alias=AliasFactory(user=user))
    client.force_login(user)
    client.get(reverse("settings"))  # the session's first request of the minute also records it (usersessions)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="alias-email"') == min(aliases, 25) and f"App {aliases - 1}" in html
    return len(queries)


def test_dashboard_query_count_does_not_grow_with_aliases(client, django_assert_num_queries):
    one = _dashboard_queries(client, aliases=1)
    fifty = _dashboard_queries(client, aliases=50)
    assert fifty == one, (one, fifty)
    with django_assert_num_queries(one):
        assert client.get(reverse("dashboard"), {"q": "@"}).status_code == 200
    with django_assert_num_queries(one):
        filtered = {"q": "@", "state": "on", "app": "used", "sort": "address", "page": "2"}
        assert client.get(reverse("dashboard"), filtered).status_code == 200


def test_dashboard_shows_mail_counts_per_alias(signed_in, user):
    from accounts.models import AliasStats

    busy = AliasFactory(user=user, email="busy_alias@sl.local")
    AliasFactory(user=user, email="quiet_alias@sl.local")
    AliasStats.objects.create(alias=busy, forwarded=7, replied=2, blocked=3)
    page = signed_in.get(reverse("dashboard")).content.decode()
    assert "7 forwarded, 2 replied, 3 blocked" in page
    assert "0 forwarded, 0 replied, 0 blocked" in page


def test_test_emails_are_rate_limited_per_person(signed_in, user, smtp_server):
    alias, other = AliasFactory(user=user), AliasFactory(user=user)
    for n in range(10):
        signed_in.post(reverse("alias_test_email", args=[(alias if n % 2 else other).pk]))
    response = signed_in.post(reverse("alias_test_email", args=[alias.pk]))
    assert "Too many test emails. Please try again in an hour." in _messages(response)
    assert len(smtp_server.messages) == 10


# --- pages, filters and sort ---


def _emails(html):
    import re

    return re.findall(r'class="alias-email" id="alias-email-\d+">([^<]+)<', html)


def test_dashboard_shows_25_aliases_a_page_with_links_that_keep_the_filters(signed_in, user):
    for n in range(30):
        AliasFactory(user=user, email=f"a{n:02d}@{settings.EMAIL_DOMAIN}")
    first = signed_in.get(reverse("dashboard"), {"sort": "address"}).content.decode()
    assert _emails(first)[:2] == [f"a00@{settings.EMAIL_DOMAIN}", f"a01@{settings.EMAIL_DOMAIN}"]
    assert len(_emails(first)) == 25 and "30 aliases, page 1 of 2" in first
    assert 'href="?sort=address&amp;page=2"' in first
    second = signed_in.get(reverse("dashboard"), {"sort": "address", "page": "2"}).content.decode()
    assert len(_emails(second)) == 5 and _emails(second)[-1] == f"a29@{settings.EMAIL_DOMAIN}"
    assert 'href="?sort=address&amp;page=1"' in second


@pytest.mark.parametrize(
    "params", [{"page": "999"}, {"page": "x"}, {"sort": "evil"}, {"state": "maybe"}, {"app": "[]"}, {"q": "x" * 500}]
)
def test_unknown_filter_values_are_ignored_not_an_error(signed_in, user, params):
    AliasFactory(user=user)
    assert signed_in.get(reverse("dashboard"), params).status_code == 200


def test_filters_forwarding_on_off_and_used_by_an_app(signed_in, user):
    used = AliasFactory(user=user, email=f"used@{settings.EMAIL_DOMAIN}")
    Authorization.objects.create(user=user, client=_client("Bakery Shop"), alias=used)
    Authorization.objects.create(user=user, client=_client("Second Shop"), alias=used)
    AliasFactory(user=user, email=f"quiet@{settings.EMAIL_DOMAIN}", enabled=False)
    get = lambda **params: _emails(signed_in.get(reverse("dashboard"), params).content.decode())  # noqa: E731
    assert get(state="off") == [f"quiet@{settings.EMAIL_DOMAIN}"]
    assert get(state="on") == [f"used@{settings.EMAIL_DOMAIN}"]
    assert get(app="used") == [f"used@{settings.EMAIL_DOMAIN}"]  # once, though two apps use it
    assert get(app="unused") == [f"quiet@{settings.EMAIL_DOMAIN}"]
    assert get(sort="oldest") == [f"used@{settings.EMAIL_DOMAIN}", f"quiet@{settings.EMAIL_DOMAIN}"]
    assert (
        "No alias matches these filters."
        in signed_in.get(reverse("dashboard"), {"state": "off", "app": "used"}).content.decode()
    )


# --- without a page reload (static/js/dashboard.js asks for JSON) ---


def test_toggle_answers_json_to_the_dashboard_script(signed_in, user):
    alias = AliasFactory(user=user)
    response = signed_in.post(reverse("alias_toggle", args=[alias.pk]), HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert response.json() == {"enabled": False, "message": f"Forwarding for {alias.email} is now off."}
    alias.refresh_from_db()
    assert alias.enabled is False and not _messages(response)


def test_note_answers_json_and_a_refused_note_says_why(signed_in, user):
    alias = AliasFactory(user=user)
    response = signed_in.post(
        reverse("alias_note", args=[alias.pk]), {"note": "  bank  "}, HTTP_ACCEPT="application/json"
    )
    assert response.json() == {"note": "bank", "message": f"The note of {alias.email} is saved."}
    response = signed_in.post(
        reverse("alias_note", args=[alias.pk]), {"note": "x" * 1001}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 400 and "too long" in response.json()["error"]
    alias.refresh_from_db()
    assert alias.note == "bank"


def test_a_browser_form_post_still_redirects(signed_in, user):
    alias = AliasFactory(user=user)
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = signed_in.post(reverse("alias_toggle", args=[alias.pk]), HTTP_ACCEPT=accept)
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")


def test_the_dashboard_script_is_our_own_file(signed_in, user):
    AliasFactory(user=user)
    response = signed_in.get(reverse("dashboard"))
    html = response.content.decode()
    assert '<script src="/static/js/dashboard.js"></script>' in html and "<script>" not in html
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert 'data-copy="#alias-email-' in html


# --- trial, test email with forwarding off, refused prefix ---


def test_the_trial_and_its_days_left_are_shown(client):
    from django.utils import timezone

    person = UserFactory(plan__expires_at=timezone.now() + timezone.timedelta(days=4, hours=3))
    client.force_login(person)
    html = client.get(reverse("dashboard")).content.decode()
    assert "Your free trial of premium ends in <strong>5 days</strong>" in html
    assert "Choose a plan" not in html  # payments are off in tests


def test_no_trial_line_on_the_free_plan_and_no_upgrade_button_with_payments_off(client):
    client.force_login(UserFactory(plan=Plan.FREE))
    page = client.get(reverse("dashboard")).content.decode()
    assert 'id="trial"' not in page and "premium feature" in page
    assert '<a class="button" href="/pricing">Upgrade</a>' not in page


def test_send_test_email_with_forwarding_off_says_it_will_be_blocked(signed_in, user, smtp_server):
    alias = AliasFactory(user=user, enabled=False)
    page = signed_in.get(reverse("dashboard")).content.decode()
    assert (
        f'<span class="help blocked-note" id="blocked-{alias.pk}">Forwarding is off: it will be blocked.</span>' in page
    )
    response = signed_in.post(reverse("alias_test_email", args=[alias.pk]))
    assert any("forwarding is off: it is blocked and will not reach your inbox" in m for m in _messages(response))


def test_a_refused_custom_prefix_names_the_wrong_character(signed_in, user):
    response = signed_in.post(reverse("alias_create_custom"), {"prefix": "Café Shopping"})
    assert response.status_code == 400
    assert "“Café Shopping”: the space is not allowed." in response.content.decode()
    assert not user.aliases.exists()
