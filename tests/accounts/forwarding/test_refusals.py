"""What the handler refuses, and with which SMTP code, so sending servers bounce or retry correctly."""

import smtplib

import pytest

from accounts.models import AliasStats, DeletedAlias
from tests.conftest import free_port
from tests.factories import AliasFactory

MESSAGE = b"From: someone@example.org\r\nSubject: hi\r\n\r\nHello\r\n"


def _refused(mail_handler, rcpt, mail_from="someone@example.org"):
    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        mail_handler.send(mail_from=mail_from, to=[rcpt], message=MESSAGE)
    return refused.value.recipients[rcpt]


def test_unknown_alias_is_refused_with_550(mail_handler, smtp_server):
    code, reason = _refused(mail_handler, "nobody@sl.local")

    assert (code, reason[:5]) == (550, b"5.1.1")
    assert smtp_server.messages == []


def test_deleted_alias_is_refused_with_550(mail_handler, smtp_server):
    DeletedAlias.objects.create(email="gone@sl.local")

    assert _refused(mail_handler, "gone@sl.local")[0] == 550
    assert smtp_server.messages == []


def test_disabled_alias_is_refused_with_550_and_counted_as_blocked(mail_handler, smtp_server):
    alias = AliasFactory(enabled=False)

    code, reason = _refused(mail_handler, alias.email)

    assert code == 550
    assert reason == _refused(mail_handler, "nobody@sl.local")[1]  # no hint that the alias exists
    assert AliasStats.objects.get(alias=alias).blocked == 1
    assert smtp_server.messages == []


def test_other_domains_are_not_relayed(mail_handler, smtp_server):
    code, reason = _refused(mail_handler, "victim@example.com")

    assert (code, reason[:5]) == (550, b"5.7.1")
    assert smtp_server.messages == []


def test_only_refused_recipients_are_dropped(mail_handler, smtp_server):
    alias = AliasFactory()

    refused = mail_handler.send(mail_from="a@example.org", to=[alias.email, "nobody@sl.local"], message=MESSAGE)

    assert refused == {"nobody@sl.local": (550, b"5.1.1 Recipient address rejected: no such mailbox")}
    assert [m["to"] for m in smtp_server.messages] == [[alias.user.email]]


def test_declared_size_over_the_limit_is_refused_with_552(settings, start_handler, smtp_server):
    settings.MAIL_MAX_MESSAGE_BYTES = 10_000
    handler = start_handler()
    alias = AliasFactory()

    with handler.client() as smtp:
        smtp.ehlo()
        assert smtp.has_extn("size") and smtp.esmtp_features["size"] == "10000"
        code, _ = smtp.mail("a@example.org", options=["SIZE=20000"])
        assert code == 552
    with pytest.raises(smtplib.SMTPSenderRefused) as refused:
        handler.send(mail_from="a@example.org", to=[alias.email], message=MESSAGE + b"x" * 20_000)
    assert refused.value.smtp_code == 552
    assert smtp_server.messages == []


def test_data_over_the_limit_is_refused_with_552(settings, start_handler, smtp_server):
    settings.MAIL_MAX_MESSAGE_BYTES = 10_000
    handler = start_handler()
    alias = AliasFactory()

    with handler.client() as smtp:
        smtp.ehlo()
        smtp.mail("a@example.org")
        smtp.rcpt(alias.email)
        code, _ = smtp.data(MESSAGE + (b"x" * 70 + b"\r\n") * 300)

    assert code == 552
    assert smtp_server.messages == []


def test_relay_down_answers_451_so_the_sender_retries(settings, mail_handler, smtp_server):
    alias = AliasFactory()
    settings.EMAIL_PORT = free_port()

    with pytest.raises(smtplib.SMTPDataError) as failed:
        mail_handler.send(mail_from="a@example.org", to=[alias.email], message=MESSAGE)

    assert failed.value.smtp_code == 451
    assert not AliasStats.objects.filter(alias=alias, forwarded__gt=0).exists()
    settings.EMAIL_PORT = smtp_server.port
    mail_handler.send(mail_from="a@example.org", to=[alias.email], message=MESSAGE)
    assert [m["to"] for m in smtp_server.messages] == [[alias.user.email]]


def test_relay_refusing_for_good_answers_554(settings, mail_handler, smtp_server):
    alias = AliasFactory()

    async def refuse(server, session, envelope):
        return "550 5.7.1 Spam refused"

    smtp_server.handle_DATA = refuse

    with pytest.raises(smtplib.SMTPDataError) as failed:
        mail_handler.send(mail_from="a@example.org", to=[alias.email], message=MESSAGE)

    assert failed.value.smtp_code == 554
    assert not AliasStats.objects.filter(alias=alias, forwarded__gt=0).exists()


def test_console_mail_settings_answer_451_instead_of_losing_mail(settings, mail_handler, smtp_server):
    alias = AliasFactory()
    settings.EMAIL_HOST = None

    with pytest.raises(smtplib.SMTPDataError) as failed:
        mail_handler.send(mail_from="a@example.org", to=[alias.email], message=MESSAGE)

    assert failed.value.smtp_code == 451
