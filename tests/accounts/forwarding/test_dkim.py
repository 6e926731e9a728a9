"""Forwarded mail and replies carry a DKIM signature for EMAIL_DOMAIN that verifies against the published key."""

import base64

import dkim
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.factories import AliasFactory


def test_forwarded_mail_is_dkim_signed_for_the_alias_domain(settings, tmp_path, mail_handler, smtp_server):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    (tmp_path / "dkim.pem").write_bytes(pem)
    settings.DKIM_PRIVATE_KEY_PATH = str(tmp_path / "dkim.pem")
    settings.DKIM_SELECTOR = "s2026"
    public = key.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    txt_record = b"v=DKIM1; k=rsa; p=" + base64.b64encode(public)
    alias = AliasFactory()

    mail_handler.send(
        mail_from="a@example.org",
        to=[alias.email],
        message=b"From: Ann <a@example.org>\r\nTo: " + alias.email.encode() + b"\r\nSubject: signed\r\n\r\nHello\r\n",
    )

    raw = smtp_server.messages[0]["raw"]
    assert b"d=sl.local" in raw and b"s=s2026" in raw
    assert dkim.verify(
        raw, dnsfunc=lambda name, timeout=5: txt_record if name == b"s2026._domainkey.sl.local." else None
    )
    assert not dkim.verify(raw.replace(b"Hello", b"Hacked"), dnsfunc=lambda name, timeout=5: txt_record)
