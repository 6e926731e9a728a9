"""Our side of the bench, run as a child process with the server's environment (one Django database per process).

python bench/ours.py setup         migrate a fresh database, create the signing key, a person, a confidential client
                                   and its consent; print the client as one JSON line
python bench/ours.py mint          read "COUNT PATH" lines on stdin, store COUNT single-use codes, write them to PATH
python bench/ours.py load-tokens N bulk-insert N access tokens and N refresh tokens (PostgreSQL, INSERT … SELECT)
python bench/ours.py users N PASS  create N activated people bench-login-<i>@example.com whose password is PASS
"""

import base64
import hashlib
import json
import os
import secrets
import sys
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parents[1]
REDIRECT_URI = "https://bench.example.com/callback"
CODE_VERIFIER = "bench-code-verifier-0123456789-abcdefghijklmnopqrstuvwxyz"
SCOPE = "openid email profile offline_access"  # a refresh token too, as the peer issues (OIDC Core 11)
BENCH_EMAIL = "bench@example.com"


def database_reset(database_url: str) -> None:
    """Drop and create the PostgreSQL database, or delete the SQLite file."""
    parts = urlsplit(database_url)
    if parts.scheme.startswith("sqlite"):
        path = Path(parts.path[1:] if parts.path.startswith("//") else parts.path)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    import psycopg2

    name = parts.path.lstrip("/")
    admin = psycopg2.connect(database_url.split("?", 1)[0].rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def _migrations_fingerprint() -> str:
    """A hash of every installed app's migration files: the template database is reused while it matches."""
    from django.apps import apps

    digest = hashlib.sha256()
    for config in sorted(apps.get_app_configs(), key=lambda c: c.label):
        for path in sorted(Path(config.path, "migrations").glob("*.py")):
            digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:32]


def database_migrate(database_url: str) -> None:
    """Migrate a fresh database; on PostgreSQL copy a migrated template (migrating takes minutes on a busy disk)."""
    from django.core.management import call_command
    from django.db import connection

    parts = urlsplit(database_url)
    if parts.scheme.startswith("sqlite"):
        database_reset(database_url)
        call_command("migrate", verbosity=0)
        return
    import psycopg2

    name, template = parts.path.lstrip("/"), "sl_bench_template"
    fingerprint = _migrations_fingerprint()
    admin = psycopg2.connect(database_url.split("?", 1)[0].rsplit("/", 1)[0] + "/postgres")
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [template])
        found = cursor.fetchone()
        if not found or found[0] != fingerprint:
            cursor.execute(f'DROP DATABASE IF EXISTS "{template}" WITH (FORCE)')
            cursor.execute(f'CREATE DATABASE "{template}"')
            connection.settings_dict["NAME"] = template
            call_command("migrate", verbosity=0)
            connection.close()
            connection.settings_dict["NAME"] = name
            cursor.execute(f"COMMENT ON DATABASE \"{template}\" IS '{fingerprint}'")
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    admin.close()


def setup() -> dict:
    """A fresh database with one person, one confidential client and the person's consent to it."""
    from django.core.management import call_command

    from accounts.models import Alias, User
    from oauth_provider.models import Authorization
    from oauth_provider.services import ClientSettings, client_create

    database_migrate(os.environ["DATABASE_URL"])
    call_command("generate_signing_key", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)  # as the Dockerfile does; error pages need it
    user = User.objects.create_user(email=BENCH_EMAIL, password=secrets.token_urlsafe(16), name="Bench Person")
    alias = Alias.objects.create(user=user, email="bench_alias@sl.local")
    client, secret = client_create(data=ClientSettings(name="Bench", redirect_uris=[REDIRECT_URI]))
    Authorization.objects.create(user=user, client=client, alias=alias, name="Bench Person", scope=SCOPE)
    statistics_refresh()
    basic = "Basic " + base64.b64encode(f"{quote(client.client_id)}:{quote(secret)}".encode()).decode()
    return {
        "client_id": client.client_id,
        "client_secret": secret,
        "basic": basic,
        "redirect_uri": REDIRECT_URI,
        "code_verifier": CODE_VERIFIER,
    }


def statistics_refresh() -> None:
    """ANALYZE, as autovacuum does in production (on by default): this machine's PostgreSQL runs without it, and
    the planner's guesses for tables that were never analyzed cost a code's UPDATE 580 µs instead of 170."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def codes_mint(*, count: int) -> list[str]:
    """COUNT codes for the bench client, as the authorization endpoint stores them (PKCE S256, nonce, auth_time)."""
    from django.utils import timezone
    from oauth2_provider.models import get_grant_model

    from accounts.models import User
    from oauth_provider.models import Client

    grant_model = get_grant_model()
    user = User.objects.get(email=BENCH_EMAIL)
    client = Client.objects.get(name="Bench")
    challenge = base64.urlsafe_b64encode(hashlib.sha256(CODE_VERIFIER.encode()).digest()).rstrip(b"=").decode()
    now = timezone.now()
    codes = [secrets.token_urlsafe(30) for _ in range(count)]
    grant_model.objects.bulk_create(
        (
            grant_model(
                user=user,
                application=client,
                code=code,
                expires=now + timedelta(hours=2),
                redirect_uri=REDIRECT_URI,
                scope=SCOPE,
                nonce="n-" + code[:8],
                auth_time=now,
                claims="{}",
                code_challenge=challenge,
                code_challenge_method="S256",
            )
            for code in codes
        ),
        batch_size=2000,
    )
    statistics_refresh()
    return codes


def _defaults(model, given: str) -> tuple[str, list]:
    """The NOT NULL columns of MODEL outside GIVEN, as ", col, …" and their Django defaults ready for the database."""
    from django.db import connection

    fields = [
        f for f in model._meta.concrete_fields if not f.primary_key and not f.null and f.column not in given.split()
    ]
    return "".join(f", {f.column}" for f in fields), [f.get_db_prep_save(f.get_default(), connection) for f in fields]


def tokens_load(*, count: int, users: int = 1000) -> None:
    """COUNT access tokens and COUNT refresh tokens spread over USERS people, built inside PostgreSQL."""
    from django.db import connection
    from oauth2_provider.models import get_access_token_model, get_refresh_token_model

    from accounts.models import User
    from oauth_provider.models import Client

    if connection.vendor != "postgresql":
        raise SystemExit("load-tokens needs PostgreSQL")
    client = Client.objects.get(name="Bench")
    User.objects.bulk_create(
        [User(email=f"bulk-{i}@example.com", name=f"Bulk {i}", password="!") for i in range(users)],
        batch_size=1000,
        ignore_conflicts=True,
    )
    ids = list(User.objects.filter(email__startswith="bulk-").order_by("id").values_list("id", flat=True))
    access, refresh = get_access_token_model()._meta.db_table, get_refresh_token_model()._meta.db_table
    at_extra, at_values = _defaults(
        get_access_token_model(), "token token_checksum user_id application_id expires scope created updated"
    )
    rt_extra, rt_values = _defaults(
        get_refresh_token_model(),
        "token token_checksum access_token_id user_id application_id created updated token_family",
    )
    with connection.cursor() as cursor:
        for start in range(0, count, 100_000):
            stop = min(count, start + 100_000)
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {access}")
            floor = cursor.fetchone()[0]
            # Expiries spread from 7 days ago to 1 hour ahead: most are stale, as between cleartokens runs.
            cursor.execute(
                f"INSERT INTO {access} (token, token_checksum, user_id, application_id, expires, scope, created, updated"
                f"{at_extra}) SELECT '', encode(sha256(('bench-at-' || g)::bytea), 'hex'), (%s::bigint[])[1 + g %% %s],"
                " %s, now() - interval '7 days' + (g %% 10080) * interval '1 minute' + interval '1 hour',"
                f" %s, now(), now(){', %s' * len(at_values)} FROM generate_series(%s, %s) g",
                [ids, len(ids), client.pk, SCOPE, *at_values, start, stop - 1],
            )
            cursor.execute(
                f"INSERT INTO {refresh} (token, token_checksum, access_token_id, user_id, application_id, created,"
                f" updated, token_family{rt_extra}) SELECT '', encode(sha256(('bench-rt-' || t.id)::bytea), 'hex'),"
                f" t.id, t.user_id, t.application_id, now(), now(), gen_random_uuid(){', %s' * len(rt_values)}"
                f" FROM {access} t WHERE t.id > %s",
                [*rt_values, floor],
            )
            print(f"{stop} access + refresh tokens stored", file=sys.stderr, flush=True)
    connection.cursor().execute(f"VACUUM ANALYZE {access}")
    connection.cursor().execute(f"VACUUM ANALYZE {refresh}")


def users_create(*, count: int, password: str) -> None:
    """COUNT activated people with a verified email, all with PASSWORD hashed by the first hasher (hashed once)."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth.hashers import make_password

    from accounts.models import User

    password_hash = make_password(password)
    people = User.objects.bulk_create(
        [User(email=f"bench-login-{i}@example.com", name=f"Login {i}", password=password_hash) for i in range(count)],
        batch_size=1000,
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=person, email=person.email, verified=True, primary=True) for person in people],
        batch_size=1000,
    )


def main() -> None:
    """Dispatch one command (see the module docstring)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "simplelogin.settings")
    command = sys.argv[1]
    import django

    django.setup()
    if command == "setup":
        print(json.dumps(setup()), flush=True)
    elif command == "mint":
        import time

        from django.db import Error, connection

        for line in sys.stdin:
            count, path = line.split()
            for _attempt in range(60):
                try:
                    Path(path).write_text("\n".join(codes_mint(count=int(count))) + "\n")
                    break
                except Error:  # PostgreSQL restarted under us: reconnect and try again
                    connection.close()
                    time.sleep(1)
            print(f"ok {count}", flush=True)
    elif command == "load-tokens":
        tokens_load(count=int(sys.argv[2]))
    elif command == "users":
        users_create(count=int(sys.argv[2]), password=sys.argv[3])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
