"""Prepared statements keep answering when a migration changes a column under a running worker."""

import pytest
from django.db import connection

from simplelogin.db import execute_prepared

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements exist on PostgreSQL only"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def scratch():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE sl_scratch (id integer PRIMARY KEY, v varchar(20))")
        cursor.execute("""INSERT INTO sl_scratch VALUES (1, '"a"')""")
    yield "sl_scratch"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE sl_scratch")


def value():
    with connection.cursor() as cursor:
        cursor.execute("SELECT v::text FROM sl_scratch WHERE id = 1")
        return cursor.fetchone()[0]


def update(v):
    with connection.cursor() as cursor:
        execute_prepared(cursor, name="sl_test", sql="UPDATE sl_scratch SET v = %s WHERE id = %s", params=[v, 1])


def test_a_statement_whose_parameter_type_a_migration_changed_is_prepared_again(scratch):
    update('"b"')  # prepared with its parameter typed varchar, from the column
    with connection.cursor() as cursor:  # what an AlterField migration does while workers run
        cursor.execute("ALTER TABLE sl_scratch ALTER COLUMN v TYPE jsonb USING v::jsonb")
    update('"c"')  # the old statement: "column v is of type jsonb but expression is of type character varying"
    assert value() == '"c"'


def test_inside_a_transaction_the_refused_statement_fails_once_and_the_next_one_works(scratch):
    from django.db import DatabaseError, transaction

    update('"b"')
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE sl_scratch ALTER COLUMN v TYPE jsonb USING v::jsonb")
    with pytest.raises(DatabaseError), transaction.atomic():  # an aborted transaction cannot run the retry
        update('"c"')
    update('"d"')
    assert value() == '"d"'
