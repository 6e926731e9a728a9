"""Log in, wrong password, unverified account, resend, next and rate limits."""

import pytest

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_login_with_right_password_goes_to_dashboard(client, user, password):
    response = client.post("/accounts/login/", {"login": user.email, "password": password})
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"


def test_login_page_links_to_password_reset_and_resend(client):
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password/reset/"' in page
    assert 'href="/accounts/resend-verification/"' in page


def test_login_is_case_insensitive_on_email(client, user, password):
    response = client.post("/accounts/login/", {"login": user.email.upper(), "password": password})
    assert response["Location"] == "/dashboard/"


def test_wrong_password_shows_a_clear_message(client, user):
    response = client.post("/accounts/login/", {"login": user.email, "password": "nope-nope-nope"})
    assert response.status_code == 200
    assert "The email address and/or password you specified are not correct." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_unverified_account_is_sent_to_verify_and_gets_a_new_mail(client, smtp_server, password):
    person = UserFactory(verified=False)
    response = client.post("/accounts/login/", {"login": person.email, "password": password})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    page = client.get(response["Location"]).content.decode()
    assert "Verify your email address" in page
    assert "Send a new link" in page
    assert [m["to"] for m in smtp_server.messages] == [[person.email]]
    assert "_auth_user_id" not in client.session


def test_resend_verification_sends_a_link_without_revealing_accounts(client, smtp_server):
    person = UserFactory(verified=False)
    response = client.post("/accounts/resend-verification/", {"email": person.email})
    assert response.status_code == 302
    assert [m["to"] for m in smtp_server.messages] == [[person.email]]
    unknown = client.post("/accounts/resend-verification/", {"email": "nobody@example.com"}, follow=True)
    assert "If an unverified account uses this address" in unknown.content.decode()
    assert len(smtp_server.messages) == 1


def test_resend_verification_sends_at_most_one_link_per_three_minutes(client, smtp_server):
    person = UserFactory(verified=False)
    for _ in range(3):
        client.post("/accounts/resend-verification/", {"email": person.email.upper()})
    assert [m["to"] for m in smtp_server.messages] == [[person.email]]


def test_resend_verification_form_rejects_bad_email(client):
    response = client.post("/accounts/resend-verification/", {"email": "not-an-email"})
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()


def test_next_is_followed_after_login(client, user, password):
    response = client.post(
        "/accounts/login/?next=/settings/", {"login": user.email, "password": password, "next": "/settings/"}
    )
    assert response["Location"] == "/settings/"


@pytest.mark.parametrize("evil", ["https://evil.example/x", "//evil.example/x", "http://testserver.evil.example/"])
def test_offsite_next_is_refused_after_login(client, user, password, evil):
    response = client.post("/accounts/login/", {"login": user.email, "password": password, "next": evil})
    assert response["Location"] == "/dashboard/"


def test_repeated_failed_logins_are_rate_limited(client, user, password):
    for _ in range(5):
        client.post("/accounts/login/", {"login": user.email, "password": "wrong-password"})
    response = client.post("/accounts/login/", {"login": user.email, "password": password})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_signups_are_rate_limited_per_ip(client, smtp_server):
    statuses = []
    for n in range(21):
        data = {
            "email": f"p{n}@example.com",
            "name": "P",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        }
        statuses.append(client.post("/accounts/signup/", data).status_code)
    assert statuses[:20] == [302] * 20
    assert statuses[20] == 429


def test_logout_ends_the_session(signed_in):
    response = signed_in.post("/accounts/logout/")
    assert response.status_code == 302
    assert signed_in.get("/dashboard/").status_code == 302


def test_home_sends_visitors_to_login_and_people_to_dashboard(client, user):
    assert client.get("/")["Location"] == "/accounts/login/"
    client.force_login(user)
    assert client.get("/")["Location"] == "/dashboard/"
