"""What the command line prints as one line without a traceback, with exit code 2."""

EXIT_BAD_INPUT = 2


class InputError(Exception):
    """Bad arguments, input files or settings: printed as `error: ...`, exit code 2."""
