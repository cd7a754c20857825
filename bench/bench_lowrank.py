"""Benchmark: the fast four-term gradient decomposition against the unavoidable products and the reference.

At the paper's size (n, d, m) = (750, 1000, 1250), NTK scaling, sphere inner
weights, +-1 outer weights, triple-index target, spiked data (nu = 0.375,
alpha = 0), for relu and tanh with mu = "population" and mu = "empirical":

* T_prod   best of R of X_B @ W.T plus best of R of X_B.T @ D (D: n x m), the two products
           no method can avoid;
* T_fast   best of R of numerics.lowrank.gradient_decomposition(..., k=3): gradient, G, S1, S12, S2, E
           and the top-3 singular triplets (PROPACK Lanczos);
* T_ref    best of R of numerics.lowrank._reference.reference_decomposition (the note's appendix: every
           term from its definition, three products, full SVD, values only);
* T_ref+v  T_ref0, the reference without its SVD (singular_values=False), plus svd_v, best of R
           of a full SVD with vectors, np.linalg.svd(G, full_matrices=False): the like-for-like
           comparison with "top-3 triplets".

Targets: T_fast / T_prod <= 3, T_ref / T_fast >= 3 (both ref variants are judged), the top-3
singular values within 1e-10 (relative) of a full SVD of the same G, and the peak memory of one
fast call < 1 GiB (tracemalloc, which numpy reports its buffers to; ru_maxrss as a cross-check).
"rel F diff" is ||fast - ref||_F / ||ref||_F per term. A peak far below n*m*d*8 bytes shows no
n x m x d intermediate was formed. Time on a quiet machine (about 30 s on 2 cores; --quick: small sizes):

    python bench/bench_lowrank.py [--quick] [--repeats R] [--seed S]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import time
import tracemalloc

import numpy as np
import scipy

import numerics
from numerics.lowrank._reference import reference_decomposition

TERMS = ("G", "S1", "S12", "S2", "E")


def best_of(fn, repeats: int) -> float:
    """Best wall time of ``repeats`` calls after one warm-up call."""
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def environment(seed: int, repeats: int, sizes: tuple[int, int, int]) -> None:
    blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
    threads = {k: os.environ[k] for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
               if k in os.environ}
    print(f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
          f"{platform.machine()} {platform.processor() or platform.system()}, cpu_count {os.cpu_count()}, "
          f"load average {os.getloadavg()[0]:.2f} (other processes skew timings on a shared machine)")
    print(f"BLAS: {blas.get('name')} {blas.get('version')} ({blas.get('openblas configuration', '').strip()}); "
          f"thread env: {threads or 'unset'}")
    print(f"(n, d, m) = {sizes}, seed {seed}, best of {repeats} after one warm-up, NTK scaling, "
          f"sphere W, +-1 a, triple-index target, nu = 0.375, alpha = 0")


def problem(n: int, d: int, m: int, seed: int):
    rng = np.random.default_rng(seed)
    data = numerics.lowrank.spiked_data(n, d, nu=0.375, alpha=0.0, rng=rng)
    W = numerics.lowrank.inner_weights(m, d, "sphere", rng=rng)
    a = numerics.lowrank.outer_weights(m, rng=rng)
    y = numerics.lowrank.target(data, "triple_index", rng=rng)
    return data, W, a, y


def run_case(data, W, a, y, activation: str, mu: str, repeats: int) -> dict:
    X_B, z, q, zeta = data.X_B, data.z, data.q, data.zeta

    def fast():
        return numerics.lowrank.gradient_decomposition(X_B, z, q, zeta, W, a, y, activation=activation, scaling="ntk",
                                               mu=mu, bulk_cov=data.bulk, k=3)

    dec = fast()

    def ref(sv: bool = True):
        return reference_decomposition(X_B, z, q, zeta, W, a, y, dec.mu, activation=activation, scaling="ntk",
                                       singular_values=sv)

    D = np.ascontiguousarray(np.outer(dec.r, a) * np.tanh(X_B @ W.T))   # any dense n x m float64 matrix
    out = {"prod": best_of(lambda: X_B @ W.T, repeats) + best_of(lambda: X_B.T @ D, repeats),
           "fast": best_of(fast, repeats),
           "ref": best_of(ref, repeats),
           "ref_nosvd": best_of(lambda: ref(False), repeats),
           "svd_vec": best_of(lambda: np.linalg.svd(dec.G, full_matrices=False), repeats)}
    out["ref_vec"] = out["ref_nosvd"] + out["svd_vec"]
    full_sv = np.linalg.svd(dec.G, compute_uv=False)[:3]
    out["method"] = getattr(dec, "svd_method", "n/a")
    out["sv_rel"] = float(np.max(np.abs(dec.singular_values - full_sv) / full_sv))
    reference = ref()
    out["frob"] = {t: float(np.linalg.norm(getattr(dec, t) - getattr(reference, t))
                            / np.linalg.norm(getattr(reference, t))) for t in TERMS}
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    fast()
    out["peak"] = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    return out


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="(n, d, m) = (150, 200, 250) instead of (750, 1000, 1250)")
    parser.add_argument("--repeats", type=int, default=5, help="best of R timings (default 5)")
    parser.add_argument("--seed", type=int, default=20251001)
    args = parser.parse_args()
    n, d, m = (150, 200, 250) if args.quick else (750, 1000, 1250)
    environment(args.seed, args.repeats, (n, d, m))
    data, W, a, y = problem(n, d, m, args.seed)
    results = {(act, mu): run_case(data, W, a, y, act, mu, args.repeats)
               for act in ("relu", "tanh") for mu in ("population", "empirical")}

    print("\nTimes (ms) and ratios; targets: fast/prod <= 3, ref/fast >= 3")
    head = (f"{'activation':<10} {'mu':<10} {'T_prod':>8} {'T_fast':>8} {'T_ref':>8} {'T_ref+v':>8} "
            f"{'T_ref0':>7} {'svd_v':>6} {'fast/prod':>10} {'ref/fast':>9} {'ref+v/fast':>11}")
    print(head + "\n" + "-" * len(head))
    ok = True
    for (act, mu), r in results.items():
        f_p, r_f, rv_f = r["fast"] / r["prod"], r["ref"] / r["fast"], r["ref_vec"] / r["fast"]
        ok &= f_p <= 3 and r_f >= 3 and rv_f >= 3
        print(f"{act:<10} {mu:<10} {r['prod'] * 1e3:8.1f} {r['fast'] * 1e3:8.1f} {r['ref'] * 1e3:8.1f} "
              f"{r['ref_vec'] * 1e3:8.1f} {r['ref_nosvd'] * 1e3:7.1f} {r['svd_vec'] * 1e3:6.1f} "
              f"{f_p:6.2f} {verdict(f_p <= 3)} {r_f:5.2f} {verdict(r_f >= 3)} {rv_f:7.2f} {verdict(rv_f >= 3)}")

    print("\nAccuracy: top-3 singular values vs full SVD of G_fast (target 1e-10); rel F diff fast vs reference")
    print(f"{'activation':<10} {'mu':<10} {'top-3 sv':>9} " + " ".join(f"{t:>9}" for t in TERMS) + "   peak MiB")
    for (act, mu), r in results.items():
        ok &= r["sv_rel"] <= 1e-10
        print(f"{act:<10} {mu:<10} {r['sv_rel']:9.1e} " + " ".join(f"{r['frob'][t]:9.1e}" for t in TERMS)
              + f"  {verdict(r['sv_rel'] <= 1e-10)} {r['peak'] / 2**20:6.1f}")
    print("top-3 method: " + "; ".join(sorted({r["method"] for r in results.values()})))

    one = n * m * d * 8
    peak = max(r["peak"] for r in results.values())
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024          # Linux: KiB
    ok &= peak < 2**30
    print(f"\nMemory: peak traced during one fast call {peak / 2**20:.1f} MiB (max over cases; target < 1 GiB) "
          f"{verdict(peak < 2**30)}; process ru_maxrss after all {rss / 2**20:.1f} MiB")
    print(f"one n x m x d float64 intermediate would be {one / 1e9:.1f} GB ({one / 2**30:.1f} GiB); "
          f"traced peak is {peak / one:.2%} of it; largest legitimate arrays: "
          f"n x m {n * m * 8 / 2**20:.1f} MiB, d x m {d * m * 8 / 2**20:.1f} MiB")
    print(f"\noverall: {'PASS' if ok else 'MISS'} (load average at the end {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
