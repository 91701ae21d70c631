"""Rules of the hall in plain Python (see README.md: no I/O here)."""
