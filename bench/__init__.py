"""Benchmarks that print figures; `python -m bench` runs them all (not run by CI)."""
