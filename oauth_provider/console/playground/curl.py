"""The code flow by hand, as shell commands for the developer's client page."""

from urllib.parse import quote, urlencode

from django.utils.translation import gettext as _

from oauth_provider.models import Client


def curl_commands(*, client: Client, metadata: dict, redirect_uri: str) -> list[tuple[str, str]]:
    """Shell commands that walk through a code flow by hand with this client."""
    public = client.client_type == Client.CLIENT_PUBLIC
    params = {
        "client_id": client.client_id,
        "redirect_uri": redirect_uri,
        "response_type": "code",
        "scope": "openid email profile",
        "state": "STATE",
        "nonce": "NONCE",
    }
    if public:
        params.update(code_challenge="CHALLENGE", code_challenge_method="S256")
    authorize = f"{metadata['authorization_endpoint']}?{urlencode(params, quote_via=quote)}".replace(
        "CHALLENGE", "$CHALLENGE"
    )
    exchange = [f"curl -X POST {metadata['token_endpoint']}"]
    if public:
        exchange += [f"  -d client_id={client.client_id}", '  -d code_verifier="$VERIFIER"']
    else:
        exchange += [f"  -u '{client.client_id}:YOUR_CLIENT_SECRET'"]
    exchange += [
        "  -d grant_type=authorization_code",
        "  -d code=THE_CODE",
        f"  --data-urlencode redirect_uri={redirect_uri}",
    ]
    commands = [(_("The provider's configuration"), f"curl {metadata['issuer']}/.well-known/openid-configuration")]
    if public:
        commands.append(
            (
                _("Make a PKCE verifier and its S256 challenge"),
                (
                    "VERIFIER=$(openssl rand -base64 48 | tr -d '=+/\\n' | cut -c1-64)\n"
                    "CHALLENGE=$(printf %s \"$VERIFIER\" | openssl dgst -sha256 -binary | openssl base64 | tr '+/' '-_' | tr -d '=\\n')"
                ),
            )
        )
    commands += [
        (_("Open in a browser; you come back to the redirect URI with ?code=…"), f'open "{authorize}"'),
        (_("Exchange the code (valid 60 seconds) for tokens"), " \\\n".join(exchange)),
        (_("Ask who signed in"), f'curl -H "Authorization: Bearer ACCESS_TOKEN" {metadata["userinfo_endpoint"]}'),
    ]
    return commands
