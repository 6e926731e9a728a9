"""The Docker image and compose.yaml: what they run works here (no Docker engine), and the files hang together."""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import yaml
from django.core.management import get_commands

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
DOCKERFILE = (ROOT / "Dockerfile").read_text()
APP_SERVICES = ("migrate", "web", "mail", "scheduler")
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "docker-test-" + "x" * 40,
    "URL": "https://login.example.com",
    "ALLOWED_HOSTS": "login.example.com",
    "USE_X_FORWARDED_PROTO": "true",
    "LOG_LEVEL": "WARNING",
}


def _dockerfile(instruction: str) -> str:
    (line,) = [line for line in DOCKERFILE.splitlines() if line.startswith(instruction + " ")]
    return line.removeprefix(instruction + " ")


def test_compose_has_the_whole_stack_and_migrations_run_once_before_the_app():
    services = COMPOSE["services"]
    assert set(services) == {"db", "redis", "migrate", "web", "mail", "scheduler"}
    assert "migrate --noinput" in " ".join(services["migrate"]["command"])
    assert services["migrate"]["restart"] == "no"
    for name in ("web", "mail", "scheduler"):
        assert services[name]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert services[name]["depends_on"]["db"] == {"condition": "service_healthy"}
        assert "migrate" not in " ".join(services[name].get("command", []))
    assert "migrate" not in _dockerfile("CMD")  # replicas never migrate on start


def test_compose_sets_only_variables_the_settings_read():
    source = (ROOT / "simplelogin" / "settings.py").read_text()
    read = set(re.findall(r'env(?:\.[a-z_]+)?\(\s*"([A-Z0-9_]+)"', source))
    for name in APP_SERVICES:
        variables = set(COMPOSE["services"][name]["environment"]) - {"SCHEDULER_INTERVAL"}
        assert variables - read == set(), name


def test_every_command_compose_runs_exists():
    scheduler = (ROOT / "docker" / "scheduler.sh").read_text()
    commands = " ".join(" ".join(service.get("command", [])) for service in COMPOSE["services"].values())
    named = set(re.findall(r"manage\.py (\w+)", scheduler + commands))
    assert {"migrate", "generate_signing_key", "run_mail_handler", "expire_plans", "cleartokens"} <= named
    assert named <= set(get_commands())


def test_the_image_installs_the_hashed_lock_and_binds_the_mail_handler_to_every_interface():
    assert "pip install --require-hashes --no-deps -r requirements.lock" in DOCKERFILE
    assert "MAIL_HANDLER_HOST=0.0.0.0" in DOCKERFILE
    assert json.loads(_dockerfile("HEALTHCHECK").split("CMD ", 1)[1]) == ["python", "/app/docker/healthcheck.py"]


def _wait_for_port(port: int, process, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "the server exited"
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise AssertionError(f"nothing listens on {port}")


def _healthcheck(*args, env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "docker" / "healthcheck.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
    )


def _healthcheck_once_booted(env) -> subprocess.CompletedProcess:
    """Retry while the worker still boots (Docker's start period), like HEALTHCHECK's retries."""
    deadline = time.monotonic() + 90
    while True:
        result = _healthcheck(env=env)
        if "timed out" not in result.stdout and "refused" not in result.stdout or time.monotonic() > deadline:
            return result
        time.sleep(1)


@pytest.fixture
def gunicorn(tmp_path):
    """Start the image's CMD (gunicorn) with a production environment; yields a function taking the database URL."""
    started = []

    def start(database_url: str, **extra) -> dict:
        env = {
            **os.environ,
            **PRODUCTION,
            "PORT": str(free_port()),
            "DATABASE_URL": database_url,
            "WEB_CONCURRENCY": "1",
            **extra,
        }
        env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        command = json.loads(_dockerfile("CMD"))
        command[-1] = command[-1].replace("exec gunicorn", f"exec {sys.executable} -m gunicorn")
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        started.append(process)
        _wait_for_port(int(env["PORT"]), process)
        return env

    yield start
    for process in started:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def test_healthcheck_passes_behind_https_and_a_strict_allowed_hosts(gunicorn, tmp_path):
    env = gunicorn(f"sqlite:///{tmp_path / 'db.sqlite3'}")
    result = _healthcheck_once_booted(env)
    assert result.returncode == 0, result.stdout


def test_healthcheck_fails_while_the_database_is_down(gunicorn):
    env = gunicorn(f"postgres://postgres@127.0.0.1:{free_port()}/nowhere")
    result = _healthcheck_once_booted(env)
    assert result.returncode == 1 and "503" in result.stdout


def test_gunicorns_access_log_never_writes_the_query_string(gunicorn, tmp_path):
    access_log = tmp_path / "access.log"
    env = gunicorn(f"sqlite:///{tmp_path / 'db.sqlite3'}", GUNICORN_CMD_ARGS=f"--access-logfile {access_log}")
    assert _healthcheck_once_booted(env).returncode == 0
    url = f"http://127.0.0.1:{env['PORT']}/health?access_token=secret-token-value&code=secret-code"
    with urllib.request.urlopen(urllib.request.Request(url, headers={"Referer": f"{url}&x=1"}), timeout=30) as answer:
        assert answer.status == 200
    deadline = time.monotonic() + 10
    while "secret" not in access_log.read_text() and access_log.read_text().count("/health") < 2:
        assert time.monotonic() < deadline, access_log.read_text()
        time.sleep(0.2)
    lines = access_log.read_text()
    assert '"GET /health HTTP/1.1" 200' in lines
    assert "secret" not in lines and "access_token" not in lines


def test_mail_handler_listens_on_mail_handler_host_and_its_healthcheck_passes():
    port = free_port()
    env = {**os.environ, "MAIL_HANDLER_HOST": "0.0.0.0", "MAIL_HANDLER_PORT": str(port)}
    process = subprocess.Popen(
        [sys.executable, "manage.py", "run_mail_handler"], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout.readline().startswith(f"mail handler listening on 0.0.0.0:{port}")
        assert _healthcheck("--smtp", env=env).returncode == 0
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
    assert _healthcheck("--smtp", env=env).returncode == 1
