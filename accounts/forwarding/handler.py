"""The inbound SMTP boundary: an aiosmtpd handler that accepts mail for EMAIL_DOMAIN and forwards it."""

import asyncio
import logging
import signal
from concurrent.futures import Executor

from aiosmtpd.smtp import SMTP
from asgiref.sync import sync_to_async
from django.conf import settings
from django.db import close_old_connections

from accounts.forwarding import services
from accounts.forwarding.message import MalformedMessage, address_is_safe
from accounts.forwarding.relay import RelayRejected, RelayUnavailable

log = logging.getLogger(__name__)

MAX_RECIPIENTS = 50
NO_SUCH_MAILBOX = "550 5.1.1 Recipient address rejected: no such mailbox"


class MailHandler:
    """aiosmtpd hooks: refuse at RCPT what we will not deliver, deliver at DATA, never crash on bad input.

    Blocking work (ORM, relay) runs in `executor` (the loop's default pool when None). Tests pass a
    one-thread executor sharing the test transaction's connection, with `manage_connections=False`.
    """

    def __init__(self, *, executor: Executor | None = None, manage_connections: bool = True):
        self.executor = executor
        self.manage_connections = manage_connections

    def _in_thread(self, function):
        """The blocking service `function` as a coroutine run in the worker pool."""

        def call(**kwargs):
            if self.manage_connections:
                close_old_connections()
            try:
                return function(**kwargs)
            finally:
                if self.manage_connections:
                    close_old_connections()

        return sync_to_async(call, thread_sensitive=False, executor=self.executor)

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        """Accept a sender with a plain address, or the null sender of bounces."""
        if address != "<>" and not address_is_safe(address):
            return "553 5.1.7 Sender address rejected: bad address syntax"
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        envelope.routes = []
        return "250 2.1.0 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        """Accept an enabled alias, or a reverse alias written to by its owner; refuse anything else."""
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return "452 4.5.3 Too many recipients"
        if not address_is_safe(address):
            return "553 5.1.3 Recipient address rejected: bad address syntax"
        if address.rpartition("@")[2].lower() != settings.EMAIL_DOMAIN:
            return "550 5.7.1 Relay access denied"
        try:
            route = await self._in_thread(services.route_recipient)(recipient=address, mail_from=envelope.mail_from)
        except (services.UnknownRecipient, services.AliasDisabled):
            return NO_SUCH_MAILBOX
        except services.SenderNotAllowed:
            return "550 5.7.1 Sender not allowed: only the alias owner may send to this address"
        except Exception:
            log.exception("recipient lookup failed")
            return "451 4.3.0 Temporary failure, please try again later"
        envelope.rcpt_tos.append(address)
        envelope.rcpt_options.extend(rcpt_options)
        envelope.routes.append(route)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server, session, envelope):
        """Deliver each accepted recipient's copy; 451 if the relay is down so the sender retries."""
        temporary, rejected = False, False
        for route in envelope.routes:
            deliver = self._in_thread(services.mail_deliver)
            try:
                await deliver(route=route, mail_from=envelope.mail_from, content=envelope.original_content)
            except MalformedMessage as exc:
                log.info("message refused reason=malformed detail=%s alias_id=%s", exc, route.alias_id)
                return "550 5.6.0 Message refused: malformed or unsafe headers"
            except RelayUnavailable as exc:
                log.warning("relay unavailable alias_id=%s detail=%s", route.alias_id, exc)
                temporary = True
            except RelayRejected as exc:
                log.warning("relay rejected alias_id=%s code=%s", route.alias_id, exc.code)
                rejected = True
            except Exception:
                log.exception("delivery failed alias_id=%s", route.alias_id)
                temporary = True
        if temporary:
            return "451 4.4.1 Next hop unavailable, please try again later"
        if rejected:
            return "554 5.0.0 Message refused by the next hop"
        return "250 2.0.0 Message accepted for delivery"

    async def handle_exception(self, error):
        """An unexpected error inside the SMTP session: log it, say nothing internal, let the sender retry."""
        log.error("smtp session error error=%s", type(error).__name__, exc_info=error)
        return "451 4.3.0 Temporary failure, please try again later"


def smtp_parameters() -> dict:
    """aiosmtpd SMTP settings shared by the command and the tests (size limit, banner)."""
    return {"data_size_limit": settings.MAIL_MAX_MESSAGE_BYTES, "ident": "SimpleLogin mail handler"}


async def serve(*, host: str, port: int, ready=None) -> None:
    """Run the SMTP server until SIGINT/SIGTERM."""
    loop = asyncio.get_running_loop()
    handler = MailHandler()
    server = await loop.create_server(lambda: SMTP(handler, **smtp_parameters()), host=host, port=port)
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    if ready:
        ready(server.sockets[0].getsockname())
    async with server:
        await stop.wait()
