"""What bench/run.py is made of: the servers (ours under gunicorn, the node peer), wrk, CPU read from /proc."""

import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
BENCH = Path(__file__).resolve().parent
PEER = BENCH / "peer"
TICK_MS = 1000 / os.sysconf("SC_CLK_TCK")
POSTGRES = "postgres://postgres@127.0.0.1:5432"


def free_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- /proc ------------------------------------------------------------------------------------------------------


def cpu_ticks(pid: int) -> int | None:
    """utime + stime of a process, all its threads, in clock ticks; None once it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return None
    return int(fields[11]) + int(fields[12])


def children(pid: int) -> list[int]:
    """The pid and all its descendants."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (FileNotFoundError, ProcessLookupError, IndexError):
                continue
            parents.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(parents.get(current, []))
    return found


def rss_kib(pid: int) -> int | None:
    """VmRSS of a process in KiB."""
    try:
        match = re.search(r"^VmRSS:\s+(\d+) kB", Path(f"/proc/{pid}/status").read_text(), re.M)
    except FileNotFoundError:
        return None
    return int(match.group(1)) if match else None


def machine_busy_ms() -> float:
    """CPU time every core spent not idle since boot (user, nice, system, irq, softirq, steal), in ms."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    user, nice, system, _idle, _iowait, irq, softirq, steal = values[:8]
    return (user + nice + system + irq + softirq + steal) * TICK_MS


class Postgres:
    """One connection of the bench's own, to find the backends serving a server by their application_name."""

    def __init__(self):
        self.connection = None

    def query(self, sql: str, params=()) -> list:
        """Run one query, reconnecting while PostgreSQL restarts (other benches on the machine may restart it)."""
        import psycopg2

        for _attempt in range(60):
            try:
                if self.connection is None or self.connection.closed:
                    self.connection = psycopg2.connect(POSTGRES + "/postgres", application_name="sl_bench_observer")
                    self.connection.autocommit = True
                with self.connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    return cursor.fetchall()
            except psycopg2.Error:
                self.connection = None
                time.sleep(1)
        raise SystemExit("PostgreSQL did not come back")

    def backends(self, application_name: str) -> list[int]:
        """Pids of the backends whose connection carries this application_name."""
        return [
            row[0]
            for row in self.query("SELECT pid FROM pg_stat_activity WHERE application_name = %s", [application_name])
        ]

    def started(self) -> str:
        """When the postmaster started: a change means PostgreSQL restarted in between."""
        return str(self.query("SELECT pg_postmaster_start_time()")[0][0])


# --- servers ----------------------------------------------------------------------------------------------------


@dataclass
class Server:
    """A running server: where it is, how to authenticate, and which processes to charge its CPU to."""

    name: str
    url: str
    process: subprocess.Popen
    basic: str
    redirect_uri: str
    code_verifier: str
    paths: dict = field(default_factory=dict)
    access_token: str = ""
    refresh_token: str = ""
    application_name: str = ""
    postgres: "Postgres | None" = None
    minter: subprocess.Popen | None = None
    control_url: str = ""
    best_exchange_rps: float = 0.0
    env: dict = field(default_factory=dict)

    def app_pids(self) -> list[int]:
        return children(self.process.pid)

    def db_pids(self) -> list[int]:
        return self.postgres.backends(self.application_name) if self.postgres and self.application_name else []

    def worker_pids(self) -> list[int]:
        pids = self.app_pids()
        return pids[1:] if len(pids) > 1 else pids

    def mint(self, count: int, path: Path) -> None:
        """COUNT fresh single-use codes into PATH, one per line."""
        if self.control_url:
            urllib.request.urlopen(f"{self.control_url}/mint?n={count}&out={quote(str(path))}", timeout=300).read()
        else:
            self.minter.stdin.write(f"{count} {path}\n")
            self.minter.stdin.flush()
            answer = self.minter.stdout.readline()
            if not answer.startswith("ok"):
                raise SystemExit(f"{self.name}: minting codes failed")

    def exchange(self) -> dict:
        """One real code exchange (to get the access and refresh tokens the other endpoints are measured with)."""
        path = Path(f"/tmp/sl-bench-one-{os.getpid()}-{self.name}.txt")
        self.mint(1, path)
        code = path.read_text().split()[0]
        path.unlink()
        body = (
            f"grant_type=authorization_code&code={code}&redirect_uri={quote(self.redirect_uri, safe='')}"
            f"&code_verifier={self.code_verifier}"
        ).encode()
        request = urllib.request.Request(
            self.url + self.paths["token"],
            data=body,
            headers={"Authorization": self.basic, "Content-Type": "application/x-www-form-urlencoded"},
        )
        return json.load(urllib.request.urlopen(request, timeout=30))

    def stop(self) -> None:
        for process in (self.minter, self.process):
            if process is not None and process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()


def wait_up(url: str, process: subprocess.Popen, timeout: float = 90) -> None:
    """Wait until the server answers its discovery document."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{url}: the server exited with {process.returncode}")
        try:
            urllib.request.urlopen(url + "/.well-known/openid-configuration", timeout=2).read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"{url} did not start")


def discover(server: Server) -> None:
    """Endpoint paths from the discovery document, then one real exchange for the tokens."""
    metadata = json.load(urllib.request.urlopen(server.url + "/.well-known/openid-configuration"))
    server.paths = {
        "token": urlsplit(metadata["token_endpoint"]).path,
        "userinfo": urlsplit(metadata["userinfo_endpoint"]).path,
        "introspection": urlsplit(metadata["introspection_endpoint"]).path,
        "discovery": "/.well-known/openid-configuration",
        "jwks": urlsplit(metadata["jwks_uri"]).path,
    }
    tokens = server.exchange()
    server.access_token, server.refresh_token = tokens["access_token"], tokens.get("refresh_token", "")


def ours_environment(*, database_url: str, port: int, keys_dir: Path, redis_url: str = "") -> dict:
    """The environment of our server and of its helper processes (bench/ours.py)."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-" + "x" * 40,
        "URL": f"http://127.0.0.1:{port}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "KEYS_DIR": str(keys_dir),
        "DJANGO_SETTINGS_MODULE": "simplelogin.settings",
        "LOG_LEVEL": "WARNING",
        "REDIS_URL": redis_url,
        "PYTHONPATH": str(ROOT),
        # Keep each worker's connection for the whole bench: a backend that exits inside a run takes its CPU with it.
        "CONN_MAX_AGE": "3600",
    }


def start_ours(
    *,
    name: str,
    database_url: str,
    keys_dir: Path,
    postgres: Postgres | None,
    workers: int = 2,
    config: Path | None = None,
    extra_env: dict | None = None,
    reset: bool = True,
    application: str = "simplelogin.wsgi",
    server: str = "gunicorn",
) -> Server:
    """Set up a fresh database and start gunicorn as the Dockerfile does (sync workers, its config, one log line)."""
    port = free_port()
    application_name = ""
    if database_url.startswith("postgres"):
        application_name = f"sl_bench_{name}_{port}".replace("-", "_")
        database_url += ("&" if "?" in database_url else "?") + f"application_name={application_name}"
    env = ours_environment(database_url=database_url, port=port, keys_dir=keys_dir) | (extra_env or {})
    helper = [sys.executable, str(BENCH / "ours.py")]
    if reset:
        setup = subprocess.run(
            [*helper, "setup"],
            env=env | {"DATABASE_URL": database_url.split("?")[0]},
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if setup.returncode:
            raise SystemExit(f"{name}: setup failed\n{setup.stderr}")
        (keys_dir / f"{name}.json").write_text(setup.stdout.strip().splitlines()[-1])
    client = json.loads((keys_dir / f"{name}.json").read_text())
    command = server_command(server, application, workers=workers, port=port, config=config)
    process = subprocess.Popen(command, cwd=ROOT, env=env | {"LOG_LEVEL": "INFO"}, stderr=subprocess.DEVNULL)
    minter_env = env | {
        "DATABASE_URL": env["DATABASE_URL"].replace(application_name, f"{application_name}_mint")
        if application_name
        else env["DATABASE_URL"]
    }
    minter = subprocess.Popen(
        [*helper, "mint"], env=minter_env, cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    server = Server(
        name=name,
        url=f"http://127.0.0.1:{port}",
        process=process,
        basic=client["basic"],
        redirect_uri=client["redirect_uri"],
        code_verifier=client["code_verifier"],
        application_name=application_name,
        postgres=postgres,
        minter=minter,
        env=env,
    )
    try:
        wait_up(server.url, process)
        discover(server)
        server.paths["health"] = "/health"  # Django's handler, one middleware, SELECT 1: less than any view
    except BaseException:
        server.stop()
        raise
    return server


def server_command(server: str, application: str, *, workers: int, port: int, config: Path | None = None) -> list:
    """gunicorn as the Dockerfile runs it (sync workers, its config); gunicorn's gthread worker (one thread per
    worker, keep-alive); or granian: one blocking thread per worker process, as a sync worker, keep-alive and HTTP in
    Rust (bench/run.py --server gthread / granian)."""
    if server == "granian":
        return [
            *(sys.executable, "-m", "granian", "--interface", "wsgi", "--workers", str(workers)),
            *("--blocking-threads", "1", "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"),
            f"{application.replace(':application', '')}:application",
        ]
    command = [sys.executable, "-m", "gunicorn", application, "--workers", str(workers), "--bind", f"127.0.0.1:{port}"]
    if server == "gthread":
        command += ["--worker-class", "gthread", "--threads", "1", "--keep-alive", "5"]
    return command + ["--config", str(config) if config else "python:simplelogin.gunicorn_conf"]


def start_floor(*, keys_dir: Path, server: str = "gunicorn") -> Server:
    """bench/floor.py under the same server command as ours: fixed bytes for the discovery and JWKS rows."""
    port = free_port()
    env = ours_environment(database_url=f"sqlite:///{keys_dir}/floor.sqlite3", port=port, keys_dir=keys_dir)
    command = server_command(server, "floor:application", workers=2, port=port)
    env = env | {"LOG_LEVEL": "INFO", "PYTHONPATH": f"{ROOT}:{BENCH}"}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    server = Server(
        name=f"{server}-floor",
        url=f"http://127.0.0.1:{port}",
        process=process,
        basic="",
        redirect_uri="",
        code_verifier="",
        paths={"discovery": "/floor", "jwks": "/floor"},
    )
    try:
        wait_up(server.url, process)
    except BaseException:
        server.stop()
        raise
    return server


def peer_install() -> None:
    """npm ci into bench/peer/node_modules (git-ignored) when the lock file changed or nothing is installed."""
    marker = PEER / "node_modules" / ".package-lock.json"
    if not marker.exists() or marker.stat().st_mtime < (PEER / "package-lock.json").stat().st_mtime:
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel", "error"], cwd=PEER, check=True)


def start_peer() -> tuple[Server, str]:
    """node's oidc-provider (bench/peer/server.js); returns the server and its one-line description."""
    import base64

    peer_install()
    port, control = free_port(), free_port()
    process = subprocess.Popen(
        ["node", str(PEER / "server.js")],
        cwd=PEER,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "NODE_ENV": "production", "PORT": str(port), "CONTROL_PORT": str(control)},
    )
    info = json.loads(process.stdout.readline())
    basic = "Basic " + base64.b64encode(f"{info['client_id']}:{info['client_secret']}".encode()).decode()
    server = Server(
        name="oidc-provider",
        url=info["url"],
        process=process,
        basic=basic,
        redirect_uri=info["redirect_uri"],
        code_verifier=info["code_verifier"],
        control_url=f"http://127.0.0.1:{control}",
    )
    wait_up(server.url, process)
    discover(server)
    return server, info["peer"]


# --- wrk --------------------------------------------------------------------------------------------------------

ENDPOINTS = {
    "token": "code exchange (+id_token)",
    "userinfo": "userinfo",
    "introspection": "introspection",
    "discovery": "discovery",
    "jwks": "JWKS",
    "health": "Django floor (/health)",
}
# The issue's targets: ours' CPU per request at most this many times the peer's.
TARGETS = {"token": 2, "userinfo": 3, "introspection": 3, "discovery": 1.5, "jwks": 1.5}


def wrk_arguments(server: Server, endpoint: str, concurrency: int, codes: Path | None) -> list[str]:
    """The URL, headers and Lua script of one endpoint."""
    url = server.url + server.paths[endpoint]
    threads = str(min(concurrency, 2))
    if endpoint == "token":
        return [
            "-s",
            str(BENCH / "codes.lua"),
            url,
            "--",
            str(codes),
            threads,
            server.paths["token"],
            quote(server.redirect_uri, safe=""),
            server.basic,
            server.code_verifier,
        ]
    if endpoint == "userinfo":
        return ["-H", f"Authorization: Bearer {server.access_token}", url]
    if endpoint == "introspection":
        return [
            "-s",
            str(BENCH / "form.lua"),
            url,
            "--",
            server.paths["introspection"],
            f"token={server.access_token}",
            server.basic,
        ]
    return [url]


def wrk_parse(out: str) -> dict:
    """requests/s, p50, p99 (ms), requests, non-2xx and socket errors from wrk --latency output."""

    def latency(label):
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\b", out, re.M)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sockets = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": latency("50"),
        "p99": latency("99"),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(int(n) for n in sockets.groups()) if sockets else 0,
    }


def measure(server: Server, arguments: list[str], concurrency: int, duration: float) -> dict:
    """One wrk run against SERVER with its CPU (processes + PostgreSQL backends) and the machine's other load."""
    command = [
        "wrk",
        f"-t{min(concurrency, 2)}",
        f"-c{concurrency}",
        f"-d{duration:g}s",
        "--latency",
        "--timeout",
        "10s",
        *arguments,
    ]
    app_before = {pid: cpu_ticks(pid) for pid in server.app_pids()}
    db_before = {pid: cpu_ticks(pid) for pid in server.db_pids()}
    busy_before, started = machine_busy_ms(), time.monotonic()
    wrk = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = wrk.stdout.read(), wrk.stderr.read()
    _pid, status, usage = os.wait4(wrk.pid, 0)
    wrk.returncode = os.waitstatus_to_exitcode(status)
    elapsed_ms = (time.monotonic() - started) * 1000
    busy_ms = machine_busy_ms() - busy_before
    if wrk.returncode:
        raise SystemExit(f"wrk failed: {err or out}")

    def spent(before, pids):
        total = 0
        for pid in pids:
            now = cpu_ticks(pid)
            if now is not None:
                total += now - (before.get(pid) or 0)
        return total * TICK_MS

    app_ms = spent(app_before, server.app_pids())
    db_ms = spent(db_before, server.db_pids())
    wrk_ms = (usage.ru_utime + usage.ru_stime) * 1000
    result = wrk_parse(out)
    requests = max(result["requests"], 1)
    result.update(
        cpu_ms=(app_ms + db_ms) / requests,
        db_ms=db_ms / requests,
        wrk_cores=wrk_ms / elapsed_ms,
        other_cores=max(0.0, busy_ms - app_ms - db_ms - wrk_ms) / elapsed_ms,
        errors=result["non2xx"] + result["socket_errors"],
    )
    return result


def run_endpoint(server: Server, endpoint: str, concurrency: int, duration: float, scratch: Path) -> dict:
    """Measure one endpoint once; the code exchange gets enough fresh codes (re-run with more if they ran out)."""
    codes = None
    budget = int(max(duration * 600, server.best_exchange_rps * duration * 1.6) + 200)
    for _attempt in range(4):
        if endpoint == "token":
            codes = scratch / f"codes-{server.name}.txt"
            server.mint(budget, codes)
        started = server.postgres.started() if server.postgres else None
        result = measure(server, wrk_arguments(server, endpoint, concurrency, codes), concurrency, duration)
        if server.postgres and server.postgres.started() != started:
            print(f"  PostgreSQL restarted during a {server.name} run (another bench?): measuring again", flush=True)
            measure(server, wrk_arguments(server, "discovery", 2, None), 2, 1)  # workers drop dead connections
            continue
        if endpoint == "token" and result["requests"] > budget:
            budget = int(result["requests"] * 2)
            continue
        break
    if endpoint == "token":
        server.best_exchange_rps = max(server.best_exchange_rps, result["rps"])
    return result


def alternate(
    servers: list[Server], endpoints: list[str], concurrencies: list[int], rounds: int, duration: float, scratch: Path
) -> list:
    """Every endpoint × concurrency, the servers in alternation (A B A B …) ROUNDS times; the median of each figure."""
    rows = []
    for endpoint in endpoints:
        for server in servers:  # warm-up, not measured
            if endpoint in server.paths:
                run_endpoint(server, endpoint, 8, min(2, duration), scratch)
        for concurrency in concurrencies:
            runs = {server.name: [] for server in servers if endpoint in server.paths}
            for _round in range(rounds):
                for server in servers:
                    if endpoint not in server.paths:
                        continue
                    runs[server.name].append(run_endpoint(server, endpoint, concurrency, duration, scratch))
            for server in servers:
                if server.name not in runs:
                    continue
                merged = median_of(runs[server.name])
                rows.append((endpoint, concurrency, server.name, merged))
                print(
                    f"  {ENDPOINTS[endpoint]:26} c={concurrency:<3} {server.name:14} {merged['rps']:8.0f} req/s"
                    f" {merged['cpu_ms']:7.2f} ms CPU/req  errors {merged['errors']}  other load"
                    f" {merged['other_cores']:.2f}",
                    flush=True,
                )
    return rows


def median_of(results: list[dict]) -> dict:
    """The median of each figure over the runs (and the highest other load)."""
    keys = ("rps", "p50", "p99", "cpu_ms", "db_ms", "other_cores", "wrk_cores")
    merged = {key: statistics.median(r[key] for r in results) for key in keys}
    merged["errors"] = sum(r["errors"] for r in results)
    merged["requests"] = sum(r["requests"] for r in results)
    merged["other_max"] = max(r["other_cores"] for r in results)
    merged["cpu_spread"] = max(r["cpu_ms"] for r in results) - min(r["cpu_ms"] for r in results)
    return merged


def table(rows: list[tuple[str, int, str, dict]], reference: str | None) -> str:
    """One Markdown table; "× ref" is the CPU per request divided by the reference server's at that row."""
    header = (
        "| endpoint | c | server | req/s | p50 ms | p99 ms | errors | CPU ms/req | of which DB "
        f"| × {reference or 'ref'} | other load (cores) |"
    )
    lines = [header, "|" + "---|" * 11]
    refs = {(e, c): r["cpu_ms"] for e, c, s, r in rows if s == reference}
    for endpoint, concurrency, name, r in rows:
        ref = refs.get((endpoint, concurrency))
        ratio = f"{r['cpu_ms'] / ref:.2f}×" if ref and name != reference else "1" if name == reference else "–"
        lines.append(
            f"| {ENDPOINTS.get(endpoint, endpoint)} | {concurrency} | {name} | {r['rps']:.0f} | {r['p50']:.2f} "
            f"| {r['p99']:.2f} | {r['errors']} | {r['cpu_ms']:.2f} ± {r['cpu_spread'] / 2:.2f} | {r['db_ms']:.2f} "
            f"| {ratio} | {r['other_cores']:.2f} (max {r['other_max']:.2f}) |"
        )
    return "\n".join(lines)


def rs256_sign_ms(count: int = 500) -> float:
    """CPU ms of one RS256-2048 signature of an id_token-sized input, as keys.jwt_sign makes it (cryptography)."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    key, message = rsa.generate_private_key(public_exponent=65537, key_size=2048), b"x" * 700
    key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    started = time.process_time()
    for _ in range(count):
        key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    return (time.process_time() - started) * 1000 / count


def bounds(rows: list[tuple[str, int, str, dict]], reference: str) -> str:
    """Each target in ms beside the floor under it: the bare server for discovery and the JWKS; ours' /health
    (Django's handler, our first middleware, one query) for the endpoints that read the database, where a code
    exchange on PostgreSQL counts its own statements' backend CPU in place of SELECT 1's, and every code exchange
    adds one RS256 signature (measured here, in this process). Empty without a floor row."""
    found = {(e, c, s): r for e, c, s, r in rows}
    signature = rs256_sign_ms() if any(e == "token" for e, *_ in rows) else 0.0
    lines = []
    for endpoint, concurrency, name, r in rows:
        peer = found.get((endpoint, concurrency, reference))
        if endpoint not in TARGETS or peer is None or name == reference or name.endswith("-floor"):
            continue
        if endpoint in ("discovery", "jwks"):  # the floor under the same server: ours-postgres-granian, granian-floor
            server = name.split("-", 2)[2] if name.count("-") >= 2 else "gunicorn"
            floor_row, floor_label = found.get((endpoint, concurrency, f"{server}-floor")), f"{server}-floor"
        else:
            floor_row, floor_label = found.get(("health", concurrency, name)), f"{name} /health"
        if floor_row is None:
            continue
        floor = floor_row["cpu_ms"]
        floor_label += f" {floor:.2f}"
        if endpoint == "token" and r["db_ms"]:
            # PostgreSQL's own work for the code, the client, the tokens and the commit, in place of SELECT 1's
            floor += r["db_ms"] - floor_row["db_ms"]
            floor_label += f" − its SELECT 1 {floor_row['db_ms']:.2f} + the exchange's DB {r['db_ms']:.2f}"
        if endpoint == "token":  # the id_token's signature, which no exchange with openid can skip
            floor += signature
            floor_label += f" + one RS256 signature {signature:.2f} = {floor:.2f}"
        target = peer["cpu_ms"] * TARGETS[endpoint]
        lines.append(
            f"| {ENDPOINTS[endpoint]} | {concurrency} | {name} | {r['cpu_ms']:.2f} | {target:.2f} "
            f"({TARGETS[endpoint]:g}× {peer['cpu_ms']:.2f}) | {floor_label} | {floor / target:.2f} |"
        )
    if not lines:
        return ""
    header = "| endpoint | c | server | CPU ms/req | target ms | floor ms | floor ÷ target |"
    return "\n".join([header, "|" + "---|" * 7, *lines])
