"""Benchmarks: ``make bench`` (``python -m bench [name …]``).

Each benchmark prints its figures (medians of repeated runs) and the ratio against a baseline
run in the same process tree, and the runner writes them all to bench-output/results.json.
"""
