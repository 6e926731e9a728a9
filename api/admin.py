"""Admin for personal API keys (read-only: people create their own keys)."""

from django.contrib import admin

from api.models import ApiKey


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Find a person's keys; an admin can delete a leaked key."""

    list_display = ["name", "prefix", "user", "created_at", "last_used_at"]
    search_fields = ["prefix", "name", "user__email"]
    fields = ["user", "name", "prefix", "created_at", "last_used_at"]
    readonly_fields = fields
    list_select_related = ["user"]

    def has_add_permission(self, request):
        """Keys are created by their owner on the settings page, where the key is shown once."""
        return False
