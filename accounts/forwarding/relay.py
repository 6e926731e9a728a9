"""The outbound SMTP boundary for forwarded mail and replies (Django's EMAIL_HOST/EMAIL_PORT/... settings)."""

import logging
import smtplib
import ssl

from django.conf import settings

log = logging.getLogger(__name__)


class RelayUnavailable(Exception):
    """The relay could not take the message now (down, timeout, 4xx): the sender should retry later."""


class RelayRejected(Exception):
    """The relay refused the message for good (5xx)."""

    def __init__(self, code: int, reason: str):
        super().__init__(f"{code} {reason}")
        self.code = code
        self.reason = reason


def _connect() -> smtplib.SMTP:
    if not settings.EMAIL_HOST:
        raise RelayUnavailable("EMAIL_URL names no SMTP host (consolemail:// cannot forward mail)")
    timeout = getattr(settings, "EMAIL_TIMEOUT", None) or 30
    if getattr(settings, "EMAIL_USE_SSL", False):
        context = ssl.create_default_context()
        return smtplib.SMTP_SSL(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=timeout, context=context)
    smtp = smtplib.SMTP(settings.EMAIL_HOST, settings.EMAIL_PORT, timeout=timeout)
    if getattr(settings, "EMAIL_USE_TLS", False):
        smtp.starttls(context=ssl.create_default_context())
    return smtp


def _raise_for(code: int, reason: bytes | str) -> None:
    text = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else str(reason)
    if 400 <= code < 500:
        raise RelayUnavailable(f"{code} {text}")
    raise RelayRejected(code, text)


def relay_send(*, mail_from: str, rcpt_to: str, message: bytes) -> None:
    """Hand one message for one recipient to the relay; raise RelayUnavailable or RelayRejected on failure."""
    try:
        with _connect() as smtp:
            if settings.EMAIL_HOST_USER:
                smtp.login(settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD)
            smtp.sendmail(mail_from, [rcpt_to], message)
    except smtplib.SMTPRecipientsRefused as exc:
        code, reason = next(iter(exc.recipients.values()))
        _raise_for(code, reason)
    except smtplib.SMTPResponseException as exc:
        _raise_for(exc.smtp_code, exc.smtp_error)
    except (OSError, smtplib.SMTPException) as exc:
        raise RelayUnavailable(f"{type(exc).__name__}: {exc}") from exc
    log.info("relayed bytes=%s", len(message))
