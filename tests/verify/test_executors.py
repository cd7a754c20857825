"""Covers verify/_executors.py, verify/_run.py and numerics/_draws.py: the same numbers in process, on a process
pool and on a Dask LocalCluster of 2 workers; a claim that raises, kills its worker or runs past its timeout
gets its verdict and the run goes on."""

import json
import os
import time
from collections import Counter
from dataclasses import dataclass, replace

import numpy as np
import pytest

from numerics import Estimate, draw_seeds, drawing_with, map_draws, seed_of
from theory import InvalidArgument
from verify import FAIL, INCONCLUSIVE, PASS, run, select
from verify._executors import DaskCluster, ProcessPool, make_executor
from verify.report import report_dict

from .synthetic import statistical

#: at least 20 claims from every pack, fast at the quick budget: statistical, exact and interval ones
SELECTION = (
    "gauss.relu.mean_derivative.mc", "gauss.gelu.mean_derivative.mc", "gauss.erf.second_moment.quad",
    "hermite.step.closed_form",
    "kernel.relu.d1.mc", "kernel.sin.d0.mc", "kernel.relu.d0.series",
    "lowrank.hermite.relu.scale_free", "lowrank.identity.sum.tanh_aligned", "lowrank.identity.rank.tanh_aligned",
    "fluct.b1.isserlis.n2", "fluct.b3.lyapunov_routes", "fluct.b5.detailed_balance.broken", "fluct.b6.trace_identity",
    "fluct.b9.noise_not_hessian",
    "sloppy.a7.toeplitz_extremes", "sloppy.a5.plateau", "sloppy.a3.gd_closed_form",
    "wd.c3.scale_invariance", "wd.c6.matrix_balance", "wd.c8.lambert_constant", "wd.c14.schatten",
)


@dataclass(frozen=True)
class MeanOfDraws:
    """An estimator that maps its draws: the mean of ``n`` draws, each the mean of 64 N(1, 1) variates."""

    maps_draws = True

    @staticmethod
    def one(seed: int) -> float:
        return float(np.random.default_rng(seed).normal(1.0, 1.0, 64).mean())

    def __call__(self, params, *, rng, n, dps=None):
        draws = np.array(map_draws(self.one, draw_seeds(rng, n)))
        return Estimate((float(draws.mean()),), std_error=(float(draws.std(ddof=1) / np.sqrt(n)),), n_samples=n,
                        method="mean of draws", seed=seed_of(rng), dof=n - 1)


class Counting:
    """An executor that counts the calls of each worker function it is handed, then hands them on."""

    def __init__(self, executor):
        self.executor, self.name, self.workers = executor, executor.name, executor.workers
        self.calls = Counter()

    def call_many(self, fn, arguments, deadline=None):
        self.calls[fn.__name__] += len(arguments)
        return self.executor.call_many(fn, arguments, deadline)

    def close(self, kill=False):
        self.executor.close(kill)


def _mapping_claim():
    return replace(statistical(id="synthetic.mapped.mean", n_start=16), estimator=MeanOfDraws())


def _records(result):
    data = report_dict(result)
    for record in data["claims"]:
        record.pop("seconds")
    return json.dumps(data["claims"], sort_keys=True)


def test_map_draws_is_a_loop_without_a_mapper_and_uses_the_installed_one():
    assert map_draws(lambda x: x * x, [1, 2, 3]) == [1, 4, 9]
    seen = []

    def mapper(fn, items):
        seen.append(len(items))
        return [fn(x) for x in reversed(items)][::-1]

    with drawing_with(mapper):
        assert map_draws(lambda x: -x, range(4)) == [0, -1, -2, -3]
    assert seen == [4]
    assert map_draws(lambda x: x, [5]) == [5]  # back to the plain loop outside the block
    with drawing_with(lambda fn, items: [1]), pytest.raises(RuntimeError, match="2 draws"):
        map_draws(abs, [1, 2])


def test_in_process_processes_and_dask_give_byte_identical_estimates():
    claims = tuple(select(i)[0] for i in SELECTION) + (_mapping_claim(),)
    assert {c.id.split(".")[0] for c in claims} >= {"gauss", "hermite", "kernel", "lowrank", "fluct", "sloppy", "wd"}
    here = run(claims, seed=5, budget="quick")
    pool = Counting(ProcessPool(2))
    try:
        spread = run(claims, seed=5, budget="quick", executor=pool)
    finally:
        pool.close()
    assert pool.calls["draw"] >= 16  # the mapping claim's draws went to the workers, one call each
    assert pool.calls["plot"] == len(claims)  # and each verdict's report plot was drawn there
    assert all(v.plot.startswith(b"\x89PNG") for v in spread.verdicts + here.verdicts)
    dask = DaskCluster(2)
    try:
        assert dask.workers == 2
        cluster = run(claims, seed=5, budget="quick", executor=dask)
    finally:
        dask.close()
    assert here.counts()[FAIL] == 0
    assert _records(here) == _records(spread) == _records(cluster)
    assert (here.executor, spread.executor, cluster.executor) == ("in-process", "processes x2",
                                                                 "dask LocalCluster x2")


def test_a_claim_alone_at_the_same_rate_gives_the_numbers_of_the_full_run():
    claims = tuple(select(i)[0] for i in SELECTION[:6])
    full = run(claims, seed=2, budget="quick")
    alone = run(claims[:1], seed=2, budget="quick", false_fail_rate=full.verdicts[0].false_fail_rate)
    assert _records(alone) == json.dumps(json.loads(_records(full))[:1], sort_keys=True)


def _raising(params, *, rng, n, dps=None):
    raise ZeroDivisionError("on purpose")


def _runtime_error(params, *, rng, n, dps=None):
    raise RuntimeError("a library gave up")


def _own_timeout(params, *, rng, n, dps=None):
    raise TimeoutError("a socket timed out")


def _builders():
    """Estimators that misbehave, as closures (pickled by value, so a worker needs no test module)."""
    def dies(params, *, rng, n, dps=None):
        os._exit(3)

    def sleeps(params, *, rng, n, dps=None):
        time.sleep(120)

    return dies, sleeps


def test_a_raising_claim_a_dying_worker_and_a_timeout_each_get_a_verdict_and_the_run_goes_on():
    dies, sleeps = _builders()
    good = statistical(id="synthetic.good")
    claims = (replace(statistical(id="synthetic.raises"), estimator=_raising),
              replace(statistical(id="synthetic.runtime"), estimator=_runtime_error),
              replace(statistical(id="synthetic.own_timeout"), estimator=_own_timeout),
              replace(statistical(id="synthetic.dies"), estimator=dies),
              replace(statistical(id="synthetic.sleeps"), estimator=sleeps), good)
    pool = make_executor("processes", 2)
    t0 = time.monotonic()
    try:
        result = run(claims, seed=1, executor=pool, claim_timeout=20)
    finally:
        pool.close()
    assert time.monotonic() - t0 < 100
    outcome = {v.claim.id: (v.outcome, v.reason) for v in result.verdicts}
    assert outcome["synthetic.raises"] == (FAIL, "the claim raised ZeroDivisionError: on purpose")
    assert outcome["synthetic.dies"][0] == FAIL and "died (also when run alone)" in outcome["synthetic.dies"][1]
    assert outcome["synthetic.sleeps"] == (INCONCLUSIVE, "the claim ran past its timeout of 20 s")
    assert outcome["synthetic.runtime"] == (FAIL, "the claim raised RuntimeError: a library gave up")
    assert outcome["synthetic.own_timeout"] == (FAIL, "the claim raised TimeoutError: a socket timed out")
    assert outcome["synthetic.good"][0] == PASS
    assert [v.claim.id for v in result.verdicts] == [c.id for c in claims]  # the order of the selection


@pytest.mark.parametrize("jobs", [0, -1, 1.5, True, "2"])
def test_bad_jobs_are_refused(jobs):
    with pytest.raises(InvalidArgument, match="jobs"):
        make_executor("processes", jobs)


def test_an_unknown_executor_a_timeout_without_one_and_a_bad_timeout_are_refused():
    with pytest.raises(InvalidArgument, match="executor"):
        make_executor("threads", 2)
    with pytest.raises(InvalidArgument, match="claim_timeout"):
        run((statistical(),), claim_timeout=5)
    with pytest.raises(InvalidArgument, match="positive number of seconds"):
        run((statistical(),), claim_timeout=-1, executor=None)


def test_an_unreachable_scheduler_is_an_invalid_argument():
    with pytest.raises(InvalidArgument, match="--scheduler"):
        DaskCluster(1, "tcp://127.0.0.1:9", connect_timeout=2)
