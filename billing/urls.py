"""Routes of billing, and the Stripe webhook endpoint (/stripe/webhook/<uuid>/, named as dj-stripe names it)."""

from django.urls import include, path

from billing import views

urlpatterns = [
    path("pricing", views.pricing, name="pricing"),
    path("billing/checkout", views.checkout, name="billing_checkout"),
    path("billing/success", views.success, name="billing_success"),
    path("billing/cancelled", views.cancelled, name="billing_cancelled"),
    path("billing/cancel", views.cancel, name="billing_cancel"),
    path("billing/reactivate", views.reactivate, name="billing_reactivate"),
    path("billing/portal", views.portal, name="billing_portal"),
    path("billing/promo", views.promo, name="billing_promo"),
    path(
        "stripe/",
        include(
            (
                [
                    path("webhook/<uuid:uuid>/", views.StripeWebhookView.as_view(), name="djstripe_webhook_by_uuid"),
                ],
                "djstripe",
            )
        ),
    ),
]
