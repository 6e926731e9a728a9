"""Writes to a person's plan, by concern: `memberships` (trial, promo codes, grants, downgrades), `subscriptions`
(Stripe customer, Checkout, portal, cancel/reactivate, sync), `expiry` (the daily job) and `imports` (what
`import_legacy` brings from 2019). Import from here."""

from billing.exceptions import BillingError
from billing.services.expiry import ExpiryReport, plan_expire_due, trial_reminders_send
from billing.services.imports import membership_import, membership_import_stripe, promo_redemptions_import
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
    "BillingError",
    "ExpiryReport",
    "billing_account_close",
    "checkout_start",
    "customer_ensure",
    "membership_apply_subscription",
    "membership_downgrade",
    "membership_grant",
    "membership_import",
    "membership_import_stripe",
    "membership_refresh_subscription",
    "promo_redemptions_import",
    "membership_start_trial",
    "plan_expire_due",
    "portal_start",
    "promo_redeem",
    "subscription_cancel",
    "subscription_reactivate",
    "subscription_sync",
    "trial_reminders_send",
]
