"""The Redis cache falls back to process memory while Redis is down: pages answer, log-in limits still hold."""

import logging

import pytest
from django.core.cache import cache

from tests.conftest import free_port

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(settings):
    """REDIS_URL names a loopback port where nothing listens (Redis stopped)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "simplelogin.cache.FallbackRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/5",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    yield
    cache._fallback.clear()


def test_pages_answer_while_redis_is_down_and_the_outage_is_logged_once(redis_down, client, user, password, caplog):
    with caplog.at_level(logging.WARNING, logger="simplelogin.cache"):
        failed = client.post("/accounts/login/", {"login": user.email, "password": "wrong-password"})
        assert failed.status_code == 200 and "are not correct" in failed.content.decode()
        signed_in = client.post("/accounts/login/", {"login": user.email, "password": password})
        assert signed_in["Location"] == "/dashboard/"
        assert client.get("/dashboard/").status_code == 200
    outages = [r for r in caplog.records if "cache unavailable" in r.getMessage()]
    assert len(outages) == 1


def test_failed_log_ins_are_still_limited_while_redis_is_down(redis_down, client, user, password):
    for _ in range(5):
        assert client.post("/accounts/login/", {"login": user.email, "password": "wrong-password"}).status_code == 200
    response = client.post("/accounts/login/", {"login": user.email, "password": password})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_values_written_during_the_outage_are_read_back(redis_down):
    cache.set("k", "v", 30)
    assert cache.get("k") == "v"
    assert cache.add("n", 1) and cache.incr("n") == 2
    assert cache.get_many(["k", "n"]) == {"k": "v", "n": 2}
