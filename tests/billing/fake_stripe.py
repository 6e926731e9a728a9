"""An in-memory Stripe behind stripe-python's HTTP client, answering with Stripe's published fixture shapes.

Objects start as copies of `tests/data/stripe/fixtures3.json` (stripe/openapi, MIT) with only ids, links and
the fields a scenario changes overridden. Both billing/stripe_gateway.py and dj-stripe go through it.
"""

import copy
import hashlib
import hmac
import itertools
import json
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import stripe

FIXTURES_PATH = Path(__file__).resolve().parents[1] / "data" / "stripe" / "fixtures3.json"
PRICE_MONTHLY = "price_monthly_test"
PRICE_YEARLY = "price_yearly_test"


_RESOURCES = json.loads(FIXTURES_PATH.read_text())["resources"]


def fixture(name: str, **overrides) -> dict:
    """A deep copy of Stripe's fixture object `name`, with top-level overrides."""
    obj = copy.deepcopy(_RESOURCES[name])
    obj.update(overrides)
    return obj


def _nest(pairs) -> dict:
    """Form-encoded Stripe params (`a[b][0]=c`) back into nested dicts (lists stay dicts keyed by index)."""
    result: dict = {}
    for key, value in pairs:
        parts = key.replace("]", "").split("[")
        node = result
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return result


class FakeStripe(stripe.HTTPClient):
    """Routes SDK requests to in-memory objects; `fail(method, path_prefix)` makes matching calls fail."""

    name = "fake-stripe"

    def __init__(self):
        super().__init__()
        self.objects: dict[str, dict] = {}
        self.calls: list[tuple[str, str, dict]] = []
        self.failures: list[tuple[str, str]] = []
        self._ids = itertools.count(1)
        self.now = int(time.time())
        self.put(fixture("account"))
        self.put(fixture("product"))
        for price_id, interval, amount in ((PRICE_MONTHLY, "month", 299), (PRICE_YEARLY, "year", 2999)):
            price = fixture("price", id=price_id, unit_amount=amount, unit_amount_decimal=str(amount))
            price["recurring"]["interval"] = interval
            self.put(price)

    # -- state helpers used by tests ------------------------------------------------------------
    def put(self, obj: dict) -> dict:
        """Store (or replace) an object by id."""
        self.objects[obj["id"]] = obj
        return obj

    def new_id(self, prefix: str) -> str:
        """A fresh Stripe-looking id."""
        return f"{prefix}_fake{next(self._ids):06d}"

    def fail(self, method: str, path_prefix: str) -> None:
        """Make every later call of `method` on paths starting with `path_prefix` answer 500."""
        self.failures.append((method.upper(), path_prefix))

    def heal(self) -> None:
        """Stop failing."""
        self.failures.clear()

    def calls_to(self, method: str, path_prefix: str) -> list[dict]:
        """The params of recorded calls matching method and path prefix."""
        return [params for m, path, params in self.calls if m == method.upper() and path.startswith(path_prefix)]

    def subscription_start(self, *, customer: str, price: str, period_end: int, status: str = "active") -> dict:
        """A subscription Stripe created after Checkout, shaped like the fixture."""
        sub_id = self.new_id("sub")
        sub = fixture(
            "subscription",
            id=sub_id,
            customer=customer,
            status=status,
            cancel_at_period_end=False,
            cancel_at=None,
            canceled_at=None,
            ended_at=None,
            trial_end=None,
            trial_start=None,
            created=self.now,
            start_date=self.now,
            billing_cycle_anchor=self.now,
            pending_update=None,
            transfer_data=None,
        )
        item = sub["items"]["data"][0]
        item.update(
            id=self.new_id("si"),
            subscription=sub_id,
            price=copy.deepcopy(self.objects[price]),
            current_period_start=self.now,
            current_period_end=period_end,
        )
        item["plan"] = None
        sub["items"]["url"] = f"/v1/subscription_items?subscription={sub_id}"
        return self.put(sub)

    def checkout_complete(self, session_id: str, *, price: str, period_end: int) -> tuple[dict, dict]:
        """The person paid on Checkout: the session completes with a new active subscription."""
        session = self.objects[session_id]
        sub = self.subscription_start(customer=session["customer"], price=price, period_end=period_end)
        session.update(status="complete", payment_status="paid", subscription=sub["id"])
        return session, sub

    def invoice_for(self, sub: dict, *, status: str = "paid") -> dict:
        """An invoice of the subscription (new API shape: the subscription sits under parent)."""
        invoice = fixture(
            "invoice",
            id=self.new_id("in"),
            customer=sub["customer"],
            status=status,
            subscription=None,
            amount_paid=299 if status == "paid" else 0,
            last_finalization_error=None,
            from_invoice=None,
            billing_reason="subscription_cycle",
            discounts=[],
            default_payment_method=None,
        )
        invoice["parent"] = {
            "type": "subscription_details",
            "quote_details": None,
            "subscription_details": {"metadata": {}, "subscription": sub["id"]},
        }
        invoice["lines"]["data"] = []
        invoice["lines"]["url"] = f"/v1/invoices/{invoice['id']}/lines"
        return self.put(invoice)

    def subscription_end(self, sub_id: str, *, status: str = "canceled", at: int | None = None) -> dict:
        """Stripe ended the subscription (period over, or retries exhausted)."""
        sub = self.objects[sub_id]
        at = at if at is not None else self.now
        sub.update(status=status, ended_at=at if status == "canceled" else None, canceled_at=at)
        return sub

    def event(self, event_type: str, obj: dict) -> dict:
        """A Stripe event carrying a snapshot of `obj` (what Stripe would post to the webhook)."""
        return fixture(
            "event",
            id=self.new_id("evt"),
            type=event_type,
            created=int(time.time()),
            livemode=False,
            api_version="2026-05-27.dahlia",
            data={"object": copy.deepcopy(obj)},
            pending_webhooks=1,
            request={"id": None, "idempotency_key": None},
        )

    # -- HTTP ----------------------------------------------------------------------------------
    def request(self, method, url, headers, post_data=None, *, _usage=None):
        parts = urlsplit(url)
        path = parts.path
        params = _nest(parse_qsl(post_data or parts.query or "", keep_blank_values=True))
        method = method.upper()
        self.calls.append((method, path, params))
        if any(method == m and path.startswith(prefix) for m, prefix in self.failures):
            return self._error(500, "api_error", "An unknown error occurred", should_retry=False)
        handler = self._route(method, path.split("/")[2:])
        if handler is None:
            return self._error(404, "invalid_request_error", f"Unrecognized request URL ({method}: {path})")
        return handler(params)

    def close(self):
        """Nothing to close."""

    def _json(self, obj: dict, status: int = 200):
        return json.dumps(obj), status, {"Request-Id": "req_fake", "stripe-should-retry": "false"}

    def _error(self, status, error_type, message, *, code=None, should_retry=False):
        body = {"error": {"type": error_type, "message": message, "code": code}}
        return json.dumps(body), status, {"Request-Id": "req_fake", "stripe-should-retry": str(should_retry).lower()}

    def _get(self, obj_id: str):
        if obj_id in self.objects:
            return self._json(self.objects[obj_id])
        return self._error(404, "invalid_request_error", f"No such object: '{obj_id}'", code="resource_missing")

    def _route(self, method, segments):
        if segments == ["account"] and method == "GET":
            return lambda params: self._json(self.objects["acct_1PgafTB7WZ01zgkW"])
        if segments == ["customers"] and method == "POST":
            return self._customer_create
        if segments == ["checkout", "sessions"] and method == "POST":
            return self._session_create
        if segments == ["billing_portal", "sessions"] and method == "POST":
            return self._portal_create
        if len(segments) >= 3 and method == "GET" and segments[-1] in ("features", "lines", "line_items"):
            return lambda params: self._json(
                {"object": "list", "data": [], "has_more": False, "url": "/v1/" + "/".join(segments)}
            )
        if len(segments) >= 2 and method == "GET":
            return lambda params: self._get(segments[-1])
        if len(segments) == 2 and segments[0] == "customers" and method == "DELETE":
            return lambda params: self._customer_delete(segments[1])
        if len(segments) == 2 and segments[0] == "subscriptions" and method == "POST":
            return lambda params: self._subscription_update(segments[1], params)
        if len(segments) == 2 and segments[0] == "customers" and method == "POST":
            return lambda params: self._get(segments[1])
        return None

    def _customer_create(self, params):
        customer = fixture(
            "customer",
            id=self.new_id("cus"),
            email=params.get("email"),
            discount=None,
            metadata=params.get("metadata", {}),
            created=self.now,
        )
        return self._json(self.put(customer))

    def _customer_delete(self, customer_id):
        if customer_id not in self.objects or self.objects[customer_id].get("deleted"):
            return self._error(
                404, "invalid_request_error", f"No such customer: '{customer_id}'", code="resource_missing"
            )
        for obj in self.objects.values():
            if obj.get("object") == "subscription" and obj["customer"] == customer_id and obj["status"] != "canceled":
                obj.update(status="canceled", ended_at=self.now, canceled_at=self.now)
        deleted = fixture("deleted_customer", id=customer_id)
        self.objects[customer_id] = deleted
        return self._json(deleted)

    def _session_create(self, params):
        session_id = self.new_id("cs_test")
        session = fixture(
            "checkout.session",
            id=session_id,
            mode="subscription",
            customer=params["customer"],
            client_reference_id=params.get("client_reference_id"),
            success_url=params["success_url"],
            cancel_url=params["cancel_url"],
            payment_intent=None,
            status="open",
            payment_status="unpaid",
            url=f"https://checkout.stripe.com/c/pay/{session_id}",
            subscription=None,
            invoice=None,
            metadata=params.get("metadata", {}),
            created=self.now,
        )
        session["line_items_requested"] = params.get("line_items")
        return self._json(self.put(session))

    def _portal_create(self, params):
        session = fixture(
            "billing_portal.session",
            id=self.new_id("bps"),
            customer=params["customer"],
            return_url=params["return_url"],
            flow=None,
            url="https://billing.stripe.com/p/session/test_fake",
        )
        return self._json(self.put(session))

    def _subscription_update(self, sub_id, params):
        sub = self.objects.get(sub_id)
        if sub is None:
            return self._error(
                404, "invalid_request_error", f"No such subscription: '{sub_id}'", code="resource_missing"
            )
        if "cancel_at_period_end" in params:
            cancel = params["cancel_at_period_end"] == "true"
            end = sub["items"]["data"][0]["current_period_end"]
            sub.update(
                cancel_at_period_end=cancel, cancel_at=end if cancel else None, canceled_at=self.now if cancel else None
            )
        return self._json(sub)


def signature_header(payload: str, secret: str, timestamp: int | None = None) -> str:
    """A Stripe-Signature header: HMAC-SHA256 of f"{t}.{payload}" with the endpoint secret."""
    timestamp = timestamp or int(time.time())
    digest = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"
