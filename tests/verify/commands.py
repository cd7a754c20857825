"""Running the command line from a test: ``python -m verify ARGS`` in this process."""

import contextlib
import io

from verify._cli import main


def in_process(*args) -> tuple[int, str, str]:
    """``python -m verify ARGS`` without a new interpreter (seconds of imports each): status, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main(list(args))
        except SystemExit as exc:  # argparse's own usage errors (2) and --help (0)
            status = exc.code
    return status, out.getvalue(), err.getvalue()
