"""Admin pages for reverse aliases and per-alias counters (read-only: the mail handler writes them)."""

from django.contrib import admin

from forwarding.models import AliasStats, ReverseAlias


@admin.register(ReverseAlias)
class ReverseAliasAdmin(admin.ModelAdmin):
    """Reverse aliases, searchable by their own address or their alias."""

    list_display = ["email", "alias", "created_at"]
    search_fields = ["email", "alias__email"]
    raw_id_fields = ["alias"]
    readonly_fields = ["email", "alias", "sender", "created_at"]


@admin.register(AliasStats)
class AliasStatsAdmin(admin.ModelAdmin):
    """Forwarded/replied/blocked counts per alias."""

    list_display = ["alias", "forwarded", "replied", "blocked", "updated_at"]
    search_fields = ["alias__email"]
    readonly_fields = ["alias", "forwarded", "replied", "blocked", "updated_at"]
