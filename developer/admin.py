"""Admin for clients (publish/unpublish, owner, counts), authorizations and partner applications."""

from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from oauth2_provider.admin import ApplicationAdmin
from oauth2_provider.models import get_application_admin_class

from developer import services
from developer.models import PartnerApplication
from oauth_provider import selectors as provider_selectors
from oauth_provider import services as provider_services
from oauth_provider.models import Authorization, Client


class ClientAdmin(ApplicationAdmin):
    """DOT's application admin plus owner, Discover publishing and how many people use each client."""

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
        return deleted, counts, perms_needed - provider_selectors.token_model_names(), protected

    def delete_model(self, request, obj):
        services.client_delete(client=obj)

    def delete_queryset(self, request, queryset):
        for client in queryset:
            services.client_delete(client=client)


# DOT registers the swapped Client with its own admin; replace only that default (never another app's admin).
if admin.site.is_registered(Client):
    _current = admin.site.get_model_admin(Client)
    if type(_current) is get_application_admin_class():
        admin.site.unregister(Client)
        admin.site.register(Client, ClientAdmin)
else:
    admin.site.register(Client, ClientAdmin)


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
        provider_services.authorization_revoke(authorization=obj)

    def delete_queryset(self, request, queryset):
        for authorization in queryset:
            provider_services.authorization_revoke(authorization=authorization)


if not admin.site.is_registered(Authorization):
    admin.site.register(Authorization, AuthorizationAdmin)


@admin.register(PartnerApplication)
class PartnerApplicationAdmin(admin.ModelAdmin):
    """Applications to the partner programme; approving one makes its person a developer."""

    list_display = ("name", "email", "website", "user", "approved_at", "created_at")
    list_filter = (("approved_at", admin.EmptyFieldListFilter), "created_at")
    search_fields = ("name", "email", "website", "user__email", "additional_information")
    raw_id_fields = ("user",)
    readonly_fields = ("approved_at", "created_at", "updated_at")
    actions = ["approve"]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.action(description="Approve (make the person a developer)")
    def approve(self, request, queryset):
        approved, missing = 0, []
        for application in queryset:
            if services.partner_application_approve(application=application) is None:
                missing.append(application.email)
            else:
                approved += 1
        if approved:
            self.message_user(request, f"{approved} application(s) approved.", messages.SUCCESS)
        if missing:
            self.message_user(
                request, f"No account uses {', '.join(missing)}: ask them to sign up first.", messages.WARNING
            )
