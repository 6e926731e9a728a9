"""Pricing, Checkout and Customer Portal redirects, plan changes, promo codes and the Stripe webhook (thin views)."""

import json
import logging

from allauth.core import ratelimit
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from djstripe.views import ProcessWebhookView

from billing import plans, services
from billing.forms import CheckoutForm, PromoCodeForm
from billing.selectors import billing_enabled, billing_overview, promo_codes_exist

log = logging.getLogger(__name__)

WEBHOOK_MAX_BYTES = 512 * 1024  # Stripe's events are a few kB; dj-stripe stores every body it is sent
DJSTRIPE_DEBUG_SECRET = "HTTP_X_DJSTRIPE_WEBHOOK_SECRET"


@require_GET
def pricing(request):
    """Free vs premium, with monthly and yearly prices; 'Upgrade' opens Checkout."""
    context = {
        "base_template": "default.html" if request.user.is_authenticated else "single.html",
        "billing_enabled": billing_enabled(),
        "promo_codes_exist": promo_codes_exist(),
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
        messages.error(request, _("Choose the monthly or the yearly plan."))
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
    return _plan_action(
        request,
        services.subscription_cancel,
        _("Your subscription is cancelled: premium lasts until the end date below."),
    )


@login_required
@require_POST
def reactivate(request):
    """Undo a cancellation before the period ends."""
    return _plan_action(
        request, services.subscription_reactivate, _("Your subscription is active again and renews automatically.")
    )


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
        messages.error(request, _("Too many promo code attempts. Please try again in an hour."))
        return redirect("settings")
    form = PromoCodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["code"]))
        return redirect("settings")
    try:
        membership = services.promo_redeem(user=request.user, code=form.cleaned_data["code"])
    except services.BillingError as error:
        messages.error(request, str(error))
        return redirect("settings")
    messages.success(
        request, _("Promo code applied: premium until %(date)s.") % {"date": f"{membership.expires_at:%Y-%m-%d}"}
    )
    return redirect("settings")


class StripeWebhookView(ProcessWebhookView):
    """dj-stripe's endpoint, refusing what cannot be a Stripe event before dj-stripe stores it."""

    def post(self, request, uuid):
        """413 for oversized bodies, 400 for anything but a JSON object; then dj-stripe verifies and processes."""
        try:
            too_big = int(request.META.get("CONTENT_LENGTH") or 0) > WEBHOOK_MAX_BYTES
            body = b"" if too_big else request.body
        except (ValueError, RequestDataTooBig):
            too_big, body = True, b""
        if too_big or len(body) > WEBHOOK_MAX_BYTES:
            log.warning("stripe webhook refused: body too large")
            return HttpResponse(status=413)
        try:
            event = json.loads(body.decode("utf-8"))
        except (ValueError, RecursionError):
            event = None
        if not isinstance(event, dict):
            log.warning("stripe webhook refused: not a JSON object")
            return HttpResponseBadRequest()
        # With DEBUG on, dj-stripe would verify against a secret the sender names in this header: never.
        request.META.pop(DJSTRIPE_DEBUG_SECRET, None)
        request.__dict__.pop("headers", None)
        return super().post(request, uuid)
