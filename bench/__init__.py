"""Benchmarks of the hall server: `python -m bench` runs them all (see docs/performance.md)."""
