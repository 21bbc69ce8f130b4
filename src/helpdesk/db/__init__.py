"""The database: the tables (base), the one asyncpg pool and its statements compiled
once, replicas, error handlers, the embedded server; SQLAlchemy's engine for migrations only."""
