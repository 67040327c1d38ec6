"""The load benchmark of the web pages: `make bench` (bench/run.py)."""
