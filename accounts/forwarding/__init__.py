"""Alias mail: the SMTP handler that forwards mail sent to aliases and carries private replies."""
