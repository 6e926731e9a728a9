"""Moving a 2019 SimpleLogin database into this version (`manage.py import_legacy`)."""
