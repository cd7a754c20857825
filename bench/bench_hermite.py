"""Benchmark: Hermite coefficients k <= 30 of every registered activation at dps = 30.

Targets (issue 3): all of them within 10 s cold on 2 cores; a repeated request
served from the cache in under 10 ms. Run in a fresh process so the cache and
mpmath's node cache start cold:

    python bench/bench_hermite.py
"""

from __future__ import annotations

import time

import theory

PARAMS = {"polynomial": {"coeffs": (1.0, -0.5, 0.25, 2.0)}, "hermite": {"k": 5}, "leaky_relu": {"slope": 0.3},
          "elu": {"alpha": 0.5}}


def main() -> None:
    per = {}
    start = time.perf_counter()
    for name in theory.activations():
        t0 = time.perf_counter()
        theory.hermite_coefficients(name, 30, scale=1.0, dps=30, **PARAMS.get(name, {}))
        per[name] = time.perf_counter() - t0
    cold = time.perf_counter() - start
    repeats = 1000
    t0 = time.perf_counter()
    for _ in range(repeats):
        theory.hermite_coefficients("tanh", 30, scale=1.0, dps=30)
    cached = (time.perf_counter() - t0) / repeats
    slowest = sorted(per.items(), key=lambda kv: -kv[1])[:5]
    print(f"cold, all {len(per)} activations, k <= 30, dps 30: {cold:.2f} s (target 10 s)")
    print("slowest: " + ", ".join(f"{n} {t:.2f} s" for n, t in slowest))
    print(f"cached repeat (tanh): {cached * 1e3:.4f} ms (target 10 ms)")


if __name__ == "__main__":
    main()
