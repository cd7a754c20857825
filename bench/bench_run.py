"""Benchmark: the default run (every registered claim, standard budget) in process and on a pool of worker
processes, in the same invocation, with the estimates compared byte for byte.

Each run is timed from the first claim to the last verdict (``verify.run``), then its reports are written
(``verify.write_report``, timed apart). The ratio is wall(pool) / wall(in process); the issue's target is at
most 0.6 on a 2-core machine with ``--jobs 2``. Where the rest of the serial time goes is printed: the claims
that took longest, and the report writing. The estimates of the two runs (``report.json`` without the keys
that hold times) must be identical.

Then the cached rerun: the verdicts of the last run are put in a result store, and ``python -m verify run --cache``
(a fresh process: start-up, the lookup of every claim in the store, the reports) is timed; it verifies nothing.

    python bench/bench_run.py [--jobs 2] [--match PATTERN] [--budget standard] [--seed 0] [--skip-serial]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from verify import run, select, write_report
from verify._check import DEFAULT_FALSE_PASS_RATE
from verify._executors import make_executor
from verify._session import preload_modules
from verify._store import Store
from verify.report import report_dict


def _timed_run(claims, args, jobs):
    executor = make_executor("processes", jobs, preload=preload_modules(claims)) if jobs > 1 else None
    t0 = time.perf_counter()
    try:
        result = run(claims, seed=args.seed, budget=args.budget, executor=executor)
    finally:
        if executor is not None:
            executor.close()
    wall = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as out:
        t1 = time.perf_counter()
        write_report(result, out)
        writing = time.perf_counter() - t1
    return result, wall, writing


def _estimates(result) -> str:
    claims = report_dict(result)["claims"]
    for c in claims:
        c.pop("seconds")
    return json.dumps(claims, sort_keys=True)


def _cached_rerun(result, args) -> tuple[float, str]:
    """Seconds of ``python -m verify run --cache`` with every verdict of ``result`` in the cache, and its summary."""
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "cache", option="--cache", create=True)
        for verdict in result.verdicts:
            store.put(verdict, beta=DEFAULT_FALSE_PASS_RATE, commit=None)
        store.close()
        match = ("--match", args.match) if args.match else ()
        command = [sys.executable, "-m", "verify", "run", *match, "--budget", args.budget, "--seed", str(args.seed),
                   "--cache", str(Path(tmp) / "cache"), "--report", str(Path(tmp) / "report"), "--quiet"]
        t0 = time.perf_counter()
        out = subprocess.run(command, capture_output=True, text=True)
        return time.perf_counter() - t0, (out.stdout.strip().splitlines() or ["(no output)"])[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--match", default=None)
    parser.add_argument("--budget", default="standard")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip-serial", action="store_true", help="only the pool run")
    args = parser.parse_args()
    claims = select(args.match)
    print(f"{len(claims)} claims, budget {args.budget}, seed {args.seed}; {platform.processor() or platform.machine()}"
          f", {os.cpu_count()} CPUs, Python {platform.python_version()}")
    runs = {}
    for jobs in ((args.jobs,) if args.skip_serial else (1, args.jobs)):
        result, wall, writing = _timed_run(claims, args, jobs)
        runs[jobs] = (result, wall)
        busy = sum(v.seconds for v in result.verdicts)
        print(f"--jobs {jobs}: {wall:.1f} s to decide {len(result.verdicts)} claims ({result.counts()}), "
              f"{writing:.1f} s to write the reports; sum of per-claim times {busy:.1f} s")
        for v in sorted(result.verdicts, key=lambda v: -v.seconds)[:8]:
            print(f"    {v.seconds:7.1f} s  {v.claim.id}")
    if len(runs) == 2:
        (serial, t1), (spread, tn) = runs[1], runs[args.jobs]
        same = _estimates(serial) == _estimates(spread)
        print(f"ratio wall(--jobs {args.jobs}) / wall(--jobs 1) = {tn / t1:.3f}; estimates identical: {same}")
    seconds, summary = _cached_rerun(runs[args.jobs][0], args)
    print(f"cached rerun (python -m verify run --cache, every verdict stored): {seconds:.1f} s\n    {summary}")


if __name__ == "__main__":
    main()
