"""Shared parts of the operations benchmarks (concurrency, cluster, faults, soak, restore drill).

Servers on loopback only (gunicorn, runserver, nginx), data seeded through the app's own code, and a `Person`
who walks the real flows over HTTP: log in, authorize (with consent), exchange, userinfo, refresh, alias create.
`python bench/stack.py seed '{"users": 4, "clients": 2}'` (run by `seed()`) prints the seeded data as JSON.
"""

import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
REDIRECT_URI = "https://bench.example.com/callback"
PASSWORD = "bench-password-correct-horse"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def app_env(*, database_url: str, url: str, root: Path = ROOT, **extra) -> dict:
    """A production-like environment for the app's processes (DEBUG off unless extra says otherwise)."""
    env = {k: v for k, v in os.environ.items() if k not in ("DJANGO_ALLOW_ASYNC_UNSAFE",)}
    env.update(
        DATABASE_URL=database_url,
        DEBUG="false",
        SECRET_KEY="bench-only-" + "x" * 40,
        URL=url,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SETTINGS_MODULE="simplelogin.settings",
        LOG_LEVEL="WARNING",
        KEYS_DIR=str(Path(tempfile.gettempdir()) / "sl-bench-keys"),
        MAX_ALIASES_FREE_PLAN="100000",
        EMAIL_URL="consolemail://",
        PYTHONPATH=str(root),
        API_THROTTLE_RATE="100000/min",
    )
    env.update({k: str(v) for k, v in extra.items()})
    return env


def postgres_create(database_url: str) -> None:
    """Drop and create a PostgreSQL database."""
    import psycopg2

    name = urlsplit(database_url).path.lstrip("/")
    admin = psycopg2.connect(database_url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def postgres_migrated(database_url: str, env: dict) -> None:
    """A fresh, migrated PostgreSQL database: a copy of a template migrated once per state of the migrations
    (CREATE DATABASE ... TEMPLATE), so each benchmark run does not spend minutes migrating."""
    import hashlib

    import psycopg2

    files = sorted(ROOT.glob("*/migrations/*.py")) + sorted(ROOT.glob("*/djstripe_migrations/*.py"))
    digest = hashlib.sha256(b"".join(f.read_bytes() for f in files)).hexdigest()[:12]
    name = urlsplit(database_url).path.lstrip("/")
    template = f"{name}_tpl_{digest}"
    admin = psycopg2.connect(database_url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", (f"{name}_tpl_%",))
        existing = [row[0] for row in cursor.fetchall()]
        for old in existing:
            if old != template:
                cursor.execute(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')
        if template not in existing:
            cursor.execute(f'CREATE DATABASE "{template}"')
            print(f"migrating the template database {template} ...", flush=True)
            manage({**env, "DATABASE_URL": database_url.rsplit("/", 1)[0] + "/" + template}, "migrate", "--noinput")
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    admin.close()


def postgres_drop(database_url: str) -> None:
    """Drop a PostgreSQL database (bench databases are not kept)."""
    import psycopg2

    name = urlsplit(database_url).path.lstrip("/")
    admin = psycopg2.connect(database_url.rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def manage(env: dict, *args: str, root: Path = ROOT, check: bool = True) -> str:
    """Run a management command in the app's environment; returns its output."""
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=root, env=env, capture_output=True, text=True)
    if check and result.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout + result.stderr


def seed(
    env: dict, *, users: int, clients: int, root: Path = ROOT, tokens: bool = False, aliases: bool = False
) -> dict:
    """Create people (password PASSWORD), confidential clients, optionally an API token (aliases:*) and an alias
    per person, with the app's code; returns their data."""
    spec = json.dumps({"users": users, "clients": clients, "tokens": tokens, "aliases": aliases})
    result = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "seed", spec], cwd=root, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise SystemExit(f"seeding failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def _seed_main(spec: dict) -> None:
    """In the app's environment: create the data and print it as one JSON line."""
    import secrets
    from datetime import timedelta

    import django

    django.setup()
    from django.utils import timezone
    from oauth2_provider.models import get_access_token_model

    from oauth_provider.services import ClientSettings, client_create
    from tests.factories import UserFactory

    run = secrets.token_hex(3)
    people = [UserFactory(email=f"bench-{run}-{n}@example.com", password=PASSWORD) for n in range(spec["users"])]
    apps = []
    for n in range(spec["clients"]):
        client, secret = client_create(data=ClientSettings(name=f"Bench app {n}", redirect_uris=[REDIRECT_URI]))
        apps.append({"client_id": client.client_id, "secret": secret, "pk": client.pk})
    data = {"users": [{"email": p.email, "pk": p.pk} for p in people], "clients": apps}
    if spec.get("aliases"):
        from accounts.services import alias_create_random

        for person, entry in zip(people, data["users"], strict=True):
            entry["alias"] = alias_create_random(user=person).email
    if spec.get("tokens"):
        model = get_access_token_model()
        for person, entry in zip(people, data["users"], strict=True):
            token = secrets.token_urlsafe(32)
            model.objects.create(
                user=person, token=token, expires=timezone.now() + timedelta(days=1), scope="aliases:read aliases:write"
            )
            entry["api_token"] = token
    print(json.dumps(data))


class Server:
    """A server process (gunicorn, runserver, nginx) started and stopped by its pid, never by name."""

    def __init__(self, command: list[str], *, env: dict | None = None, cwd: Path = ROOT, port: int, log: Path):
        self.port = port
        self.log = log
        self.handle = open(log, "ab")
        self.process = subprocess.Popen(
            command, cwd=cwd, env=env, stdout=self.handle, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_up(self, path: str = "/health", timeout: float = 120) -> None:
        """Wait until the server answers (any HTTP status)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"server on {self.port} exited; see {self.log}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5)
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.3)
        raise SystemExit(f"server on {self.port} did not answer; see {self.log}")

    def worker_pids(self) -> list[int]:
        """The master's children (gunicorn workers)."""
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        except OSError:
            return []
        return [int(pid) for pid in children]

    def stop(self) -> None:
        """SIGTERM the process group this server leads, then wait."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.handle.close()


def rss_mib(pid: int) -> float:
    """Resident memory of a process in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def static_collect(env: dict, root: Path = ROOT) -> None:
    """collectstatic once (DEBUG off serves hashed names from the manifest, as the Docker image does)."""
    manifest = root / "staticfiles" / "staticfiles.json"
    newest = max(path.stat().st_mtime for path in (root / "static").rglob("*") if path.is_file())
    if not manifest.exists() or manifest.stat().st_mtime < newest:
        manage(env, "collectstatic", "--noinput", root=root)


def gunicorn(env: dict, *, port: int, workers: int = 2, log: Path, root: Path = ROOT) -> Server:
    """gunicorn as the Docker image runs it (sync workers), on loopback."""
    static_collect(env, root)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "simplelogin.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--timeout",
        "60",
        "--log-level",
        "warning",
    ]
    server = Server(command, env={**env, "PORT": str(port)}, cwd=root, port=port, log=log)
    server.wait_up()
    return server


def nginx(*, port: int, upstreams: list[int], workdir: Path) -> Server:
    """Debian's nginx on loopback, round-robin over the upstream ports, naming the upstream in X-Upstream."""
    workdir.mkdir(parents=True, exist_ok=True)
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=0;" for p in upstreams)
    conf = workdir / "nginx.conf"
    conf.write_text(f"""
worker_processes 1;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
events {{ worker_connections 256; }}
http {{
    access_log off;
    client_body_temp_path {workdir}/body; proxy_temp_path {workdir}/proxy;
    fastcgi_temp_path {workdir}/fastcgi; uwsgi_temp_path {workdir}/uwsgi; scgi_temp_path {workdir}/scgi;
    upstream simplelogin {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://simplelogin;
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            add_header X-Upstream $upstream_addr always;
        }}
    }}
}}
""")
    server = Server(
        ["/usr/sbin/nginx", "-p", str(workdir), "-c", str(conf), "-g", "daemon off;"],
        port=port,
        log=workdir / "stdout.log",
    )
    server.wait_up()
    return server


class Tally:
    """Status counts and latencies per step, shared by threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses: dict[str, Counter] = {}
        self.latencies: dict[str, list[float]] = {}

    def add(self, step: str, status: int, seconds: float) -> None:
        """Record one response."""
        with self.lock:
            self.statuses.setdefault(step, Counter())[status] += 1
            self.latencies.setdefault(step, []).append(seconds)

    def count(self, predicate=lambda status: True) -> int:
        """How many responses had a status matching predicate."""
        with self.lock:
            return sum(n for c in self.statuses.values() for s, n in c.items() if predicate(s))

    def table(self) -> str:
        """One row per step: requests, 2xx/3xx, 4xx, 5xx, p50, p99 (ms)."""
        rows = [f"{'step':<22}{'requests':>9}{'2xx/3xx':>9}{'4xx':>6}{'5xx':>6}{'p50 ms':>9}{'p99 ms':>9}  others"]
        with self.lock:
            for step, counter in sorted(self.statuses.items()):
                times = sorted(self.latencies[step])
                p = lambda q, times=times: times[min(len(times) - 1, int(q * len(times)))] * 1000  # noqa: E731
                ok = sum(n for s, n in counter.items() if s < 400)
                client = sum(n for s, n in counter.items() if 400 <= s < 500)
                server = sum(n for s, n in counter.items() if s >= 500)
                others = " ".join(f"{s}x{n}" for s, n in sorted(counter.items()) if s >= 400)
                rows.append(
                    f"{step:<22}{sum(counter.values()):>9}{ok:>9}{client:>6}{server:>6}"
                    f"{p(0.5):>9.1f}{p(0.99):>9.1f}  {others}"
                )
        return "\n".join(rows)


class Person:
    """One person's browser (cookies, CSRF) and one client app's back end, speaking HTTP to the site."""

    def __init__(self, base: str, email: str, tally: Tally, password: str = PASSWORD):
        import requests

        self.http = requests.Session()
        self.base = base
        self.email = email
        self.password = password
        self.tally = tally

    def _send(self, step: str, method: str, path: str, base: str | None = None, **kwargs):
        started = time.perf_counter()
        response = self.http.request(method, (base or self.base) + path, allow_redirects=False, timeout=60, **kwargs)
        self.tally.add(step, response.status_code, time.perf_counter() - started)
        return response

    def csrf(self, step: str, path: str, base: str | None = None) -> str | None:
        """GET a page and read its form's CSRF token."""
        response = self._send(step, "GET", path, base)
        match = CSRF.search(response.text)
        return match.group(1) if match else None

    def login(self, base: str | None = None, password: str | None = None):
        """Log in through the form; returns the POST's response (302 to /dashboard/ on success)."""
        token = self.csrf("login page", "/accounts/login/", base)
        return self._send(
            "log in",
            "POST",
            "/accounts/login/",
            base,
            data={"csrfmiddlewaretoken": token or "", "login": self.email, "password": password or self.password},
        )

    def authorize(self, client: dict, base: str | None = None, email_choice: str = "random") -> str | None:
        """Run /oauth2/authorize (consenting when asked); returns the code, or None."""
        query = urlencode(
            {
                "client_id": client["client_id"],
                "redirect_uri": REDIRECT_URI,
                "response_type": "code",
                "scope": "openid email profile offline_access",  # refresh tokens (OIDC Core 11)
                "state": "s",
                "nonce": os.urandom(6).hex(),
            }
        )
        path = f"/oauth2/authorize?{query}"
        response = self._send("authorize", "GET", path, base)
        if response.status_code == 200 and "csrfmiddlewaretoken" in response.text:
            token = CSRF.search(response.text).group(1)
            response = self._send(
                "consent",
                "POST",
                path,
                base,
                data={"csrfmiddlewaretoken": token, "email": email_choice, "name": "Bench", "action": "allow"},
            )
        if response.status_code != 302:
            return None
        return parse_qs(urlsplit(response.headers["Location"]).query).get("code", [None])[0]

    def token(self, client: dict, data: dict, step: str, base: str | None = None):
        """POST /oauth2/token as the client (client_secret_basic)."""
        return self._send(step, "POST", "/oauth2/token", base, data=data, auth=(client["client_id"], client["secret"]))

    def exchange(self, client: dict, code: str, base: str | None = None) -> dict | None:
        """Exchange a code for tokens."""
        response = self.token(
            client, {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT_URI}, "exchange", base
        )
        return response.json() if response.status_code == 200 else None

    def refresh(self, client: dict, refresh_token: str, base: str | None = None) -> dict | None:
        """Use a refresh token (rotated: the response carries a new one)."""
        response = self.token(client, {"grant_type": "refresh_token", "refresh_token": refresh_token}, "refresh", base)
        return response.json() if response.status_code == 200 else None

    def userinfo(self, access_token: str, base: str | None = None) -> dict | None:
        """GET /oauth2/userinfo with the access token."""
        response = self._send(
            "userinfo", "GET", "/oauth2/userinfo", base, headers={"Authorization": f"Bearer {access_token}"}
        )
        return response.json() if response.status_code == 200 else None

    def alias_create(self, base: str | None = None) -> bool:
        """Create a random alias from the dashboard's button; True when the site said it was created."""
        token = self.csrf("dashboard", "/dashboard/", base)
        response = self._send(
            "alias create", "POST", "/dashboard/aliases/random", base, data={"csrfmiddlewaretoken": token or ""}
        )
        return response.status_code == 302 and response.headers.get("Location") == "/dashboard/"


if __name__ == "__main__" and sys.argv[1:2] == ["seed"]:
    sys.path.insert(0, str(ROOT))
    _seed_main(json.loads(sys.argv[2]))
