"""Benchmark runners and the anchors (VROOM, PyVRP) they compare against."""
