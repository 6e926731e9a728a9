"""The alias endpoints: list, search, create random/custom, get, update, delete."""

import pytest

from accounts.models import Alias, DeletedAlias
from billing.models import Plan
from oauth_provider.models import Authorization
from oauth_provider.services import ClientSettings, client_create
from tests.factories import AliasFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_list_is_paginated_newest_first(api, user):
    aliases = [AliasFactory(user=user) for _ in range(25)]
    AliasFactory()  # someone else's
    first = api.get("/api/v1/aliases").json()
    assert first["count"] == 25
    assert len(first["results"]) == 20
    assert first["results"][0]["email"] == aliases[-1].email
    assert first["next"].endswith("page=2")
    second = api.get("/api/v1/aliases", {"page": 2}).json()
    assert [a["email"] for a in second["results"]] == [a.email for a in reversed(aliases[:5])]
    assert api.get("/api/v1/aliases", {"page_size": 5}).json()["next"].endswith("page=2&page_size=5")


@pytest.mark.parametrize("value", ["null", "", "0", "101", "-1", "2.5", "five", "\uff15"])
def test_page_size_outside_1_to_100_is_a_400(api, value):
    response = api.get("/api/v1/aliases", {"page_size": value})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "page_size"


@pytest.mark.parametrize("value", ["last", "0", "-1", "x"])
def test_a_page_that_is_not_a_page_number_is_404(api, value):
    assert api.get("/api/v1/aliases", {"page": value}).status_code == 404


def test_page_past_the_end_is_404(api):
    response = api.get("/api/v1/aliases", {"page": 9})
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_search_matches_address_and_note(api, user):
    AliasFactory(user=user, email="shopping_cat@sl.local")
    AliasFactory(user=user, email="other@sl.local", note="for the Shop")
    AliasFactory(user=user, email="news@sl.local")
    results = api.get("/api/v1/aliases", {"search": "shop"}).json()["results"]
    assert {a["email"] for a in results} == {"shopping_cat@sl.local", "other@sl.local"}


def test_list_shows_the_apps_using_each_alias(api, user, oauth_client):
    alias = AliasFactory(user=user)
    authorization = Authorization.objects.create(user=user, client=oauth_client, alias=alias)
    result = api.get("/api/v1/aliases").json()["results"][0]
    assert result["apps"] == [{"id": authorization.pk, "name": "Extension"}]


def test_list_query_count_does_not_grow_with_aliases(api, user, django_assert_max_num_queries):
    def fill(count):
        for _ in range(count):
            alias = AliasFactory(user=user)
            client = client_create(data=ClientSettings(name="App", redirect_uris=["https://app.example/cb"]))[0]
            Authorization.objects.create(user=user, client=client, alias=alias)

    fill(2)
    with django_assert_max_num_queries(8) as few:
        assert api.get("/api/v1/aliases").status_code == 200
    fill(18)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get("/api/v1/aliases").json()["results"]) == 20


def test_create_random(api, user):
    response = api.post("/api/v1/aliases/random")
    assert response.status_code == 201
    alias = Alias.objects.get(user=user)
    assert response.json()["email"] == alias.email
    assert response.json()["enabled"] is True


def test_create_random_over_the_free_quota_is_403(settings, api_for):
    person = UserFactory(plan=Plan.FREE)
    settings.MAX_ALIASES_FREE_PLAN = 1
    AliasFactory(user=person)
    response = api_for(person).post("/api/v1/aliases/random")
    assert response.status_code == 403
    assert response.json()["code"] == "alias_limit_reached"
    assert "limit" in response.json()["detail"]
    assert Alias.objects.filter(user=person).count() == 1


def test_create_custom_for_premium(api, user):
    response = api.post("/api/v1/aliases/custom", {"prefix": "Cafe.Shop"}, format="json")
    assert response.status_code == 201
    assert response.json()["email"].startswith("cafe.shop.")
    assert Alias.objects.filter(user=user, email=response.json()["email"]).exists()


@pytest.mark.parametrize("body", [{"prefix": 12345}, {"prefix": 1.5}, {"prefix": ["shop"]}, {"note": 5}])
def test_text_fields_take_json_strings_only(api, user, body):
    url = "/api/v1/aliases/custom" if "prefix" in body else f"/api/v1/aliases/{AliasFactory(user=user).pk}"
    response = (api.post if "prefix" in body else api.patch)(url, body, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == next(iter(body))


@pytest.mark.parametrize("prefix", ["0", "ab", "a" * 41, "Café", " shop", "shop\n", "sh op", ".shop", "sh..op"])
def test_the_api_accepts_exactly_the_prefixes_its_schema_allows(api, user, prefix):
    import re

    schema = api.get("/api/schema/?format=json").json()["components"]["schemas"]["AliasCustomCreateRequest"]
    rules = schema["properties"]["prefix"]
    assert (rules["minLength"], rules["maxLength"]) == (3, 40)
    assert not re.search(rules["pattern"].replace("$", r"\Z"), prefix) or not 3 <= len(prefix) <= 40
    response = api.post("/api/v1/aliases/custom", {"prefix": prefix}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "prefix"
    assert not Alias.objects.filter(user=user, email__startswith=prefix.strip().lower()).exists()


def test_create_custom_on_free_plan_is_403(api_for):
    person = UserFactory(plan=Plan.FREE)
    response = api_for(person).post("/api/v1/aliases/custom", {"prefix": "shop"}, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "custom_alias_not_allowed"
    assert not Alias.objects.filter(user=person).exists()


@pytest.mark.parametrize("body", [{"prefix": "a"}, {"prefix": "..bad"}, {"prefix": ""}, {}, {"prefix": None}])
def test_create_custom_with_bad_prefix_names_the_field(api, body):
    response = api.post("/api/v1/aliases/custom", body, format="json")
    assert response.status_code == 400
    data = response.json()
    assert data["code"] == "validation_error"
    assert data["detail"].startswith("prefix: ")
    assert data["errors"][0]["field"] == "prefix"


def test_get_one_alias(api, user):
    alias = AliasFactory(user=user, note="bank")
    response = api.get(f"/api/v1/aliases/{alias.pk}")
    assert response.status_code == 200
    assert response.json() == {
        "id": alias.pk,
        "email": alias.email,
        "enabled": True,
        "note": "bank",
        "created_at": response.json()["created_at"],
        "apps": [],
    }


def test_someone_elses_alias_is_404_for_every_method(api):
    alias = AliasFactory()
    for response in (
        api.get(f"/api/v1/aliases/{alias.pk}"),
        api.patch(f"/api/v1/aliases/{alias.pk}", {"note": "mine"}, format="json"),
        api.delete(f"/api/v1/aliases/{alias.pk}"),
    ):
        assert response.status_code == 404
        assert response.json() == {"code": "not_found", "detail": "No such alias."}
    alias.refresh_from_db()
    assert alias.note == ""


def test_huge_alias_id_is_404(api):
    assert api.get(f"/api/v1/aliases/{10**30}").status_code == 404


def test_update_note_and_switch_forwarding(api, user):
    alias = AliasFactory(user=user)
    response = api.patch(f"/api/v1/aliases/{alias.pk}", {"note": "  newsletter ", "enabled": False}, format="json")
    assert response.status_code == 200
    assert response.json()["note"] == "newsletter"
    assert response.json()["enabled"] is False
    alias.refresh_from_db()
    assert (alias.note, alias.enabled) == ("newsletter", False)
    api.patch(f"/api/v1/aliases/{alias.pk}", {"enabled": False}, format="json")
    alias.refresh_from_db()
    assert alias.enabled is False  # idempotent, not a toggle
    assert api.patch(f"/api/v1/aliases/{alias.pk}", {"enabled": True}, format="json").json()["enabled"] is True


def test_too_long_note_names_the_field(api, user):
    alias = AliasFactory(user=user)
    response = api.patch(f"/api/v1/aliases/{alias.pk}", {"note": "x" * 1001}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"field": "note", "code": "max_length", "detail": "Ensure this field has no more than 1000 characters."}
    ]


@pytest.mark.parametrize("value", ["maybe", 0, 1, "false", "true", "off", None])
def test_enabled_is_a_json_boolean_only(api, user, value):
    alias = AliasFactory(user=user)
    response = api.patch(f"/api/v1/aliases/{alias.pk}", {"enabled": value}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "enabled"
    alias.refresh_from_db()
    assert alias.enabled is True


def test_body_that_is_not_json_is_a_clear_error(api, user):
    alias = AliasFactory(user=user)
    response = api.patch(f"/api/v1/aliases/{alias.pk}", "note=x", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    response = api.patch(f"/api/v1/aliases/{alias.pk}", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "parse_error"


def test_delete_leaves_a_tombstone(api, user):
    alias = AliasFactory(user=user)
    response = api.delete(f"/api/v1/aliases/{alias.pk}")
    assert response.status_code == 204
    assert not Alias.objects.filter(pk=alias.pk).exists()
    assert DeletedAlias.objects.filter(email=alias.email).exists()
    assert api.get(f"/api/v1/aliases/{alias.pk}").status_code == 404


def test_no_free_address_is_409(api, user, monkeypatch):
    taken = AliasFactory(email="taken_words@sl.local")
    monkeypatch.setattr("accounts.services.random_words", lambda: taken.email.split("@")[0])
    response = api.post("/api/v1/aliases/random")
    assert response.status_code == 409
    assert response.json()["code"] == "alias_unavailable"
    assert not Alias.objects.filter(user=user).exists()


def test_a_refused_prefix_names_the_wrong_characters(api, user):
    response = api.post("/api/v1/aliases/custom", {"prefix": "Café Shopping"}, format="json")
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["field"] == "prefix" and error["code"] == "invalid_prefix"
    assert error["detail"].startswith("“Café Shopping”: “é” and the space are not allowed.")
