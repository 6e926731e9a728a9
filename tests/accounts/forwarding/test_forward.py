"""Mail to an alias reaches its owner's real mailbox, with the sender rewritten to a reverse alias."""

import os
import smtplib
from email import policy
from email.message import EmailMessage
from email.utils import getaddresses

from accounts.models import AliasStats, ReverseAlias
from tests.factories import AliasFactory


def _message(**headers) -> EmailMessage:
    message = EmailMessage(policy=policy.SMTP)
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content("Hello from the outside world.\n")
    return message


def test_forwarded_mail_arrives_from_a_reverse_alias(mail_handler, smtp_server):
    alias = AliasFactory()
    message = _message(
        From="Jane Doe <Jane@Example.org>", To=alias.email, Subject="Your order", Message_ID="<o1@example.org>"
    )

    mail_handler.send(mail_from="bounces@example.org", to=[alias.email], message=message.as_bytes())

    [arrived] = smtp_server.messages
    reverse = ReverseAlias.objects.get(alias=alias)
    assert arrived["to"] == [alias.user.email]
    assert arrived["from"] == reverse.email
    assert reverse.sender == "jane@example.org"
    assert reverse.email.startswith("ra+") and reverse.email.endswith("@sl.local")
    assert len(reverse.email.split("@")[0]) >= 24
    mail = arrived["message"]
    assert mail["From"].addresses[0].addr_spec == reverse.email
    assert mail["From"].addresses[0].display_name == "Jane Doe - jane@example.org"
    assert mail["To"] == alias.email
    assert mail["Subject"] == "Your order"
    assert mail["Message-ID"] == "<o1@example.org>"
    assert mail.get_content() == "Hello from the outside world.\r\n"
    assert AliasStats.objects.get(alias=alias).forwarded == 1


def test_same_sender_keeps_its_reverse_alias(mail_handler, smtp_server):
    alias = AliasFactory()
    for _ in range(2):
        mail_handler.send(
            mail_from="a@example.org",
            to=[alias.email],
            message=_message(From="a@example.org", To=alias.email).as_bytes(),
        )

    assert ReverseAlias.objects.filter(alias=alias).count() == 1
    assert smtp_server.messages[0]["from"] == smtp_server.messages[1]["from"]
    assert AliasStats.objects.get(alias=alias).forwarded == 2


def test_body_and_attachments_arrive_byte_for_byte(mail_handler, smtp_server):
    alias = AliasFactory()
    message = _message(From="shop@example.org", To=alias.email, Subject="Invoice")
    message.add_alternative("<p>Hello <b>there</b> – ünïcödé</p>", subtype="html")
    pdf = os.urandom(50_000)
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename="invoice.pdf")
    sent = message.as_bytes(policy=policy.SMTP)

    mail_handler.send(mail_from="shop@example.org", to=[alias.email], message=sent)

    mail = smtp_server.messages[0]["message"]
    [attachment] = list(mail.iter_attachments())
    assert attachment.get_filename() == "invoice.pdf"
    assert attachment.get_content() == pdf
    assert "ünïcödé" in mail.get_body(("html",)).get_content()
    assert smtp_server.messages[0]["raw"].split(b"\r\n\r\n", 1)[1] == sent.split(b"\r\n\r\n", 1)[1]


def test_reply_to_and_cc_are_rewritten_to_reverse_aliases(mail_handler, smtp_server):
    alias = AliasFactory()
    message = _message(
        From="Newsletter <news@example.org>",
        To=alias.email,
        Cc="Bob <bob@example.net>, other@sl.local",
        Reply_To="Support <support@example.org>",
    )

    mail_handler.send(mail_from="news@example.org", to=[alias.email], message=message.as_bytes())

    mail = smtp_server.messages[0]["message"]
    reverse = {r.sender: r.email for r in ReverseAlias.objects.filter(alias=alias)}
    assert set(reverse) == {"news@example.org", "support@example.org", "bob@example.net"}
    assert [(a.display_name, a.addr_spec) for a in mail["Reply-To"].addresses] == [
        ("Support - support@example.org", reverse["support@example.org"])
    ]
    assert [a.addr_spec for a in mail["Cc"].addresses] == [reverse["bob@example.net"], "other@sl.local"]
    raw = mail.as_string()
    assert "<support@example.org>" not in raw and "<bob@example.net>" not in raw


def test_odd_charsets_keep_the_senders_name_visible(mail_handler, smtp_server):
    alias = AliasFactory()
    raw = (
        b"From: =?iso-8859-1?q?Fran=E7ois_M=FCller?= <fm@example.fr>\r\n"
        b"To: " + alias.email.encode() + b"\r\n"
        b"Subject: =?iso-2022-jp?b?GyRCJEckOSEjGyhC?=\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=iso-8859-1\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n"
        b"\r\n"
        b"Gr\xfc\xdfe aus K\xf6ln\r\n"
    )

    mail_handler.send(mail_from="fm@example.fr", to=[alias.email], message=raw)

    mail = smtp_server.messages[0]["message"]
    assert mail["From"].addresses[0].display_name == "François Müller - fm@example.fr"
    assert mail.get_content().strip() == "Grüße aus Köln"
    assert str(mail["Subject"]) == "です。"


def test_one_message_to_two_aliases_reaches_both_owners(mail_handler, smtp_server):
    first, second = AliasFactory(), AliasFactory()

    mail_handler.send(
        mail_from="a@example.org", to=[first.email, second.email], message=_message(From="a@example.org").as_bytes()
    )

    assert sorted(m["to"][0] for m in smtp_server.messages) == sorted([first.user.email, second.user.email])
    owners = {m["to"][0]: getaddresses([str(m["message"]["From"])])[0][1] for m in smtp_server.messages}
    assert owners[first.user.email] == ReverseAlias.objects.get(alias=first).email
    assert owners[second.user.email] == ReverseAlias.objects.get(alias=second).email


def test_uppercase_recipient_reaches_the_alias(mail_handler, smtp_server):
    alias = AliasFactory()

    mail_handler.send(
        mail_from="a@example.org", to=[alias.email.upper()], message=_message(From="a@example.org").as_bytes()
    )

    assert smtp_server.messages[0]["to"] == [alias.user.email]
    assert AliasStats.objects.get(alias=alias).forwarded == 1


def test_production_handler_uses_its_own_database_connections(transactional_db, smtp_server):
    from aiosmtpd.controller import Controller

    from accounts.forwarding.handler import MailHandler, smtp_parameters
    from tests.conftest import free_port

    alias = AliasFactory()
    controller = Controller(MailHandler(), hostname="127.0.0.1", port=free_port(), **smtp_parameters())
    controller.start()
    try:
        with smtplib.SMTP("127.0.0.1", controller.port, timeout=10) as smtp:
            smtp.sendmail("a@example.org", [alias.email], _message(From="a@example.org").as_bytes())
    finally:
        controller.stop()

    assert smtp_server.messages[0]["to"] == [alias.user.email]
    assert AliasStats.objects.get(alias=alias).forwarded == 1


def test_headers_that_make_the_client_write_directly_are_defused(mail_handler, smtp_server):
    alias = AliasFactory()
    message = _message(
        From="list@example.org",
        List_Unsubscribe="<mailto:leave@example.org?subject=unsubscribe>, <https://example.org/u/123>",
        List_Unsubscribe_Post="List-Unsubscribe=One-Click",
        Disposition_Notification_To="tracker@example.org",
    )

    mail_handler.send(mail_from="list@example.org", to=[alias.email], message=message.as_bytes())

    mail = smtp_server.messages[0]["message"]
    assert mail["List-Unsubscribe"] == "<https://example.org/u/123>"
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail["Disposition-Notification-To"] is None
    assert b"mailto:" not in smtp_server.messages[0]["raw"]


def test_mail_followup_to_and_mail_reply_to_go_through_reverse_aliases(mail_handler, smtp_server):
    # mutt and Thunderbird reply to these instead of From/Reply-To: left as they are, the owner's client
    # would write to the outside addresses directly, from the owner's real address
    alias = AliasFactory()
    message = _message(
        From="list@example.org",
        To=alias.email,
        Mail_Followup_To="Team <team@example.org>",
        Mail_Reply_To="author@example.org",
        Errors_To="bounces@example.org",
    )

    mail_handler.send(mail_from="list@example.org", to=[alias.email], message=message.as_bytes())

    mail = smtp_server.messages[0]["message"]
    reverse = {r.sender: r.email for r in ReverseAlias.objects.filter(alias=alias)}
    assert [spec for _, spec in getaddresses([str(mail["Mail-Followup-To"])])] == [reverse["team@example.org"]]
    assert [spec for _, spec in getaddresses([str(mail["Mail-Reply-To"])])] == [reverse["author@example.org"]]
    assert mail["Errors-To"] is None
    raw = smtp_server.messages[0]["raw"]
    assert b"<team@example.org>" not in raw and b" author@example.org" not in raw and b"bounces@" not in raw


def test_other_to_recipients_go_through_reverse_aliases_so_reply_all_stays_private(mail_handler, smtp_server):
    alias = AliasFactory()
    message = _message(From="ann@example.org", To=f"Bob <bob@example.net>, {alias.email}")

    mail_handler.send(mail_from="ann@example.org", to=[alias.email], message=message.as_bytes())

    mail = smtp_server.messages[0]["message"]
    reverse = ReverseAlias.objects.get(alias=alias, sender="bob@example.net")
    assert [a.addr_spec for a in mail["To"].addresses] == [reverse.email, alias.email]
    assert b"<bob@example.net>" not in smtp_server.messages[0]["raw"]


def test_a_long_to_list_does_not_use_up_the_reverse_aliases_reply_to_needs(mail_handler, smtp_server):
    alias = AliasFactory()
    crowd = ", ".join(f"member{n}@example.net" for n in range(30))
    message = _message(From="list@example.org", To=f"{crowd}, {alias.email}", Reply_To="list-post@example.org")

    mail_handler.send(mail_from="list@example.org", to=[alias.email], message=message.as_bytes())

    mail = smtp_server.messages[0]["message"]
    reply_to = ReverseAlias.objects.get(alias=alias, sender="list-post@example.org")
    assert [a.addr_spec for a in mail["Reply-To"].addresses] == [reply_to.email]
    assert alias.email in [a.addr_spec for a in mail["To"].addresses]
    assert b"<member0@example.net>" not in smtp_server.messages[0]["raw"]
