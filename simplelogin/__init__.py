"""SimpleLogin: a privacy-first OpenID Connect identity provider."""
