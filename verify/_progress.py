"""Progress of a run on the terminal: a bar (tqdm) with the claims done and running, the time elapsed and an
estimate of the time left; a line per decided claim. Without a terminal (a CI log) only the lines; with
``--quiet`` nothing. The callbacks may come from the run's driver threads."""

from __future__ import annotations

import sys
import threading
import time

from ._claim import Claim
from ._verdict import Verdict

__all__ = ["RunProgress"]


class RunProgress:
    """Callbacks for :func:`verify.run`: :meth:`look` (``progress=``) and :meth:`verdict` (``on_verdict=``)."""

    def __init__(self, total: int, quiet: bool, stream=None):
        self.stream = stream or sys.stderr
        self.total, self.done, self.quiet = total, 0, quiet
        self.running: set[str] = set()
        self.last_verdict_at: float | None = None  # time.perf_counter() when the last verdict came
        self._lock = threading.Lock()
        self.bar = None
        if not quiet and total and self.stream.isatty():
            from tqdm import tqdm

            self.bar = tqdm(total=total, file=self.stream, unit="claim", dynamic_ncols=True, leave=False,
                            bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} [{elapsed}<{remaining}] {postfix}")

    def look(self, claim: Claim, k: int, looks: int, n: int) -> None:
        with self._lock:
            self.running.add(claim.id)
            if self.bar is not None:
                what = f"look {k + 1}/{looks}" if n else "quadrature"
                self.bar.set_postfix_str(f"{len(self.running)} running; {claim.id}: {what}", refresh=True)

    def verdict(self, v: Verdict) -> None:
        with self._lock:
            self.running.discard(v.claim.id)
            self.done += 1
            self.last_verdict_at = time.perf_counter()
            if self.quiet:
                return
            how = "reused" if v.reused is not None else f"{v.seconds:.1f} s"
            line = f"[{self.done}/{self.total}] {v.outcome:12s} {v.claim.id} ({how})"
            if self.bar is not None:
                self.bar.write(line, file=self.stream)
                self.bar.update(1)
            else:
                self.stream.write(line + "\n")
                self.stream.flush()

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


class WriteProgress:
    """Progress while a report is written (``write_report(progress=...)``): a bar on a terminal, else a line when
    it starts and when it is done, with the seconds it took; nothing with ``quiet``."""

    def __init__(self, directory: str, quiet: bool, stream=None, last_verdict_at: float | None = None):
        self.stream, self.quiet, self.directory = stream or sys.stderr, quiet, directory
        self.started, self.bar, self.last_verdict_at = time.perf_counter(), None, last_verdict_at
        if not quiet and not self.stream.isatty():
            self.stream.write(f"writing the report to {directory} ...\n")
            self.stream.flush()

    def __call__(self, done: int, total: int) -> None:
        if self.quiet or not self.stream.isatty():
            return
        if self.bar is None:
            from tqdm import tqdm

            self.bar = tqdm(total=total, file=self.stream, unit="claim", leave=False, desc="writing the report")
        self.bar.update(done - self.bar.n)

    def close(self, written: bool) -> None:
        if self.bar is not None:
            self.bar.close()
        if not self.quiet and written:
            now = time.perf_counter()
            after = (f", {now - self.last_verdict_at:.1f} s after the last verdict"
                     if self.last_verdict_at is not None else "")
            self.stream.write(f"report written in {now - self.started:.1f} s{after}\n")
            self.stream.flush()
