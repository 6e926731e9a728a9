"""dj-stripe's migrations squashed into one (MIGRATION_MODULES): a fresh SQLite database migrates in seconds."""
