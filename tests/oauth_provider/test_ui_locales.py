"""The consent page speaks the person's language; an app's `ui_locales` picks it otherwise (OIDC Core 3.1.2.1)."""

from urllib.parse import quote

import pytest

from tests.factories import AliasFactory
from tests.oauth_provider.conftest import authorize_url

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode().replace("\u00a0", " ").replace("\u202f", " ")


def test_a_person_who_picked_french_sees_the_consent_page_in_french(signed_in, user, app):
    user.language = "fr"
    user.save()
    AliasFactory(user=user)
    page = text(signed_in.get(authorize_url(app), HTTP_ACCEPT_LANGUAGE="en"))
    assert f"Connexion à {app.name}" in page
    assert "veut savoir qui vous êtes" in page and "Adresse e-mail à partager" in page
    assert "Un nouvel alias aléatoire (recommandé)" in page and "Votre adresse e-mail" not in page
    assert ">Autoriser</button>" in page and ">Refuser</button>" in page
    assert "Une adresse e-mail" in page  # the scope descriptions (oauth_provider.constants.Scope)
    assert "Ce n'est pas vous ?" in page


def test_ui_locales_picks_the_consent_pages_language(signed_in, app):
    page = text(signed_in.get(authorize_url(app, ui_locales="de fr-CA en"), HTTP_ACCEPT_LANGUAGE="en"))
    assert '<html lang="fr"' in page and ">Autoriser</button>" in page


def test_ui_locales_with_no_supported_language_changes_nothing(signed_in, app):
    page = text(signed_in.get(authorize_url(app, ui_locales="de ja"), HTTP_ACCEPT_LANGUAGE="en"))
    assert '<html lang="en"' in page and ">Allow</button>" in page


def test_the_persons_own_choice_wins_over_ui_locales(signed_in, user, app):
    user.language = "en"
    user.save()
    page = text(signed_in.get(authorize_url(app, ui_locales="fr"), HTTP_ACCEPT_LANGUAGE="fr"))
    assert ">Allow</button>" in page


def test_the_log_in_page_reached_from_an_app_follows_its_ui_locales(client, app):
    response = client.get(authorize_url(app, ui_locales="fr"))
    assert response.status_code == 302
    login = text(client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en"))
    assert "<h1>Se connecter</h1>" in login
    assert f"Vous vous connectez à <strong>{app.name}</strong>" in login


def test_a_malformed_next_is_harmless(client):
    response = client.get("/accounts/login/?next=" + quote("http://[bad/?ui_locales=fr"))
    assert response.status_code == 200


def test_discovery_lists_the_ui_locales(client):
    metadata = client.get("/.well-known/openid-configuration").json()
    assert metadata["ui_locales_supported"] == ["en", "fr"]


def test_machine_endpoints_do_not_look_the_person_up_for_a_language(signed_in, user, django_assert_num_queries):
    user.language = "fr"
    user.save()
    with django_assert_num_queries(0):
        assert signed_in.get("/.well-known/openid-configuration").status_code == 200


def test_pages_vary_on_the_language_and_discovery_does_not(client):
    assert "Accept-Language" in client.get("/accounts/login/")["Vary"]
    assert client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr")["Content-Language"] == "fr"
    discovery = client.get("/.well-known/openid-configuration", HTTP_ACCEPT_LANGUAGE="fr")
    assert "Accept-Language" not in discovery.get("Vary", "") and "Content-Language" not in discovery
