"""Server-side prepared statements on PostgreSQL for the hand-written SQL of the hot protocol endpoints."""

import logging
import weakref

from django.db import DatabaseError

log = logging.getLogger(__name__)

# Per Django connection: the driver connection its statements were prepared on, their names, and a generation
# (a statement PostgreSQL refused is prepared again under a new name: the old one cannot be dropped mid-transaction).
_prepared: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
# What a statement prepared before a migration changed a column can meet: "cached plan must not change result type",
# "column ... is of type X but expression is of type Y" (a parameter's type was inferred from the old column),
# "operator does not exist" (likewise, in a comparison), and "prepared statement does not exist".
REPREPARE = {"0A000", "42804", "42883", "26000"}


def execute_prepared(cursor, *, name: str, sql: str, params: list, retry: bool = True) -> None:
    """Run `sql` on this Django cursor; on PostgreSQL as `EXECUTE name`, prepared once per database connection.

    For statements whose planning costs more than their execution (the code lookup's four-table join: seven times;
    the code's UPDATE); not the token INSERTs, which gained nothing (docs/performance.md). PREPARE goes
    through the driver's own cursor (a session setting, not one of the request's queries), so query budgets still
    count one query; other databases run the plain statement. A statement PostgreSQL no longer accepts (after a
    migration changed a column it returns) is prepared afresh: at once outside a transaction, else by the next query.
    """
    wrapper = cursor.db
    if wrapper.vendor != "postgresql":
        cursor.execute(sql, params)
        return
    raw = wrapper.connection
    driver, names, generation = _prepared.get(wrapper, (None, set(), 0))
    if driver is not raw:  # a new connection: its statements are gone with the old one
        driver, names = raw, set()
        _prepared[wrapper] = (driver, names, generation)
    statement = f"{name}_{generation}"
    if statement not in names:
        with wrapper.wrap_database_errors, raw.cursor() as setup:
            setup.execute(f"PREPARE {statement} AS {sql % tuple(f'${i + 1}' for i in range(len(params)))}")
        names.add(statement)
    try:
        cursor.execute(f"EXECUTE {statement} ({', '.join(['%s'] * len(params))})", params)
    except DatabaseError as error:
        code = getattr(error.__cause__, "pgcode", None)
        if code not in REPREPARE or not retry:  # refused again when freshly prepared: a real error, not the schema
            raise
        log.warning("PostgreSQL refused prepared statement %s (SQLSTATE %s): preparing it again", statement, code)
        _prepared[wrapper] = (driver, set(), generation + 1)
        if wrapper.in_atomic_block:  # an aborted transaction: this query fails, the next one prepares anew
            raise
        execute_prepared(cursor, name=name, sql=sql, params=params, retry=False)
