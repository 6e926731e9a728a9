"""The other modes of bench/run.py: a cProfile of one endpoint, 1 M stored tokens, worker RSS over many requests."""

import pstats
import subprocess
import sys
from pathlib import Path

import harness
from harness import BENCH, ENDPOINTS, POSTGRES, ROOT

OUT = BENCH / "out"

# Where a function's own time is charged in the profile summary: the first rule that matches its file or name.
AREAS = [
    ("gunicorn/", "gunicorn (HTTP parsing, sockets, access log)"),
    ("django/db/models/sql/", "Django ORM: SQL compiler"),
    ("django/db/models/", "Django ORM: querysets, models, fields"),
    ("django/db/", "Django DB backend, transactions"),
    ("psycopg2", "psycopg2 / sqlite3 driver (client side)"),
    ("sqlite3", "psycopg2 / sqlite3 driver (client side)"),
    ("django/middleware/", "middleware"),
    ("django/contrib/sessions/", "middleware"),
    ("django/contrib/auth/middleware", "middleware"),
    ("django/contrib/messages/", "middleware"),
    ("corsheaders/", "middleware"),
    ("csp/", "middleware"),
    ("whitenoise/", "middleware"),
    ("allauth/", "allauth"),
    ("oauthlib/", "oauthlib"),
    ("oauth2_provider/", "django-oauth-toolkit"),
    ("jwcrypto/", "jwcrypto (JWS/JWK)"),
    ("cryptography/", "cryptography (RSA)"),
    ("RSAPrivateKey", "cryptography (RSA)"),
    ("_rust", "cryptography (RSA)"),
    ("django/urls/", "Django URL routing"),
    ("django/http/", "Django request/response"),
    ("django/core/handlers/", "Django handler"),
    ("django/template", "Django templates"),
    ("django/utils/deprecation.py", "middleware"),
    ("django/utils/", "Django utils"),
    ("django/", "Django (other)"),
    ("rest_framework/", "DRF"),
    (str(ROOT / "oauth_provider"), "SimpleLogin code"),
    (str(ROOT / "accounts"), "SimpleLogin code"),
    (str(ROOT / "simplelogin"), "SimpleLogin code"),
    (str(ROOT / "billing"), "SimpleLogin code"),
    ("json/", "json"),
    ("logging/", "logging"),
    ("hashlib", "hashlib"),
]


def _database_url(args, name: str) -> str:
    if args.database == "sqlite":
        return f"sqlite:///{Path('/tmp') / name}.sqlite3"
    return f"{POSTGRES}/{name}"


def _label(key) -> str:
    filename, line, function = key
    if filename == "~":
        return function
    short = filename.split("site-packages/")[-1].replace(str(ROOT) + "/", "")
    return f"{short}:{line}({function})"


def _area(key) -> str:
    text = f"{key[0]} {key[2]}"
    return next((area for pattern, area in AREAS if pattern in text), "Python stdlib, builtins, other")


def profile(args, scratch: Path, postgres) -> str:
    """cProfile (CPU-time clock) of one gunicorn worker serving ENDPOINT at concurrency 1, after a warm-up."""
    endpoint = args.profile
    OUT.mkdir(exist_ok=True)
    flag, stats_path = scratch / "profile.flag", scratch / "profile.pstats"
    server = harness.start_ours(
        name="ours-profile",
        database_url=_database_url(args, "sl_bench_profile"),
        keys_dir=scratch,
        postgres=postgres,
        workers=1,
        config=BENCH / "gunicorn_profile.py",
        extra_env={"BENCH_PROFILE_FLAG": str(flag), "BENCH_PROFILE_OUT": str(stats_path)},
    )
    try:
        unprofiled = harness.run_endpoint(server, endpoint, 1, max(args.duration, 4), scratch)
        flag.touch()
        result = harness.run_endpoint(server, endpoint, 1, max(args.duration, 8), scratch)
    finally:
        server.stop()
    stats = pstats.Stats(str(stats_path))
    entries = stats.stats
    requests = result["requests"]
    total = sum(value[2] for value in entries.values())
    per = lambda seconds: seconds * 1000 / requests  # noqa: E731
    areas: dict[str, list[float]] = {}
    other = "Python stdlib, builtins, other"

    def charge(key, seconds: float, calls: float, depth: int = 0) -> None:
        # Builtins and the standard library are charged to whoever called them, up to five calls up.
        area = _area(key)
        callers = entries.get(key, (0, 0, 0, 0, {}))[4]
        weights = {caller: numbers[2] for caller, numbers in callers.items()}
        if area != other or depth >= 5 or not sum(weights.values()):
            spent = areas.setdefault(area, [0.0, 0.0])
            spent[0] += seconds
            spent[1] += calls
            return
        total_weight = sum(weights.values())
        for caller, weight in weights.items():
            charge(caller, seconds * weight / total_weight, calls * weight / total_weight, depth + 1)

    for key, value in entries.items():
        charge(key, value[2], value[1])
    calls_per_request = sum(value[1] for value in entries.values()) / requests
    unprofiled_worker = unprofiled["cpu_ms"] - unprofiled["db_ms"]
    # cProfile costs about the same per call: spread the difference to the unprofiled run over the calls.
    per_call = max(0.0, per(total) - unprofiled_worker) / calls_per_request
    lines = [
        f"Profile of {ENDPOINTS[endpoint]} on {args.database if args.database != 'both' else 'postgres'}: one sync "
        f"worker, concurrency 1, {requests} requests profiled.",
        f"Unprofiled: {unprofiled['cpu_ms']:.2f} ms CPU/request ({unprofiled['db_ms']:.2f} ms of it in the "
        f"database backend), p50 {unprofiled['p50']:.2f} ms. Profiled worker CPU: {per(total):.2f} ms/request "
        f"(cProfile's overhead inflates many small calls: {calls_per_request:.0f} calls/request, about "
        f"{per_call * 1000:.2f} µs each). Database backend while profiled: {result['db_ms']:.2f} ms/request "
        f"(not in the profile).",
        "",
        "Own CPU time by area (% of the profiled worker CPU; builtins and the standard library are charged to the "
        "area that called them):",
        "",
        "The estimate takes the profiler's cost per call off each area, so that the areas add up to the unprofiled "
        "worker CPU.",
        "",
        "| area | profiled ms/req | % | calls/req | estimated unprofiled ms/req | % |",
        "|---|---|---|---|---|---|",
    ]
    estimates = {area: max(0.0, per(seconds) - calls / requests * per_call) for area, (seconds, calls) in areas.items()}
    estimated_total = sum(estimates.values()) or 1.0
    for area, (seconds, calls) in sorted(areas.items(), key=lambda item: -estimates[item[0]]):
        lines.append(
            f"| {area} | {per(seconds):.3f} | {100 * seconds / total:.1f} | {calls / requests:.0f} "
            f"| {estimates[area]:.3f} | {100 * estimates[area] / estimated_total:.1f} |"
        )

    def top(sort_index: int, count: int, title: str) -> list[str]:
        rows = [
            title,
            "",
            "| own ms/req | own % | cum ms/req | cum % | calls/req | function |",
            "|---|---|---|---|---|---|",
        ]
        ranked = sorted(entries.items(), key=lambda item: -item[1][sort_index])[:count]
        for key, (_cc, calls, own, cumulative, _callers) in ranked:
            rows.append(
                f"| {per(own):.3f} | {100 * own / total:.1f} | {per(cumulative):.3f} | "
                f"{100 * cumulative / total:.1f} | {calls / requests:.1f} | `{_label(key)}` |"
            )
        return rows

    lines += [""] + top(2, 25, "Top 25 functions by own time:")
    head = "\n".join(lines)
    lines += [""] + top(3, 60, "Top 60 functions by cumulative time:")
    lines += [""] + top(2, 80, "Top 80 functions by own time:")[2:]
    path = OUT / f"profile-{endpoint}.md"
    path.write_text("\n".join(lines) + "\n")
    stats_path.replace(OUT / f"profile-{endpoint}.pstats")
    return f"{head}\n\nFull report: {path.relative_to(ROOT)} (pstats: bench/out/profile-{endpoint}.pstats)"


def stored_tokens(args, scratch: Path, postgres) -> str:
    """Ours on an empty database beside ours on one holding N access + N refresh tokens, in alternation."""
    empty = harness.start_ours(
        name="ours-empty", database_url=f"{POSTGRES}/sl_bench_empty", keys_dir=scratch, postgres=postgres
    )
    servers = [empty]
    try:
        loaded = harness.start_ours(
            name="ours-1m", database_url=f"{POSTGRES}/sl_bench_1m", keys_dir=scratch, postgres=postgres
        )
        servers.append(loaded)
        print(f"Storing {args.tokens} access tokens and {args.tokens} refresh tokens…", flush=True)
        helper_env = loaded.env | {"DATABASE_URL": loaded.env["DATABASE_URL"].split("?")[0]}
        subprocess.run(
            [sys.executable, str(BENCH / "ours.py"), "load-tokens", str(args.tokens)],
            env=helper_env,
            cwd=ROOT,
            check=True,
        )
        endpoints = [e for e in args.endpoints if e in ("token", "userinfo", "introspection")]
        concurrencies = args.concurrency if args.concurrency != [1, 8, 16] else [8]
        rows = harness.alternate(servers, endpoints, concurrencies, args.rounds, args.duration, scratch)
    finally:
        for server in servers:
            server.stop()
    return (
        f"{args.tokens:,} access + {args.tokens:,} refresh tokens (1,000 people, one client, expiries from 7 days "
        f"ago to 1 hour ahead, VACUUM ANALYZE after the insert) against an empty database; PostgreSQL; "
        f"{args.duration:g} s runs, median of {args.rounds}.\n\n" + harness.table(rows, reference="ours-empty")
    )


def rss(args, scratch: Path, postgres) -> str:
    """VmRSS of each worker, sampled between short wrk runs rotating over every endpoint, until N requests."""
    server = harness.start_ours(
        name="ours-rss", database_url=_database_url(args, "sl_bench_rss"), keys_dir=scratch, postgres=postgres
    )
    endpoints = list(ENDPOINTS)
    try:
        for endpoint in endpoints:  # warm-up: every code path loaded once before the baseline
            harness.run_endpoint(server, endpoint, 8, 1, scratch)
        workers = server.worker_pids()
        samples = [(0, [harness.rss_kib(pid) for pid in workers])]
        done, turn = 0, 0
        while done < args.rss:
            endpoint = endpoints[turn % len(endpoints)]
            result = harness.run_endpoint(server, endpoint, 8, 2, scratch)
            done += result["requests"]
            turn += 1
            if result["errors"]:
                print(f"  {endpoint}: {result['errors']} errors", flush=True)
            if turn % len(endpoints) == 0 or done >= args.rss:
                samples.append((done, [harness.rss_kib(pid) for pid in workers]))
                print(
                    f"  {done:>6} requests  RSS (MiB): " + "  ".join(f"{kib / 1024:.1f}" for kib in samples[-1][1]),
                    flush=True,
                )
        alive = server.worker_pids() == workers
    finally:
        server.stop()
    lines = [
        f"Worker RSS over {done:,} requests (every endpoint in turn, 2 s wrk runs at c=8), sampled from "
        f"/proc/<pid>/status after a warm-up; workers {'unchanged' if alive else 'RESTARTED'} throughout.",
        "",
        "| requests | " + " | ".join(f"worker {i + 1} MiB" for i in range(len(workers))) + " |",
        "|---|" + "---|" * len(workers),
    ]
    for count, values in samples:
        lines.append(f"| {count:,} | " + " | ".join(f"{kib / 1024:.1f}" for kib in values) + " |")
    growth = [(last - first) / 1024 for first, last in zip(samples[0][1], samples[-1][1], strict=True)]
    lines += [
        "",
        "Growth from the warm-up to the end: "
        + ", ".join(f"{g:+.1f} MiB" for g in growth)
        + f" ({', '.join(f'{100 * g * 1024 / first:+.1f} %' for g, first in zip(growth, samples[0][1], strict=True))}).",
    ]
    return "\n".join(lines)
