"""The consent page preselects the privacy-preserving choice, says why no new alias can be made, suggests one."""

import re

import pytest

from accounts.models import Alias
from billing.models import Plan
from oauth_provider.models import Authorization
from tests.factories import AliasFactory, AuthorizationFactory, ClientFactory, UserFactory
from tests.oauth_provider.conftest import authorize_url, response_params


def checked(page: str) -> list[str]:
    """The values of the checked radio buttons of the consent page."""
    return re.findall(r'<input type="radio" name="email" value="([^"]*)" checked>', page)


@pytest.fixture
def free_person(client, settings):
    settings.MAX_ALIASES_FREE_PLAN = 2
    person = UserFactory(plan=Plan.FREE)
    client.force_login(person)
    return person


@pytest.fixture
def payments_on(settings):
    settings.STRIPE_LIVE_MODE = False
    settings.STRIPE_TEST_SECRET_KEY = "sk_test_FakeKeyForTheTestSuite0123456789"
    settings.STRIPE_PRICE_MONTHLY = "price_monthly"
    settings.STRIPE_PRICE_YEARLY = "price_yearly"


def test_a_new_random_alias_is_preselected_when_the_plan_allows(signed_in, app, user):
    AliasFactory(user=user)
    page = signed_in.get(authorize_url(app)).content.decode()
    assert checked(page) == ["random"]


def test_at_quota_an_alias_no_other_app_has_is_preselected_never_the_real_email(client, app, free_person):
    held = AliasFactory(user=free_person)
    AuthorizationFactory(user=free_person, client=ClientFactory(name="Other App"), alias=held)
    unused = AliasFactory(user=free_person)
    page = client.get(authorize_url(app)).content.decode()
    assert checked(page) == [unused.email]
    assert 'value="random"' not in page and held.email in page and "(also used by Other App)" in page
    assert "You have used the 2 aliases of the free plan" in page


def test_at_quota_with_every_alias_held_by_other_apps_one_of_them_is_preselected(client, app, free_person):
    for _ in range(2):
        AuthorizationFactory(user=free_person, client=ClientFactory(), alias=AliasFactory(user=free_person))
    page = client.get(authorize_url(app)).content.decode()
    assert len(checked(page)) == 1 and checked(page) != ["real"]


def test_with_no_alias_to_pick_nothing_is_preselected_and_allow_asks_for_a_choice(client, app, free_person):
    AliasFactory(user=free_person, enabled=False)
    AliasFactory(user=free_person, enabled=False)
    page = client.get(authorize_url(app)).content.decode()
    assert checked(page) == []
    response = client.post(authorize_url(app), {"action": "allow", "name": ""})
    assert response.status_code == 400 and "Choose the email address to share." in response.content.decode()
    assert not Authorization.objects.exists()


def test_at_quota_links_to_the_upgrade_only_when_payments_are_on(client, app, free_person, payments_on):
    AliasFactory(user=free_person)
    AliasFactory(user=free_person)
    page = client.get(authorize_url(app)).content.decode()
    assert 'href="/pricing">Upgrade</a>' in page


def test_at_quota_with_payments_off_no_upgrade_is_offered(client, app, free_person):
    AliasFactory(user=free_person)
    AliasFactory(user=free_person)
    page = client.get(authorize_url(app)).content.decode()
    assert "free plan" in page and "/pricing" not in page.split('id="no-new-alias"')[1].split("</p>")[0]


def test_the_stored_choice_comes_back_when_consent_is_asked_again(signed_in, app, user):
    alias = AliasFactory(user=user)
    AuthorizationFactory(user=user, client=app, alias=alias)
    page = signed_in.get(authorize_url(app, prompt="consent")).content.decode()
    assert checked(page) == [alias.email]


def test_a_premium_person_is_offered_an_alias_named_after_the_app(signed_in, user, settings):
    app = ClientFactory(name="Demo App")
    page = signed_in.get(authorize_url(app)).content.decode()
    shown = re.search(r'<code id="suggested-email">(demo-app\.[a-z0-9]{6})@' + re.escape(settings.EMAIL_DOMAIN), page)
    assert shown, page
    token = re.search(r'name="suggestion" value="([^"]+)"', page).group(1)
    response_params(
        signed_in.post(
            authorize_url(app),
            {
                "email": "suggested",
                "suggestion": token,
                "action": "allow",
                "name": "",
            },
        )
    )
    alias = Authorization.objects.get(user=user, client=app).alias
    assert alias.email == f"{shown.group(1)}@{settings.EMAIL_DOMAIN}"


def test_a_suggestion_for_another_app_or_tampered_is_refused(signed_in, user):
    first, second = ClientFactory(name="Demo App"), ClientFactory(name="Other App")
    page = signed_in.get(authorize_url(first)).content.decode()
    token = re.search(r'name="suggestion" value="([^"]+)"', page).group(1)
    for suggestion in (token, token[:-2] + "xx"):
        response = signed_in.post(
            authorize_url(second), {"email": "suggested", "suggestion": suggestion, "action": "allow"}
        )
        assert response.status_code == 400 and "suggested alias has expired" in response.content.decode()
    assert not Alias.objects.filter(user=user).exists()


def test_free_plan_gets_no_suggestion(client, app, free_person):
    page = client.get(authorize_url(app)).content.decode()
    assert "named after the app" not in page
    response = client.post(authorize_url(app), {"email": "suggested", "suggestion": "x", "action": "allow"})
    assert response.status_code == 400 and "premium" in response.content.decode()


def test_an_app_name_without_usable_letters_gets_no_suggestion(signed_in):
    page = signed_in.get(authorize_url(ClientFactory(name="日本"))).content.decode()
    assert "named after the app" not in page and checked(page) == ["random"]
