"""Several machines: two gunicorn instances behind nginx on loopback, sharing PostgreSQL, Redis and the keys.

Usage: .venv/bin/python bench/cluster.py [--database-url postgres://postgres@127.0.0.1:5432/sl_bench_cluster]
       [--redis-url redis://127.0.0.1:6379/6] [--flows 40]
Checks, each printed as a row: a sign-in that starts on instance A and ends on B; sign-ins through nginx that
use both; failed log-ins counted across both; a rotation run beside A that B publishes and signs with.
Signing keys live in the database (KEY_ENCRYPTION_KEY). Exits 1 when a check fails.
"""

import argparse
import base64
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from cryptography.fernet import Fernet

sys.path.insert(0, str(Path(__file__).resolve().parent))
import stack  # noqa: E402


def kid_of(id_token: str) -> str:
    """The kid in an id_token's header."""
    return json.loads(base64.urlsafe_b64decode(id_token.split(".")[0] + "=="))["kid"]


def verify(id_token: str, jwks: dict) -> bool:
    """Whether the id_token's signature verifies with the published key of its kid."""
    from jwcrypto import jwk, jwt

    key = next((k for k in jwks["keys"] if k["kid"] == kid_of(id_token)), None)
    if key is None:
        return False
    jwt.JWT(key=jwk.JWK(**key), jwt=id_token)
    return True


def jwks_of(base: str) -> dict:
    """The JWKS an instance publishes."""
    import requests

    return requests.get(base + "/jwks", timeout=10).json()


def main() -> None:
    """Start the cluster, run the checks, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/sl_bench_cluster")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/6")
    parser.add_argument(
        "--flows",
        type=int,
        default=16,
        help="sign-ins through nginx (allauth allows 30 log-ins "
        "a minute from one IP, and every person here is on 127.0.0.1)",
    )
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="sl-bench-cluster-"))
    port_a, port_b, port_proxy = stack.free_port(), stack.free_port(), stack.free_port()
    a, b, proxy = (f"http://127.0.0.1:{p}" for p in (port_a, port_b, port_proxy))
    refresh = 2
    env = stack.app_env(
        database_url=args.database_url,
        url=proxy,
        REDIS_URL=args.redis_url,
        KEY_ENCRYPTION_KEY=Fernet.generate_key().decode(),
        SIGNING_KEY_REFRESH_SECONDS=refresh,
        KEYS_DIR=work / "no-keys-here",
    )
    subprocess.run(["redis-cli", "-u", args.redis_url, "FLUSHDB"], check=True, capture_output=True)
    stack.postgres_migrated(args.database_url, env)
    stack.manage(env, "generate_signing_key")
    data = stack.seed(env, users=3, clients=1)
    client = data["clients"][0]
    servers = []
    rows = []
    tally = stack.Tally()

    def check(name: str, ok: bool, detail: str) -> None:
        rows.append((name, "ok" if ok else "FAILED", detail))

    try:
        servers.append(stack.gunicorn(env, port=port_a, log=work / "a.log"))
        servers.append(stack.gunicorn(env, port=port_b, log=work / "b.log"))
        servers.append(stack.nginx(port=port_proxy, upstreams=[port_a, port_b], workdir=work / "nginx"))

        ann = stack.Person(proxy, data["users"][0]["email"], tally)
        logged_in = ann.login(base=a).status_code == 302
        code = ann.authorize(client, base=b)  # the session made on A, consent on B
        tokens = ann.exchange(client, code, base=a) if code else None
        info = ann.userinfo(tokens["access_token"], base=b) if tokens else None
        renewed = ann.refresh(client, tokens["refresh_token"], base=b) if tokens else None
        crossed = bool(logged_in and tokens and info and renewed and verify(tokens["id_token"], jwks_of(b)))
        check(
            "sign-in across A and B",
            crossed,
            "log in on A, consent on B, exchange on A, userinfo and refresh on B, id_token verified with B's JWKS",
        )

        bob = stack.Person(proxy, data["users"][2]["email"], tally)
        bob.http.headers["Host"] = f"127.0.0.1:{port_proxy}"  # as the proxy forwards it (allauth keys on the site)
        answers = []
        for n in range(6):
            response = bob.login(base=a if n % 2 == 0 else b, password="wrong-password")
            answers.append("limited" if "Too many failed" in response.text else response.status_code)
        right = bob.login(base=b)
        limited = answers[:5] == [200] * 5 and answers[5] == "limited" and "Too many failed" in right.text
        check(
            "failed log-ins counted across A and B",
            limited,
            f"answers to 6 wrong passwords alternating A/B: {answers}; then the right one on B: "
            f"{'refused (limited)' if 'Too many failed' in right.text else right.status_code}",
        )

        upstreams = Counter()
        flows_ok = 0
        for _ in range(args.flows):
            person = stack.Person(proxy, data["users"][1]["email"], tally)
            response = person.login()
            upstreams[response.headers.get("X-Upstream")] += 1
            code = person.authorize(client)
            tokens = person.exchange(client, code) if code else None
            if tokens and person.userinfo(tokens["access_token"]) and person.refresh(client, tokens["refresh_token"]):
                flows_ok += 1
        check(
            "sign-ins through nginx",
            flows_ok == args.flows and len(upstreams) == 2,
            f"{flows_ok}/{args.flows} complete; log-in POSTs per upstream: {dict(upstreams)}",
        )

        ann2 = stack.Person(proxy, data["users"][0]["email"], tally)
        ann2.login(base=a)
        before = ann2.exchange(client, ann2.authorize(client, base=a), base=a)
        out = stack.manage(env, "rotate_signing_key")  # an operator on machine A
        rotated_at = time.monotonic()
        new_kid = out.split("kid=")[1].split()[0]
        published = signed = None
        while time.monotonic() - rotated_at < 8 * refresh + 10:
            if published is None and new_kid in [k["kid"] for k in jwks_of(b)["keys"]]:
                published = time.monotonic() - rotated_at
            if published is not None:
                tokens = ann2.exchange(client, ann2.authorize(client, base=b), base=b)
                if tokens and kid_of(tokens["id_token"]) == new_kid:
                    signed = time.monotonic() - rotated_at
                    break
            time.sleep(0.2)
        old_still_valid = bool(before) and verify(before["id_token"], jwks_of(b))
        check(
            "rotation beside A, used by B",
            signed is not None and published is not None and old_still_valid,
            f"after the command returned, B published the new kid in {published or -1:.1f} s and signed with it "
            f"in {signed or -1:.1f} s "
            f"(refresh {refresh} s, new keys sign after {2 * refresh} s); the id_token from before "
            f"{'still verifies' if old_still_valid else 'NO LONGER VERIFIES'} with B's JWKS",
        )
    finally:
        for server in reversed(servers):
            server.stop()
        stack.postgres_drop(args.database_url)
        subprocess.run(["redis-cli", "-u", args.redis_url, "FLUSHDB"], capture_output=True)
    print("\nTwo gunicorn instances (2 workers each) behind nginx, PostgreSQL + Redis shared, keys in the database\n")
    print(f"{'check':<40}{'result':<8}detail")
    for name, result, detail in rows:
        print(f"{name:<40}{result:<8}{detail}")
    print()
    print(tally.table())
    sys.exit(0 if all(result == "ok" for _, result, _ in rows) and not tally.count(lambda s: s >= 500) else 1)


if __name__ == "__main__":
    main()
