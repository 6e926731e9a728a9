"""Load benchmark of the provider's hot endpoints: gunicorn (2 sync workers) on PostgreSQL, driven by wrk.

Usage: .venv/bin/python bench/run.py [--duration 10] [--database-url postgres://postgres@127.0.0.1:5432/sl_bench]
Needs: PostgreSQL on 127.0.0.1:5432 and `wrk` (apt-get install wrk). Prints a table; asserts nothing.
"""

import argparse
import base64
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
REDIRECT_URI = "https://bench.example.com/callback"


def configure(database_url: str, port: int, keys_dir: str) -> None:
    """Environment shared by this process (data set-up) and gunicorn."""
    os.environ.update(
        DATABASE_URL=database_url, DEBUG="false", SECRET_KEY="bench-only-" + "x" * 40,
        URL=f"http://127.0.0.1:{port}", ALLOWED_HOSTS="127.0.0.1", KEYS_DIR=keys_dir,
        DJANGO_SETTINGS_MODULE="simplelogin.settings", LOG_LEVEL="WARNING", RATE_LIMITS_ENABLED="false",
    )
    sys.path.insert(0, str(ROOT))


def create_database(database_url: str) -> None:
    """Drop and create the benchmark database."""
    import psycopg2

    name = urlsplit(database_url).path.lstrip("/")
    admin = psycopg2.connect(database_url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def seed(codes: int) -> dict:
    """Migrate, then create a person, a confidential client, its authorization, codes and an access token."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.utils import timezone
    from oauth2_provider.models import get_access_token_model, get_grant_model

    from oauth_provider.models import Authorization
    from oauth_provider.services import ClientSettings, client_create
    from tests.factories import AliasFactory, UserFactory

    call_command("migrate", verbosity=0)
    call_command("generate_signing_key", verbosity=0)
    user = UserFactory(email="bench@example.com")
    client, secret = client_create(data=ClientSettings(name="Bench", redirect_uris=[REDIRECT_URI]))
    Authorization.objects.create(user=user, client=client, alias=AliasFactory(user=user), name="Bench Person")
    now = timezone.now()
    grant_model = get_grant_model()
    codes_list = [secrets.token_urlsafe(30) for _ in range(codes)]
    grant_model.objects.bulk_create(
        grant_model(
            user=user, application=client, code=code, expires=now + timedelta(hours=2), redirect_uri=REDIRECT_URI,
            scope="openid email profile", nonce="n-" + code[:8], auth_time=now,
        )
        for code in codes_list
    )
    access = get_access_token_model().objects.create(
        user=user, application=client, token=secrets.token_urlsafe(40), expires=now + timedelta(hours=2),
        scope="openid email profile",
    )
    basic = "Basic " + base64.b64encode(f"{quote(client.client_id)}:{quote(secret)}".encode()).decode()
    return {"codes": codes_list, "access_token": access.token, "basic": basic}


def wait_up(url: str, timeout: float = 60) -> None:
    """Wait until gunicorn answers /health."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "/health", timeout=2)
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("gunicorn did not start")


def wrk(url: str, concurrency: int, duration: int, script: list[str] | None = None, headers=()) -> dict:
    """Run wrk once and parse requests/s, p50, p99 and errors."""
    command = ["wrk", f"-t{min(concurrency, 2)}", f"-c{concurrency}", f"-d{duration}s", "--latency"]
    for header in headers:
        command += ["-H", header]
    if script:
        command += ["-s", script[0], url, "--", *script[1:]]
    else:
        command.append(url)
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout

    def latency(label):
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)", out, re.M)
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency("50"), "p99": latency("99"),
        "errors": int(errors.group(1)) if errors else 0,
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
    }


def main() -> None:
    """Set up, start gunicorn, measure, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--port", type=int, default=7788)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/sl_bench")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    keys_dir = tempfile.mkdtemp(prefix="sl-bench-keys-")
    configure(args.database_url, args.port, keys_dir)
    create_database(args.database_url)
    data = seed(codes=12000)
    codes_file = Path(keys_dir) / "codes.txt"
    codes_file.write_text("\n".join(data["codes"]) + "\n")

    base = f"http://127.0.0.1:{args.port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "simplelogin.wsgi", "--workers", "2", "--worker-class", "sync",
         "--bind", f"127.0.0.1:{args.port}", "--log-level", "warning"],
        cwd=ROOT, env=os.environ.copy(),
    )
    try:
        wait_up(base)
        discovery = json.load(urllib.request.urlopen(base + "/.well-known/openid-configuration"))
        path = lambda key: urlsplit(discovery[key]).path  # noqa: E731
        bearer = f"Authorization: Bearer {data['access_token']}"
        rows = []
        used = 0
        for concurrency in (1, 8):
            threads = str(min(concurrency, 2))
            chunk = Path(keys_dir) / f"codes-{concurrency}.txt"
            chunk.write_text("\n".join(data["codes"][used:used + 6000]) + "\n")
            used += 6000
            cases = {
                "code exchange (+id_token)": dict(script=[str(BENCH / "codes.lua"), str(chunk), threads,
                                                          path("token_endpoint"), quote(REDIRECT_URI, safe=""),
                                                          data["basic"]]),
                "userinfo": dict(headers=[bearer], path=path("userinfo_endpoint")),
                "introspection": dict(script=[str(BENCH / "form.lua"), path("introspection_endpoint"),
                                              f"token={data['access_token']}", data["basic"]]),
                "discovery": dict(path="/.well-known/openid-configuration"),
                "jwks": dict(path=path("jwks_uri")),
            }
            for name, case in cases.items():
                url = base + case.get("path", "/")
                result = wrk(url, concurrency, args.duration, script=case.get("script"), headers=case.get("headers", ()))
                rows.append((name, concurrency, result))
        print(f"\n{'endpoint':28} {'conc':>4} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'non-2xx':>8}")
        for name, concurrency, r in rows:
            print(f"{name:28} {concurrency:>4} {r['rps']:>9.1f} {r['p50']:>8.2f} {r['p99']:>8.2f} {r['errors']:>8}")
    finally:
        server.terminate()
        server.wait(timeout=20)
        shutil.rmtree(keys_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
