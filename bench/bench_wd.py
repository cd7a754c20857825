"""Benchmark: the weight-decay GD trainer (``numerics.wd.train``), vectorised over the examples, against a per-example
Python loop of the same full-batch GD.

Problem: the ``shallow`` setup of the ``wd`` claims (n = 10 unit inputs in R^20, m = 100 ReLU units with fixed
output signs u / sqrt(m), lambda = 0.01, c_reg = 2, eta = 1), and the ``deep_relu`` one (L = 3, width 50).

* vectorised: ``numerics.wd.train`` for S steps (one batched forward and backward pass per step, window statistics
  over the last S/2 steps), best of R after a warm-up;
* loop: the same GD step with the gradient summed example by example (a forward and backward pass per input).

Rates are GD steps per second; the ratio is vectorised / loop. An agreement check runs both for 50 steps from the
same start and reports the largest relative difference of the final weights (rounding level).

    python bench/bench_wd.py [--steps 4000] [--loop-steps 400] [--repeats 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import timeit

import numpy as np
import scipy

from numerics.wd import logistic_task, random_net, shallow_net, train


def loop_step(net, layers, X, y, lam, c, eta):
    """One full-batch GD step, the gradient accumulated one example at a time."""
    G = [np.zeros_like(W) for W in layers]
    relu = net.activation == "relu"
    for x, label in zip(X, y):
        hs, zs = [x], []
        for k, W in enumerate(layers):
            z = W @ hs[-1]
            zs.append(z)
            hs.append(z if (not relu or k == len(layers) - 1) else np.maximum(z, 0))
        m = label * zs[-1][0]
        delta = np.array([-label / (1 + np.exp(m)) / X.shape[0]])
        for k in range(len(layers) - 1, -1, -1):
            G[k] += np.outer(delta, hs[k])
            if k:
                delta = layers[k].T @ delta
                if relu:
                    delta = delta * (zs[k - 1] > 0)
    return [W - eta * (g + c * lam * W) if t else W for W, g, t in zip(layers, G, net.trained)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=4000)
    parser.add_argument("--loop-steps", type=int, default=400)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
          f"{os.cpu_count()} cores, OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}")
    lam, c = 0.01, 2
    for name, make, eta in (("shallow (m = 100)", lambda rng: shallow_net(100, 20, rng), 1.0),
                            ("deep_relu (L = 3, width 50)", lambda rng: random_net((20, 50, 50), "relu", rng), 0.5)):
        rng = np.random.default_rng(0)
        X, y = logistic_task(10, 20, rng)
        net = make(rng)
        train(net, X, y, lam=lam, c_reg=c, eta=eta, steps=100, window=100)          # warm-up
        best = min(timeit.timeit(lambda: train(net, X, y, lam=lam, c_reg=c, eta=eta, steps=args.steps // 2,
                                                window=args.steps // 2), number=1) for _ in range(args.repeats))
        layers = [W.copy() for W in net.layers]
        t0 = time.perf_counter()
        for _ in range(args.loop_steps):
            layers = loop_step(net, layers, X, y, lam, c, eta)
        loop = time.perf_counter() - t0
        fast, slow = args.steps / best, args.loop_steps / loop
        check = [W.copy() for W in net.layers]
        for _ in range(50):
            check = loop_step(net, check, X, y, lam, c, eta)
        ref = train(net, X, y, lam=lam, c_reg=c, eta=eta, steps=49, window=1).net.layers
        diff = max(float(np.max(np.abs(a - b)) / np.max(np.abs(b))) for a, b in zip(check, ref))
        print(f"{name}: vectorised {fast:,.0f} steps/s (incl. window statistics), per-example loop {slow:,.0f} "
              f"steps/s, ratio {fast / slow:.1f}x; agreement after 50 steps: {diff:.1e} relative")


if __name__ == "__main__":
    main()
