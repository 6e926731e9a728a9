"""One JSON log line per request with a request id and no query string; Prometheus metrics only when enabled."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def _request_records(caplog):
    return [r for r in caplog.records if r.name == "simplelogin.request"]


def test_each_request_logs_one_line_with_its_id_and_without_the_query_string(client, caplog):
    with caplog.at_level(logging.INFO, logger="simplelogin.request"):
        response = client.get("/accounts/login/?next=/settings/&token=s3cr3t-value")
    (record,) = _request_records(caplog)
    assert (record.method, record.path, record.status) == ("GET", "/accounts/login/", 200)
    assert record.request_id == response["X-Request-ID"] and len(record.request_id) == 32
    assert "s3cr3t-value" not in str(record.__dict__)


def test_the_proxys_request_id_is_kept_and_a_bogus_one_replaced(client, caplog):
    with caplog.at_level(logging.INFO, logger="simplelogin.request"):
        kept = client.get("/accounts/login/", HTTP_X_REQUEST_ID="nginx-4f2a9c1e")
        replaced = client.get("/accounts/login/", HTTP_X_REQUEST_ID="bad id\nforged: line")
    assert kept["X-Request-ID"] == "nginx-4f2a9c1e"
    assert replaced["X-Request-ID"] != "bad id\nforged: line" and "\n" not in replaced["X-Request-ID"]
    assert [r.request_id for r in _request_records(caplog)] == [kept["X-Request-ID"], replaced["X-Request-ID"]]


def test_signed_in_requests_log_the_user_id(signed_in, user, caplog):
    with caplog.at_level(logging.INFO, logger="simplelogin.request"):
        signed_in.get("/dashboard/")
    assert _request_records(caplog)[-1].user_id == user.pk


def _run(code: str, **env) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k != "LOG_FORMAT"}
    environment.update(
        DEBUG="false",
        SECRET_KEY="logs-test-" + "x" * 40,
        URL="http://testserver",
        DATABASE_URL="sqlite://:memory:",
        DJANGO_SETTINGS_MODULE="simplelogin.settings",
        **env,
    )
    prelude = "import django; django.setup(); from django.test import Client; c = Client(); "
    return subprocess.run(
        [sys.executable, "-c", prelude + code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_logs_are_json_lines_with_the_request_id():
    result = _run("r = c.get('/.well-known/openid-configuration?access_token=s3cr3t'); print(r['X-Request-ID'])")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    (line,) = [entry for entry in lines if entry["logger"] == "simplelogin.request"]
    assert line["request_id"] == result.stdout.strip()
    assert (line["level"], line["message"], line["path"], line["status"]) == (
        "INFO",
        "request",
        "/.well-known/openid-configuration",
        200,
    )
    assert "time" in line and "s3cr3t" not in result.stderr


@pytest.mark.parametrize("user_id", [None, 42])
def test_the_json_request_line_is_what_python_json_logger_writes(user_id):
    from django.conf import settings
    from pythonjsonlogger.json import JsonFormatter as Library

    from simplelogin.logs import JsonFormatter, RequestIdFilter, log

    options = {k: v for k, v in settings.LOGGING["formatters"]["json"].items() if k != "()"}
    extra = {"method": "GET", "path": "/jwks", "status": 200, "duration_ms": 0.4, "user_id": user_id}
    record = log.makeRecord(log.name, logging.INFO, __file__, 1, "request", (), None, extra=extra)
    RequestIdFilter().filter(record)
    ours, library = JsonFormatter(**options).format(record), Library(**options).format(record)
    assert ours == library
    assert json.loads(ours)["user_id"] == user_id


@pytest.mark.parametrize("change", [{"static_fields": {"app": "simplelogin"}}, {"prefix": "sl:"}, {}])
def test_the_json_request_line_follows_the_library_when_its_options_change(change):
    from django.conf import settings
    from pythonjsonlogger.json import JsonFormatter as Library

    from simplelogin.logs import JsonFormatter, RequestIdFilter, log

    options = {k: v for k, v in settings.LOGGING["formatters"]["json"].items() if k != "()"} | change
    ours, library = JsonFormatter(**options), Library(**options)
    for user_id in (1, 2, 3):
        extra = {"method": "GET", "path": "/jwks", "status": 200, "duration_ms": 0.4, "user_id": user_id}
        record = log.makeRecord(log.name, logging.INFO, __file__, 1, "request", (), None, extra=extra)
        RequestIdFilter().filter(record)
        if user_id == 3:
            record.added_by_a_filter = "kept"
        assert ours.format(record) == library.format(record)


def test_development_logs_name_the_request_line_without_its_query():
    result = _run("c.get('/.well-known/openid-configuration?access_token=s3cr3t')", LOG_FORMAT="plain")
    assert result.returncode == 0, result.stderr
    (line,) = [line for line in result.stderr.splitlines() if " simplelogin.request " in line]
    assert " INFO simplelogin.request [" in line and "] request GET /.well-known/openid-configuration 200 " in line
    assert line.endswith(" ms") and "s3cr3t" not in result.stderr


def test_metrics_are_off_by_default(client):
    assert client.get("/metrics").status_code == 404


def test_metrics_when_enabled_count_requests_and_honour_the_token():
    code = (
        "c.get('/health'); print(c.get('/metrics').status_code); "
        "r = c.get('/metrics', headers={'Authorization': 'Bearer t0ken'}); print(r.status_code); "
        "print(int('django_http_requests_total_by_method_total{method=\"GET\"}' in r.content.decode()))"
    )
    result = _run(code, METRICS_ENABLED="true", METRICS_TOKEN="t0ken")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["401", "200", "1"]


def test_json_logs_of_refused_requests_never_carry_the_query_string():
    # django.request logs 4xx with the request as `extra`; its repr is the full path, query included.
    result = _run(
        "r = c.post('/jwks?access_token=s3cr3t'); assert r.status_code == 405; "
        "r = c.post('/.well-known/openid-configuration?code=s3cr3t'); assert r.status_code == 405"
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    refused = [entry for entry in lines if entry["logger"] == "django.request"]
    assert len(refused) == 2 and refused[0]["request"] == "<WSGIRequest: POST /jwks>"
    assert "s3cr3t" not in result.stderr


@pytest.mark.slow
def test_runserver_never_logs_the_query_string(tmp_path):
    import time
    import urllib.error
    import urllib.request

    from tests.conftest import free_port

    port = free_port()
    environment = {k: v for k, v in os.environ.items() if k != "LOG_FORMAT"}
    environment.update(DEBUG="true", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}", PORT=str(port))
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", "--skip-checks", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/nowhere?access_token=s3cr3t", timeout=5)
            except urllib.error.HTTPError as error:
                assert error.code == 404
                break
            except OSError:
                assert time.monotonic() < deadline and server.poll() is None
                time.sleep(0.3)
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    # The request line is written before the answer leaves (django.server's own may come after it, or not before
    # the server stops): it names the path, without its query.
    assert "request GET /nowhere 404 " in output
    assert "s3cr3t" not in output


def test_password_reset_and_email_confirmation_keys_in_paths_are_in_no_log_record(client, user, caplog, smtp_server):
    """A reset link's key (and an email confirmation key) sits in the path: whoever reads the logs must not get it."""
    import re

    from allauth.account.models import EmailAddress, EmailConfirmationHMAC

    client.post("/accounts/password/reset/", {"email": user.email})
    body = smtp_server.messages[0]["message"].get_body(preferencelist=("plain",)).get_content()
    reset_path = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", body).group(1)
    reset_key = reset_path.rstrip("/").rsplit("/", 1)[-1].split("-", 1)[1]
    with caplog.at_level(logging.INFO):
        reset = client.get(reset_path)
        address = EmailAddress.objects.create(user=user, email="new@mailbox.example", verified=False)
        confirm_key = EmailConfirmationHMAC(address).key
        confirm = client.get(f"/accounts/confirm-email/{confirm_key}/")
        client.get("/accounts/confirm-email/not-a-real-key/")  # a 404: django.request logs its path too
    assert reset.status_code == 302 and confirm.status_code == 200
    paths = [r.path for r in _request_records(caplog)]
    assert any(p.startswith("/accounts/password/reset/key/") for p in paths)  # the request is still logged
    assert any(p.startswith("/accounts/confirm-email/") for p in paths)
    text = " ".join(str(r.__dict__) + r.getMessage() for r in caplog.records)
    assert reset_key not in text and confirm_key not in text and "not-a-real-key" not in text


def test_gunicorns_access_log_writes_no_reset_or_confirmation_key():
    from datetime import timedelta
    from types import SimpleNamespace

    from gunicorn.config import Config

    from simplelogin import gunicorn_conf

    logger = gunicorn_conf.logger_class(Config())
    lines = []
    for path in ("/accounts/password/reset/key/1-secret-reset-key/", "/accounts/confirm-email/secret-confirm-key/"):
        environ = {
            "REQUEST_METHOD": "GET",
            "RAW_URI": f"{path}?code=secret-code",
            "PATH_INFO": path,
            "QUERY_STRING": "code=secret-code",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_REFERER": f"https://login.example{path}",
        }
        response = SimpleNamespace(status="302 Found", headers=[], sent=0)
        atoms = logger.atoms(response, SimpleNamespace(headers=[]), environ, timedelta(0))
        lines.append(gunicorn_conf.access_log_format % atoms)
    assert '"GET /accounts/password/reset/key/<key>/ HTTP/1.1" 302' in lines[0]
    assert '"GET /accounts/confirm-email/<key>/ HTTP/1.1" 302' in lines[1]
    assert "secret" not in " ".join(lines)
