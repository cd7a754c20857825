"""Covers numerics/wd/_checks.py (the estimator's declared route), numerics/wd/_squared.py (squared-loss deep linear
nets with K outputs: gradients, the closed forms N1 and its bound, rank <= K), numerics/wd/_merging.py's C19
threshold."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from numerics.wd import WdCheck
from numerics.wd import _checks, _merging, _squared
from theory import InvalidArgument


def test_the_routes_are_the_engines():
    from verify._protocols import ROUTES, route_of

    assert _checks.ROUTES == ROUTES
    assert route_of(WdCheck("c2", route="simulation")) == "simulation"


@pytest.mark.parametrize("route", ["", "monte carlo", None])
def test_a_check_without_a_known_route_is_refused(route):
    with pytest.raises(InvalidArgument, match="route"):
        WdCheck("c2", route=route)


SQUARED = {"n": 6, "d": 8, "width": 7, "depth": 3, "outputs": 2, "lam": 0.01, "c_reg": 2, "eta": 0.5, "steps": 5000,
           "data_seed": 3}


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10**6), st.integers(2, 4), st.integers(1, 3))
def test_squared_gradients_match_finite_differences(seed, depth, K):
    rng = np.random.default_rng(seed)
    dims = (5,) + (4,) * (depth - 1) + (K,)
    layers = [rng.standard_normal((dims[k + 1], dims[k])) for k in range(depth)]
    X, Y = rng.standard_normal((3, 5)), rng.standard_normal((3, K))
    G, F = _squared._gradients(layers, X, Y)

    def loss(ls):
        return 0.5 * float(np.sum((_squared._forward(ls, X)[-1] - Y) ** 2)) / X.shape[0]

    k = int(rng.integers(depth))
    i, j = (int(rng.integers(s)) for s in layers[k].shape)
    h = 1e-6
    up = [W.copy() for W in layers]
    down = [W.copy() for W in layers]
    up[k][i, j] += h
    down[k][i, j] -= h
    assert G[k][i, j] == pytest.approx((loss(up) - loss(down)) / (2 * h), rel=1e-5, abs=1e-7)
    M, _ = _squared._magnitudes(layers, X, Y)
    assert all(np.all(np.abs(Gk) <= Mk * (1 + 1e-12)) for Gk, Mk in zip(G, M))


def test_the_squared_closed_forms():
    F, Y = np.array([[1.0, 0.0], [0.5, 2.0]]), np.array([[2.0, 1.0], [0.5, 1.0]])
    # <y - f, f>: (1)(1) + (1)(0) + 0 + (-1)(2) = -1; over c lambda n = 2 * 0.1 * 2
    assert _squared.squared_common_norm(F, Y, 0.1, 2) == pytest.approx(-1 / 0.4)
    assert _squared.squared_norm_bound(Y, 0.1, 1) == pytest.approx((4 + 1 + 0.25 + 1) / (4 * 0.1 * 2))
    assert _squared.squared_common_norm(Y / 2, Y, 0.1, 1) == pytest.approx(_squared.squared_norm_bound(Y, 0.1, 1))
    with pytest.raises(InvalidArgument, match="c_reg"):
        _squared.squared_norm_bound(Y, 0.1, 3)


def test_the_squared_checks_resolve_a_trained_net_and_its_rank():
    for name in ("c7_squared", "c13_outputs"):
        est = _checks.WD_CHECKS[name](SQUARED, ())
        assert all(abs(v) <= b for v, b in zip(est.value, est.bound))
        assert max(est.bound) < 1e-9
    ratio = _checks.WD_CHECKS["c8_squared"](SQUARED, ())
    assert all(0 < v <= 1 for v in ratio.value)
    layers = _squared.squared_setup(SQUARED)[0]
    assert all(np.linalg.svd(W, compute_uv=False)[2] < 1e-10 * np.linalg.norm(W, 2) for W in layers[:-1])


def test_the_squared_set_up_refuses_what_says_nothing():
    with pytest.raises(InvalidArgument, match="outputs"):
        _squared.squared_setup({**SQUARED, "outputs": 7})
    with pytest.raises(InvalidArgument, match="eta"):
        _squared.squared_setup({**SQUARED, "eta": 60.0})


def test_c19_counts_a_draw_as_kept_from_its_threshold(monkeypatch):
    changes = {0: (0.0, -0.125), 1: (0.0, 0.0)}
    monkeypatch.setattr(_merging, "_accuracy_changes", lambda draw: changes[draw[2]])
    values = {"seeds": (0, 1), "min_acc_change": 0.0}
    assert _merging._c19(values, ()).value == (0.75, 0.75)
    assert _merging._c19({**values, "min_acc_change": -0.125}, ()).value == (1.0, 1.0)
    assert _merging._c19({**values, "min_acc_change": 0.01}, ()).value == (0.0, 0.0)
