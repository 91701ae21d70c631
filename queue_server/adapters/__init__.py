"""Adapters to the outside: the database (SQLAlchemy), later the message queue."""
