"""Where a run's work goes: a process pool on this machine, or a Dask cluster.

Both are existing engines (``concurrent.futures.ProcessPoolExecutor`` and ``dask.distributed.Client``); this
module only adapts them to one call, :meth:`Executor.call_many` (run ``fn(*args)`` for each argument tuple on
the workers, results in order), and turns their failures into two typed ones:

* :class:`WorkerLost`: a worker process died while running the work (killed, out of memory, a lost Dask
  worker). A process pool is broken by such a death, and it does not say whose work killed it: the pool is
  replaced and the work caught in the break is sent again; work caught in a second break runs alone, in a
  fresh process, and the work that dies there too is given up on; the rest goes on.
* :class:`ClaimTimedOut`: the claim's deadline passed. A process pool is then replaced, its processes
  terminated, so the runaway work does not hold a worker; work of other claims caught in that replacement
  is sent again without counting an attempt. A Dask task cannot be stopped once running: it is cancelled
  and its result ignored.

Nothing here decides and nothing computes; which work is sent is :mod:`verify._run`'s business.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import CancelledError, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Callable, Protocol, Sequence

from theory import InvalidArgument

__all__ = ["Executor", "ProcessPool", "DaskCluster", "WorkerLost", "ClaimTimedOut", "default_jobs", "make_executor"]


class WorkerLost(RuntimeError):
    """A worker died while running a claim's work (every attempt)."""


class ClaimTimedOut(TimeoutError):
    """A claim ran past its deadline."""


class Executor(Protocol):
    """Runs work on ``workers`` workers; ``name`` says which, for the report."""

    name: str
    workers: int

    def call_many(self, fn: Callable, arguments: Sequence[tuple], deadline: float | None = None) -> list:
        """``[fn(*a) for a in arguments]`` on the workers, in order; ``deadline`` is a ``time.monotonic()``."""

    def close(self) -> None:
        """Stop the workers (an executor is used for one run)."""


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not Linux
        return max(os.cpu_count() or 1, 1)


def _remaining(deadline: float | None) -> float | None:
    if deadline is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0:
        raise ClaimTimedOut()
    return left


class ProcessPool:
    """A pool of ``jobs`` worker processes on this machine, started by a fork server.

    The fork server imports ``preload`` (the modules of the claims' code) once; each worker is forked from
    it, so a worker starts with them imported and without the threads of the parent.
    """

    def __init__(self, jobs: int, preload: Sequence[str] = ()):
        self.workers = jobs
        self.name = f"processes x{jobs}"
        self._context = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(["verify._work", *preload])
        self._lock = threading.Lock()
        self._generation = 0
        self._killed: set[int] = set()
        self._closed = False
        self._pool = self._new()

    def _new(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=self._context)

    def _replace(self, generation: int, kill: bool) -> None:
        with self._lock:
            if generation != self._generation or self._closed:
                return  # another thread replaced it already
            old = self._pool
            if kill:
                self._killed.add(generation)
            self._pool, self._generation = self._new(), generation + 1
        _stop(old, kill)  # outside the lock: never wait for work while other threads need the pool

    def _current(self) -> tuple[ProcessPoolExecutor, int]:
        with self._lock:
            if self._closed:
                raise CancelledError("the run is stopping")
            return self._pool, self._generation

    def call_many(self, fn: Callable, arguments: Sequence[tuple], deadline: float | None = None) -> list:
        breaks = 0
        while True:
            pool, generation = self._current()
            try:
                futures = [pool.submit(fn, *a) for a in arguments]
            except (BrokenProcessPool, RuntimeError):  # replaced or broken before the work was sent: send again
                self._replace(generation, kill=False)
                continue
            done, waiting = wait(futures, timeout=_remaining(deadline))
            if waiting:  # the deadline passed (work that raises TimeoutError itself is not this)
                self._replace(generation, kill=True)
                raise ClaimTimedOut()
            try:
                return [f.result() for f in futures]  # the work's own exception, if any, as it was raised
            except (BrokenProcessPool, CancelledError):
                self._current()  # stopping: raise at once
                if generation in self._killed:
                    continue  # we stopped that pool (another claim's timeout): send again, as if new
                self._replace(generation, kill=False)
                breaks += 1
                if breaks < 2:
                    continue  # a worker died; perhaps not over this work: send it again once
                # broken twice with this work in it: run each piece alone, so a death is its own doing
                return [self._alone(fn, a, deadline) for a in arguments]

    def _alone(self, fn: Callable, args: tuple, deadline: float | None):
        """``fn(*args)`` in a process of its own: a death there is this work's doing."""
        self._current()
        solo = ProcessPoolExecutor(max_workers=1, mp_context=self._context)
        future = solo.submit(fn, *args)
        try:
            done, _ = wait([future], timeout=_remaining(deadline))
            if not done:
                raise ClaimTimedOut()
            return future.result()
        except BrokenProcessPool:
            raise WorkerLost("the worker process running it died (also when run alone)") from None
        finally:
            _stop(solo, kill=not future.done())

    def close(self, kill: bool = False) -> None:
        with self._lock:
            self._closed = True
            self._killed.add(self._generation)
            pool = self._pool
        _stop(pool, kill)


def _stop(pool: ProcessPoolExecutor, kill: bool) -> None:
    """Shut ``pool`` down; with ``kill``, terminate its processes (work still queued there then fails with
    BrokenProcessPool, and its callers send it again)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=not kill, cancel_futures=False)
    if kill:
        for p in processes:
            p.terminate()
        for p in processes:
            p.join(timeout=5)


class DaskCluster:
    """A Dask distributed cluster: the one at ``scheduler`` (``tcp://host:8786``), or else a ``LocalCluster`` of
    ``jobs`` worker processes with one thread each, started here and stopped by :meth:`close`."""

    def __init__(self, jobs: int, scheduler: str | None = None, *, connect_timeout: float = 10.0):
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            raise InvalidArgument("--executor", "dask", "an installed Dask (pip install 'theory-verifier[dask]')")
        self._cluster = None
        if scheduler is None:
            self._cluster = LocalCluster(n_workers=jobs, threads_per_worker=1, processes=True,
                                         dashboard_address=None, silence_logs=logging.ERROR)
            self._client = Client(self._cluster, set_as_default=False)
            self.name = f"dask LocalCluster x{jobs}"
        else:
            try:
                self._client = Client(scheduler, timeout=connect_timeout, set_as_default=False)
            except (OSError, TimeoutError, ValueError, TypeError) as exc:
                raise InvalidArgument("--scheduler", scheduler,
                                      "the address of a reachable Dask scheduler, like tcp://host:8786",
                                      hint=f"{type(exc).__name__}: {exc}") from None
            self.name = f"dask {scheduler}"
        workers = self._client.scheduler_info().get("workers", {})
        threaded = [w for w, info in workers.items() if info.get("nthreads", 1) > 1]
        if threaded:  # mpmath's precision and the BLAS thread limit are per process: one task at a time
            self.close()
            raise InvalidArgument("--scheduler", scheduler, "a cluster whose workers run one thread each",
                                  hint=f"start them with `dask worker --nthreads 1 ADDRESS`; {threaded[0]} has more")
        self.workers = max(len(workers), 1)

    def call_many(self, fn: Callable, arguments: Sequence[tuple], deadline: float | None = None) -> list:
        from dask.distributed import KilledWorker

        futures = [self._client.submit(fn, *a, pure=False) for a in arguments]
        results = []
        for f in futures:
            try:
                results.append(f.result(timeout=_remaining(deadline)))
            except KilledWorker as exc:
                raise WorkerLost(f"the Dask workers running it died: {exc}") from None
            except TimeoutError:
                if f.done():
                    raise  # the work's own TimeoutError
                self._client.cancel(futures)
                raise ClaimTimedOut() from None
        return results

    def close(self, kill: bool = False) -> None:
        self._client.close()
        if self._cluster is not None:
            self._cluster.close()


def make_executor(kind: str, jobs: int, *, scheduler: str | None = None, preload: Sequence[str] = ()) -> Executor:
    """``kind`` ``"processes"`` (a pool on this machine) or ``"dask"`` (a Dask cluster)."""
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise InvalidArgument("jobs", jobs, "a positive integer")
    if kind == "processes":
        if scheduler is not None:
            raise InvalidArgument("--scheduler", scheduler, "given only with --executor dask")
        return ProcessPool(jobs, preload)
    if kind == "dask":
        return DaskCluster(jobs, scheduler)
    raise InvalidArgument("executor", kind, "'processes' or 'dask'")
