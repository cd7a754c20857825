"""Fuzzes verify's public calls (verify/_check.py, _run.py, _registry.py, _claim.py, with _arguments.py and
_outputs.py behind them): given arguments of wrong and right types, each call returns its kind of value (a
Verdict, a RunResult, a Claim, a tuple of claims) or raises a VerifierError subclass, never another exception,
and within a bounded time; a claim whose own code returns or raises anything still gets a verdict.

The default profile runs a few examples per call (derandomized, a few seconds in all); the slow profile
(``-m slow``) runs over 4000 with fresh randomness.
"""

import dataclasses
import math
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import numerics
import theory
import verify
from verify import Claim, Kind, Parameter, Provenance

from .synthetic import Constant, NormalMean, exact, interval, statistical

#: seconds any one call may take (the synthetic claims cost milliseconds; a hang or a huge allocation does not)
LIMIT = 10.0
FAST = 60  # examples per call in the default profile
SLOW = {"check": 700, "claims_code": 800, "run": 500, "get": 400, "select": 500, "claim": 800, "with_values": 500,
        "per_claim_rate": 300}

SPECIAL_FLOATS = [math.nan, math.inf, -math.inf, -0.0, 0.0, 5e-324, 2.2250738585072014e-308, 1e-300, 1e308, 1.0]
numpy_scalars = st.one_of(
    st.builds(np.float64, st.floats()), st.builds(np.float32, st.floats(width=32)),
    st.builds(np.int64, st.integers(-2 ** 63, 2 ** 63 - 1)), st.builds(np.uint8, st.integers(0, 255)),
    st.sampled_from([np.bool_(True), np.bool_(False)]))
junk = st.one_of(
    st.none(), st.booleans(), st.integers(), st.just(10 ** 400), st.floats(), st.sampled_from(SPECIAL_FLOATS),
    st.text(max_size=12), st.binary(max_size=6), st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2), st.builds(object), numpy_scalars,
    st.complex_numbers(max_magnitude=10), st.just(verify.check))
#: junk that does not ask run() for pictures (drawing them is slow and not what is fuzzed here)
no_pictures = junk.filter(lambda x: not (isinstance(x, (bool, np.bool_)) and x))
probabilities = st.one_of(st.floats(0, 1), st.sampled_from([1e-3, 0.05, 0.5, 1e-300, 5e-324]))
ids = st.sampled_from(["synthetic.normal.mean", "gauss.relu.mean_derivative.mc", "synthetic.f.x", "gauss",
                       "Gauss.relu", "", "a..b", "synthetic.exact"])
budgets = st.sampled_from(["quick", "standard", "thorough", verify.budget("quick"), "huge", "QUICK"])


class _Returns:
    """The claim's code: returns ``value``, or raises it when it is an exception."""

    def __init__(self, value):
        self.value = value

    def __call__(self, values, **kwargs):
        if isinstance(self.value, BaseException):
            raise self.value
        return self.value() if callable(self.value) else self.value


def cheap_claims():
    """Synthetic claims of every kind, each decided in milliseconds whatever the budget; some are broken."""
    return st.sampled_from([statistical(), statistical(predicted=(1.5,)), exact(), interval(),
                            statistical(predicted=(1e-300,), truth=(1e-300,), sigma=1e-280),
                            statistical(predicted=(1e300,), truth=(1e300,), sigma=1e300),
                            dataclasses.replace(statistical(), prediction=_Returns(None)),
                            dataclasses.replace(exact(), estimator=_Returns(MemoryError())),
                            dataclasses.replace(interval(), prediction=_Returns(("a", "b")))])


def returns_or_refuses(call, kinds):
    """``call()`` returns one of ``kinds`` or raises a VerifierError, within LIMIT seconds."""
    start = time.perf_counter()
    try:
        out = call()
    except verify.VerifierError:
        out = None
    assert time.perf_counter() - start < LIMIT
    assert out is None or isinstance(out, kinds), type(out)
    return out


def mostly(right, wrong=junk):
    """``right`` three times in four, else ``wrong`` (``st.one_of`` would flatten junk's many branches and pick
    it almost always)."""
    return st.integers(0, 3).flatmap(lambda i: wrong if i == 0 else right)


@st.composite
def mixed(draw, right: dict, required=(), wrong=None):
    """Keyword arguments, each of the right type (from ``right``) except at most two of the wrong one (from
    ``wrong``, default junk); an argument not in ``required`` may be left out."""
    names = sorted(right)
    bad = draw(st.sets(st.sampled_from(names), max_size=2))
    out = {}
    for name in names:
        if name not in required and draw(st.integers(0, 3)) == 0:
            continue
        out[name] = draw((wrong or {}).get(name, junk) if name in bad else right[name])
    return out


def _check(args):
    claim, kwargs = args
    returns_or_refuses(lambda: verify.check(claim, **kwargs), verify.Verdict)


check_args = st.tuples(mostly(cheap_claims()), mixed({
    "seed": st.integers(0, 2 ** 70), "budget": budgets, "false_fail_rate": probabilities,
    "false_pass_rate": probabilities, "progress": st.none(), "calls": st.none()}))


def _estimate(values, errors, statistical_):
    kind = "std_error" if statistical_ else "bound"
    return lambda: numerics.Estimate(tuple(values), **{kind: tuple(errors)}, n_samples=10 if statistical_ else None)


floats_any = st.one_of(st.floats(), st.sampled_from(SPECIAL_FLOATS))
returned = st.one_of(
    junk, st.tuples(junk), st.lists(floats_any, max_size=3).map(tuple), st.tuples(st.tuples(floats_any, floats_any)),
    st.sampled_from([ZeroDivisionError("x"), MemoryError(), theory.NoConvergence("x"),
                     theory.InvalidArgument("n", 0, "1"), theory.ResourceLimit("a look", "needs a lot", "a little"),
                     OverflowError("x")]),
    st.builds(_estimate, st.lists(floats_any, min_size=0, max_size=3), st.lists(floats_any, max_size=3),
              st.booleans()))


def _claims_code(args):
    claim, prediction, estimator, budget = args
    claim = dataclasses.replace(claim, prediction=_Returns(prediction), estimator=_Returns(estimator))
    out = returns_or_refuses(lambda: verify.check(claim, budget=budget), verify.Verdict)
    assert out is not None, "a valid call raised: the claim's code must become its verdict"
    assert out.outcome in verify.OUTCOMES and isinstance(out.reason, str)


claims_code_args = st.tuples(st.sampled_from([statistical(), exact(), interval()]), returned, returned,
                             st.sampled_from(["quick", "thorough"]))


def _run(args):
    claims, kwargs = args
    result = returns_or_refuses(lambda: verify.run(claims, **kwargs), verify.RunResult)
    if result is not None:
        assert len(result.verdicts) == len(claims) and all(v.outcome in verify.OUTCOMES for v in result.verdicts)


def _distinct(claims):
    return [dataclasses.replace(c, id=f"synthetic.fuzz.c{i}") for i, c in enumerate(claims)]


run_args = st.tuples(
    mostly(st.lists(cheap_claims(), max_size=3).map(_distinct),
           st.one_of(st.lists(cheap_claims(), min_size=2, max_size=3), st.lists(mostly(cheap_claims()), max_size=3),
                     junk)),
    mixed({"budget": budgets, "pictures": st.just(False), "seed": st.integers(0, 2 ** 70),
           "false_fail_rate": probabilities, "false_pass_rate": probabilities, "progress": st.none(),
           "on_verdict": st.none(), "order": st.none(), "executor": st.none(), "claim_timeout": st.none(),
           "decided": st.just({})}, required=("budget", "pictures"), wrong={"pictures": no_pictures}))


def _per_claim_rate(args):
    claims, rate, budget = args
    returns_or_refuses(lambda: verify.per_claim_rate(claims, rate, budget=budget), float)


per_claim_rate_args = st.tuples(mostly(st.lists(cheap_claims(), max_size=3)), mostly(probabilities),
                                mostly(st.one_of(st.none(), budgets)))


def _get(claim_id):
    returns_or_refuses(lambda: verify.get(claim_id), Claim)


def _select(args):
    pattern, among = args
    returns_or_refuses(lambda: verify.select(pattern, among=among), tuple)


select_args = st.tuples(mostly(st.one_of(st.none(), st.text(alphabet="abgsyz.*?[]!-_0", max_size=8), ids)),
                        mostly(st.one_of(st.none(), st.lists(cheap_claims(), max_size=3)),
                               st.one_of(st.lists(junk, max_size=2), junk)))

class Later:
    """A value made in the call fuzzed (a Provenance or Parameter, whose constructors are fuzzed too)."""

    def __init__(self, make, args):
        self.make, self.args = make, args

    @classmethod
    def of(cls, make):
        return lambda args: cls(make, args)

    def __call__(self):
        return self.make(*self.args)


RIGHT = {
    "id": st.sampled_from(["synthetic.f.x", "synthetic.normal.mean"]), "title": st.text(min_size=1, max_size=10),
    "provenance": st.just(Provenance("observed")), "parameters": st.just({"s": Parameter(1.0, theory.POSITIVE)}),
    "prediction": st.just(Constant((1.0,))), "estimator": st.just(NormalMean((1.0,))),
    "kind": st.sampled_from(list(Kind)), "resolution": st.floats(1e-300, 0.999), "dps": st.integers(5, 1000),
    "n_start": st.integers(2, 2 ** 40), "assumptions": st.lists(st.text(min_size=1, max_size=4), max_size=2),
    "scale_floor": st.floats(0, 1e300), "illustrations": st.just(()), "thresholds": st.just({"s": "ours"}),
    "independence": st.sampled_from((None,) + verify.ROUTES),
}
#: what the fuzzer puts in a field it spoils: junk, or a plausible value of the wrong shape
FIELDS = {
    "id": st.one_of(ids, junk), "title": st.one_of(st.text(max_size=10), junk),
    "provenance": st.one_of(st.just(Provenance("observed")), st.tuples(junk, junk).map(Later.of(Provenance)), junk),
    "parameters": st.one_of(st.just({"s": Parameter(1.0, theory.POSITIVE)}), st.just({}),
                            st.dictionaries(st.text(max_size=2), junk, max_size=2),
                            st.tuples(junk, st.one_of(st.just(theory.POSITIVE), junk), junk).map(
                                Later.of(Parameter)).map(lambda p: {"s": p}), junk),
    "prediction": st.one_of(st.just(Constant((1.0,))), junk),
    "estimator": st.one_of(st.just(NormalMean((1.0,))), junk),
    "kind": st.one_of(st.sampled_from(list(Kind)), junk),
    "resolution": st.one_of(probabilities, junk), "dps": st.one_of(st.integers(0, 2000), junk),
    "n_start": st.one_of(st.integers(0, 2 ** 45), junk),
    "assumptions": st.one_of(st.lists(st.text(max_size=4), max_size=2), junk),
    "scale_floor": st.one_of(st.floats(), junk),
    "illustrations": st.one_of(st.just(()), st.lists(junk, max_size=2), junk),
    "thresholds": st.one_of(st.just({}), st.just({"s": "ours"}), st.dictionaries(junk, junk, max_size=2), junk),
    "independence": st.one_of(st.none(), st.sampled_from(verify.ROUTES), junk),
}
REQUIRED = ("id", "title", "provenance", "parameters", "prediction", "estimator", "kind", "resolution")
claim_args = mixed({k: v for k, v in RIGHT.items()}, required=REQUIRED, wrong=FIELDS)


def _made(value):
    if isinstance(value, Later):
        return value()
    if isinstance(value, dict):
        return {k: _made(v) for k, v in value.items()}
    return value


def _claim(kwargs):
    returns_or_refuses(lambda: Claim(**{k: _made(v) for k, v in kwargs.items()}), Claim)


def _with_values(values):
    claim = dataclasses.replace(statistical(), parameters={
        "s": Parameter(1.0, theory.POSITIVE), "v": Parameter((0.5, 0.5), theory.UNIT, vector=True)})
    returns_or_refuses(lambda: claim.with_values(**values), Claim)


with_values_args = st.one_of(
    mixed({"s": st.floats(1e-300, 1e300), "v": st.tuples(st.floats(0, 1), st.floats(0, 1))},
          wrong={"v": st.one_of(junk, st.tuples(junk, junk), st.floats(0, 1))}),
    st.dictionaries(st.text(max_size=4), st.one_of(junk, st.tuples(junk, junk)), max_size=2))

TARGETS = {"check": (check_args, _check), "claims_code": (claims_code_args, _claims_code), "run": (run_args, _run),
           "get": (mostly(st.one_of(ids, st.text(max_size=20))), _get),
           "per_claim_rate": (per_claim_rate_args, _per_claim_rate), "select": (select_args, _select),
           "claim": (claim_args, _claim), "with_values": (with_values_args, _with_values)}
HEALTH = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]


def fuzz(target: str, examples: int, derandomize: bool) -> int:
    """Run the property of ``target`` on ``examples`` examples; the number it was called with."""
    strategy, prop = TARGETS[target]
    calls = []

    def counted(args):
        calls.append(1)
        prop(args)

    start = time.perf_counter()
    settings(max_examples=examples, database=None, deadline=None, derandomize=derandomize,
             suppress_health_check=HEALTH)(given(strategy)(counted))()
    print(f"fuzz {target}: {len(calls)} examples in {time.perf_counter() - start:.1f} s")
    assert len(calls) >= examples  # the space is not exhausted: every example asked for was run
    return len(calls)


@pytest.mark.parametrize("target", TARGETS)
def test_public_calls_return_or_raise_verifier_errors(target):
    fuzz(target, FAST, derandomize=True)


@pytest.mark.slow
@pytest.mark.parametrize("target", TARGETS)
def test_public_calls_return_or_raise_verifier_errors_at_length(target):
    fuzz(target, SLOW[target], derandomize=False)
