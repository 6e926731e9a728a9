"""Pricing, Stripe Checkout and Customer Portal redirects, plan changes and promo codes (thin views)."""

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from billing import plans, services
from billing.forms import CheckoutForm, PromoCodeForm
from billing.selectors import billing_enabled, billing_overview


@require_GET
def pricing(request):
    """Free vs premium, with monthly and yearly prices; 'Upgrade' opens Checkout."""
    context = {
        "base_template": "default.html" if request.user.is_authenticated else "single.html",
        "billing_enabled": billing_enabled(),
        "offers": plans.OFFERS,
        "free_features": plans.free_features(),
        "premium_features": plans.premium_features(),
        "overview": billing_overview(user=request.user) if request.user.is_authenticated else None,
        "promo_form": PromoCodeForm(),
    }
    return render(request, "billing/pricing.html", context)


@login_required
@require_POST
def checkout(request):
    """Start a Stripe Checkout session for the chosen plan and send the person there."""
    form = CheckoutForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Choose the monthly or the yearly plan.")
        return redirect("pricing")
    try:
        url = services.checkout_start(
            user=request.user,
            plan=form.cleaned_data["plan"],
            success_url=request.build_absolute_uri(reverse("billing_success")) + "?session_id={CHECKOUT_SESSION_ID}",
            cancel_url=request.build_absolute_uri(reverse("billing_cancelled")),
        )
    except services.BillingError as error:
        messages.error(request, str(error))
        return redirect("pricing")
    return redirect(url)


@login_required
@require_GET
def success(request):
    """Back from Checkout after paying; the webhook turns the plan on."""
    return render(request, "billing/success.html", {"overview": billing_overview(user=request.user)})


@login_required
@require_GET
def cancelled(request):
    """Back from Checkout without paying."""
    return render(request, "billing/cancelled.html")


def _plan_action(request, action, done: str):
    try:
        action(user=request.user)
    except services.BillingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, done)
    return redirect("settings")


@login_required
@require_POST
def cancel(request):
    """Cancel at the end of the paid period."""
    return _plan_action(request, services.subscription_cancel, "Your subscription is cancelled: premium lasts until the end date below.")


@login_required
@require_POST
def reactivate(request):
    """Undo a cancellation before the period ends."""
    return _plan_action(request, services.subscription_reactivate, "Your subscription is active again and renews automatically.")


@login_required
@require_POST
def portal(request):
    """Open the Stripe Customer Portal (card, invoices)."""
    try:
        url = services.portal_start(user=request.user, return_url=request.build_absolute_uri(reverse("settings")))
    except services.BillingError as error:
        messages.error(request, str(error))
        return redirect("settings")
    return redirect(url)


@login_required
@require_POST
def promo(request):
    """Redeem a promo code: one year of premium (attempts are rate limited per person)."""
    if not ratelimit.consume(request, action="promo_code", user=request.user):
        messages.error(request, "Too many promo code attempts. Please try again in an hour.")
        return redirect("settings")
    form = PromoCodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Enter a promo code.")
        return redirect("settings")
    try:
        membership = services.promo_redeem(user=request.user, code=form.cleaned_data["code"])
    except services.BillingError as error:
        messages.error(request, str(error))
        return redirect("settings")
    messages.success(request, f"Promo code applied: premium until {membership.expires_at:%Y-%m-%d}.")
    return redirect("settings")
