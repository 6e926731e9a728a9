"""Writes to a person's plan, by concern: `memberships` (trial, promo codes, grants, downgrades), `subscriptions`
(Stripe customer, Checkout, portal, cancel/reactivate, sync) and `expiry` (the daily job). Import from here."""

from billing.exceptions import BillingError
from billing.services.expiry import ExpiryReport, plan_expire_due, trial_reminders_send
from billing.services.memberships import (
    billing_account_close,
    membership_downgrade,
    membership_grant,
    membership_start_trial,
    promo_redeem,
)
from billing.services.subscriptions import (
    checkout_start,
    customer_ensure,
    membership_apply_subscription,
    membership_refresh_subscription,
    portal_start,
    subscription_cancel,
    subscription_reactivate,
    subscription_sync,
)

__all__ = [
    "BillingError", "ExpiryReport", "billing_account_close", "checkout_start", "customer_ensure",
    "membership_apply_subscription", "membership_downgrade", "membership_grant", "membership_refresh_subscription",
    "membership_start_trial", "plan_expire_due", "portal_start", "promo_redeem", "subscription_cancel",
    "subscription_reactivate", "subscription_sync", "trial_reminders_send",
]
