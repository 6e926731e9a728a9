"""The endpoints of the OpenID Connect provider, one module each (authentik's `providers/oauth2/views/` layout)."""
