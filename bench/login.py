"""Password log-in bench (bench/run.py --login): log-ins per second and CPU per log-in, rate limits on.

Honest under allauth's limits as configured (login 30/min per IP, failed log-ins 10/min per IP and 5 per 5 min per
account): every log-in is a different account, and the clients spread over many loopback source addresses
(127.0.x.y, all of which reach a server bound to 127.0.0.1), at most 20 log-ins per address, so no limit is
raised, switched off or hit. The limit counters live in Redis, shared by the workers, as in production. The bench
then shows the limit still bites: 35 log-ins from one fresh address, of which the 31st on must get 429.
"""

import http.client
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import harness
from harness import BENCH, POSTGRES, ROOT

PASSWORD = "bench-login-pass-phrase-42"
PER_ADDRESS = 20
REDIS = "redis://127.0.0.1:6379/13"


def _address(index: int) -> str:
    return f"127.0.{1 + index // 250}.{1 + index % 250}"


def _request(url: str, source: str, method: str, path: str, body: str = "", cookies: str = "") -> tuple:
    """One request from SOURCE; returns status, headers, body."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60, source_address=(source, 0))
    headers = {"Cookie": cookies} if cookies else {}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    connection.request(method, path, body=body or None, headers=headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, response.headers, data


def _form(url: str, source: str) -> tuple[str, str]:
    """GET the log-in page: its cookies and CSRF token."""
    status, headers, data = _request(url, source, "GET", "/accounts/login/")
    if status != 200:
        raise SystemExit(f"log-in page answered {status}")
    cookies = "; ".join(value.split(";", 1)[0] for name, value in headers.items() if name.lower() == "set-cookie")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', data).group(1).decode()
    return cookies, token


def _post(url: str, source: str, email: str, cookies: str, token: str) -> tuple[int, str, float]:
    """POST the log-in form; status, Location and seconds taken."""
    body = urlencode({"csrfmiddlewaretoken": token, "login": email, "password": PASSWORD})
    started = time.monotonic()
    status, headers, _data = _request(url, source, "POST", "/accounts/login/", body, cookies)
    return status, headers.get("Location", ""), time.monotonic() - started


def main_login(args, scratch: Path) -> str:
    """Create the accounts, fetch every form (not measured), then measure the log-in POSTs."""
    postgres = harness.Postgres()
    accounts = 2000 if not args.quick else 300
    server = harness.start_ours(
        name="ours-login",
        database_url=f"{POSTGRES}/sl_bench_login",
        keys_dir=scratch,
        postgres=postgres,
        extra_env={"REDIS_URL": REDIS},
    )
    try:
        helper_env = server.env | {"DATABASE_URL": server.env["DATABASE_URL"].split("?")[0]}
        subprocess.run(
            [sys.executable, str(BENCH / "ours.py"), "users", str(accounts + 40), PASSWORD],
            env=helper_env,
            cwd=ROOT,
            check=True,
        )
        hasher = subprocess.run(
            [
                sys.executable,
                "-c",
                "import django; django.setup(); from django.contrib.auth.hashers import "
                "get_hasher; h = get_hasher(); print(type(h).__module__ + '.' + type(h).__name__, h.memory_cost, "
                "h.time_cost, h.parallelism)",
            ],
            env=helper_env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        emails = [f"bench-login-{i}@example.com" for i in range(accounts + 40)]
        print(f"Fetching {accounts} log-in forms (not measured)…", flush=True)
        forms = [_form(server.url, _address(i // PER_ADDRESS)) for i in range(accounts)]
        results: list[tuple[int, str, float]] = []
        lock = threading.Lock()
        queue = list(range(accounts))

        def client():
            while True:
                with lock:
                    if not queue:
                        return
                    i = queue.pop(0)
                outcome = _post(server.url, _address(i // PER_ADDRESS), emails[i], *forms[i])
                with lock:
                    results.append(outcome)

        app_before = {pid: harness.cpu_ticks(pid) for pid in server.app_pids()}
        db_before = {pid: harness.cpu_ticks(pid) for pid in server.db_pids()}
        busy_before, started = harness.machine_busy_ms(), time.monotonic()
        threads = [threading.Thread(target=client) for _ in range(args.concurrency[-1] if args.quick else 4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
        busy = harness.machine_busy_ms() - busy_before
        spent = lambda before, pids: sum((harness.cpu_ticks(p) or 0) - (before.get(p) or 0) for p in pids)  # noqa: E731
        app_ms = spent(app_before, server.app_pids()) * harness.TICK_MS
        db_ms = spent(db_before, server.db_pids()) * harness.TICK_MS

        ok = sum(1 for status, location, _ in results if status == 302 and location.rstrip("/").endswith("dashboard"))
        latencies = sorted(seconds * 1000 for *_, seconds in results)
        statuses = sorted({status for status, *_ in results})

        limited_source = _address(accounts // PER_ADDRESS + 5)
        limited = []
        for i in range(35):
            cookies, token = _form(server.url, limited_source)
            limited.append(_post(server.url, limited_source, emails[accounts + i % 40], cookies, token)[0])
    finally:
        server.stop()
    own = app_ms + db_ms
    return "\n".join(
        [
            f"Password log-in, {hasher} (memory KiB, t, p). {accounts} distinct accounts, 4 client threads, "
            f"{accounts // PER_ADDRESS + 1} loopback source addresses ({PER_ADDRESS} log-ins each), production rate "
            f"limits, Redis cache, gunicorn 2 sync workers on PostgreSQL.",
            "",
            "| log-ins | ok (302 → dashboard) | statuses | log-ins/s | p50 ms | p99 ms | CPU ms/log-in | of which DB "
            "| other load (cores) | 2 cores ÷ CPU per log-in |",
            "|---|---|---|---|---|---|---|---|---|---|",
            f"| {len(results)} | {ok} | {', '.join(map(str, statuses))} | {len(results) / elapsed:.1f} "
            f"| {statistics.median(latencies):.1f} | {latencies[int(len(latencies) * 0.99) - 1]:.1f} "
            f"| {own / len(results):.1f} | {db_ms / len(results):.1f} "
            f"| {max(0.0, busy - own) / (elapsed * 1000):.2f} (includes the client threads) "
            f"| {2000 * len(results) / own:.1f}/s |",
            "",
            "Limit check, 35 log-ins from one fresh address: statuses "
            f"{''.join('.' if s == 302 else 'L' if s == 429 else '?' for s in limited)} "
            f"(. = 302 logged in, L = 429 rate-limited): {limited.count(302)} in, {limited.count(429)} refused.",
        ]
    )
