"""``python -m verify``: see :mod:`verify._cli`.

An interrupt while the command starts (the catalogue imports for a second or more) exits quietly with 130,
like one anywhere else before the claims run.
"""

import sys

if __name__ == "__main__":  # worker processes import this module too: only the command runs the command
    try:
        from ._cli import main

        status = main()
    except KeyboardInterrupt:
        sys.stderr.write("verify: interrupted\n")
        status = 130
    sys.exit(status)
