"""Prepared statements keep answering when a migration changes a column under a running worker."""

import pytest
from django.db import connection, connections

from simplelogin.db import execute_prepared

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements exist on PostgreSQL only"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def scratch():
    connection.close()  # a new connection: no statement prepared by an earlier test
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS sl_scratch")
        cursor.execute("CREATE TABLE sl_scratch (id integer PRIMARY KEY, v varchar(20))")
        cursor.execute("""INSERT INTO sl_scratch VALUES (1, '"a"')""")
    yield "sl_scratch"
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE sl_scratch")
    connection.close()


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


def test_a_comparison_whose_operand_type_a_migration_changed_is_prepared_again(scratch, caplog):
    with connection.cursor() as cursor:  # prepared with its parameter typed varchar, compared with varchar
        execute_prepared(cursor, name="sl_test_find", sql="SELECT id FROM sl_scratch WHERE v = %s", params=['"a"'])
        assert cursor.fetchone() == (1,)
        cursor.execute("ALTER TABLE sl_scratch ALTER COLUMN v TYPE jsonb USING v::jsonb")
        # the old statement: "operator does not exist: jsonb = character varying"
        execute_prepared(cursor, name="sl_test_find", sql="SELECT id FROM sl_scratch WHERE v = %s", params=['"a"'])
        assert cursor.fetchone() == (1,)
    assert "preparing it again" in caplog.text and "42883" in caplog.text


def test_a_value_of_the_wrong_type_is_an_error_after_one_fresh_try(scratch, caplog):
    from django.db import DatabaseError

    from simplelogin import db

    # "parameter $1 of type boolean cannot be coerced to the expected type integer": 42804, as after a migration,
    # but the freshly prepared statement is refused too: the caller's error, raised, not retried again.
    generation = db._prepared.get(connections["default"], (None, set(), 0))[2]
    with pytest.raises(DatabaseError, match="boolean"), connection.cursor() as cursor:
        execute_prepared(cursor, name="sl_test_id", sql="SELECT v FROM sl_scratch WHERE id = %s", params=[True])
    assert caplog.text.count("preparing it again") == 1
    assert db._prepared[connections["default"]][2] == generation + 1  # one new generation of names, not one per attempt


def test_inside_a_transaction_the_refused_statement_fails_once_and_the_next_one_works(scratch):
    from django.db import DatabaseError, transaction

    update('"b"')
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE sl_scratch ALTER COLUMN v TYPE jsonb USING v::jsonb")
    with pytest.raises(DatabaseError), transaction.atomic():  # an aborted transaction cannot run the retry
        update('"c"')
    update('"d"')
    assert value() == '"d"'
