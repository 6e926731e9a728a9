"""Hostile or broken input is refused with a clear SMTP code and never takes the handler down."""

import smtplib
import socket

import pytest

from accounts.models import AliasStats, ReverseAlias
from tests.factories import AliasFactory

GOOD = b"From: a@example.org\r\nSubject: fine\r\n\r\nHello\r\n"


def _data_reply(mail_handler, alias, message: bytes, mail_from="a@example.org") -> tuple[int, bytes]:
    with mail_handler.client() as smtp:
        smtp.ehlo()
        smtp.mail(mail_from)
        smtp.rcpt(alias.email)
        return smtp.data(message)


@pytest.mark.parametrize(
    "message",
    [
        pytest.param(
            b"From: =?utf-8?q?Eve=0D=0ABcc:_x@evil.example?= <eve@example.org>\r\n\r\nhi\r\n", id="encoded-crlf-in-from"
        ),
        pytest.param(b"From: a@example.org\r\nFrom: ceo@bank.example\r\n\r\nhi\r\n", id="two-from-headers"),
        pytest.param(b"\x00\xff\xfe garbage\r\n\x01\x02\r\n\r\nbody\r\n", id="binary-garbage"),
        pytest.param(b"this line has no colon\r\nFrom: a@example.org\r\n\r\nhi\r\n", id="not-a-header"),
        pytest.param(b" folded before any header\r\nFrom: a@example.org\r\n\r\nhi\r\n", id="leading-continuation"),
        pytest.param(b"From: a@example.org\rBcc: x@evil.example\r\n\r\nhi\r\n", id="bare-cr-in-header"),
        pytest.param(b"\r\nno headers at all\r\n", id="no-headers"),
    ],
)
def test_bad_headers_are_refused_with_550_and_the_handler_keeps_working(mail_handler, smtp_server, message):
    alias = AliasFactory()

    code, reason = _data_reply(mail_handler, alias, message, mail_from="<>")

    assert (code, reason[:5]) == (550, b"5.6.0")
    assert smtp_server.messages == []
    assert _data_reply(mail_handler, alias, GOOD)[0] == 250
    assert len(smtp_server.messages) == 1


def test_broken_mime_body_is_forwarded_untouched(mail_handler, smtp_server):
    alias = AliasFactory()
    body = (
        b"--never-closed\r\n"
        b"Content-Type: text/plain; charset=x-unknown-charset\r\n"
        b"Content-Transfer-Encoding: base64\r\n"
        b"\r\n"
        b"!!!not base64!!!\r\n"
        b"--wrong-boundary--\r\n"
    )
    message = (
        b"From: a@example.org\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="never-closed"\r\n'
        b"\r\n" + body
    )

    mail_handler.send(mail_from="a@example.org", to=[alias.email], message=message)

    assert smtp_server.messages[0]["raw"].endswith(b"\r\n\r\n" + body)
    assert AliasStats.objects.get(alias=alias).forwarded == 1


def test_mail_without_from_uses_the_envelope_sender(mail_handler, smtp_server):
    alias = AliasFactory()

    mail_handler.send(mail_from="robot@example.org", to=[alias.email], message=b"Subject: no from\r\n\r\nhi\r\n")

    mail = smtp_server.messages[0]["message"]
    assert ReverseAlias.objects.get(alias=alias).sender == "robot@example.org"
    assert mail["From"].addresses[0].display_name == "robot@example.org"


def test_bounce_with_null_sender_is_forwarded(mail_handler, smtp_server):
    alias = AliasFactory()
    bounce = b"From: Mail Delivery System <MAILER-DAEMON@mx.example.org>\r\nSubject: Undelivered\r\n\r\nsorry\r\n"

    mail_handler.send(mail_from="<>", to=[alias.email], message=bounce)

    assert smtp_server.messages[0]["to"] == [alias.user.email]
    assert ReverseAlias.objects.get(alias=alias).sender == "mailer-daemon@mx.example.org"


def test_reply_with_injected_header_in_to_is_refused(mail_handler, smtp_server):
    alias = AliasFactory()
    reverse = ReverseAlias.objects.create(alias=alias, sender="jane@example.org", email="ra+abcdefgh@sl.local")
    reply = b"From: owner\r\nTo: =?utf-8?q?x=0ABcc:_y@evil.example?= <ra+abcdefgh@sl.local>\r\n\r\nhi\r\n"

    with smtplib.SMTP("127.0.0.1", mail_handler.port) as smtp:
        smtp.ehlo()
        smtp.mail(alias.user.email)
        smtp.rcpt(reverse.email)
        code, reason = smtp.data(reply)

    assert (code, reason[:5]) == (550, b"5.6.0")
    assert smtp_server.messages == []


def _raw_session(port: int, lines: list[bytes]) -> list[bytes]:
    """Speak SMTP over a plain socket (smtplib refuses to send CR/LF inside commands)."""
    replies = []
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        stream = sock.makefile("rb")
        stream.readline()
        for line in lines:
            sock.sendall(line + b"\r\n")
            reply = stream.readline()
            while reply[3:4] == b"-":
                reply = stream.readline()
            replies.append(reply)
    return replies


def test_cr_or_quoted_garbage_in_envelope_addresses_is_refused(mail_handler, smtp_server):
    alias = AliasFactory()

    replies = _raw_session(
        mail_handler.port,
        [
            b"EHLO test.example",
            b"MAIL FROM:<a\rb@example.org>",
            b"MAIL FROM:<a@example.org>",
            b'RCPT TO:<"a b"@sl.local>',
            b"RCPT TO:<" + alias.email.encode() + b">",
            b"QUIT",
        ],
    )

    assert [reply[:3] for reply in replies] == [b"250", b"553", b"250", b"553", b"250", b"221"]


def test_unexpected_session_errors_answer_451_without_internals():
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from accounts.forwarding.handler import MailHandler

    error = RuntimeError("connection to db-internal:5432 failed")
    with ThreadPoolExecutor(1) as pool:  # a fresh thread: Playwright may keep a loop running in this one
        reply = pool.submit(asyncio.run, MailHandler().handle_exception(error)).result()

    assert reply.startswith("451 4.3.0") and "db-internal" not in reply


def test_reply_naming_a_non_ascii_address_is_refused_for_good_not_retried(mail_handler, smtp_server):
    alias = AliasFactory()
    reverse = ReverseAlias.objects.create(alias=alias, sender="jane@example.org", email="ra+nonascii@sl.local")
    reply = "From: owner\r\nTo: <ra+nonascii@sl.local>, José <josé@example.org>\r\n\r\nhi\r\n".encode()

    with smtplib.SMTP("127.0.0.1", mail_handler.port) as smtp:
        smtp.ehlo()
        smtp.mail(alias.user.email)
        smtp.rcpt(reverse.email)
        code, reason = smtp.data(reply)

    # a 451 would make the owner's provider retry for days a message that can never go out
    assert (code, reason[:5]) == (550, b"5.6.0")
    assert smtp_server.messages == []


@pytest.mark.parametrize(
    ("to", "expected"),
    [
        (b"=?unknown-8bit?b?/w==?= <ra+x8bit@sl.local>", 250),  # odd display name: delivered
        (b"<=?unknown-8bit?b?/w==?=ra+x8bit@sl.local>", 550),  # undecodable address: refused for good
    ],
)
def test_undecodable_encoded_words_in_a_reply_are_not_a_temporary_failure(mail_handler, smtp_server, to, expected):
    alias = AliasFactory()
    reverse = ReverseAlias.objects.create(alias=alias, sender="jane@example.org", email="ra+x8bit@sl.local")
    reply = b"From: owner\r\nTo: " + to + b"\r\nSubject: hi\r\n\r\nhi\r\n"

    with smtplib.SMTP("127.0.0.1", mail_handler.port) as smtp:
        smtp.ehlo()
        smtp.mail(alias.user.email)
        smtp.rcpt(reverse.email)
        code, _ = smtp.data(reply)

    # a 451 would make the owner's provider retry for days
    assert code == expected
    assert [m["to"] for m in smtp_server.messages] == ([["jane@example.org"]] if expected == 250 else [])
