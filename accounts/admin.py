"""Admin for people and aliases."""

from django.contrib import admin, messages
from django.contrib.admin.utils import NestedObjects
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db import models, router
from django.forms.models import BaseInlineFormSet
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils.html import format_html

from accounts import services
from accounts.models import (
    Alias,
    AliasStats,
    ApiKey,
    DeletedAlias,
    LegacyRecord,
    PartnerApplication,
    ReverseAlias,
    User,
)
from billing.models import Membership
from oauth_provider.models import Authorization
from oauth_provider.selectors import token_model_names
from oauth_provider.services import tokens_revoke_for_user


class MembershipInline(admin.StackedInline):
    """The person's plan, editable from their page."""

    model = Membership
    can_delete = False
    extra = 0


INLINE_ROWS = 50


class NewestRowsFormSet(BaseInlineFormSet):
    """Only the newest INLINE_ROWS rows: a person with thousands of aliases still gets a page quickly."""

    def get_queryset(self):
        if not hasattr(self, "_newest"):
            self._newest = super().get_queryset().order_by("-created_at", "-pk")[:INLINE_ROWS]
        return self._newest


class ReadOnlyInline(admin.TabularInline):
    """Shown on the person's page, changed on the object's own page (the link on each row)."""

    formset = NewestRowsFormSet
    extra = 0
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AliasInline(ReadOnlyInline):
    """The person's aliases, newest first."""

    model = Alias
    fields = ["email", "enabled", "note", "created_at"]
    readonly_fields = fields
    verbose_name_plural = f"aliases (the newest {INLINE_ROWS})"


class AuthorizationInline(ReadOnlyInline):
    """The apps the person allowed to sign them in, with what each receives."""

    model = Authorization
    fields = ["client", "alias", "name", "scope", "created_at", "last_used_at"]
    readonly_fields = fields
    verbose_name = "app"
    verbose_name_plural = f"apps they signed in to (the newest {INLINE_ROWS})"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "client", "alias")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Search people by email; filter by plan and activation."""

    ordering = ["-created_at"]
    list_display = ["email", "name", "plan", "verified", "is_developer", "is_staff", "created_at"]
    list_filter = ["membership__plan", "emailaddress__verified", "is_developer", "is_staff", "is_active"]
    search_fields = ["email", "name"]
    readonly_fields = ["created_at", "updated_at", "last_login", "counts"]
    inlines = [MembershipInline, AliasInline, AuthorizationInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Profile", {"fields": ["name", "avatar", "language", "is_developer"]}),
        ("Permissions", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "created_at", "updated_at"]}),
        ("Aliases and apps", {"fields": ["counts"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "name", "password1", "password2"]})]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("membership").prefetch_related("emailaddress_set")

    def get_inlines(self, request, obj):
        """A person being added has no aliases or apps yet: only their plan."""
        return self.inlines if obj is not None else [MembershipInline]

    @admin.display(description="plan", ordering="membership__plan")
    def plan(self, obj):
        membership = getattr(obj, "membership", None)
        return membership.get_plan_display() if membership else "—"

    @admin.display(description="in all")
    def counts(self, obj):
        """How many aliases and apps the person has, linking to the full lists."""
        if obj.pk is None:
            return "—"
        aliases, apps = obj.aliases.count(), obj.authorizations.count()
        return format_html(
            '<a href="{}?user__id__exact={}">{} alias{}</a> · <a href="{}?user__id__exact={}">{} app{}</a>',
            reverse("admin:accounts_alias_changelist"),
            obj.pk,
            aliases,
            pluralize(aliases, "es"),
            reverse("admin:oauth_provider_authorization_changelist"),
            obj.pk,
            apps,
            pluralize(apps),
        )

    @admin.display(description="verified", boolean=True)
    def verified(self, obj):
        return any(address.verified for address in obj.emailaddress_set.all())

    def save_model(self, request, obj, form, change):
        """Unticking "active" also revokes every token the person's apps hold."""
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            tokens_revoke_for_user(user_id=obj.pk)

    def save_related(self, request, form, formsets, change):
        """A person added in the admin is onboarded like one who signed up (trial, first alias)."""
        super().save_related(request, form, formsets, change)
        if not change:
            services.user_onboard(user=form.instance)

    def get_deleted_objects(self, objs, request):
        """user_delete revokes the person's authorizations and tokens first, so neither blocks the delete."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        collector = NestedObjects(using=router.db_for_write(User))
        collector.collect(objs)
        if all(isinstance(obj, Authorization) for obj in collector.protected):
            protected = []
        return deleted, counts, perms_needed - token_model_names(), protected

    def delete_model(self, request, obj):
        """Delete through the service: Stripe customer, tombstones for the person's aliases."""
        services.user_delete(user=obj)

    def delete_queryset(self, request, queryset):
        """Bulk delete, one person at a time through the service."""
        for user in queryset:
            services.user_delete(user=user)


@admin.register(Alias)
class AliasAdmin(admin.ModelAdmin):
    """Aliases, searchable by address or owner."""

    list_display = ["email", "user", "enabled", "created_at"]
    list_filter = ["enabled"]
    search_fields = ["email", "user__email"]
    raw_id_fields = ["user"]

    def delete_model(self, request, obj):
        """Delete through the service: apps lose the alias and a tombstone keeps the address from coming back."""
        services.alias_delete(alias=obj)

    def delete_queryset(self, request, queryset):
        """Bulk delete, one alias at a time through the service."""
        for alias in queryset:
            services.alias_delete(alias=alias)


@admin.register(DeletedAlias)
class DeletedAliasAdmin(admin.ModelAdmin):
    """Tombstones of deleted aliases."""

    list_display = ["email", "deleted_at"]
    search_fields = ["email"]


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


@admin.register(LegacyRecord)
class LegacyRecordAdmin(admin.ModelAdmin):
    """What `import_legacy` brought over from 2019 (read-only: the importer keeps it)."""

    list_display = ["table", "legacy_id", "target_id", "pending", "imported_at", "updated_at"]
    list_filter = ["table", ("pending", admin.EmptyFieldListFilter)]
    search_fields = ["=legacy_id", "=target_id", "pending"]
    readonly_fields = [field.name for field in LegacyRecord._meta.fields]

    def has_add_permission(self, request):
        """Rows come from the importer only."""
        return False

    def has_change_permission(self, request, obj=None):
        """Read-only: the importer decides what changed."""
        return False
