"""Reads of alias forwarding: per-alias mail counters for the dashboard."""

from collections.abc import Iterable

from django.db.models import QuerySet

from accounts.models import Alias, AliasStats


class StatsByAlias(dict):
    """alias id -> AliasStats; an alias that never got mail reads as an unsaved all-zero AliasStats."""

    def __missing__(self, alias_id: int) -> AliasStats:
        return AliasStats(alias_id=alias_id)


def alias_stats_for_aliases(*, aliases: Iterable[Alias] | Iterable[int]) -> StatsByAlias:
    """Forwarded/replied/blocked counters of the given aliases (instances, ids or a queryset), in one query."""
    if isinstance(aliases, QuerySet):
        wanted = aliases.values("pk")
    else:
        wanted = [alias if isinstance(alias, int) else alias.pk for alias in aliases]
    return StatsByAlias((stats.alias_id, stats) for stats in AliasStats.objects.filter(alias_id__in=wanted))
