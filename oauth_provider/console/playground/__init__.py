"""The playground: a real sign-in as one of the developer's clients, each protocol step kept for display.

The pending sign-in (state, nonce, PKCE verifier and, for confidential clients, the secret typed for this one
sign-in) lives in the person's session until the callback consumes it (`state.py`); the exchange and userinfo calls
go to our own endpoints in-process (`oauth_provider.console.loopback`, driven by `flow.py`); each id_token is
decoded and checked for display (`inspect.py`); `curl.py` writes the same flow as shell commands.
"""

from oauth_provider.console.playground.curl import curl_commands
from oauth_provider.console.playground.flow import (
    playground_callback_uri,
    playground_can_refresh,
    playground_finish,
    playground_refresh,
    playground_start,
)
from oauth_provider.console.playground.inspect import id_token_inspect
from oauth_provider.console.playground.state import SESSION_KEY

__all__ = [
    "SESSION_KEY",
    "curl_commands",
    "id_token_inspect",
    "playground_callback_uri",
    "playground_can_refresh",
    "playground_finish",
    "playground_refresh",
    "playground_start",
]
