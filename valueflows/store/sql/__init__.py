"""The SQL store: repositories over one SQLAlchemy connection (SQLite or PostgreSQL)."""
