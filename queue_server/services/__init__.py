"""Use cases: one function per action, taking a command and a unit of work (through the
runtime), raising domain errors that the web layer maps to HTTP in one place."""
