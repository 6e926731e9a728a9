"""social-core's SimpleLogin backend pointed at a self-hosted SimpleLogin: only the base URL changes.

social-core 7 hard-codes https://app.simplelogin.io in its three URLs, and USERINFO_URL cannot be set by a
setting, so a self-hosted instance needs this subclass (docs/frameworks.md shows the same with a literal URL).
"""

from django.conf import settings
from social_core.backends.simplelogin import SimpleLoginOAuth2


class SimpleLogin(SimpleLoginOAuth2):
    """social-core's backend, unchanged but for the base URL."""

    AUTHORIZATION_URL = f"{settings.SIMPLELOGIN_URL}/oauth2/authorize"
    ACCESS_TOKEN_URL = f"{settings.SIMPLELOGIN_URL}/oauth2/token"
    USERINFO_URL = f"{settings.SIMPLELOGIN_URL}/oauth2/userinfo"


class SimpleLoginOtherApp(SimpleLogin):
    """A second app registered at the same SimpleLogin (its own client id), to compare the uids."""

    name = "simplelogin-other"
