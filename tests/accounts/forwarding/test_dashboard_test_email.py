"""The dashboard's "send a test email" goes through the mail handler and arrives in the owner's real mailbox."""

import asyncio
import smtplib

from aiosmtpd.controller import Controller
from django.urls import reverse

from accounts.models import AliasStats
from tests.conftest import free_port
from tests.factories import AliasFactory


class DomainRouter:
    """Stands for Postfix's transport map: @sl.local goes to the mail handler, everything else to the mailbox."""

    def __init__(self, *, handler_port: int, mailbox_port: int):
        self.ports = {"sl.local": handler_port}
        self.mailbox_port = mailbox_port

    def _relay(self, envelope):
        for rcpt in envelope.rcpt_tos:
            port = self.ports.get(rcpt.rpartition("@")[2].lower(), self.mailbox_port)
            with smtplib.SMTP("127.0.0.1", port, timeout=10) as smtp:
                smtp.sendmail(envelope.mail_from, [rcpt], envelope.original_content)

    async def handle_DATA(self, server, session, envelope):
        # in a thread: the handler's forwarded copy comes back through this router while we wait
        await asyncio.get_running_loop().run_in_executor(None, self._relay, envelope)
        return "250 OK"


def test_test_email_reaches_the_owners_real_mailbox_through_the_handler(
    settings, signed_in, user, smtp_server, mail_handler
):
    router = Controller(
        DomainRouter(handler_port=mail_handler.port, mailbox_port=smtp_server.port),
        hostname="127.0.0.1",
        port=free_port(),
    )
    router.start()
    settings.EMAIL_PORT = router.port  # the site's outbound mail and the handler's relay both go through the router
    alias = AliasFactory(user=user)
    try:
        response = signed_in.post(reverse("alias_test_email", args=[alias.pk]), follow=True)
    finally:
        router.stop()

    assert "A test email has been sent to" in response.content.decode()
    [arrived] = smtp_server.messages
    assert arrived["to"] == [user.email]
    assert arrived["message"]["To"] == alias.email
    assert arrived["message"]["Subject"] == "Test email from SimpleLogin"
    assert arrived["from"].startswith("ra+") and arrived["from"].endswith("@sl.local")
    assert AliasStats.objects.get(alias=alias).forwarded == 1
