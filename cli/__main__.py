"""`python -m cli`: the same as the `nurse-dispatch` command."""

import sys

from cli.main import main

sys.exit(main())
