"""Admin for clients (publish/unpublish, owner, counts) and authorizations.

`ClientAdmin` is installed by django-oauth-toolkit itself (OAUTH2_PROVIDER["APPLICATION_ADMIN_CLASS"]): DOT's admin
module imports this one, so it must not import `oauth2_provider.admin` back.
"""

from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from oauth2_provider.forms import ApplicationForm

from oauth_provider import selectors, services
from oauth_provider.models import Authorization, RegistrationToken


class ClientAdmin(admin.ModelAdmin):
    """DOT's application admin fields plus owner, Discover publishing and how many people use each client."""

    form = ApplicationForm
    radio_fields = {"client_type": admin.HORIZONTAL, "authorization_grant_type": admin.VERTICAL}
    raw_id_fields = ("user",)
    readonly_fields = (
        "registration_source",
        "cimd_expires_at",
        "registration_token",
        "registration_access_token_digest",
    )

    list_display = ("name", "client_id", "owner_email", "client_type", "published", "people", "created")
    list_filter = ("published", "client_type", "allow_code_flow", "allow_implicit_flow", "allow_hybrid_flow")
    search_fields = ("name", "client_id", "user__email", "home_url")
    list_select_related = ("user",)
    actions = ["publish", "unpublish"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(people_count=Count("authorizations", distinct=True))

    @admin.display(description="owner", ordering="user__email")
    def owner_email(self, obj):
        return obj.user.email if obj.user_id else "—"

    @admin.display(description="people", ordering="people_count")
    def people(self, obj):
        return obj.people_count

    @admin.action(description="Publish on the Discover page")
    def publish(self, request, queryset):
        for client in queryset:
            services.client_set_published(client=client, published=True)
        self.message_user(request, f"{queryset.count()} client(s) published.", messages.SUCCESS)

    @admin.action(description="Withdraw from the Discover page")
    def unpublish(self, request, queryset):
        for client in queryset:
            services.client_set_published(client=client, published=False)
        self.message_user(request, f"{queryset.count()} client(s) unpublished.", messages.SUCCESS)

    def get_deleted_objects(self, objs, request):
        """DOT's token admins refuse row deletes; client_delete revokes the client's tokens, so they do not block it."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        return deleted, counts, perms_needed - selectors.token_model_names(), protected

    def delete_model(self, request, obj):
        services.client_delete(client=obj)

    def delete_queryset(self, request, queryset):
        for client in queryset:
            services.client_delete(client=client)


@admin.register(Authorization)
class AuthorizationAdmin(admin.ModelAdmin):
    """Who authorized which client, with which address; deleting one revokes its tokens."""

    list_display = ("user", "client", "shared_email", "share_avatar", "created_at", "last_used_at")
    list_filter = ("share_avatar", ("alias", admin.EmptyFieldListFilter), "created_at")
    search_fields = ("user__email", "client__name", "client__client_id", "alias__email")
    list_select_related = ("user", "client", "alias")
    raw_id_fields = ("user", "client", "alias")
    readonly_fields = ("sub", "created_at", "updated_at", "last_used_at")

    @admin.display(description="email shared", ordering="alias__email")
    def shared_email(self, obj):
        return obj.alias.email if obj.alias_id else f"{obj.user.email} (real)"

    def delete_model(self, request, obj):
        services.authorization_revoke(authorization=obj)

    def delete_queryset(self, request, queryset):
        for authorization in queryset:
            services.authorization_revoke(authorization=authorization)


@admin.register(RegistrationToken)
class RegistrationTokenAdmin(admin.ModelAdmin):
    """Initial access tokens for dynamic registration: made by `create_registration_token`, revoked by deleting."""

    list_display = ("__str__", "owner", "created_at", "expires_at", "last_used_at")
    search_fields = ("owner__email", "label")
    list_select_related = ("owner",)
    raw_id_fields = ("owner",)
    readonly_fields = ("digest", "created_at", "last_used_at")

    def has_add_permission(self, request):
        return False  # the token is shown once by the command; the admin only ever sees its digest
