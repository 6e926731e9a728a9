"""Raw message handling: split headers from the body, read addresses, write rewritten header lines.

The body is never parsed or re-encoded: forwarded bodies and attachments go out byte for byte, and a
malformed MIME body cannot make the handler fail. Only the header block is read and rewritten.
"""

import re
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address

MAX_HEADERS = 500
MAX_HEADER_BYTES = 256 * 1024
MAX_ADDRESS_HEADER_CHARS = 16 * 1024  # some 400 addresses; the stdlib parser is slow on huge lists
# RFC 5322 2.2: a field name is printable US-ASCII except colon.
_FIELD_NAME = re.compile(rb"[\x21-\x39\x3b-\x7e]+")
# Addresses we put on an SMTP envelope: dot-atom local part, host name domain, US-ASCII only.
_ENVELOPE_ADDRESS = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})"
)
_MSG_ID = re.compile(r"<([^<>\s@]+)@([^<>\s@]+)>")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_SURROGATE = re.compile(r"[\ud800-\udfff]")  # undecodable bytes (e.g. unknown-8bit encoded words) as decoded by email


class MalformedMessage(ValueError):
    """The message cannot be handled safely (broken header block, header injection, no sender)."""


@dataclass
class RawMessage:
    """A message as header lines (name, raw value bytes with folding kept) and the untouched body."""

    headers: list[tuple[str, bytes]]
    body: bytes

    def get_all(self, name: str) -> list[str]:
        """Unfolded, decoded values of every header called `name` (case-insensitive)."""
        wanted = name.lower()
        return [_unfold(value) for field, value in self.headers if field.lower() == wanted]

    def without(self, *names: str) -> list[tuple[str, bytes]]:
        """Header lines except those called one of `names`."""
        dropped = {name.lower() for name in names}
        return [(field, value) for field, value in self.headers if field.lower() not in dropped]

    def keep_only(self, *names: str) -> list[tuple[str, bytes]]:
        """Header lines called one of `names`, in their original order."""
        kept = {name.lower() for name in names}
        return [(field, value) for field, value in self.headers if field.lower() in kept]


def _unfold(value: bytes) -> str:
    return re.sub(rb"\r\n(?=[ \t])", b"", value).decode("utf-8", "replace").strip()


def message_split(content: bytes) -> RawMessage:
    """Split SMTP DATA into header lines and body; refuse a header block that is not RFC 5322."""
    match = re.search(rb"\r?\n\r?\n", content)
    if match:
        head, body = content[: match.start()], content[match.end() :]
    else:
        head, body = content, b""
    if len(head) > MAX_HEADER_BYTES:
        raise MalformedMessage("header block too large")
    headers: list[tuple[str, bytes]] = []
    for line in re.split(rb"\r?\n", head):
        if b"\r" in line or b"\x00" in line:
            raise MalformedMessage("bare CR or NUL in the header block")
        if line[:1] in (b" ", b"\t"):
            if not headers:
                raise MalformedMessage("continuation line before the first header")
            field, value = headers[-1]
            headers[-1] = (field, value + b"\r\n" + line)
            continue
        name, colon, value = line.partition(b":")
        if not colon or not _FIELD_NAME.fullmatch(name.rstrip(b" \t")):
            raise MalformedMessage("a header line has no valid field name")
        headers.append((name.rstrip(b" \t").decode("ascii"), value))
        if len(headers) > MAX_HEADERS:
            raise MalformedMessage("too many header lines")
    if not headers:
        raise MalformedMessage("no header lines")
    return RawMessage(headers=headers, body=body)


def message_join(*, headers: list[tuple[str, bytes]], body: bytes) -> bytes:
    """Serialize header lines and the body back into SMTP DATA (CRLF line ends in the header block)."""
    head = b"".join(field.encode("ascii") + b":" + value + b"\r\n" for field, value in headers)
    return head + b"\r\n" + body


def address_is_safe(address: str) -> bool:
    """True for a plain US-ASCII address we may put on an SMTP envelope (no quoting, no CR/LF, no spaces)."""
    return len(address) <= 254 and _ENVELOPE_ADDRESS.fullmatch(address) is not None


def clean_display_name(name: str) -> str:
    """A display name without control characters (CR/LF injection) and of a sane length."""
    return _CONTROL.sub(" ", name).strip()[:200]


def addresses_parse(value: str) -> list[tuple[str, str]]:
    """(display name, lowercase address) of each mailbox in an address header; refuse injection or garbage."""
    if len(value) > MAX_ADDRESS_HEADER_CHARS:
        raise MalformedMessage("address header too long")
    try:
        header = policy.default.header_factory("to", value)
        mailboxes = [(address.display_name, address.addr_spec) for address in header.addresses]
    except Exception as exc:  # the stdlib parser raises several types on hostile input (e.g. encoded CR/LF)
        raise MalformedMessage(f"unparseable address header: {type(exc).__name__}") from None
    return [
        (clean_display_name(_SURROGATE.sub("\ufffd", name)), _SURROGATE.sub("\ufffd", spec).lower())
        for name, spec in mailboxes
        if "@" in spec
    ]


def address_header(name: str, mailboxes: list[tuple[str, str]]) -> tuple[str, bytes]:
    """A header line (name, folded value) listing mailboxes; non-ASCII names become RFC 2047 encoded words.

    Raises MalformedMessage for an address that cannot be written in US-ASCII.
    """
    try:
        addresses = [Address(display_name=clean_display_name(display), addr_spec=spec) for display, spec in mailboxes]
        # fold as an address header even when the stdlib does not know `name` (Mail-Followup-To, Mail-Reply-To)
        structured = name if name.lower() in policy.SMTP.header_factory.registry else "Reply-To"
        folded = policy.SMTP.header_factory(structured, addresses).fold(policy=policy.SMTP)
        value = folded.split(":", 1)[1].removesuffix("\r\n").encode("ascii")
    except ValueError as exc:  # e.g. a non-ASCII local part: we do not speak SMTPUTF8
        raise MalformedMessage(f"address not writable in {name}: {type(exc).__name__}") from None
    return name, value


def text_header(name: str, value: str) -> tuple[str, bytes]:
    """A header line with a plain US-ASCII value (message ids, dates)."""
    value = _CONTROL.sub(" ", value)
    return name, b" " + value.encode("ascii", "replace")


def message_ids(value: str) -> list[tuple[str, str]]:
    """(left, domain) of each <left@domain> message id in a Message-ID / In-Reply-To / References value."""
    return _MSG_ID.findall(value)
