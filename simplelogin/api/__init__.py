"""The JSON API plumbing shared by every endpoint: authentication, permissions, throttling, errors, schema."""
