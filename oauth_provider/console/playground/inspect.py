"""Decode an id_token for display: header and claims, the RS256 signature against the JWKS, each claim checked."""

import base64
import hashlib
import json
import time
from datetime import UTC, datetime

from django.utils.translation import gettext as _
from jwcrypto import jwk, jwt
from jwcrypto.common import JWException


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64url_decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def pkce_challenge(verifier: str) -> str:
    """S256 code_challenge of a verifier (RFC 7636 4.2)."""
    return _b64url(hashlib.sha256(verifier.encode()).digest())


def pretty(data) -> str:
    return json.dumps(data, indent=2, sort_keys=False, ensure_ascii=False)


def _half_hash(value: str) -> str:
    """at_hash / c_hash for RS256 (OIDC Core 3.3.2.11)."""
    digest = hashlib.sha256(value.encode()).digest()
    return _b64url(digest[: len(digest) // 2])


def id_token_inspect(
    *, token: str, jwks: dict, issuer: str, client_id: str, nonce: str | None, access_token: str = "", code: str = ""
) -> dict:
    """Header and claims of an id_token, its signature checked against the JWKS and its claims validated."""
    report = {
        "raw": token,
        "header": None,
        "claims": None,
        "signature_ok": False,
        "kid": None,
        "checks": [],
        "times": [],
    }
    parts = token.split(".")
    try:
        header = json.loads(_b64url_decode(parts[0]))
        claims = json.loads(_b64url_decode(parts[1]))
    except (IndexError, ValueError):
        report["checks"].append(("decode", False, _("This is not a JWS compact serialization.")))
        return report
    report.update(header=pretty(header), claims=pretty(claims), kid=header.get("kid"))
    report["times"] = [
        (name, datetime.fromtimestamp(claims[name], tz=UTC).strftime("%Y-%m-%d %H:%M:%S UTC"))
        for name in ("iat", "auth_time", "exp")
        if isinstance(claims.get(name), int | float)
    ]
    try:
        keyset = jwk.JWKSet.from_json(json.dumps(jwks))
        jwt.JWT(jwt=token, key=keyset, algs=["RS256"], check_claims=False, expected_type="JWS")
    except (JWException, ValueError, KeyError, TypeError) as error:
        report["checks"].append(
            ("signature", False, _("Not verified with the published keys: %(error)s") % {"error": error})
        )
    else:
        report["signature_ok"] = True
        report["checks"].append(
            ("signature", True, _("RS256 signature verified with the JWKS key %(kid)s.") % {"kid": header.get("kid")})
        )
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience]
    exp = claims.get("exp")
    exp_ok = isinstance(exp, int | float) and exp > time.time()
    report["checks"] += [
        (
            "iss",
            claims.get("iss") == issuer,
            _("iss is %(iss)r; expected %(issuer)r.") % {"iss": claims.get("iss"), "issuer": issuer},
        ),
        ("aud", client_id in audiences, _("aud is %(aud)r; it must contain the client id.") % {"aud": audience}),
        ("exp", exp_ok, _("exp is in the future.") if exp_ok else _("The token has expired (or has no exp).")),
    ]
    if nonce is not None:
        nonce_ok = claims.get("nonce") == nonce
        report["checks"].append(
            (
                "nonce",
                nonce_ok,
                _("nonce matches the one sent.") if nonce_ok else _("nonce does not match the one sent."),
            )
        )
    if access_token and "at_hash" in claims:
        report["checks"].append(
            ("at_hash", claims["at_hash"] == _half_hash(access_token), _("at_hash matches the access token."))
        )
    if code and "c_hash" in claims:
        report["checks"].append(("c_hash", claims["c_hash"] == _half_hash(code), _("c_hash matches the code.")))
    return report
