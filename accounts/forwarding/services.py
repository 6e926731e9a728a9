"""Writes of alias forwarding: route a recipient, forward mail to the owner, send the owner's replies, count."""

import logging
import re
import secrets
from base64 import b32encode
from dataclasses import dataclass
from email.utils import formatdate

from django.conf import settings
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from accounts.forwarding import message as msg
from accounts.forwarding.relay import relay_send
from accounts.forwarding.signing import dkim_sign
from accounts.models import Alias, AliasStats, DeletedAlias, ReverseAlias

log = logging.getLogger(__name__)

REVERSE_ALIAS_PREFIX = "ra+"
MAX_REVERSE_ALIASES_PER_MESSAGE = 20
MAX_HOPS = 50
# Headers an owner's reply keeps (everything else may name their real address, provider or network).
REPLY_KEPT_HEADERS = (
    "Subject",
    "Date",
    "MIME-Version",
    "Content-Type",
    "Content-Transfer-Encoding",
    "Content-Language",
    "Importance",
    "Priority",
    "X-Priority",
)
# Address headers of forwarded mail that a reply or reply-all may go to: rewritten to reverse aliases
# (mutt and Thunderbird honour Mail-Followup-To / Mail-Reply-To over Reply-To). Reply targets come first: they
# get the per-message reverse alias budget before long To/Cc lists do.
FORWARD_REWRITTEN_HEADERS = ("Reply-To", "Mail-Reply-To", "Mail-Followup-To", "To", "Cc")
# Headers dropped from forwarded mail: rewritten by us, or signatures that our rewriting breaks.
# Read-receipt requests, Errors-To and mailto: unsubscribe links would make the owner's side write from their real
# address.
FORWARD_DROPPED_HEADERS = (
    "From",
    "Sender",
    *FORWARD_REWRITTEN_HEADERS,
    "Return-Path",
    "DKIM-Signature",
    "List-Unsubscribe",
    "List-Unsubscribe-Post",
    "Disposition-Notification-To",
    "Return-Receipt-To",
    "X-Confirm-Reading-To",
    "Errors-To",
)


class RouteKind(models.TextChoices):
    """What an accepted recipient means."""

    FORWARD = "forward", "Forward to the alias owner"
    REPLY = "reply", "Reply from the owner to an outside sender"


class UnknownRecipient(Exception):
    """No alias or reverse alias has this address (or it was deleted)."""


class AliasDisabled(Exception):
    """The alias exists but its forwarding is switched off."""


class SenderNotAllowed(Exception):
    """Mail to a reverse alias that does not come from the alias owner."""


@dataclass(frozen=True)
class Route:
    """Where one accepted recipient's copy goes: forwarded to the owner, or a reply to an outside sender."""

    kind: RouteKind
    alias_id: int
    alias_email: str
    owner_email: str
    recipient: str
    reverse_alias_sender: str = ""


def alias_stats_increment(*, alias_id: int, field: str) -> None:
    """Add one to the forwarded, replied or blocked counter of an alias (race-safe, F() expression)."""
    if field not in ("forwarded", "replied", "blocked"):
        raise ValueError(f"unknown counter {field}")
    changes = {field: F(field) + 1, "updated_at": timezone.now()}
    if AliasStats.objects.filter(alias_id=alias_id).update(**changes):
        return
    try:
        with transaction.atomic():
            AliasStats.objects.create(alias_id=alias_id, **{field: 1})
    except IntegrityError:
        AliasStats.objects.filter(alias_id=alias_id).update(**changes)


def _reverse_alias_email() -> str:
    token = b32encode(secrets.token_bytes(15)).decode("ascii").lower()
    return f"{REVERSE_ALIAS_PREFIX}{token}@{settings.EMAIL_DOMAIN}"


def reverse_alias_get_or_create(*, alias_id: int, sender: str) -> ReverseAlias:
    """The reverse alias standing for `sender` writing to this alias, created with a random address if new."""
    sender = sender.lower()
    existing = ReverseAlias.objects.filter(alias_id=alias_id, sender=sender).first()
    if existing:
        return existing
    try:
        with transaction.atomic():
            return ReverseAlias.objects.create(alias_id=alias_id, sender=sender, email=_reverse_alias_email())
    except IntegrityError:
        return ReverseAlias.objects.get(alias_id=alias_id, sender=sender)


def route_recipient(*, recipient: str, mail_from: str) -> Route:
    """Decide what happens to mail for `recipient` (RCPT TO); count refusals of existing aliases as blocked."""
    recipient = recipient.lower()
    reverse = ReverseAlias.objects.select_related("alias__user").filter(email=recipient).first()
    if reverse is not None:
        alias = reverse.alias
        if mail_from.lower() != alias.user.email.lower():
            alias_stats_increment(alias_id=alias.pk, field="blocked")
            log.info("reply refused reason=sender_not_owner alias_id=%s reverse_alias_id=%s", alias.pk, reverse.pk)
            raise SenderNotAllowed(recipient)
        if not alias.enabled:
            alias_stats_increment(alias_id=alias.pk, field="blocked")
            raise AliasDisabled(recipient)
        return Route(RouteKind.REPLY, alias.pk, alias.email, alias.user.email, recipient, reverse.sender)
    alias = Alias.objects.select_related("user").filter(email=recipient).first()
    if alias is None:
        if DeletedAlias.objects.filter(email=recipient).exists():
            log.info("mail refused reason=deleted_alias")
        raise UnknownRecipient(recipient)
    if not alias.enabled:
        alias_stats_increment(alias_id=alias.pk, field="blocked")
        log.info("mail refused reason=alias_disabled alias_id=%s", alias.pk)
        raise AliasDisabled(recipient)
    return Route(RouteKind.FORWARD, alias.pk, alias.email, alias.user.email, recipient)


def _ours(address: str) -> bool:
    return address.rpartition("@")[2] == settings.EMAIL_DOMAIN


def _shown_as(name: str, address: str) -> str:
    return f"{name} - {address}" if name and name.lower() != address else address


def mail_forward(*, route: Route, mail_from: str, content: bytes) -> None:
    """Forward a message to the alias owner, From/Reply-To/Cc rewritten to reverse aliases, body untouched."""
    raw = msg.message_split(content)
    froms = raw.get_all("From")
    if len(froms) > 1:
        raise msg.MalformedMessage("several From headers")
    if len(raw.get_all("Received")) > MAX_HOPS:
        raise msg.MalformedMessage("too many Received headers (mail loop?)")
    candidates = (msg.addresses_parse(froms[0])[:1] if froms else []) + [("", mail_from.lower())]
    usable = [(name, address) for name, address in candidates if msg.address_is_safe(address)]
    if not usable:
        raise msg.MalformedMessage("no usable sender address")
    name, sender = usable[0]
    reverse = reverse_alias_get_or_create(alias_id=route.alias_id, sender=sender)
    headers = [msg.address_header("From", [(_shown_as(name, sender), reverse.email)])]
    budget = MAX_REVERSE_ALIASES_PER_MESSAGE

    def through_us(field: str) -> list[tuple[str, str]]:
        nonlocal budget
        rewritten = []
        for display, address in msg.addresses_parse(", ".join(raw.get_all(field))):
            if _ours(address) or address == route.owner_email.lower():
                rewritten.append((display, address))
            elif msg.address_is_safe(address) and budget > 0:
                budget -= 1
                other = reverse_alias_get_or_create(alias_id=route.alias_id, sender=address)
                rewritten.append((_shown_as(display, address), other.email))
        return rewritten

    for field in FORWARD_REWRITTEN_HEADERS:
        mailboxes = through_us(field)
        if mailboxes:
            headers.append(msg.address_header(field, mailboxes))
    web_unsubscribe = [
        uri for value in raw.get_all("List-Unsubscribe") for uri in re.findall(r"<(https?://[^<>\s]+)>", value)
    ]
    if web_unsubscribe:
        folded = ",\r\n ".join(f"<{uri}>" for uri in web_unsubscribe).encode("ascii", "replace")
        headers.append(("List-Unsubscribe", b" " + folded))
        headers += raw.keep_only("List-Unsubscribe-Post")
    headers += raw.without(*FORWARD_DROPPED_HEADERS)
    message = dkim_sign(msg.message_join(headers=headers, body=raw.body))
    relay_send(mail_from=reverse.email, rcpt_to=route.owner_email, message=message)
    alias_stats_increment(alias_id=route.alias_id, field="forwarded")
    log.info("mail forwarded alias_id=%s reverse_alias_id=%s bytes=%s", route.alias_id, reverse.pk, len(message))


def _hidden_message_id(left: str, domain: str) -> str:
    digest = salted_hmac("forwarding.message-id", f"{left}@{domain}", algorithm="sha256").hexdigest()[:40]
    return f"<{digest}@{settings.EMAIL_DOMAIN}>"


def mail_reply(*, route: Route, content: bytes) -> None:
    """Send the owner's reply to the original sender from the alias; nothing in the headers names the owner."""
    raw = msg.message_split(content)
    owner = route.owner_email.lower()
    owner_domain = owner.rpartition("@")[2]

    def owner_side(domain: str) -> bool:
        domain = domain.lower()
        return domain == owner_domain or domain.endswith("." + owner_domain)

    listed = {field: msg.addresses_parse(", ".join(raw.get_all(field))) for field in ("To", "Cc")}
    ours = {address for mailboxes in listed.values() for _, address in mailboxes if _ours(address)}
    senders = dict(
        ReverseAlias.objects.filter(email__in=ours, alias__user__email__iexact=owner).values_list("email", "sender")
    )
    headers = [msg.address_header("From", [("", route.alias_email)])]
    for field, mailboxes in listed.items():
        shown = [("", senders[a]) if a in senders else (n, a) for n, a in mailboxes if a != owner]
        if field == "To" and not shown:
            shown = [("", route.reverse_alias_sender)]
        if shown:
            headers.append(msg.address_header(field, shown))
    ids = msg.message_ids(" ".join(raw.get_all("Message-ID")))
    own_id = _hidden_message_id(*ids[0]) if ids else _hidden_message_id(secrets.token_hex(16), "random")
    headers.append(msg.text_header("Message-ID", own_id))
    for field in ("In-Reply-To", "References"):
        refs = [
            _hidden_message_id(left, domain) if owner_side(domain) else f"<{left}@{domain}>"
            for left, domain in msg.message_ids(" ".join(raw.get_all(field)))
        ]
        if refs:
            headers.append((field, b" " + "\r\n ".join(refs).encode("ascii", "replace")))
    kept = raw.keep_only(*REPLY_KEPT_HEADERS)
    if not any(field.lower() == "date" for field, _ in kept):
        headers.append(msg.text_header("Date", formatdate(usegmt=True)))
    message = dkim_sign(msg.message_join(headers=headers + kept, body=raw.body))
    relay_send(mail_from=route.alias_email, rcpt_to=route.reverse_alias_sender, message=message)
    alias_stats_increment(alias_id=route.alias_id, field="replied")
    log.info("reply sent alias_id=%s bytes=%s", route.alias_id, len(message))


def mail_deliver(*, route: Route, mail_from: str, content: bytes) -> None:
    """Deliver one accepted recipient's copy of a message (forward or reply)."""
    if route.kind == RouteKind.REPLY:
        mail_reply(route=route, content=content)
    else:
        mail_forward(route=route, mail_from=mail_from, content=content)
