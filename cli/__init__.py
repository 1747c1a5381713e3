"""The `nurse-dispatch` command line: the composition root that may start the API, the workers and the harness."""
