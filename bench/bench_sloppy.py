"""Benchmark: GD trajectory ensembles vectorised over members against a per-member Python loop.

Problem: the A4 claim's (``sloppy.a4.ensemble_spectrum``): a 48 x 12 design with spectrum e^(-0.8 (k-1)),
eta = 0.5, T = 100 steps, sigma0 = 0.3. Both implementations accumulate the pooled first and second moments of
the recorded vector R w_t (R^T R = Sigma_hat) over all steps and members, which is what the claim's estimator needs.

* vectorised: ``numerics.sloppy.GDProblem.moments`` on S members (all rows of one array, one matmul per step, group sums
  for the jackknife), best of R after a warm-up;
* loop: for each member, for each step, the same update and accumulation on one vector (fewer members: it is slow).

Rates are member-steps per second; the ratio is vectorised / loop. An agreement check runs both on the same w_0
(a few members) and reports the largest relative difference of the pooled second moment (rounding level).

    python bench/bench_sloppy.py [--members 131072] [--loop-members 512] [--repeats 3] [--seed S]
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np
import scipy

import verify
from numerics.sloppy import linear_problem


def loop_moments(problem, w0: np.ndarray, T: int) -> tuple[np.ndarray, np.ndarray]:
    q = problem.record.shape[1]
    total, outer = np.zeros(q), np.zeros((q, q))
    for w in w0:
        for _ in range(T + 1):
            v = w @ problem.record
            total += v
            outer += np.outer(v, v)
            w = w - problem.eta * (w - problem.target) @ problem.hessian
    count = w0.shape[0] * (T + 1)
    return total / count, outer / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1 << 17)
    parser.add_argument("--loop-members", type=int, default=512)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20261202)
    args = parser.parse_args()
    values = verify.get("sloppy.a4.ensemble_spectrum").values
    problem, T, s0 = linear_problem(values), int(values["T"]), float(values["sigma0"])

    problem.moments(1024, s0, T, rng=np.random.default_rng(args.seed))          # warm-up
    best = min(_timed(lambda: problem.moments(args.members, s0, T, rng=np.random.default_rng(args.seed)))
               for _ in range(args.repeats))
    w0 = problem.initial(args.loop_members, s0, np.random.default_rng(args.seed))
    loop = _timed(lambda: loop_moments(problem, w0, T))
    vec_rate, loop_rate = args.members * (T + 1) / best, args.loop_members * (T + 1) / loop

    check = problem.initial(128, s0, np.random.default_rng(1))      # the w_0 that moments() draws from this seed
    _, outer = loop_moments(problem, check, T)
    streamed = problem.moments(128, s0, T, rng=np.random.default_rng(1), groups=2).outer.mean(axis=0)
    agreement = float(np.abs(streamed - outer).max() / np.abs(outer).max())

    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python "
          f"{platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}")
    print(f"vectorised moments: {args.members} members x {T + 1} steps in {best:.3f} s = {vec_rate:.3g} member-steps/s")
    print(f"per-member loop:    {args.loop_members} members x {T + 1} steps in {loop:.3f} s = {loop_rate:.3g} "
          "member-steps/s")
    print(f"ratio vectorised / loop: {vec_rate / loop_rate:.0f}x")
    print(f"agreement (same w_0, 128 members): max relative difference of the pooled second moment {agreement:.2e}")


def _timed(f) -> float:
    t0 = time.perf_counter()
    f()
    return time.perf_counter() - t0


if __name__ == "__main__":
    main()
