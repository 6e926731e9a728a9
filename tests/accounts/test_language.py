"""The language of pages and mails: the browser's by default, the person's own once chosen in Settings."""

import re
from datetime import timedelta

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.utils import timezone

from billing.emails import send_trial_ending
from tests.factories import AliasFactory, UserFactory

pytestmark = pytest.mark.django_db


def text(response) -> str:
    """The page's text with French typography's no-break spaces as plain spaces."""
    return response.content.decode().replace("\u00a0", " ").replace("\u202f", " ")


def test_a_signed_out_visitor_whose_browser_asks_for_french_gets_the_french_login_page(client):
    page = text(client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr-FR,fr;q=0.9,en;q=0.5"))
    assert '<html lang="fr"' in page
    assert "<h1>Se connecter</h1>" in page
    assert "Pas encore de compte ?" in page and "Renvoyer l'e-mail de vérification" in page
    assert "Log in</h1>" not in page


def test_without_a_preference_pages_are_in_english(client):
    page = text(client.get("/accounts/login/"))
    assert '<html lang="en"' in page and "<h1>Log in</h1>" in page


def test_the_settings_page_offers_the_languages_in_a_form_with_csrf(signed_in):
    page = text(signed_in.get("/settings/"))
    form = re.search(r'<form method="post" action="/settings/language".*?</form>', page, re.S).group(0)
    assert 'name="csrfmiddlewaretoken"' in form
    assert '<option value="fr">Français</option>' in form and '<option value="en">English</option>' in form
    assert "The language of my browser" in form


def test_a_person_who_picks_french_sees_the_dashboard_and_settings_in_french(signed_in, user):
    AliasFactory(user=user)
    response = signed_in.post("/settings/language", {"language": "fr"})
    assert response.status_code == 302 and response["Location"] == "/settings/"
    user.refresh_from_db()
    assert user.language == "fr"
    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == "fr"

    settings_page = text(signed_in.get("/settings/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "Votre langue est enregistrée." in settings_page
    assert "<h1>Paramètres</h1>" in settings_page and "Supprimer mon compte" in settings_page
    assert '<option value="fr" selected>Français</option>' in settings_page

    dashboard = text(signed_in.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en"))
    assert '<html lang="fr"' in dashboard
    assert "<h1>Vos alias</h1>" in dashboard and "Créer un alias aléatoire" in dashboard
    assert "Tableau de bord" in dashboard and "Se déconnecter" in dashboard
    assert "Your aliases" not in dashboard


def test_the_choice_follows_the_person_to_another_browser(user):
    user.language = "fr"
    user.save()
    elsewhere = Client()
    elsewhere.force_login(user)
    assert "<h1>Vos alias</h1>" in text(elsewhere.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en-US"))


def test_the_language_of_the_browser_again_forgets_the_choice(signed_in, user):
    signed_in.post("/settings/language", {"language": "fr"})
    response = signed_in.post("/settings/language", {"language": ""})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.language == ""
    assert response.cookies[django_settings.LANGUAGE_COOKIE_NAME].value == ""  # deleted
    signed_in.cookies.pop(django_settings.LANGUAGE_COOKIE_NAME, None)
    assert "<h1>Your aliases</h1>" in text(signed_in.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en"))
    assert "<h1>Vos alias</h1>" in text(signed_in.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="fr"))


def test_an_unknown_language_is_a_form_error_not_a_crash(signed_in, user):
    response = signed_in.post("/settings/language", {"language": "xx-evil"})
    assert response.status_code == 400
    assert "Select a valid choice" in text(response)
    user.refresh_from_db()
    assert user.language == ""


def test_the_language_form_needs_its_csrf_token(user):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    assert strict.post("/settings/language", {"language": "fr"}).status_code == 403
    user.refresh_from_db()
    assert user.language == ""


def test_choosing_a_language_needs_to_be_signed_in(client):
    response = client.post("/settings/language", {"language": "fr"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_browser_remembers_french_after_log_out(signed_in):
    signed_in.post("/settings/language", {"language": "fr"})
    signed_in.post("/accounts/logout/")
    assert "<h1>Se connecter</h1>" in text(signed_in.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en"))


def test_a_french_person_gets_the_password_reset_mail_in_french(client, smtp_server):
    person = UserFactory(language="fr")
    response = client.post("/accounts/password/reset/", {"email": person.email}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302
    message = smtp_server.messages[0]["message"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "mot de passe" in message["Subject"].lower()
    assert "Bonjour" in body and "/accounts/password/reset/key/" in body
    assert "password reset" not in body.lower()


def test_signing_up_from_a_french_page_keeps_french_for_later_mail(client, smtp_server):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "marie@example.com",
            "name": "Marie",
            "password1": "un-secret-long-9",
            "password2": "un-secret-long-9",
        },
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert response.status_code == 302
    from accounts.models import User

    marie = User.objects.get(email="marie@example.com")
    assert marie.language == "fr"
    body = smtp_server.messages[-1]["message"].get_body(preferencelist=("plain",)).get_content()
    assert "Bonjour" in body and "/accounts/confirm-email/" in body


def test_the_trial_ending_mail_is_in_the_persons_language(smtp_server):
    person = UserFactory(language="fr", name="Marie")
    send_trial_ending(user=person, ends_at=timezone.now() + timedelta(days=3))
    message = smtp_server.messages[0]["message"]
    body = message.get_body(preferencelist=("plain",)).get_content().replace("\u00a0", " ")
    assert message["Subject"].startswith("[SimpleLogin] Votre essai se termine le ")
    assert body.startswith("Bonjour Marie,")
    assert "vos alias continuent de fonctionner" in body and "L'équipe SimpleLogin" in body


def test_the_alias_test_mail_is_in_its_owners_language(signed_in, user, smtp_server):
    user.language = "fr"
    user.save()
    alias = AliasFactory(user=user)
    response = signed_in.post(f"/dashboard/aliases/{alias.pk}/test-email")
    assert response.status_code == 302
    message = smtp_server.messages[0]["message"]
    assert message["Subject"] == "E-mail de test de SimpleLogin"
    assert f"Ceci est un e-mail de test envoyé à votre alias {alias.email}." in message.get_content()
    assert "Un e-mail de test a été envoyé" in text(signed_in.get("/dashboard/"))


def test_allauths_pages_in_our_words_come_in_french_too(client):
    page = text(client.get("/accounts/password/reset/", HTTP_ACCEPT_LANGUAGE="fr"))
    assert '<html lang="fr"' in page
    assert "<h1>Réinitialiser votre mot de passe</h1>" in page and "Envoyer le lien de réinitialisation" in page
    assert "Reset your password" not in page and "Password Reset" not in page


def test_a_french_person_gets_security_mail_in_french(user, password, smtp_server):
    user.language = "fr"
    user.save(update_fields=["language"])
    browser = Client(HTTP_USER_AGENT="Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:120.0) Gecko/20100101 Firefox/120.0")
    browser.force_login(user)
    response = browser.post(
        "/accounts/password/change/",
        {"oldpassword": password, "password1": "a-brand-new-phrase", "password2": "a-brand-new-phrase"},
    )
    assert response.status_code == 302

    [message] = [mail["message"] for mail in smtp_server.messages]
    assert message["Subject"].strip() == "[SimpleLogin] Votre mot de passe a été modifié"  # folded: non-ASCII
    body = message.get_body(preferencelist=("plain",)).get_content().replace("\u00a0", " ")
    assert body.startswith("Bonjour") and "vient d'être modifié" in body and "L'équipe SimpleLogin" in body
    assert "Navigateur : Firefox sur Windows" in body
    assert "password" not in body.replace("/accounts/password/", "")
