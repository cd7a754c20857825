"""Covers numerics/_sampling.py: bounded memory of chunked Monte Carlo, blocking that changes no number, and the
work bound of the claims-file estimator (numerics/_formula_estimators.py) that uses it."""

import os
import subprocess
import sys
import textwrap
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

import numerics
import numerics._formula_estimators as formula_estimators
import numerics._sampling as sampling
from numerics import MC_CHUNK_BYTES, MC_MAX_EVALUATIONS, FormulaExpectationMC
from numerics._sampling import CHUNK, Rows, chunked_mean, row_block
from theory import InvalidArgument, ResourceLimit, parse_formula

ROOT = Path(__file__).resolve().parents[2]


def _rng(seed=0):
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(22,)))


def _sweep(num: int) -> dict:
    return {"a": tuple(np.linspace(0.0, 1.0, num).tolist())}


INTEGRAND = parse_formula("a*Z^2 + Z", ["Z", "a"])


def test_a_sweep_of_1000_values_stays_within_the_memory_budget():
    n = 1 << 14                       # one chunk: 1000 x 2^14 float64 = 125 MiB if held at once
    tracemalloc.start()
    try:
        est = FormulaExpectationMC(INTEGRAND)(_sweep(1000), rng=_rng(), n=n)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(est.value) == 1000 and est.n_samples == n
    assert peak < 1.25 * MC_CHUNK_BYTES < 1000 * n * 8
    # E[a Z^2 + Z] = a; the standard error is sqrt(2 a^2 + 1) / sqrt(n)
    a = np.linspace(0.0, 1.0, 1000)
    assert np.max(np.abs(np.array(est.value) - a) / np.array(est.std_error)) < 5.5


@pytest.mark.parametrize("block", [1, 11, 10**9])
def test_row_blocks_change_no_number(monkeypatch, block):
    whole = FormulaExpectationMC(INTEGRAND)(_sweep(37), rng=_rng(4), n=3000)
    monkeypatch.setattr(sampling, "row_block", lambda k: block)     # 1, 11 or all 37 rows a block
    assert FormulaExpectationMC(INTEGRAND)(_sweep(37), rng=_rng(4), n=3000) == whole


def test_the_row_block_depends_only_on_the_chunk():
    assert row_block(CHUNK) == MC_CHUNK_BYTES // (4 * 8 * CHUNK) == 8 and row_block(MC_CHUNK_BYTES) == 1


def test_rows_give_the_numbers_of_the_whole_array():
    s = np.linspace(0.5, 2.0, 20).reshape(-1, 1)

    def array(rng, k):
        return np.tanh(s * rng.standard_normal(k))

    def rows(rng, k):
        z = rng.standard_normal(k)
        return Rows(len(s), lambda lo, hi: np.tanh(s[lo:hi] * z))

    for chunk in (CHUNK, 1000):
        a = chunked_mean(array, rng=_rng(1), n=5000, chunk=chunk, method="m")
        assert chunked_mean(rows, rng=_rng(1), n=5000, chunk=chunk, method="m") == a


def test_a_chunk_wider_than_the_budget_is_refused():
    with pytest.raises(InvalidArgument, match="chunk"):
        chunked_mean(lambda rng, k: rng.standard_normal((1, k)), rng=_rng(), n=10,
                     chunk=MC_CHUNK_BYTES // 32 + 1, method="m")


def test_work_beyond_the_bound_is_a_resource_limit_before_any_draw(monkeypatch):
    def started(*args, **kwargs):
        raise AssertionError("the estimator started drawing")

    monkeypatch.setattr(formula_estimators, "chunked_mean", started)
    num, n = 5000, 1 << 20
    assert num * n > MC_MAX_EVALUATIONS
    with pytest.raises(ResourceLimit, match="MC_MAX_EVALUATIONS") as info:
        FormulaExpectationMC(INTEGRAND)(_sweep(num), rng=_rng(), n=n)
    assert isinstance(info.value, MemoryError) and "5.24e+09 evaluations" in str(info.value)


def _limited(code: str, limit: int) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter whose address space is at most ``limit`` bytes (one BLAS thread)."""
    prelude = f"import resource; resource.setrlimit(resource.RLIMIT_AS, ({limit}, {limit}))\n"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1"}
    return subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)], capture_output=True, text=True,
                          env=env, cwd=ROOT, timeout=300)


@pytest.mark.slow
def test_the_issue_sweep_runs_in_1_5_gib_of_address_space():
    # Issue 22: 1000 values x one chunk of 2^18 draws allocated 2 GiB at once (4 GiB peak) and the claim
    # FAILed with MemoryError. Importing numpy, scipy and mpmath takes about 0.4 GiB of the 1.5.
    done = _limited("""
        import numpy as np
        from numerics import FormulaExpectationMC
        from theory import parse_formula
        f = parse_formula("a*Z^2 + Z", ["Z", "a"])
        est = FormulaExpectationMC(f)({"a": tuple(np.linspace(0, 1, 1000).tolist())},
                                      rng=np.random.default_rng(0), n=1 << 18)
        print(len(est.value), est.n_samples)
        """, 3 << 29)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["1000", str(1 << 18)]


def test_numerics_exports_the_bounds():
    assert numerics.MC_CHUNK_BYTES == 64 << 20 and numerics.MC_MAX_EVALUATIONS == 1 << 32


@pytest.mark.parametrize("scale", [1e-300, 1e-200, 1e200, 1e300])
def test_values_at_the_edges_of_float64_neither_overflow_nor_underflow(scale):
    # sum (v - mean)^2 of values near 1e300 overflowed (a NaN standard error), near 1e-300 underflowed to 0
    est = chunked_mean(lambda rng, k: scale * (rng.standard_normal((1, k)) + 1), rng=_rng(6), n=20_000, method="m")
    unit = chunked_mean(lambda rng, k: rng.standard_normal((1, k)) + 1, rng=_rng(6), n=20_000, method="m")
    assert est.value[0] == pytest.approx(scale * unit.value[0], rel=1e-13)
    assert est.std_error[0] == pytest.approx(scale * unit.std_error[0], rel=1e-13)
