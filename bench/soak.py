"""Soak: mixed real flows at concurrency 16 for 10 minutes on gunicorn + PostgreSQL + Redis.

Usage: .venv/bin/python bench/soak.py [--minutes 10] [--concurrency 16] [--workers 4]
       [--database-url postgres://postgres@127.0.0.1:5432/sl_bench_soak] [--redis-url redis://127.0.0.1:6379/7]
Each person loops: log in (fresh session), authorize one of 3 clients (consent the first time: a new alias and
authorization), exchange, userinfo, refresh, userinfo again, create an alias. Afterwards every alias and
authorization the site acknowledged must be in the database, and worker memory must stay flat.
Prints the table; exits 1 on any 5xx, a missing row, or memory growing by more than 25 MiB per worker.
"""

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402


def person_loop(person: stack.Person, clients: list[dict], until: float, made: dict, consented: set) -> None:
    """The mixed flow until the deadline; counts what the site acknowledged."""
    import requests

    n = 0
    while time.monotonic() < until:
        person.http = requests.Session()
        person.login()
        client = clients[n % len(clients)]
        first = (person.email, client["client_id"]) not in consented
        code = person.authorize(client)
        if code and first:
            consented.add((person.email, client["client_id"]))
        tokens = person.exchange(client, code) if code else None
        if tokens:
            person.userinfo(tokens["access_token"])
            renewed = person.refresh(client, tokens["refresh_token"])
            if renewed:
                person.userinfo(renewed["access_token"])
        if person.alias_create():
            made[person.email] = made.get(person.email, 0) + 1
        n += 1


def main() -> None:
    """Set up, soak, check the database and memory, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/sl_bench_soak")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/7")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sl-bench-soak-"))
    port = stack.free_port()
    base = f"http://127.0.0.1:{port}"
    env = stack.app_env(
        database_url=args.database_url,
        url=base,
        REDIS_URL=args.redis_url,
        KEYS_DIR=work / "keys",
        RATE_LIMITS_ENABLED="false",
    )  # one IP plays every person
    stack.postgres_migrated(args.database_url, env)
    stack.manage(env, "generate_signing_key")
    data = stack.seed(env, users=args.concurrency, clients=3)
    server = stack.gunicorn(env, port=port, workers=args.workers, log=work / "gunicorn.log")
    tally = stack.Tally()
    made: dict[str, int] = {}
    consented: set = set()
    samples: list[tuple[float, dict[int, float]]] = []
    try:
        started = time.monotonic()
        until = started + args.minutes * 60
        people = [stack.Person(base, user["email"], tally) for user in data["users"]]
        threads = [
            threading.Thread(target=person_loop, args=(p, data["clients"], until, made, consented)) for p in people
        ]
        for thread in threads:
            thread.start()
        printed = 0.0
        while any(thread.is_alive() for thread in threads):
            now = time.monotonic() - started
            samples.append((now, {pid: stack.rss_mib(pid) for pid in server.worker_pids()}))
            if now - printed >= 30:
                printed = now
                print(
                    f"  {now:>5.0f} s  {tally.count():>7} responses  {tally.count(lambda s: s >= 500)} 5xx  "
                    f"worker RSS MiB {[round(r) for r in samples[-1][1].values()]}",
                    flush=True,
                )
            time.sleep(2)
        for thread in threads:
            thread.join()
        elapsed = time.monotonic() - started
    finally:
        server.stop()
    ids = [u["pk"] for u in data["users"]]
    check = (
        stack.manage(
            env,
            "shell",
            "-c",
            (
                "from accounts.models import Alias; from oauth_provider.models import Authorization; "
                f"ids = {ids!r}; "
                "print(Authorization.objects.filter(user_id__in=ids).count()); "
                "import json; from django.db.models import Count; "
                "print(json.dumps({r['user__email']: r['n'] for r in Alias.objects.filter(user_id__in=ids)"
                ".values('user__email').annotate(n=Count('id'))}))"
            ),
        )
        .strip()
        .splitlines()
    )
    authorizations, aliases = int(check[-2]), __import__("json").loads(check[-1])
    consents_by_person = {email: sum(1 for e, _ in consented if e == email) for email in aliases}
    missing_aliases = sum(
        max(0, made.get(e, 0) + consents_by_person.get(e, 0) - aliases.get(e, 0))
        for e in {u["email"] for u in data["users"]}
    )
    # A log-in's Argon2 hash briefly takes 100 MiB: compare each worker's lowest RSS (its steady size) in the
    # window after warm-up with its lowest in the last window of the run.
    window = max(30.0, elapsed / 5)
    warm_window = [s for s in samples if 60 <= s[0] < 60 + window] or samples[: max(1, len(samples) // 5)]
    end_window = [s for s in samples if s[0] >= elapsed - window]
    pids = sorted(set.intersection(*(set(s[1]) for s in samples)))
    steady = lambda chunk, pid: min(s[1][pid] for s in chunk)  # noqa: E731
    warm_rss = [steady(warm_window, pid) for pid in pids]
    end_rss = [steady(end_window, pid) for pid in pids]
    growth = [end - begin for begin, end in zip(warm_rss, end_rss, strict=True)]
    stack.postgres_drop(args.database_url)
    print(
        f"\nSoak: {elapsed / 60:.1f} min, concurrency {args.concurrency}, gunicorn {args.workers} sync workers, "
        f"PostgreSQL + Redis\n"
    )
    print(tally.table())
    print(f"\nthroughput: {tally.count() / elapsed:.1f} responses/s; 5xx: {tally.count(lambda s: s >= 500)}")
    print(f"authorizations acknowledged {len(consented)}, in the database {authorizations}")
    print(f"aliases acknowledged {sum(made.values()) + len(consented)}, missing from the database {missing_aliases}")
    print(
        f"worker steady RSS MiB after warm-up: {[round(r, 1) for r in warm_rss]}; in the last {window:.0f} s: "
        f"{[round(r, 1) for r in end_rss]}; growth {[round(g, 1) for g in growth]} "
        f"(median {statistics.median(growth) if growth else 0:.1f}); same {len(pids)} workers throughout"
    )
    failed = (
        tally.count(lambda s: s >= 500)
        or missing_aliases
        or authorizations != len(consented)
        or any(g > 25 for g in growth)
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
