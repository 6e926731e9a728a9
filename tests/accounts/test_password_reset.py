"""Forgot password → mail → new password → log in; change password."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_password_reset_end_to_end(client, user, smtp_server):
    response = client.post("/accounts/password/reset/", {"email": user.email})
    assert response.status_code == 302
    assert [m["to"] for m in smtp_server.messages] == [[user.email]]
    body = smtp_server.messages[0]["message"].get_body(preferencelist=("plain",)).get_content()
    path = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", body).group(1)

    response = client.get(path)
    assert response.status_code == 302
    form_url = response["Location"]
    response = client.post(form_url, {"password1": "brand-new-secret-9", "password2": "brand-new-secret-9"})
    assert response.status_code == 302

    client.logout()
    response = client.post("/accounts/login/", {"login": user.email, "password": "brand-new-secret-9"})
    assert response["Location"] == "/dashboard/"


def test_password_reset_for_unknown_email_sends_no_reset_link(client, smtp_server):
    response = client.post("/accounts/password/reset/", {"email": "ghost@example.com"})
    assert response.status_code == 302
    bodies = [m["message"].get_body(preferencelist=("plain",)).get_content() for m in smtp_server.messages]
    assert not any("/accounts/password/reset/key/" in body for body in bodies)


def test_change_password_needs_the_current_one(signed_in, user, password):
    response = signed_in.post(
        "/accounts/password/change/",
        {"oldpassword": "wrong-one-here", "password1": "another-secret-1", "password2": "another-secret-1"},
    )
    assert response.status_code == 200
    assert "Please type your current password." in response.content.decode()
    response = signed_in.post(
        "/accounts/password/change/",
        {"oldpassword": password, "password1": "another-secret-1", "password2": "another-secret-1"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("another-secret-1")


def test_password_resets_for_one_address_are_rate_limited(client, user, smtp_server):
    statuses = [client.post("/accounts/password/reset/", {"email": user.email}).status_code for _ in range(6)]
    assert statuses[:5] == [302] * 5
    assert statuses[5] == 429
    assert len(smtp_server.messages) == 5


def test_one_address_gets_at_most_ten_reset_mails_a_day(client, user, smtp_server, monkeypatch):
    import time

    real_time, offset = time.time, [0]
    monkeypatch.setattr(time, "time", lambda: real_time() + offset[0])
    statuses = []
    for hour in (0, 2, 4):  # 5 an hour at most, and 10 a day
        offset[0] = hour * 3600
        statuses += [client.post("/accounts/password/reset/", {"email": user.email}).status_code for _ in range(5)]
    assert statuses == [302] * 10 + [429] * 5
    assert len(smtp_server.messages) == 10
