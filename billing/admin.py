"""Admin for memberships: plan, end date, Stripe links; grant premium or downgrade."""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from billing import services
from billing.models import Membership, PromoRedemption, StripeCustomerToDelete
from billing.stripe_gateway import GatewayError


def _dashboard(kind: str, stripe_id: str) -> str:
    mode = "" if settings.STRIPE_LIVE_MODE else "test/"
    return format_html(
        '<a href="https://dashboard.stripe.com/{}{}/{}" rel="noopener">{}</a>', mode, kind, stripe_id, stripe_id
    )


class GrantForm(forms.Form):
    """The end date of a premium grant."""

    until = forms.DateTimeField(label=_("Premium until"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    """Memberships by plan and end date, with links to Stripe."""

    list_display = ["user", "plan", "expires_at", "customer_link", "subscription_link", "updated_at"]
    list_filter = ["plan"]
    search_fields = ["user__email", "stripe_customer_id", "stripe_subscription_id"]
    raw_id_fields = ["user"]
    readonly_fields = ["customer_link", "subscription_link", "trial_reminder_sent_at", "created_at", "updated_at"]
    actions = ["grant_premium", "downgrade_now"]

    @admin.display(description="Stripe customer")
    def customer_link(self, obj):
        """The Stripe customer, linked to the Stripe dashboard."""
        return _dashboard("customers", obj.stripe_customer_id) if obj.stripe_customer_id else "—"

    @admin.display(description="Stripe subscription")
    def subscription_link(self, obj):
        """The Stripe subscription, linked to the Stripe dashboard."""
        return _dashboard("subscriptions", obj.stripe_subscription_id) if obj.stripe_subscription_id else "—"

    @admin.action(description="Grant premium until…")
    def grant_premium(self, request, queryset):
        """Ask for an end date, then make the selected people premium until then."""
        form = GrantForm(request.POST if "apply" in request.POST else None)
        if not form.is_valid():
            context = {
                **self.admin_site.each_context(request),
                "form": form,
                "memberships": queryset,
                "opts": self.model._meta,
                "action": "grant_premium",
                "title": "Grant premium until…",
            }
            return TemplateResponse(request, "billing/admin_grant.html", context)
        for membership in queryset:
            try:
                services.membership_grant(membership=membership, until=form.cleaned_data["until"])
            except services.BillingError as error:
                self.message_user(request, str(error), messages.WARNING)
        self.message_user(
            request, f"Premium granted until {form.cleaned_data['until']:%Y-%m-%d %H:%M}.", messages.SUCCESS
        )
        return None

    @admin.action(description="Downgrade now (deletes the Stripe customer)")
    def downgrade_now(self, request, queryset):
        """Free plan now; the Stripe customer (and its subscription) is deleted."""
        done = 0
        for membership in queryset:
            try:
                services.membership_downgrade(membership=membership)
                done += 1
            except GatewayError as error:
                self.message_user(
                    request, f"{membership.user}: {error} Nothing changed for this person.", messages.ERROR
                )
        self.message_user(request, f"{done} membership(s) downgraded to free.", messages.SUCCESS)


@admin.register(PromoRedemption)
class PromoRedemptionAdmin(admin.ModelAdmin):
    """Who used which promo code."""

    list_display = ["code", "user", "created_at"]
    search_fields = ["code", "user__email"]
    raw_id_fields = ["user"]


@admin.register(StripeCustomerToDelete)
class StripeCustomerToDeleteAdmin(admin.ModelAdmin):
    """Customers of deleted people still to delete on Stripe (retried by expire_plans)."""

    list_display = ["customer_id", "created_at"]
