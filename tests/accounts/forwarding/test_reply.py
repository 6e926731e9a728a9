"""The owner replies to a reverse alias: the mail reaches the original sender from the alias, never naming the owner."""

import smtplib
from email import policy
from email.message import EmailMessage

import pytest

from accounts.models import AliasStats, ReverseAlias
from tests.factories import AliasFactory, UserFactory


@pytest.fixture
def alias():
    """An alias whose owner's real address is on a custom domain (the easiest kind to leak)."""
    return AliasFactory(user=UserFactory(email="real.person@private.example"))


def _forward_first(mail_handler, smtp_server, alias) -> ReverseAlias:
    """Jane writes to the alias; the owner receives it through a reverse alias."""
    message = EmailMessage(policy=policy.SMTP)
    message["From"] = "Jane Doe <jane@example.org>"
    message["To"] = alias.email
    message["Subject"] = "Hello"
    message["Message-ID"] = "<jane-1@example.org>"
    message.set_content("Are you there?")
    mail_handler.send(mail_from="jane@example.org", to=[alias.email], message=message.as_bytes())
    smtp_server.messages.clear()
    return ReverseAlias.objects.get(alias=alias, sender="jane@example.org")


def _owner_reply(reverse: ReverseAlias) -> bytes:
    """A reply as Thunderbird/Gmail would hand it over, with every header that could name the owner."""
    return (
        "Return-Path: <real.person@private.example>\r\n"
        "Received: from [192.168.1.20] (home.private.example [203.0.113.7])\r\n"
        f"\tby smtp.private.example with ESMTPSA id 42 for <{reverse.email}>;\r\n"
        "\tSat, 28 Nov 2026 06:00:00 +0000\r\n"
        "DKIM-Signature: v=1; a=rsa-sha256; d=private.example; s=mail; b=abc\r\n"
        "From: Real Person <real.person@private.example>\r\n"
        "Sender: real.person@private.example\r\n"
        "Reply-To: Real Person <real.person@private.example>\r\n"
        f'To: "Jane Doe - jane@example.org" <{reverse.email}>\r\n'
        "Cc: Real Person <real.person@private.example>\r\n"
        "Subject: Re: Hello\r\n"
        "Date: Sat, 28 Nov 2026 06:00:00 +0000\r\n"
        "Message-ID: <reply-1@mail.private.example>\r\n"
        "In-Reply-To: <jane-1@example.org>\r\n"
        "References: <jane-1@example.org> <older@private.example>\r\n"
        "Disposition-Notification-To: real.person@private.example\r\n"
        "Autocrypt: addr=real.person@private.example; keydata=AAAA\r\n"
        "X-Originating-IP: [203.0.113.7]\r\n"
        "User-Agent: Mozilla Thunderbird\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n"
        "Content-Transfer-Encoding: 8bit\r\n"
        "\r\n"
        "Yes, I am here. Ciao!\r\n"
    ).encode()


def test_reply_reaches_the_original_sender_from_the_alias(mail_handler, smtp_server, alias):
    reverse = _forward_first(mail_handler, smtp_server, alias)

    mail_handler.send(mail_from="real.person@private.example", to=[reverse.email], message=_owner_reply(reverse))

    [arrived] = smtp_server.messages
    assert arrived["from"] == alias.email
    assert arrived["to"] == ["jane@example.org"]
    mail = arrived["message"]
    assert mail["From"].addresses[0].addr_spec == alias.email
    assert mail["To"].addresses[0].addr_spec == "jane@example.org"
    assert mail["Subject"] == "Re: Hello"
    assert mail["In-Reply-To"] == "<jane-1@example.org>"
    assert mail.get_content() == "Yes, I am here. Ciao!\r\n"
    assert AliasStats.objects.get(alias=alias).replied == 1


def test_reply_headers_never_name_the_owner(mail_handler, smtp_server, alias):
    reverse = _forward_first(mail_handler, smtp_server, alias)

    mail_handler.send(mail_from="real.person@private.example", to=[reverse.email], message=_owner_reply(reverse))

    mail = smtp_server.messages[0]["message"]
    head = mail.as_bytes().split(b"\n\n", 1)[0].decode().lower()
    assert "private.example" not in head
    assert "203.0.113.7" not in head and "thunderbird" not in head
    for name in (
        "Sender",
        "Reply-To",
        "Return-Path",
        "Received",
        "DKIM-Signature",
        "Autocrypt",
        "Disposition-Notification-To",
    ):
        assert mail[name] is None, name
    assert mail["Cc"] is None
    assert mail["Message-ID"].endswith("@sl.local>")
    assert mail["References"].split()[0] == "<jane-1@example.org>"
    assert mail["References"].split()[1].endswith("@sl.local>")


def test_a_later_reply_threads_with_the_rewritten_message_id(mail_handler, smtp_server, alias):
    reverse = _forward_first(mail_handler, smtp_server, alias)
    mail_handler.send(mail_from="real.person@private.example", to=[reverse.email], message=_owner_reply(reverse))
    shown_id = smtp_server.messages[0]["message"]["Message-ID"]
    follow_up = _owner_reply(reverse).replace(b"<older@private.example>", b"<reply-1@mail.private.example>")

    mail_handler.send(mail_from="real.person@private.example", to=[reverse.email], message=follow_up)

    assert smtp_server.messages[1]["message"]["References"].split()[1] == shown_id


def test_reply_all_reaches_every_reverse_alias_sender(mail_handler, smtp_server, alias):
    jane = _forward_first(mail_handler, smtp_server, alias)
    bob = ReverseAlias.objects.create(alias=alias, sender="bob@example.net", email="ra+bobbobbob@sl.local")
    reply = _owner_reply(jane).replace(b"Cc: Real Person <real.person@private.example>", b"Cc: ra+bobbobbob@sl.local")

    mail_handler.send(mail_from="real.person@private.example", to=[jane.email, bob.email], message=reply)

    assert sorted(m["to"][0] for m in smtp_server.messages) == ["bob@example.net", "jane@example.org"]
    for arrived in smtp_server.messages:
        assert arrived["message"]["Cc"].addresses[0].addr_spec == "bob@example.net"
        assert arrived["message"]["To"].addresses[0].addr_spec == "jane@example.org"


def test_mail_to_a_reverse_alias_from_anyone_else_is_refused(mail_handler, smtp_server, alias):
    reverse = _forward_first(mail_handler, smtp_server, alias)

    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        mail_handler.send(mail_from="jane@example.org", to=[reverse.email], message=_owner_reply(reverse))

    code, reason = refused.value.recipients[reverse.email]
    assert code == 550 and b"5.7.1" in reason
    assert smtp_server.messages == []
    stats = AliasStats.objects.get(alias=alias)
    assert (stats.replied, stats.blocked) == (0, 1)


def test_reply_through_a_disabled_alias_is_refused(mail_handler, smtp_server, alias):
    reverse = _forward_first(mail_handler, smtp_server, alias)
    alias.enabled = False
    alias.save()

    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        mail_handler.send(mail_from="real.person@private.example", to=[reverse.email], message=_owner_reply(reverse))

    assert refused.value.recipients[reverse.email][0] == 550
    assert smtp_server.messages == []


def test_reply_bcc_to_a_reverse_alias_gets_a_to_header_for_the_sender(mail_handler, smtp_server, alias):
    reverse = _forward_first(mail_handler, smtp_server, alias)
    reply = b"From: real.person@private.example\r\nTo: real.person@private.example\r\nSubject: note\r\n\r\nhi\r\n"

    mail_handler.send(mail_from="real.person@private.example", to=[reverse.email], message=reply)

    mail = smtp_server.messages[0]["message"]
    assert [a.addr_spec for a in mail["To"].addresses] == ["jane@example.org"]
    assert mail["Date"] is not None and mail["Message-ID"].endswith("@sl.local>")
    assert b"private.example" not in smtp_server.messages[0]["raw"]
