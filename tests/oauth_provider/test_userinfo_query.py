"""The userinfo query: one statement per request, still answering after the database connection is renewed."""

import pytest
from django.db import connection

from tests.factories import AuthorizationFactory
from tests.oauth_provider.conftest import authorize_url, exchange, response_params


@pytest.mark.django_db(transaction=True)
def test_userinfo_answers_across_a_reconnect_with_one_query(
    client, signed_in, app, user, django_assert_max_num_queries
):
    AuthorizationFactory(user=user, client=app, name="Ann")
    code = response_params(signed_in.get(authorize_url(app)))["code"]
    token = exchange(signed_in, app, code).json()["access_token"]
    for _ in range(2):  # the first call may prepare the statement, the second executes it
        with django_assert_max_num_queries(1):
            assert client.get("/oauth2/userinfo", HTTP_AUTHORIZATION=f"Bearer {token}").json()["name"] == "Ann"
    assert client.get("/oauth2/userinfo", HTTP_AUTHORIZATION="Bearer wrong").status_code == 401
    connection.close()  # a renewed connection has no prepared statements
    assert client.get("/oauth2/userinfo", HTTP_AUTHORIZATION=f"Bearer {token}").json()["name"] == "Ann"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements exist on PostgreSQL only")
@pytest.mark.django_db(transaction=True)
def test_userinfo_answers_after_a_migration_changed_a_column_it_returns(client, signed_in, app, user):
    AuthorizationFactory(user=user, client=app, name="Ann")
    code = response_params(signed_in.get(authorize_url(app)))["code"]
    token = exchange(signed_in, app, code).json()["access_token"]
    assert client.get("/oauth2/userinfo", HTTP_AUTHORIZATION=f"Bearer {token}").json()["name"] == "Ann"
    table = app._meta.db_table
    with connection.cursor() as cursor:  # what an AlterField migration does while workers run
        cursor.execute(f'ALTER TABLE "{table}" ALTER COLUMN name TYPE varchar(300)')
    try:
        for _ in range(2):
            assert client.get("/oauth2/userinfo", HTTP_AUTHORIZATION=f"Bearer {token}").json()["name"] == "Ann"
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'ALTER TABLE "{table}" ALTER COLUMN name TYPE varchar(255)')
