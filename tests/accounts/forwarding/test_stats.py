"""Per-alias counters for the dashboard: increments under F() and one query to read a page of aliases."""

from accounts.forwarding.selectors import alias_stats_for_aliases
from accounts.forwarding.services import alias_stats_increment
from tests.factories import AliasFactory


def test_counters_are_read_for_a_page_of_aliases_in_one_query(db, django_assert_num_queries):
    busy, quiet = AliasFactory(), AliasFactory()
    for field in ("forwarded", "forwarded", "replied", "blocked"):
        alias_stats_increment(alias_id=busy.pk, field=field)

    with django_assert_num_queries(1):
        stats = alias_stats_for_aliases(aliases=[busy, quiet])

    assert (stats[busy.pk].forwarded, stats[busy.pk].replied, stats[busy.pk].blocked) == (2, 1, 1)
    assert (stats[quiet.pk].forwarded, stats[quiet.pk].replied, stats[quiet.pk].blocked) == (0, 0, 0)


def test_counters_accept_a_queryset_of_aliases(db, django_assert_num_queries):
    alias = AliasFactory()
    alias_stats_increment(alias_id=alias.pk, field="blocked")

    with django_assert_num_queries(1):
        stats = alias_stats_for_aliases(aliases=type(alias).objects.filter(user=alias.user))

    assert stats[alias.pk].blocked == 1
