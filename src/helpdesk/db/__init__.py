"""The database: the ORM base, engine and sessions, error handlers, the embedded server."""
