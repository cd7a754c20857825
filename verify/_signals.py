"""The signals a command-line run answers: SIGINT (Ctrl-C), SIGTERM (a job scheduler's stop) and SIGHUP (a closed
terminal) all stop a run the same orderly way, and none of them interrupts the writing of a report.

* :func:`as_interrupt`: while claims are checked, SIGTERM and SIGHUP raise :class:`Stopped` (a
  KeyboardInterrupt), so the run keeps what was decided exactly as on Ctrl-C; :func:`exit_status` gives
  130, 143 or 129 by the signal that came first.
* :func:`held`: the signals are recorded instead of acted on (while a report set is written or committed);
  leaving the block hands the first one on to the handler that was there before, or not (``deliver=False``:
  the caller reads what came and decides).

Python runs signal handlers in the main thread only; outside it, these leave signals alone.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from typing import Callable, Iterator

__all__ = ["HANDLED", "Stopped", "as_interrupt", "held", "hand_on", "exit_status"]

HANDLED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
_STATUS = {signal.SIGINT: 130, signal.SIGTERM: 143, signal.SIGHUP: 129}


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised in the main thread like Ctrl-C."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def exit_status(signum: int) -> int:
    """The shell's status for a process stopped by ``signum``: 128 + its number."""
    return _STATUS.get(signum, 128 + int(signum))


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def as_interrupt(first: list[int]) -> Iterator[None]:
    """SIGTERM and SIGHUP raise :class:`Stopped`; the first signal of the block (Ctrl-C too) is appended to
    ``first``."""
    if not _main_thread():
        yield
        return

    def stop(signum, frame):
        first.append(signum)
        raise Stopped(signum)

    def interrupt(signum, frame):
        first.append(signum)
        raise KeyboardInterrupt

    previous = {s: signal.signal(s, interrupt if s == signal.SIGINT else stop) for s in HANDLED}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


@contextlib.contextmanager
def held(*, deliver: bool = True, notice: Callable[[int], None] | None = None) -> Iterator[list[int]]:
    """Record the handled signals instead of acting on them; yields the list they are appended to.

    ``notice(signum)`` is called for the first one (say that the work finishes first). On leaving without an
    exception, with ``deliver``, the first signal recorded goes to the handler that was installed before (a
    Python handler is called; the default action is taken by re-raising the signal)."""
    caught: list[int] = []
    if not _main_thread():
        yield caught
        return

    def record(signum, frame):
        if not caught and notice is not None:
            notice(signum)
        caught.append(signum)

    previous = {s: signal.signal(s, record) for s in HANDLED}
    try:
        yield caught
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)
    if deliver and caught:
        hand_on(caught[0], previous[caught[0]])


def hand_on(signum: int, handler: object, frame=None) -> None:
    """Give ``signum`` to ``handler``, a signal's handler taken from ``signal.signal``: a Python handler is
    called (Ctrl-C's raises KeyboardInterrupt); the default action is taken by re-raising the signal with it."""
    if callable(handler):
        handler(signum, frame)
    elif handler == signal.SIG_DFL:
        signal.signal(signum, signal.SIG_DFL)
        signal.raise_signal(signum)
