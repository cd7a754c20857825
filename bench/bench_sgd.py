"""Benchmark: vectorised SGD over many chains against a plain per-chain Python loop of the same update.

Model: online linear regression with N = 10 weights (``numerics.OnlineLinearSGD``), inputs
x = sqrt(lam) z with lam = geomspace(1, 0.1, 10), batch B = 1, eta = 0.01, label noise
sigma2 = 1. One SGD step of one chain is

    r = x^T delta - sqrt(sigma2) eps,    delta <- delta - (eta/B) r x.

* vectorised: ``OnlineLinearSGD.run`` on 10,000 chains, all advanced together (chains on the
  last axis, one generator per block of 256 chains). Timed twice: with ``thin = steps`` (one
  record: the stepping alone, like-for-like with the loop) and with ``thin = 1`` (every step
  also accumulates v v^T per chain for the stationary covariance);
* loop: for each chain, for each step, draw z (N normals) and eps with ``rng.standard_normal``
  and apply the update above with numpy on that one chain (fewer chain-steps: it is slow).

Rates are chain-steps per second (chains x steps / wall time, best of R after a warm-up for
the vectorised run, one run for the loop); the ratio is vectorised / loop. An agreement check
feeds both implementations the same random numbers for a few chains and reports the largest
difference of the final weights (it must be at rounding level: the same arithmetic).

    python bench/bench_sgd.py [--chains 10000] [--steps 500] [--loop-chains 200] [--repeats 3] [--seed S]
"""

from __future__ import annotations

import argparse
import os
import platform
import time

import numpy as np
import scipy

from numerics import OnlineLinearSGD

N, ETA, BATCH, SIGMA2 = 10, 0.01, 1, 1.0
LAM = np.geomspace(1.0, 0.1, N)


def model() -> OnlineLinearSGD:
    return OnlineLinearSGD(lam=LAM, eta=ETA, batch=BATCH, sigma2=SIGMA2)


def loop_chain(rng: np.random.Generator, steps: int, draws=None) -> np.ndarray:
    """One chain, one step at a time (``draws`` = (z, eps) replays given random numbers)."""
    sl, s, delta = np.sqrt(LAM), np.sqrt(SIGMA2), np.zeros(N)
    for t in range(steps):
        z, eps = (rng.standard_normal((BATCH, N)), rng.standard_normal(BATCH)) if draws is None else \
            (draws[0][t], draws[1][t])
        x = sl * z
        r = x @ delta - s * eps
        delta -= (ETA / BATCH) * (r @ x)
    return delta


def time_loop(chains: int, steps: int, seed: int) -> float:
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    for _ in range(chains):
        loop_chain(rng, steps)
    return time.perf_counter() - t0


def time_vectorised(chains: int, steps: int, thin: int, seed: int, repeats: int) -> float:
    sim = model()
    sim.run(chains, rng=np.random.default_rng(seed), burn_in=0, steps=min(steps, 20), thin=min(thin, 20))
    best = np.inf
    for r in range(repeats):
        t0 = time.perf_counter()
        sim.run(chains, rng=np.random.default_rng(seed + r), burn_in=0, steps=steps, thin=thin)
        best = min(best, time.perf_counter() - t0)
    return best


def agreement(seed: int, chains: int = 8, steps: int = 200) -> float:
    """Max |delta_vectorised - delta_loop| after ``steps`` steps on the same random numbers."""
    rng = np.random.default_rng(seed)
    z, eps = rng.standard_normal((steps, BATCH, N, chains)), rng.standard_normal((steps, BATCH, chains))
    sim, u = model(), np.zeros((N, chains))
    ws = sim._workspace(chains)
    for t in range(steps):
        ws["x"][...], ws["eps"][...] = z[t], eps[t]
        sim._step(u, ws)
    loops = [loop_chain(rng, steps, (z[..., c], eps[..., c])) for c in range(chains)]
    return float(np.abs(u - np.array(loops).T).max())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chains", type=int, default=10_000, help="chains of the vectorised run")
    parser.add_argument("--steps", type=int, default=500, help="steps of the vectorised run")
    parser.add_argument("--loop-chains", type=int, default=200, help="chains of the per-chain loop")
    parser.add_argument("--loop-steps", type=int, default=500, help="steps per chain of the loop")
    parser.add_argument("--repeats", type=int, default=3, help="vectorised runs (best of)")
    parser.add_argument("--seed", type=int, default=20251107)
    args = parser.parse_args()
    threads = {k: os.environ[k] for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
               if k in os.environ}
    print(f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
          f"{platform.machine()} {platform.system()}, cpu_count {os.cpu_count()}, thread env {threads or 'unset'}, "
          f"load average {os.getloadavg()[0]:.2f}")
    print(f"online linear SGD: N = {N}, B = {BATCH}, eta = {ETA}, sigma2 = {SIGMA2}, lam = geomspace(1, 0.1, {N}); "
          f"seed {args.seed}")
    t_step = time_vectorised(args.chains, args.steps, args.steps, args.seed, args.repeats)
    t_rec = time_vectorised(args.chains, args.steps, 1, args.seed, args.repeats)
    t_loop = time_loop(args.loop_chains, args.loop_steps, args.seed)
    work, loop_work = args.chains * args.steps, args.loop_chains * args.loop_steps
    rate_step, rate_rec, rate_loop = work / t_step, work / t_rec, loop_work / t_loop
    print(f"{'implementation':44s} {'chains':>7s} {'steps':>6s} {'wall s':>8s} {'chain-steps/s':>14s} {'ratio':>7s}")
    for name, c, s, t, rate in (
            ("vectorised, stepping only (thin = steps)", args.chains, args.steps, t_step, rate_step),
            ("vectorised, recording v v^T (thin = 1)", args.chains, args.steps, t_rec, rate_rec),
            ("per-chain Python loop (numpy per chain)", args.loop_chains, args.loop_steps, t_loop, rate_loop)):
        print(f"{name:44s} {c:7d} {s:6d} {t:8.3f} {rate:14.4g} {rate / rate_loop:7.1f}")
    print(f"ratio vectorised / loop: {rate_step / rate_loop:.0f} (stepping), "
          f"{rate_rec / rate_loop:.0f} (with recording)")
    print(f"steps per second of all {args.chains} chains: {args.steps / t_step:.0f} (stepping), "
          f"{args.steps / t_rec:.0f} (with recording)")
    print(f"agreement on identical random numbers (8 chains x 200 steps): max |diff| = {agreement(args.seed):.2e}")
    print(f"load average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
