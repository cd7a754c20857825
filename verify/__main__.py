"""``python -m verify``: see :mod:`verify._cli`."""

import sys

from ._cli import main

if __name__ == "__main__":  # worker processes import this module too: only the command runs the command
    sys.exit(main())
