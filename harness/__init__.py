"""Code that only measures or demonstrates: the demo, the day generator, benchmarks, load generators.

Not shipped in the production image.
"""
