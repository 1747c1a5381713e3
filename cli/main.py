"""The `nurse-dispatch` command line: the composition root of the service, the solver and the harness."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from cli import documents, harness_commands, roads, service
from cli.errors import EXIT_BAD_INPUT, InputError
from solver import ProblemError


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except (InputError, ProblemError) as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except ModuleNotFoundError as error:
        if error.name and error.name.split(".")[0] == "harness":
            print(
                "error: this command needs the harness, which a development checkout has "
                "(pip install -e .[dev]); the production image leaves it out",
                file=sys.stderr,
            )
            return EXIT_BAD_INPUT
        raise
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="nurse-dispatch", description="Route scheduling for home-infusion nurses.")
    commands = parser.add_subparsers(dest="command", required=True)
    documents.add_arguments(commands)
    service.add_arguments(commands)
    roads.add_arguments(commands)
    harness_commands.add_arguments(commands)
    return parser


if __name__ == "__main__":
    sys.exit(main())
