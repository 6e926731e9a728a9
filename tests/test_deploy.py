"""`manage.py check --deploy` passes with a production-like environment."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from oauth_provider import keys

ROOT = Path(__file__).resolve().parents[1]

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "k3P9-x_V0qL7mZr2TtYb8wNcHs4JdGfA1uEoRiKyWpQxVnBmLzCaSdFgHjKl",
    "URL": "https://login.example.com",
    "ALLOWED_HOSTS": "login.example.com",
    "USE_X_FORWARDED_PROTO": "true",
    "DATABASE_URL": "sqlite:////tmp/simplelogin-deploy-check.sqlite3",
    "EMAIL_URL": "smtp+tls://mailer:secret@smtp.example.com:587",
}


_KEYS_DIR = Path(tempfile.mkdtemp(prefix="sl-deploy-keys-"))
PRODUCTION_ENV["KEYS_DIR"] = str(_KEYS_DIR)


def _with_key():
    if not (_KEYS_DIR / keys.PRIMARY_KEY_NAME).exists():
        keys.pem_write_private(path=_KEYS_DIR / keys.PRIMARY_KEY_NAME, pem=keys.rsa_private_pem_generate())


def _check(extra_env):
    _with_key()
    env = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(extra_env)
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_in_production_like_environment():
    result = _check(PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = dict(PRODUCTION_ENV, SECRET_KEY="")
    result = _check(env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_several_workers_without_a_shared_cache_get_a_warning_at_start():
    result = _check(dict(PRODUCTION_ENV, WEB_CONCURRENCY="4", REDIS_URL=""))
    assert result.returncode != 0
    assert "simplelogin.W001" in result.stderr and "4 workers" in result.stderr and "REDIS_URL" in result.stderr


def test_several_workers_with_redis_pass_the_check():
    result = _check(dict(PRODUCTION_ENV, WEB_CONCURRENCY="4", REDIS_URL="redis://127.0.0.1:6379/0"))
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_plain_http_url_in_production_is_flagged():
    result = _check(dict(PRODUCTION_ENV, URL="http://login.example.com"))
    assert result.returncode != 0 and "simplelogin.W002" in result.stderr


def test_a_missing_signing_key_is_flagged_before_the_first_sign_in_fails(tmp_path):
    result = _check(dict(PRODUCTION_ENV, KEYS_DIR=str(tmp_path / "nothing-here")))
    assert result.returncode != 0 and "simplelogin.W003" in result.stderr and "generate_signing_key" in result.stderr


def test_a_key_encryption_key_that_is_not_fernet_is_flagged():
    result = _check(dict(PRODUCTION_ENV, KEY_ENCRYPTION_KEY="not-a-fernet-key"))
    assert result.returncode != 0 and "simplelogin.W003" in result.stderr


def test_half_configured_billing_is_flagged():
    result = _check(dict(PRODUCTION_ENV, STRIPE_TEST_SECRET_KEY="sk_test_123", STRIPE_PRICE_MONTHLY="price_1"))
    assert result.returncode != 0 and "simplelogin.W004" in result.stderr and "STRIPE_PRICE_YEARLY" in result.stderr
