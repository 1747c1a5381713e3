"""Benchmarks: reading classic instances into a `Problem` and checking routes independently."""
