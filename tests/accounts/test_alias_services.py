"""Alias rules: random and custom addresses, free-plan limit, tombstones, toggle, note, delete, test email."""

import re

import pytest
from django.conf import settings

from accounts import selectors, services, wordlist
from accounts.exceptions import (
    AliasError,
    AliasLimitReached,
    AliasUnavailable,
    CustomAliasNotAllowed,
    InvalidAliasPrefix,
)
from accounts.models import Alias, DeletedAlias
from billing.models import Plan
from oauth_provider.models import Authorization, Client
from tests.factories import AliasFactory, UserFactory

pytestmark = pytest.mark.django_db


def _client(name="Shop"):
    owner = UserFactory()
    return Client.objects.create(
        name=name,
        user=owner,
        client_type="confidential",
        authorization_grant_type="authorization-code",
        redirect_uris="https://shop.example/callback",
    )


def _force_words(monkeypatch, *words):
    """Make random_words return these values in order, then fresh random ones."""
    original, queue = services.random_words, list(words)
    monkeypatch.setattr(services, "random_words", lambda: queue.pop(0) if queue else original())


def test_word_list_is_the_shipped_eff_short_list():
    assert len(wordlist.WORDS) == 1295
    assert len(set(wordlist.WORDS)) == len(wordlist.WORDS)
    assert all(re.fullmatch(r"[a-z]{3,5}", word) for word in wordlist.WORDS)
    assert "CC BY 3.0" in wordlist.WORDLIST_PATH.read_text().splitlines()[2]


def test_random_alias_is_two_or_three_words_on_the_email_domain(user):
    aliases = [services.alias_create_random(user=user) for _ in range(20)]
    pattern = re.compile(rf"([a-z]+)(_[a-z]+){{1,2}}@{re.escape(settings.EMAIL_DOMAIN)}")
    for alias in aliases:
        assert pattern.fullmatch(alias.email), alias.email
        local = alias.email.split("@")[0]
        assert all(word in wordlist.WORDS for word in local.split("_"))
        assert alias.enabled and alias.user == user
    assert len({alias.email for alias in aliases}) == 20


def test_random_alias_retries_on_a_taken_address(user, monkeypatch):
    AliasFactory(email=f"acid_acorn@{settings.EMAIL_DOMAIN}")
    _force_words(monkeypatch, "acid_acorn", "acid_acorn", "afar_acre")
    alias = services.alias_create_random(user=user)
    assert alias.email == f"afar_acre@{settings.EMAIL_DOMAIN}"
    assert Alias.objects.filter(email=f"acid_acorn@{settings.EMAIL_DOMAIN}").count() == 1


def test_random_alias_gives_up_with_a_clear_message_when_every_try_collides(user, monkeypatch):
    AliasFactory(email=f"acid_acorn@{settings.EMAIL_DOMAIN}")
    monkeypatch.setattr(services, "random_words", lambda: "acid_acorn")
    with pytest.raises(AliasUnavailable, match="try again"):
        services.alias_create_random(user=user)
    assert not user.aliases.exists()


def test_tombstone_prevents_re_creating_a_deleted_address(user, monkeypatch):
    alias = services.alias_create_random(user=user)
    deleted_local = alias.email.split("@")[0]
    services.alias_delete(alias=alias)
    assert DeletedAlias.objects.filter(email=alias.email).exists()

    _force_words(monkeypatch, deleted_local, "zippy_zone")
    other = UserFactory()
    again = services.alias_create_random(user=other)
    assert again.email == f"zippy_zone@{settings.EMAIL_DOMAIN}"
    assert not Alias.objects.filter(email=alias.email).exists()


@pytest.mark.parametrize("payments", [True, False], ids=["payments on", "payments off"])
def test_free_plan_fourth_alias_is_refused_with_a_clear_message(settings, payments):
    settings.STRIPE_TEST_SECRET_KEY = "sk_test_FakeKeyForTheTestSuite0123456789" if payments else ""
    settings.STRIPE_PRICE_MONTHLY, settings.STRIPE_PRICE_YEARLY = "price_monthly", "price_yearly"
    free = UserFactory(plan=Plan.FREE)
    for _ in range(settings.MAX_ALIASES_FREE_PLAN):
        services.alias_create_random(user=free)
    assert selectors.alias_quota_left(user=free) == 0
    assert not selectors.user_can_create_alias(user=free)
    with pytest.raises(AliasLimitReached) as error:
        services.alias_create_random(user=free)
    assert "limit" in str(error.value) and ("Upgrade" in str(error.value)) == payments
    assert free.aliases.count() == 3


def test_free_plan_limit_counts_owned_aliases_and_deleting_frees_a_slot():
    free = UserFactory(plan=Plan.FREE)
    aliases = [services.alias_create_random(user=free) for _ in range(3)]
    services.alias_delete(alias=aliases[0])
    assert selectors.alias_quota_left(user=free) == 1
    services.alias_create_random(user=free)
    assert free.aliases.count() == 3


@pytest.mark.parametrize("plan", [Plan.TRIAL, Plan.MONTHLY, Plan.YEARLY])
def test_trial_and_premium_have_no_limit(plan):
    person = UserFactory(plan=plan)
    for _ in range(settings.MAX_ALIASES_FREE_PLAN + 2):
        services.alias_create_random(user=person)
    assert person.aliases.count() == 5
    assert selectors.alias_quota_left(user=person) is None


def test_expired_premium_keeps_existing_aliases_but_is_limited():
    from django.utils import timezone

    person = UserFactory(plan=Plan.MONTHLY)
    for _ in range(5):
        services.alias_create_random(user=person)
    person.membership.expires_at = timezone.now() - timezone.timedelta(days=1)
    person.membership.save()
    with pytest.raises(AliasLimitReached):
        services.alias_create_random(user=person)
    assert person.aliases.filter(enabled=True).count() == 5


def test_custom_alias_for_trial_has_normalised_prefix_and_random_suffix(user):
    alias = services.alias_create_custom(user=user, prefix="  Café.Shop ")
    assert re.fullmatch(rf"cafe\.shop\.[a-z0-9]{{6}}@{re.escape(settings.EMAIL_DOMAIN)}", alias.email)
    second = services.alias_create_custom(user=user, prefix="cafe.shop")
    assert second.email != alias.email


def test_custom_alias_refused_on_free_plan():
    free = UserFactory(plan=Plan.FREE)
    with pytest.raises(CustomAliasNotAllowed, match="premium"):
        services.alias_create_custom(user=free, prefix="shopping")
    assert not free.aliases.exists()


def test_custom_alias_respects_limit_after_premium_check(user, monkeypatch):
    monkeypatch.setattr(services, "user_alias_quota", lambda user: 0)
    with pytest.raises(AliasLimitReached):
        services.alias_create_custom(user=user, prefix="shopping")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Shopping", "shopping"),
        ("ÉTÉ-2024", "ete-2024"),
        ("naïve_ñandú", "naive_nandu"),
        ("a.b-c_d", "a.b-c_d"),
        ("abc", "abc"),
        ("x" * 40, "x" * 40),
        ("Ｆｕｌｌｗｉｄｔｈ", "fullwidth"),
    ],
)
def test_prefix_normalize_accepts(typed, expected):
    assert services.prefix_normalize(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "ab",
        "x" * 41,
        "has space",
        "semi;colon",
        "plus+tag",
        "at@sign",
        ".leading",
        "trailing.",
        "two..dots",
        "日本語",
        "",
        "   ",
        "é",
    ],
)
def test_prefix_normalize_rejects_with_what_is_allowed(typed):
    with pytest.raises(InvalidAliasPrefix) as error:
        services.prefix_normalize(typed)
    assert "3 to 40 characters" in str(error.value)


def test_custom_alias_with_invalid_prefix_creates_nothing(user):
    with pytest.raises(InvalidAliasPrefix):
        services.alias_create_custom(user=user, prefix="no spaces please")
    assert not user.aliases.exists()


def test_toggle_switches_forwarding_off_and_on():
    alias = AliasFactory()
    services.alias_toggle(alias=alias)
    alias.refresh_from_db()
    assert alias.enabled is False
    services.alias_toggle(alias=alias)
    alias.refresh_from_db()
    assert alias.enabled is True


def test_update_note_saves_trimmed_text():
    alias = AliasFactory()
    services.alias_update_note(alias=alias, note="  newsletter of the bakery ")
    alias.refresh_from_db()
    assert alias.note == "newsletter of the bakery"


def test_delete_writes_tombstone_and_takes_the_alias_from_apps(user):
    alias = services.alias_create_random(user=user)
    authorization = Authorization.objects.create(user=user, client=_client(), alias=alias)
    services.alias_delete(alias=alias)
    assert not Alias.objects.filter(pk=alias.pk).exists()
    assert DeletedAlias.objects.filter(email=alias.email).exists()
    assert not Authorization.objects.filter(pk=authorization.pk, alias__isnull=False).exists()


def test_update_note_refuses_a_note_over_1000_characters():
    alias = AliasFactory(note="keep")
    with pytest.raises(AliasError, match="at most 1000 characters"):
        services.alias_update_note(alias=alias, note="x" * 1001)
    alias.refresh_from_db()
    assert alias.note == "keep"


def test_onboard_still_succeeds_when_no_address_is_free(monkeypatch):
    from accounts.models import User

    AliasFactory(email=f"acid_acorn@{settings.EMAIL_DOMAIN}")
    monkeypatch.setattr(services, "random_words", lambda: "acid_acorn")
    person = User.objects.create_user(email="unlucky@example.com", password="a-long-pass-phrase")
    services.user_onboard(user=person)
    assert person.membership.plan == Plan.TRIAL
    assert not person.aliases.exists()


def test_send_test_email_reaches_the_alias_address(smtp_server):
    alias = AliasFactory(email=f"quiet_lemon@{settings.EMAIL_DOMAIN}")
    services.alias_send_test_email(alias=alias)
    assert len(smtp_server.messages) == 1
    received = smtp_server.messages[0]
    assert received["to"] == [alias.email]
    assert received["message"]["To"] == alias.email
    assert "Test email" in received["message"]["Subject"]
    assert alias.email in received["message"].get_content()


def test_onboard_creates_the_first_random_alias():
    from accounts.models import User

    person = User.objects.create_user(email="fresh@example.com", password="a-long-pass-phrase")
    services.user_onboard(user=person)
    assert person.membership.plan == Plan.TRIAL
    assert person.aliases.count() == 1
    assert person.aliases.get().email.endswith(f"@{settings.EMAIL_DOMAIN}")


def test_alias_list_is_newest_first_and_searchable(user):
    first = AliasFactory(user=user, email=f"red_apple@{settings.EMAIL_DOMAIN}")
    second = AliasFactory(user=user, email=f"blue_sky@{settings.EMAIL_DOMAIN}", note="Bakery")
    AliasFactory(email=f"red_other@{settings.EMAIL_DOMAIN}")
    assert list(selectors.alias_list(user=user)) == [second, first]
    assert list(selectors.alias_list(user=user, search="red")) == [first]
    assert list(selectors.alias_list(user=user, search="bakery")) == [second]


def test_alias_lookups_only_find_the_owners_aliases(user):
    mine = AliasFactory(user=user)
    theirs = AliasFactory()
    assert selectors.alias_get_for_user(user=user, alias_id=mine.pk) == mine
    with pytest.raises(Alias.DoesNotExist):
        selectors.alias_get_for_user(user=user, alias_id=theirs.pk)
    assert selectors.alias_get_by_email_for_user(user=user, email=mine.email.upper()) == mine
    assert selectors.alias_get_by_email_for_user(user=user, email=theirs.email) is None


@pytest.mark.parametrize(
    ("typed", "named"),
    [
        ("Café Shopping", "“Café Shopping”: the space is not allowed."),
        ("a@b", "“a@b”: “@” is not allowed."),
        ("plus+tag;x", "“plus+tag;x”: “+” and “;” are not allowed."),
        ("ab", "“ab” has 2 characters."),
    ],
)
def test_a_refused_prefix_names_what_is_wrong(typed, named):
    with pytest.raises(InvalidAliasPrefix) as error:
        services.prefix_normalize(typed)
    assert str(error.value).startswith(named)


@pytest.mark.parametrize(
    ("name", "prefix"),
    [
        ("Demo App", "demo-app"),
        ("Ünïcode Café!!", "unicode-cafe"),
        ("  Hello -- World ", "hello-world"),
        ("日本", None),
        ("A", None),
        ("x" * 60, "x" * 40),
    ],
)
def test_prefix_suggest_follows_the_prefix_rules(name, prefix):
    suggested = services.prefix_suggest(name=name)
    assert suggested == prefix
    if suggested:
        assert services.prefix_normalize(suggested) == suggested


def test_custom_alias_takes_the_given_suffix_then_a_random_one_when_taken(user, settings):
    first = services.alias_create_custom(user=user, prefix="demo-app", suffix="x7k2q9")
    assert first.email == f"demo-app.x7k2q9@{settings.EMAIL_DOMAIN}"
    second = services.alias_create_custom(user=user, prefix="demo-app", suffix="x7k2q9")
    assert second.email != first.email and second.email.startswith("demo-app.")
    odd = services.alias_create_custom(user=user, prefix="demo-app", suffix="../@evil")
    assert re.fullmatch(r"demo-app\.[a-z0-9]{6}@.*", odd.email)
