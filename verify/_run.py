"""Running many claims: the run-wide false-fail rate split over the statistical claims, the work spread over
an executor's workers.

In process (the default of :func:`run`, ``--jobs 1``) each claim is checked in turn in this thread. With an
executor (:mod:`verify._executors`), each selected claim gets a driver thread here that runs the same
:func:`verify.check`, but sends its prediction, each look's estimate, each independent draw of an estimator
that maps its draws (:func:`numerics.map_draws`) and its pictures to the workers. The drivers only compare and
decide, which is cheap; verdicts are collected in this thread, in the order they are decided, and returned in
the order the claims were selected. A claim's numbers come from its own streams (:func:`verify.stream_key`),
so they do not depend on the executor, the number of workers or the order of the work.
"""

from __future__ import annotations

import signal
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import replace
from datetime import datetime, timezone
from typing import Callable, Mapping, Sequence

import cloudpickle

from numerics import drawing_with

from . import _work
from ._arguments import run_arguments
from ._budget import budget as lookup_budget
from ._check import DEFAULT_FALSE_FAIL_RATE, DEFAULT_FALSE_PASS_RATE, Progress, check, estimate, one_blas_thread
from ._claim import Claim
from ._executors import ClaimTimedOut, Executor, WorkerLost
from ._outputs import resources
from ._protocols import maps_draws
from ._result import RunResult, per_claim_rate
from ._signals import HANDLED, hand_on
from ._verdict import FAIL, INCONCLUSIVE, Verdict
from .report import claim_pictures, verdict_plot

__all__ = ["RunResult", "run", "per_claim_rate"]


def run(claims: Sequence[Claim], *, seed: int = 0, budget: str = "standard",
        false_fail_rate: float = DEFAULT_FALSE_FAIL_RATE,
        false_pass_rate: float = DEFAULT_FALSE_PASS_RATE,
        progress: Progress | None = None,
        on_verdict: Callable[[Verdict], None] | None = None,
        executor: Executor | None = None, claim_timeout: float | None = None,
        decided: Mapping[str, Verdict] | None = None, pictures: bool = True,
        order: Callable[[Claim], float] | None = None) -> RunResult:
    """Check every claim; a KeyboardInterrupt ends the run early but keeps what was decided.

    ``executor`` (:func:`verify.make_executor`) spreads the work over its workers; without one, every claim is
    checked here in turn. ``claim_timeout`` (seconds, with an executor) gives a claim that runs longer an
    INCONCLUSIVE verdict saying so. ``decided`` holds verdicts already decided (by an interrupted run being
    resumed, or from a cache), by claim id: those claims are not checked again. ``on_verdict`` is called here,
    in this thread, as each verdict is decided. ``pictures`` draws each claim's illustrations and the report's plot
    of its looks with its verdict, where it is decided (False: the report draws them when it is written).
    ``order`` (larger first) only changes which claims start first, never their numbers.

    Every argument is checked before any claim is (:class:`InvalidArgument` naming it): ``claims`` a sequence of
    :class:`Claim` with distinct ids, ``seed``, ``budget``, the rates (the false-fail rate large enough to split
    over the selection, :func:`per_claim_rate`), the callables, ``executor``, ``claim_timeout``, ``decided``.
    A claim's own failure is its verdict and the run goes on: FAIL when its code raised, INCONCLUSIVE when it
    ran out of memory (``MemoryError``, :class:`ResourceLimit`: "resources: ...") or time.
    """
    claims, plan = run_arguments(claims, seed=seed, budget=budget, false_fail_rate=false_fail_rate,
                                 false_pass_rate=false_pass_rate, progress=progress, on_verdict=on_verdict,
                                 executor=executor, claim_timeout=claim_timeout, decided=decided, pictures=pictures,
                                 order=order)
    rate = per_claim_rate(claims, false_fail_rate, budget=plan)
    seed, budget = int(seed), plan.name
    false_fail_rate, false_pass_rate = float(false_fail_rate), float(false_pass_rate)
    started = datetime.now(timezone.utc).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    decided = dict(decided or {})
    results: dict[int, Verdict] = {i: decided[c.id] for i, c in enumerate(claims) if c.id in decided}
    todo = [i for i in range(len(claims)) if i not in results]
    settings = dict(seed=seed, budget=plan, false_fail_rate=rate, false_pass_rate=false_pass_rate,
                    progress=progress)
    interrupted = False
    try:
        with one_blas_thread():  # held for the whole run: the drivers' own pins nest inside it
            if executor is None:
                for i in todo:
                    results[i] = _checked(claims[i], settings, None, None, pictures)
                    if on_verdict:
                        on_verdict(results[i])
            else:
                if order is not None:
                    todo.sort(key=lambda i: -order(claims[i]))
                _spread(claims, todo, settings, executor, claim_timeout, pictures, results, on_verdict)
    except KeyboardInterrupt:
        interrupted = True
    verdicts = tuple(results[i] for i in sorted(results))
    reused = sum(v.reused is not None for v in verdicts)
    return RunResult(verdicts, seed, budget, false_fail_rate, false_pass_rate, started, time.perf_counter() - t0,
                     len(claims), interrupted, executor.name if executor else "in-process",
                     resumed=sum(c.id in decided for c in claims) - reused, reused=reused,
                     false_fail_rate_per_claim=rate)


def _spread(claims, todo, settings, executor: Executor, timeout, pictures, results, on_verdict) -> None:
    stop = threading.Event()
    drivers = ThreadPoolExecutor(max_workers=max(min(len(todo), 2 * executor.workers + 2), 1),
                                 thread_name_prefix="verify-claim")
    try:
        with _Held() as held:
            pending = {drivers.submit(_drive, claims[i], settings, executor, timeout, pictures, stop): i
                       for i in todo}
            while pending:
                done, _ = wait(pending, timeout=0.5, return_when=FIRST_COMPLETED)
                for future in done:
                    i = pending.pop(future)
                    results[i] = future.result()
                    if on_verdict:
                        on_verdict(results[i])
                held.deliver()
    except BaseException:
        stop.set()
        with _Held() as again:  # a second Ctrl-C while the workers stop is ignored: they are being stopped
            executor.close(kill=True)
            drivers.shutdown(wait=True, cancel_futures=True)
            again.caught.clear()
        raise
    drivers.shutdown(wait=True)


class _Held:
    """SIGINT, SIGTERM and SIGHUP held while the main thread waits on the drivers, and delivered (to the handler
    that was installed before) at a safe point: raised inside ``concurrent.futures.wait``, a KeyboardInterrupt can
    leave a future's lock held, and the run would hang. Outside the main thread, signals are left alone."""

    _SIGNALS = HANDLED

    def __init__(self) -> None:
        self.previous: dict[int, object] = {}
        self.caught: list[tuple[int, object]] = []

    def __enter__(self) -> "_Held":
        if threading.current_thread() is threading.main_thread():
            for signum in self._SIGNALS:
                self.previous[signum] = signal.signal(signum, lambda n, frame: self.caught.append((n, frame)))
        return self

    def __exit__(self, kind, exc, tb) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)
        if kind is None:
            self.deliver()  # a signal that came as the last claim was decided still stops the run

    def deliver(self) -> None:
        """Hand the first signal held to its own handler (which raises, for Ctrl-C), or to the default action."""
        if not self.caught:
            return
        signum, frame = self.caught.pop(0)
        hand_on(signum, self.previous.get(signum, signal.SIG_DFL), frame)


def _drive(claim: Claim, settings: dict, executor: Executor, timeout: float | None, pictures: bool,
           stop: threading.Event) -> Verdict | None:
    if stop.is_set():
        return None
    deadline = time.monotonic() + timeout if timeout else None
    return _checked(claim, settings, lambda: _OnWorkers(executor, claim, deadline), timeout, pictures)


def _checked(claim: Claim, settings: dict, where: Callable | None, timeout, pictures: bool) -> Verdict:
    """The verdict of ``claim``, its calls made where ``where()`` says (None: here); whatever goes wrong with
    the claim or its worker becomes the claim's verdict, with no look (such a verdict is never stored)."""
    start = time.perf_counter()
    try:
        calls = where() if where else None
        verdict = check(claim, calls=calls, **settings)
    except ClaimTimedOut:
        return _undecided(claim, INCONCLUSIVE, f"the claim ran past its timeout of {timeout or 0:g} s", settings,
                          start)
    except WorkerLost as exc:
        return _undecided(claim, FAIL, str(exc), settings, start)
    except MemoryError as exc:  # ResourceLimit too: the evidence was not gathered, nothing disagreed
        return _undecided(claim, INCONCLUSIVE, resources(exc), settings, start)
    except Exception as exc:  # noqa: BLE001  (one broken claim must not lose the run)
        return _undecided(claim, FAIL, f"the claim raised {type(exc).__name__}: {exc}", settings, start)
    if not pictures:
        return verdict
    if claim.illustrations:
        verdict = replace(verdict, pictures=_drawn(claim, "pictures", calls.pictures if calls else
                                                   lambda: claim_pictures(claim), ()))
    return replace(verdict, plot=_drawn(claim, "plot", (lambda: calls.plot(verdict)) if calls else
                                        lambda: verdict_plot(verdict), None))


def _drawn(claim: Claim, what: str, draw: Callable, nothing):
    """``draw()``; one that fails is ``nothing``, with a line on stderr (a picture must not lose the verdict)."""
    try:
        return draw()
    except Exception as exc:  # noqa: BLE001
        sys.stderr.write(f"{what} of {claim.id} not drawn: {type(exc).__name__}: {exc}\n")
        return nothing


def _undecided(claim: Claim, outcome: str, reason: str, settings: dict, start: float) -> Verdict:
    return Verdict(claim, outcome, reason, (), int(settings["seed"]), lookup_budget(settings["budget"]).name,
                   settings["false_fail_rate"], 0.0, time.perf_counter() - start, pictures=())


class _OnWorkers:
    """A claim's calls (:class:`verify._check.Calls`) sent to an executor's workers."""

    def __init__(self, executor: Executor, claim: Claim, deadline: float | None):
        self.executor, self.deadline = executor, deadline
        self.blob = _work.ClaimBlob(claim)

    def _one(self, fn, *args):
        return self.executor.call_many(fn, [(self.blob, *args)], self.deadline)[0]

    def predict(self, claim: Claim):
        return self._one(_work.predict)

    def estimate(self, claim: Claim, seed: int, look: int, n: int | None):
        if not maps_draws(claim.estimator):
            return self._one(_work.estimate, seed, look, n)
        with drawing_with(self._map):  # the body runs here; its draws go to the workers
            return estimate(claim, seed, look, n)

    def _map(self, fn, items):
        data = cloudpickle.dumps(fn)
        return self.executor.call_many(_work.draw, [(data, item) for item in items], self.deadline)

    def pictures(self):
        return self._one(_work.pictures)

    def plot(self, verdict: Verdict):
        return self._one(_work.plot, replace(verdict, claim=None, pictures=None))
