"""A 2019 deployment on PostgreSQL imports like one on SQLite (run when the suite itself runs on PostgreSQL)."""

import os

import environ
import pytest
from django.db import connection, transaction

from oauth_provider.models import Authorization
from tests.accounts.legacy import legacy_db
from tests.accounts.legacy.legacy_db import ALICE_PASSWORD
from tests.accounts.legacy.test_import_runs import state

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
        reason="needs a PostgreSQL server: runs when the suite runs on PostgreSQL (DATABASE_URL=postgres://…, as in CI)",
    ),
]


@pytest.fixture
def postgres_2019(small_data):
    """A 2019 database on the suite's PostgreSQL server, made from the 2019 schema (dropped afterwards)."""
    import psycopg2

    config = environ.Env.db_url_config(os.environ["DATABASE_URL"])
    name = f"{config['NAME']}_legacy_{os.getpid()}"
    params = {
        "user": config["USER"] or None,
        "password": config["PASSWORD"] or None,
        "host": config["HOST"] or None,
        "port": config["PORT"] or None,
    }
    admin = psycopg2.connect(dbname="postgres", **params)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    source = psycopg2.connect(dbname=name, **params)
    legacy_db.write(small_data, source, placeholder="%s", ddl=legacy_db.postgres_ddl())
    source.close()
    auth = f":{config['PASSWORD']}" if config["PASSWORD"] else ""
    yield f"postgres://{config['USER']}{auth}@{config['HOST']}:{config['PORT'] or 5432}/{name}"
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.close()


def test_a_postgresql_2019_database_imports_to_the_same_state_as_sqlite(
    run_import, postgres_2019, client, production_hashers
):
    assert connection.vendor == "postgresql"
    with transaction.atomic():
        run_import()
        from_sqlite = state()
        transaction.set_rollback(True)

    report = run_import(postgres_2019)

    assert report.source.startswith("PostgreSQL ") and report.tables["users"].created == 27
    assert state() == from_sqlite
    assert Authorization.objects.get(client__client_id="app-2019", user__email="alice@example.com").sub == "1"
    login = client.post("/accounts/login/", {"login": "alice@example.com", "password": ALICE_PASSWORD})
    assert login["Location"] == "/dashboard/"
    assert run_import(postgres_2019).changed == 0
