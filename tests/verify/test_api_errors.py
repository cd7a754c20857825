"""Covers the doors of verify's public calls (verify/_arguments.py, _outputs.py, and the argument checks of
_check.py, _run.py, _registry.py, _claim.py, _result.py): a bad argument is an InvalidArgument naming it, raised
before any claim is checked; whatever a claim's own code raises or returns is the claim's verdict (issue 22)."""

import dataclasses
import math

import numpy as np
import pytest

import numerics
import theory
import verify
from verify._result import COMPONENTS, smallest_rate

from .synthetic import Constant, NormalMean, exact, interval, statistical

NOT_A_CLAIM = ["gauss.relu.mean_derivative.mc", None, {}, 123, [statistical()]]


@pytest.mark.parametrize("bad", NOT_A_CLAIM)
def test_check_refuses_what_is_not_a_claim_at_the_door(bad):
    with pytest.raises(verify.InvalidArgument, match="`claim` must be a verify.Claim"):
        verify.check(bad)


@pytest.mark.parametrize("kwargs,name", [
    (dict(budget=None), "budget"), (dict(budget=5), "budget"), (dict(budget=["quick"]), "budget"),
    (dict(seed=np.int64(-1)), "seed"), (dict(seed=True), "seed"), (dict(seed="1"), "seed"),
    (dict(false_fail_rate=math.nan), "false_fail_rate"), (dict(false_fail_rate="0.1"), "false_fail_rate"),
    (dict(false_pass_rate=None), "false_pass_rate"), (dict(progress=5), "progress"), (dict(calls=5), "calls"),
    (dict(progress=lambda claim: None), "progress"), (dict(false_pass_rate=10 ** 400), "false_pass_rate"),
])
def test_check_names_each_bad_argument(kwargs, name):
    with pytest.raises(verify.InvalidArgument, match=f"`{name}`"):
        verify.check(statistical(), **kwargs)


def test_check_documents_that_it_raises_only_verifier_errors():
    assert "Raises only :class:`VerifierError` subclasses" in verify.check.__doc__


@pytest.mark.parametrize("bad", [None, 123, ["gauss"], b"gauss.relu.mean_derivative.mc"])
def test_get_refuses_an_id_that_is_not_a_str(bad):
    with pytest.raises(verify.InvalidArgument, match="`claim_id`"):
        verify.get(bad)
    with pytest.raises(verify.UnknownName, match="did you mean"):
        verify.get("gauss.relu.mean_derivative.m")  # a str still gets the closest ids


@pytest.mark.parametrize("among", [5, "gauss", [None], [statistical(), "x"]])
def test_select_refuses_a_pool_that_is_not_claims(among):
    with pytest.raises(verify.InvalidArgument, match="`among`"):
        verify.select(None, among=among)


def _with_prediction(returned):
    return dataclasses.replace(statistical(), prediction=lambda values, *, dps: returned)


@pytest.mark.parametrize("returned,says", [
    ("1.0", "returned a str ('1.0'), not a tuple of real numbers"),
    (None, "returned None, not a tuple"),
    (1.0, "returned a float (1.0), not a tuple"),
    (np.float64(1.0), "returned a float64"),
    (np.array(1.0), "returned a ndarray"),
    ((), "returned no values"),
    (("1.0",), "returned a str ('1.0') among its values"),
    ((None,), "returned None among its values"),
    ((True,), "returned a bool (True) among its values"),
    ((1 + 2j,), "returned a complex"),
    ({"x": 1.0}, "returned a dict"),
    ((1.0, 1.0), "the claim's estimator returned an Estimate of 1 component(s), where the claim's prediction "
                 "returned 2"),
    ((math.inf,), "returned values that are not finite"),
])
def test_a_prediction_that_returns_garbage_is_a_fail_saying_what_it_returned(returned, says):
    v = verify.check(_with_prediction(returned), budget="quick")
    assert v.outcome == verify.FAIL and "the claim's prediction returned" in v.reason
    assert says in v.reason and v.looks == ()


class _Errors(Constant):
    def errors(self, values, *, dps):
        return ("big",)


def test_error_bounds_that_are_not_numbers_are_a_fail():
    v = verify.check(dataclasses.replace(statistical(), prediction=_Errors((1.0,))), budget="quick")
    assert v.outcome == verify.FAIL and "returned error bounds" in v.reason


@pytest.mark.parametrize("returned,says", [
    (0.5, "the claim's estimator returned a float (0.5), not a numerics.Estimate"),
    (None, "the claim's estimator returned None, not a numerics.Estimate"),
    ((1.0, 0.1), "the claim's estimator returned a tuple"),
    (numerics.Estimate((1.0, 1.0), std_error=(0.1, 0.1), n_samples=10),
     "the claim's estimator returned an Estimate of 2 component(s), where the claim's prediction returned 1"),
])
def test_an_estimator_that_returns_garbage_is_a_fail_saying_what_it_returned(returned, says):
    claim = dataclasses.replace(statistical(), estimator=lambda values, *, rng, n, dps: returned)
    v = verify.check(claim, budget="quick")
    assert v.outcome == verify.FAIL and v.reason.startswith(says)


def _raises(exc):
    def call(values, **kwargs):
        raise exc
    return call


@pytest.mark.parametrize("part", ["prediction", "estimator"])
@pytest.mark.parametrize("exc,outcome,says", [
    (ZeroDivisionError("on purpose"), verify.FAIL, "the claim raised ZeroDivisionError: on purpose"),
    (verify.InvalidArgument("n", -1, "positive"), verify.FAIL, "the claim raised InvalidArgument: `n` must be"),
    (verify.ResourceLimit("a look", "needs 8 TiB", "1 GiB"), verify.INCONCLUSIVE,
     "resources: a look needs 8 TiB, over the bound of 1 GiB"),
    (MemoryError(), verify.INCONCLUSIVE, "resources: out of memory (MemoryError)"),
    (verify.NoConvergence("series diverged"), verify.INCONCLUSIVE, "did not converge: series diverged"),
])
def test_what_a_claims_code_raises_is_its_verdict(part, exc, outcome, says):
    for claim in (statistical(), exact(), interval()):
        v = verify.check(dataclasses.replace(claim, **{part: _raises(exc)}), budget="quick")
        assert v.outcome == outcome and says in v.reason, (claim.kind, v.reason)


def test_interval_claims_with_malformed_ranges_fail_saying_so():
    for ranges in [((0.6, 0.5),), ((math.nan, 1.0),), (0.5,), ("ab",), ((10 ** 400, 10 ** 401),)]:
        v = verify.check(interval(ranges), budget="quick")
        assert v.outcome == verify.FAIL and "the claim's prediction returned" in v.reason


def test_a_run_gives_resource_limits_inconclusive_and_goes_on():
    hungry = dataclasses.replace(statistical(id="synthetic.hungry"),
                                 estimator=_raises(verify.ResourceLimit("a look", "needs 8 TiB", "1 GiB")))
    late = statistical(id="synthetic.late")

    def progress(claim, look, looks, n):  # outside the claim's code: caught by the run itself
        if claim.id == "synthetic.late":
            raise MemoryError("no room for the progress bar")

    result = verify.run([hungry, late, statistical(sigma=0.01)], budget="quick", progress=progress, pictures=False)
    outcomes = [(v.outcome, v.reason) for v in result.verdicts]
    assert outcomes[0] == (verify.INCONCLUSIVE, "resources: a look needs 8 TiB, over the bound of 1 GiB")
    assert outcomes[1] == (verify.INCONCLUSIVE, "resources: no room for the progress bar")
    assert outcomes[2][0] == verify.PASS and not result.failed


class _Counting(NormalMean):
    calls = []

    def __call__(self, params, *, rng, n, dps=None):
        self.calls.append(n)
        return super().__call__(params, rng=rng, n=n, dps=dps)


@pytest.mark.parametrize("kwargs,name", [
    (dict(seed=-1), "seed"), (dict(seed=1.5), "seed"), (dict(false_fail_rate=5), "false_fail_rate"),
    (dict(false_fail_rate=0.0), "false_fail_rate"), (dict(false_pass_rate=1), "false_pass_rate"),
    (dict(budget=None), "budget"), (dict(progress="x"), "progress"), (dict(on_verdict=1), "on_verdict"),
    (dict(order=[]), "order"), (dict(on_verdict=lambda a, b: None), "on_verdict"),
    (dict(executor=object()), "executor"), (dict(claim_timeout=-1.0), "claim_timeout"),
    (dict(claim_timeout=5.0), "claim_timeout"), (dict(decided=[1]), "decided"), (dict(pictures="yes"), "pictures"),
    (dict(false_fail_rate=5e-324), "false_fail_rate"),
])
def test_run_checks_every_argument_before_any_claim(kwargs, name):
    _Counting.calls.clear()
    claim = dataclasses.replace(statistical(), estimator=_Counting((1.0,)))
    with pytest.raises(verify.InvalidArgument, match=f"`{name}`"):
        verify.run([claim], **{"budget": "quick", **kwargs})
    assert _Counting.calls == []


@pytest.mark.parametrize("claims,says", [
    ("synthetic.normal.mean", "a sequence"), (statistical(), "a sequence"), ({"a": statistical()}, "a sequence"),
    ([statistical(), None], "`claims\\[1\\]` must be a verify.Claim"),
    ([statistical(), statistical()], "distinct ids"),
])
def test_run_refuses_claims_that_are_not_a_sequence_of_distinct_claims(claims, says):
    with pytest.raises(verify.InvalidArgument, match=says):
        verify.run(claims, budget="quick")


def test_a_rate_too_small_to_split_is_refused_with_the_smallest_allowed():
    many = [statistical(id=f"synthetic.c{i}") for i in range(217)]
    with pytest.raises(verify.InvalidArgument) as info:
        verify.per_claim_rate(many, 5e-324, budget="standard")
    floor = smallest_rate(217, 9)
    assert info.value.name == "false_fail_rate" and info.value.value == 5e-324
    assert f"at least {floor:.2g} for 217 claims at 9 looks" in str(info.value)
    assert verify.per_claim_rate(many, floor, budget="standard") == floor / 217
    with pytest.raises(verify.InvalidArgument, match="at least"):
        verify.check(statistical(), false_fail_rate=5e-324)
    with pytest.raises(verify.InvalidArgument, match="at least"):
        verify.per_claim_rate(many, floor / 2)  # no budget: the most looks of any budget
    assert type(verify.per_claim_rate([], np.float32(0.5))) is float  # found by the fuzzer: it was a float32


def test_at_the_smallest_rate_every_piece_is_a_normal_float_and_claims_are_decided():
    floor = smallest_rate(2, 5)
    claims = [statistical(id="synthetic.a", sigma=1e-4), statistical(id="synthetic.b", predicted=(1.5,), sigma=1e-4)]
    result = verify.run(claims, budget="quick", false_fail_rate=floor, pictures=False)
    assert [v.outcome for v in result.verdicts] == [verify.PASS, verify.FAIL]
    assert all("raised" not in v.reason for v in result.verdicts)
    alpha = result.verdicts[0].looks[0].alpha
    assert alpha / COMPONENTS / 2 >= np.finfo(float).tiny and math.isfinite(numerics.upper_quantile(alpha / 2))


def test_more_components_than_allowed_for_at_the_smallest_rate_is_inconclusive_not_a_crash():
    k = 2 * COMPONENTS
    claim = statistical(predicted=(1.0,) * k, truth=(1.0,) * k)
    v = verify.check(claim, budget="quick", false_fail_rate=smallest_rate(1, 5))
    assert v.outcome == verify.INCONCLUSIVE and "below the smallest normal float" in v.reason


@pytest.mark.parametrize("scale", [1e-300, 1e-200, 1e-20, 1.0, 1e200, 1e300])
@pytest.mark.parametrize("relative_sigma", [1e-3, 1e150])
def test_relative_discrepancies_do_not_overflow_from_1e_minus_300_to_1e300(scale, relative_sigma):
    sigma = min(scale * relative_sigma, 1e300)
    v = verify.check(statistical(predicted=(scale,), truth=(scale,), sigma=sigma, resolution=1e-2), budget="quick")
    assert v.outcome == (verify.PASS if relative_sigma < 1 else verify.INCONCLUSIVE)
    assert v.samples_needed is None or v.samples_needed > 0
    for predicted, value, bound in [(scale, scale, scale * 1e-10), (scale, 1e300, 1e300), (1e-300, scale, scale)]:
        v = verify.check(dataclasses.replace(exact(predicted=predicted, value=value, bound=bound), resolution=1e-2))
        assert v.outcome in verify.OUTCOMES and all(math.isfinite(d) for d in v.comparison.discrepancy)


def test_a_tiny_prediction_with_a_wide_estimate_is_inconclusive_not_an_overflow():
    # prediction 1e-200, standard error 1e-50 per draw: the relative detectable discrepancy is ~1e149, and the
    # samples that would resolve it (~1e300) are beyond any budget; this raised OverflowError before
    v = verify.check(statistical(predicted=(1e-200,), truth=(1e-200,), sigma=1e-50, resolution=1e-2),
                     budget="quick")
    assert v.outcome == verify.INCONCLUSIVE and v.samples_needed is None


def _claim(**changes):
    return dataclasses.replace(statistical(), **changes)


@pytest.mark.parametrize("field,value", [
    ("id", None), ("id", 123), ("title", None), ("title", ""), ("title", 5), ("provenance", "paper"),
    ("parameters", None), ("parameters", [1]), ("parameters", {1: verify.Parameter(1.0, theory.POSITIVE)}),
    ("prediction", None), ("estimator", 5), ("kind", "exact"), ("resolution", None), ("resolution", math.nan),
    ("resolution", True), ("resolution", "0.1"), ("dps", 3.5), ("dps", None), ("dps", True), ("dps", 10 ** 6),
    ("n_start", "64"), ("n_start", 2 ** 41), ("assumptions", "unit norm"), ("assumptions", [1]),
    ("scale_floor", math.nan), ("scale_floor", "0"), ("illustrations", [1]), ("illustrations", None),
    ("thresholds", None), ("thresholds", {"s": 5}), ("independence", 5), ("independence", ["simulation"]),
])
def test_the_claim_constructor_names_each_bad_field(field, value):
    with pytest.raises(verify.InvalidArgument, match=f"`{field}"):
        _claim(**{field: value})


def test_the_claim_constructor_keeps_numbers_and_sequences_as_plain_values():
    claim = _claim(resolution=np.float64(0.05), dps=np.int64(20), n_start=np.int32(64), assumptions=["a"])
    assert type(claim.resolution) is float and type(claim.dps) is int and type(claim.n_start) is int
    assert claim.assumptions == ("a",)


@pytest.mark.parametrize("make,name", [
    (lambda: verify.Provenance(None), "provenance.source"),
    (lambda: verify.Provenance("derived", arxiv=2510.01303), "provenance.arxiv"),
    (lambda: verify.Provenance("derived", trust=["primary"]), "provenance.trust"),
    (lambda: verify.Parameter(1.0, None), "domain"),
    (lambda: verify.Parameter(1.0, theory.POSITIVE, vector="no"), "vector"),
    (lambda: statistical().with_values(s=10 ** 400), "s"),
    (lambda: statistical().with_values(s="1"), "s"),
])
def test_provenance_parameters_and_with_values_check_types(make, name):
    with pytest.raises(verify.InvalidArgument, match=f"`{name}`"):
        make()


def test_compare_keeps_relative_quantities_finite_at_the_ends_of_the_float_range():
    values, errors = [1e-300, 1e-200, 1.0, 1e200, 1e300, -1e300], [1e-300, 1.0, 1e300, 1.7e308]
    for p, e, s in [(p, e, s) for p in values for e in values for s in errors]:
        for estimate in (numerics.Estimate((e,), std_error=(s,), n_samples=2), numerics.Estimate((e,), bound=(s,)),
                         numerics.Estimate((e,), std_error=(s,), n_samples=2, dof=1)):
            c = verify.compare((p,), estimate, resolution=1e-2, alpha=1e-300, beta=0.05, dps=30)
            assert all(math.isfinite(x) for x in c.discrepancy + c.radius + c.detectable)
            assert verify.decide(c) in (verify.PASS, verify.FAIL, None)


class _FailsAtLook(NormalMean):
    def __init__(self, exc):
        super().__init__((1.0,), 100.0)  # never resolved at the quick budget: every look is taken
        object.__setattr__(self, "exc", exc)

    def __call__(self, params, *, rng, n, dps=None):
        if n > 64:
            raise self.exc
        return super().__call__(params, rng=rng, n=n, dps=dps)


def test_a_claim_broken_after_its_first_look_keeps_no_look_so_it_is_never_stored():
    for exc, outcome, looks in [(ZeroDivisionError("late"), verify.FAIL, 0), (MemoryError(), verify.INCONCLUSIVE, 0),
                                (verify.NoConvergence("late"), verify.INCONCLUSIVE, 1)]:
        v = verify.check(dataclasses.replace(statistical(sigma=100.0), estimator=_FailsAtLook(exc)), budget="quick")
        assert (v.outcome, len(v.looks)) == (outcome, looks), v.reason
