"""Security mail: password changed or reset, a factor added or removed, a sign-in from a browser not seen before."""

import re

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import reauthenticate
from tests.factories import UserFactory, totp_code, totp_enable

pytestmark = pytest.mark.django_db

SITE = "https://login.example"
HOST = "127.0.0.1:9999"  # accepted by ALLOWED_HOSTS (ports are ignored): never in a link
FIREFOX = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.URL = SITE


def mails(smtp_server, subject):
    """The plain bodies of the mails received on loopback with this subject."""
    return [mail for mail in smtp_server.messages if mail["message"]["Subject"] == f"[SimpleLogin] {subject}"]


def body(mail) -> str:
    return mail["message"].get_body(preferencelist=("plain",)).get_content()


def assert_our_security_mail(mail, user):
    """From DEFAULT_FROM_EMAIL, to the person, in our voice, naming the browser, links built from URL only."""
    from django.conf import settings

    assert mail["to"] == [user.email] and mail["message"]["From"] == settings.DEFAULT_FROM_EMAIL
    text = body(mail)
    assert text.startswith(f"Hi {user.name},") and "The SimpleLogin team" in text
    assert "Firefox on Windows" in text
    links = re.findall(r"https?://[^\s<>\"]+", text)
    assert f"{SITE}/accounts/password/reset/" in links and f"{SITE}/accounts/sessions/" in links
    assert all(link.startswith(f"{SITE}/") for link in links), links
    assert HOST not in text


@pytest.fixture
def browser(user):
    browser = Client(HTTP_USER_AGENT=FIREFOX, HTTP_HOST=HOST)
    browser.force_login(user)
    return browser


def test_changing_the_password_mails_the_person(browser, user, password, smtp_server):
    response = browser.post(
        "/accounts/password/change/",
        {"oldpassword": password, "password1": "a-brand-new-phrase", "password2": "a-brand-new-phrase"},
    )
    assert response.status_code == 302
    [mail] = mails(smtp_server, "Your password was changed")
    assert_our_security_mail(mail, user)
    assert f"The password of your SimpleLogin account ({user.email}) was just changed." in body(mail)


def test_resetting_the_password_mails_the_person_after_the_reset(user, smtp_server):
    browser = Client(HTTP_USER_AGENT=FIREFOX, HTTP_HOST=HOST)
    browser.post("/accounts/password/reset/", {"email": user.email})
    [link] = re.findall(rf"{SITE}(/accounts/password/reset/key/\S+)", body(smtp_server.messages[0]))
    form = browser.get(link, follow=True)
    browser.post(form.redirect_chain[-1][0], {"password1": "a-brand-new-phrase", "password2": "a-brand-new-phrase"})
    [mail] = mails(smtp_server, "Your password was reset")
    assert_our_security_mail(mail, user)


@pytest.mark.django_db(transaction=True)  # allauth mails "turned on" once the transaction commits
def test_turning_an_authenticator_app_on_and_off_mails_each_time(browser, user, smtp_server):
    reauthenticate(browser, user)
    secret = browser.get("/accounts/2fa/totp/activate/").context["form"].secret
    response = browser.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    [on] = mails(smtp_server, "Authenticator app turned on")
    assert_our_security_mail(on, user)
    assert "log in now asks for a code from it" in body(on)

    reauthenticate(browser, user)
    assert browser.post("/accounts/2fa/totp/deactivate/").status_code == 302
    [off] = mails(smtp_server, "Authenticator app turned off")
    assert_our_security_mail(off, user)


def test_removing_a_security_key_mails_the_person(browser, user, smtp_server):
    from allauth.mfa.models import Authenticator

    totp_enable(user)
    key = Authenticator.objects.create(user=user, type=Authenticator.Type.WEBAUTHN, data={"name": "YubiKey"})
    reauthenticate(browser, user)
    assert browser.post(f"/accounts/2fa/webauthn/keys/{key.pk}/remove/").status_code == 302
    [mail] = mails(smtp_server, "Security key or passkey removed")
    assert_our_security_mail(mail, user)


def log_in(browser, user, password):
    response = browser.post("/accounts/login/", {"login": user.email, "password": password})
    assert response.status_code == 302, response.content[:300]
    return response


@pytest.fixture
def returning(db):
    """A person who signed in before (on some other browser)."""
    return UserFactory(last_login=timezone.now() - timezone.timedelta(days=3))


def test_a_sign_in_from_a_new_browser_mails_once(returning, password, smtp_server):
    laptop = Client(HTTP_USER_AGENT=FIREFOX, HTTP_HOST=HOST)
    log_in(laptop, returning, password)
    [mail] = mails(smtp_server, "New sign-in to your account")
    assert_our_security_mail(mail, returning)
    assert "from a browser that had never signed in to it before" in body(mail)

    laptop.post("/accounts/logout/")
    log_in(laptop, returning, password)
    assert len(mails(smtp_server, "New sign-in to your account")) == 1  # this browser is known now

    log_in(Client(HTTP_USER_AGENT=FIREFOX), returning, password)
    assert len(mails(smtp_server, "New sign-in to your account")) == 2


def test_the_first_sign_in_of_an_account_mails_nothing(user, password, smtp_server):
    assert user.last_login is None
    log_in(Client(HTTP_USER_AGENT=FIREFOX), user, password)
    assert not smtp_server.messages


def test_a_forged_known_browser_cookie_does_not_hide_a_sign_in(returning, password, smtp_server):
    from accounts.adapters import KNOWN_BROWSER_COOKIE, _known_browser_mark

    laptop = Client(HTTP_USER_AGENT=FIREFOX)
    laptop.cookies[KNOWN_BROWSER_COOKIE] = _known_browser_mark(returning)  # unsigned
    log_in(laptop, returning, password)
    assert len(mails(smtp_server, "New sign-in to your account")) == 1


def test_one_browser_remembers_each_account_signed_in_on_it(returning, password, smtp_server):
    other = UserFactory(last_login=timezone.now())
    shared = Client(HTTP_USER_AGENT=FIREFOX)
    log_in(shared, returning, password)
    shared.post("/accounts/logout/")
    log_in(shared, other, password)
    shared.post("/accounts/logout/")
    log_in(shared, returning, password)
    assert [mail["to"] for mail in mails(smtp_server, "New sign-in to your account")] == [
        [returning.email],
        [other.email],
    ]
