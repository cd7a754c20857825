"""Covers numerics/lowrank/_network.py and numerics/lowrank/_regularizers.py: scalings, losses, Proposition 2.1,
regularizers."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import numerics
import theory
from numerics.lowrank._regularizers import bishop_value, jacobian_value

EPS = np.finfo(float).eps
#: sup |tanh''| = 4/(3 sqrt 3) (at tanh = -1/sqrt 3), sup |tanh'''| = 2 (at 0): calculus on tanh' = 1 - tanh^2.
TANH2, TANH3 = 4 / (3 * np.sqrt(3)), 2.0
#: Logistic loss in f: l' = -y sigmoid(-yf), l'' = s(1 - s) <= 1/4, |l'''| = |s(1-s)(1-2s)| <= 1/(6 sqrt 3)
#: (at s = (3 +- sqrt 3)/6), |l''''| = |s(1-s)(1 - 6s + 6s^2)| <= 1/8 (at s = 1/2), s = sigmoid(yf).
LOGISTIC_BOUNDS = {1: 1.0, 2: 0.25, 3: 1 / (6 * np.sqrt(3)), 4: 0.125}


def _rng(seed=0):
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(17,)))


def _small(seed=0, n=5, d=4, m=3, activation="tanh", scaling="ntk", labels=False):
    rng = _rng(seed)
    X = rng.standard_normal((n, d))
    W = rng.standard_normal((m, d)) / np.sqrt(d)
    a = numerics.lowrank.outer_weights(m, rng=rng)
    y = rng.choice((-1.0, 1.0), size=n) if labels else rng.standard_normal(n)
    return numerics.lowrank.network(W, a, activation=activation, scaling=scaling), X, y


# ---------------------------------------------------------------------------------------------- scaling

@pytest.mark.parametrize("m", [1, 3, 16, 1250])
def test_scaling_factors(m):
    assert numerics.lowrank.scaling_factor("ntk", m) == m**-0.5
    assert numerics.lowrank.scaling_factor("mf", m) == 1.0 / m
    assert numerics.lowrank.scaling_factor(0.37, m) == 0.37
    assert numerics.lowrank.scaling_factor(2, m) == 2.0


@pytest.mark.parametrize("scaling", [0, -1.0, float("inf"), float("nan"), True])
def test_non_positive_or_non_finite_scaling_is_an_invalid_argument(scaling):
    with pytest.raises(theory.InvalidArgument, match="`scaling`"):
        numerics.lowrank.scaling_factor(scaling, 4)


def test_unknown_scaling_name_and_bad_width():
    with pytest.raises(theory.UnknownName, match="scaling"):
        numerics.lowrank.scaling_factor("standard", 4)
    with pytest.raises(theory.InvalidArgument, match="`m`"):
        numerics.lowrank.scaling_factor("ntk", 0)
    with pytest.raises(theory.InvalidArgument, match="`m`"):
        numerics.lowrank.scaling_factor("mf", 2.5)


def test_network_records_its_scale():
    net, _, _ = _small(m=9, scaling="ntk")
    assert net.gamma == 9**-0.5 and net.m == 9 and net.d == 4
    assert _small(m=9, scaling="mf")[0].gamma == 1 / 9


# ----------------------------------------------------------------------------------------------- losses

def _fd(g, f, h):
    return (g(f + h) - g(f - h)) / (2 * h)


def _loss_check(name, f, y, bounds):
    """Central differences of value (residual) against residual (curvature).

    Error model: |D_h g - g'| <= h^2/6 sup|g^(3)| (Taylor) + rounding. Each evaluation of g has a relative error of
    a few eps, and f +- h is rounded (absolute error eps |f +- h|, moving g by at most that times
    sup|g'| <= |g'(f)| + h sup|g''| on the interval), so the rounding part is at most
    4 eps (max|g(f +- h)| + (|f| + h)(|g'(f)| + h sup|g''|)) / h.  h = 1e-5 balances the two for |g^(3)| = O(1).
    ``bounds`` maps k to sup|l^(k)| for k = 2, 3, 4.
    """
    lo = numerics.lowrank.loss(name)
    h = 1e-5
    f, y = np.array([f]), np.array([y])
    checks = ((lambda t: lo.value(t, y), lo.residual, bounds[2], bounds[3]),
              (lambda t: lo.residual(t, y), lo.curvature, bounds[3], bounds[4]))
    for g, dg, second, third in checks:
        size = max(abs(g(f + h)[0]), abs(g(f - h)[0]))
        slope = abs(dg(f, y)[0]) + h * second
        tol = h**2 / 6 * third + 4 * EPS * (size + (abs(f[0]) + h) * slope) / h
        assert abs(_fd(g, f, h)[0] - dg(f, y)[0]) <= tol


@settings(max_examples=40)
@given(f=st.floats(-8, 8), y=st.floats(-3, 3))
def test_mse_residual_and_curvature_are_derivatives_of_the_value(f, y):
    _loss_check("mse", f, y, {2: 1.0, 3: 0.0, 4: 0.0})  # (f - y)^2 / 2 is quadratic: no truncation error


@settings(max_examples=40)
@given(f=st.floats(-8, 8), y=st.sampled_from([-1.0, 1.0]))
def test_logistic_residual_and_curvature_are_derivatives_of_the_value(f, y):
    _loss_check("logistic", f, y, LOGISTIC_BOUNDS)


def test_residues_at_zero_output():
    # r = f - y and r = -y sigmoid(-y f); at f = 0 sigmoid(0) = 1/2 exactly
    y = np.array([-1.0, 1.0])
    np.testing.assert_array_equal(numerics.lowrank.loss("mse").residual(np.zeros(2), y), -y)
    np.testing.assert_array_equal(numerics.lowrank.loss("logistic").residual(np.zeros(2), y), -y / 2)


@pytest.mark.parametrize("labels", [np.array([1.0, 0.0, -1.0, 1.0, 1.0]), np.array([1.0, 2.0, -1.0, 1.0, -1.0]),
                                    np.array([0.5, 1.0, -1.0, 1.0, -1.0])])
def test_logistic_loss_rejects_labels_outside_plus_minus_one(labels):
    net, X, _ = _small()
    for method in (net.loss_value, net.loss_gradient):
        with pytest.raises(theory.InvalidArgument, match="`y`"):
            method(X, labels, "logistic")
    assert np.isfinite(net.loss_value(X, labels, "mse"))


def test_unknown_loss_is_an_unknown_name():
    net, X, y = _small()
    with pytest.raises(theory.UnknownName, match="loss"):
        numerics.lowrank.loss("hinge")
    with pytest.raises(theory.UnknownName, match="loss"):
        net.loss_gradient(X, y, "hinge")


# ------------------------------------------------------------------------------ Proposition 2.1 vs FD

def _third_derivative_bound(net, X, y, loss_name):
    """Bound on |d^3 L / dW_jk^3| near W (the Taylor term of a central difference).

    With f_i^(k) = gamma a_j x_ik^k tanh^(k)(h_ij) along W_jk, the chain rule gives
    d^3 l(f_i) = l''' f'^3 + 3 l'' f' f'' + l' f''', bounded with sup|tanh^(k)| and the loss bounds;
    the residual |r_i| is doubled to cover its change over the step.
    """
    g = net.gamma
    r = np.abs(numerics.lowrank.loss(loss_name).residual(net.output(X), y))
    l1 = 2 * r if loss_name == "mse" else np.full_like(r, LOGISTIC_BOUNDS[1])
    l2, l3 = (1.0, 0.0) if loss_name == "mse" else (LOGISTIC_BOUNDS[2], LOGISTIC_BOUNDS[3])
    x3 = np.abs(X) ** 3                                              # n x d
    per_sample = l3 * g**3 + 3 * l2 * g**2 * TANH2 + (l1 * g * TANH3)[:, None]   # n x 1 or n x d
    B = np.mean(x3 * np.broadcast_to(per_sample, X.shape), axis=0)  # d
    return np.broadcast_to(B[:, None], (net.d, net.m))


def _rounding_of_the_loss(net, X, y):
    """Absolute rounding error of one float64 evaluation of L (standard model, gamma_k = k eps):
    f_i from d- and m-term sums, error <= (d + m + 4) eps gamma sum_j (|tanh h_ij| + sum_k |x_ik w_jk|);
    l_i = r_i^2/2 adds |r_i| times that plus a few eps l_i."""
    H = X @ net.W.T
    F = net.gamma * ((np.abs(net.sigma(H)) + np.abs(X) @ np.abs(net.W).T) @ np.abs(net.a))
    r = net.output(X) - y
    df = (net.d + net.m + 4) * EPS * (F + np.abs(y))
    return float(np.mean(np.abs(r) * df + 3 * EPS * r**2 + 4 * EPS))


@pytest.mark.parametrize("loss_name,seed", [("mse", 0), ("mse", 1), ("logistic", 2)])
def test_loss_gradient_equals_a_central_finite_difference(loss_name, seed):
    net, X, y = _small(seed, labels=loss_name == "logistic")
    G = net.loss_gradient(X, y, loss_name)
    assert G.shape == (net.d, net.m)
    h = 1e-6
    fd = np.zeros_like(G)

    def value(W):
        return numerics.lowrank.network(W, net.a, activation="tanh").loss_value(X, y, loss_name)

    for j, k in itertools.product(range(net.m), range(net.d)):
        up, down = net.W.copy(), net.W.copy()
        up[j, k] += h
        down[j, k] -= h
        fd[k, j] = (value(up) - value(down)) / (2 * h)
    # |fd - G| <= h^2/6 sup|L'''| + (2 eps_L + eps |W_jk| |G_jk|) / (2h), times 2 for the cruder constants:
    # about 1e-8 here, while the entries of G are O(0.1)
    eps_L = (_rounding_of_the_loss(net, X, y) if loss_name == "mse"
             else (net.d + net.m + 10) * EPS * (1 + net.loss_value(X, y, loss_name)))
    tol = 2 * (h**2 / 6 * _third_derivative_bound(net, X, y, loss_name)
               + (2 * eps_L + EPS * np.abs(net.W.T) * np.abs(G)) / (2 * h))
    assert np.all(np.abs(fd - G) <= tol)
    assert tol.max() < 1e-6 * np.abs(G).max()  # the check resolves relative errors of 1e-6 and above


def test_linear_network_gradient_is_rank_one_residue_outer_product():
    # sigma' = 1: G = (gamma/n) X^T r a^T exactly (our note, section 2.3 item 5)
    net, X, y = _small(3, activation="identity")
    r = net.output(X) - y
    np.testing.assert_allclose(net.loss_gradient(X, y), net.gamma / X.shape[0] * np.outer(X.T @ r, net.a),
                               rtol=1e-13, atol=0)


# -------------------------------------------------------------------------------------------- regularizers

def test_weight_decay_is_half_the_squared_norm_with_gradient_w_transpose():
    net, _, _ = _small(4)
    value, grad = numerics.lowrank.weight_decay(net)
    assert value == pytest.approx(0.5 * np.sum(net.W**2), rel=4 * EPS)
    np.testing.assert_array_equal(grad, net.W.T)
    grad[0, 0] += 1.0  # a copy, not a view of the network's weights
    np.testing.assert_array_equal(numerics.lowrank.weight_decay(net)[1], net.W.T)


def test_jacobian_penalty_of_a_linear_network_is_constant():
    # f(x) = gamma a^T W x: J_i = gamma W^T a for every i, so R = gamma^2 ||W^T a||^2
    # and grad_{W^T} R = 2 gamma^2 W^T a a^T
    net, X, _ = _small(5, activation="identity")
    value, grad = numerics.lowrank.jacobian_penalty(net, X)
    g = net.gamma
    assert value == pytest.approx(g**2 * np.sum((net.W.T @ net.a) ** 2), rel=1e-13)
    np.testing.assert_allclose(grad, 2 * g**2 * np.outer(net.W.T @ net.a, net.a), rtol=1e-13, atol=0)


def test_regularizer_values_equal_their_generic_value_functions():
    net, X, y = _small(6)
    d1, d2 = net.dsigma, net.derivative(2)
    assert numerics.lowrank.jacobian_penalty(net, X)[0] == pytest.approx(jacobian_value(net.W, net.a, net.gamma, X, d1),
                                                                 rel=1e-13)
    assert numerics.lowrank.input_noise_expected(net, X, y, 0.3)[0] == pytest.approx(
        bishop_value(net.W, net.a, net.gamma, X, y, 0.3, net.sigma, d1, d2), rel=1e-12)


def test_expected_input_noise_of_a_linear_network():
    # sigma = id: ||J_i||^2 = gamma^2 ||W^T a||^2, Laplacian 0, so R = tau^2/2 gamma^2 ||W^T a||^2 and
    # grad_{W^T} R = tau^2 gamma^2 W^T a a^T
    net, X, y = _small(7, activation="identity")
    tau, g = 0.7, net.gamma
    value, grad = numerics.lowrank.input_noise_expected(net, X, y, tau)
    assert value == pytest.approx(tau**2 / 2 * g**2 * np.sum((net.W.T @ net.a) ** 2), rel=1e-13)
    np.testing.assert_allclose(grad, tau**2 * g**2 * np.outer(net.W.T @ net.a, net.a), rtol=1e-13, atol=1e-17)


def _batch_means(net, X, y, tau, *, batches, draws, seed):
    seqs = np.random.SeedSequence(seed).spawn(batches)
    means = np.array([numerics.lowrank.input_noise_sampled(net, X, y, tau, rng=np.random.default_rng(s), draws=draws)
                      for s in seqs])
    return means.mean(axis=0), means.std(axis=0, ddof=1) / np.sqrt(batches)


def test_sampled_input_noise_of_a_linear_network_matches_the_expected_gradient():
    """For sigma = id the MSE loss is quadratic in x, so E_eps grad L(X + tau eps) = grad L + tau^2 gamma^2 W^T a a^T
    exactly (no O(tau^4) remainder); tau = 1 makes that shift large against the Monte Carlo error."""
    net, X, y = _small(8, n=4, d=3, m=3, activation="identity")
    tau = 1.0
    mean, se = _batch_means(net, X, y, tau, batches=40, draws=100, seed=1)
    target = net.loss_gradient(X, y) + numerics.lowrank.input_noise_expected(net, X, y, tau)[1]
    assert np.all(np.abs(mean - target) <= 5 * se)  # 9 entries, 5 standard errors of 40 batch means (t, 39 dof)
    assert np.abs(target - net.loss_gradient(X, y)).max() > 20 * se.max()  # the noise effect is resolved


def _expected_noisy_gradient(net, X, y, tau, nodes):
    """E_eps[grad L(X + tau eps)] by tensor Gauss-Hermite quadrature: the gradient is a sum over samples, each a
    function of its own eps_i in R^d, so d-dimensional quadrature per sample (d = 3) is exact up to the
    quadrature error of an analytic integrand (checked by changing the node count)."""
    t, w = np.polynomial.hermite_e.hermegauss(nodes)
    w = w / w.sum()
    E = np.array(list(itertools.product(t, repeat=net.d)))
    weights = np.prod(np.array(list(itertools.product(w, repeat=net.d))), axis=1)
    G = np.zeros((net.d, net.m))
    for i in range(X.shape[0]):
        Xi = X[i] + tau * E
        H = Xi @ net.W.T
        r = net.gamma * (net.sigma(H) @ net.a) - y[i]
        G += (Xi * (weights * r)[:, None]).T @ (net.dsigma(H) * net.a)
    return net.gamma / X.shape[0] * G


def test_sampled_input_noise_converges_to_its_expectation_for_tanh():
    net, X, y = _small(9, n=4, d=3, m=3)
    tau = 0.3
    exact = _expected_noisy_gradient(net, X, y, tau, 30)
    # quadrature error (30 vs 40 nodes) negligible against the Monte Carlo standard errors (~1e-3)
    np.testing.assert_allclose(exact, _expected_noisy_gradient(net, X, y, tau, 40), rtol=0, atol=1e-10)
    mean, se = _batch_means(net, X, y, tau, batches=40, draws=100, seed=2)
    assert np.all(np.abs(mean - exact) <= 5 * se)  # 9 entries, t with 39 dof
    # the noise effect is resolved: the shift from the clean gradient is many standard errors
    assert np.linalg.norm(exact - net.loss_gradient(X, y)) > 5 * np.linalg.norm(se)


def test_expected_input_noise_is_the_second_order_term_for_tanh():
    """E_eps grad L(X + tau eps) - grad L - grad R_Bishop(tau) is O(tau^4) (odd orders vanish by symmetry of eps):
    halving tau divides it by 2^4 = 16 up to O(tau^2) corrections; a wrong tau^2 term would give a ratio near 4."""
    net, X, y = _small(9, n=4, d=3, m=3)
    clean = net.loss_gradient(X, y)

    def remainder(tau):
        shift = _expected_noisy_gradient(net, X, y, tau, 30) - clean
        bishop = numerics.lowrank.input_noise_expected(net, X, y, tau)[1]
        return np.linalg.norm(shift - bishop), np.linalg.norm(bishop)

    # the remainders (~1e-7) are far above the quadrature error (30 vs 40 nodes, ~1e-14)
    coarse, fine = (_expected_noisy_gradient(net, X, y, 0.05, nodes) for nodes in (30, 40))
    np.testing.assert_allclose(coarse, fine, rtol=0, atol=1e-12)
    (r1, b1), (r2, b2) = remainder(0.025), remainder(0.05)
    assert 3.8 <= np.log2(r2 / r1) <= 4.2  # observed 3.98 to 4.00 over 16 networks
    assert r1 < 0.02 * b1 and b2 == pytest.approx(4 * b1, rel=1e-12)  # the Bishop gradient is exactly tau^2 times


def test_sampled_input_noise_without_noise_is_the_clean_gradient():
    net, X, y = _small(10)
    clean = net.loss_gradient(X, y)
    # X + 0 * eps is X exactly, so one draw is the clean gradient bit for bit
    np.testing.assert_array_equal(numerics.lowrank.input_noise_sampled(net, X, y, 0.0, rng=_rng(1), draws=1), clean)
    # the average of 3 equal terms, (G + G + G) / 3, is G up to its 3 roundings
    np.testing.assert_allclose(numerics.lowrank.input_noise_sampled(net, X, y, 0.0, rng=_rng(1), draws=3), clean,
                               rtol=3 * EPS, atol=0)


def test_sampled_input_noise_is_reproducible():
    net, X, y = _small(11)
    a = numerics.lowrank.input_noise_sampled(net, X, y, 0.2, rng=_rng(2), draws=5)
    b = numerics.lowrank.input_noise_sampled(net, X, y, 0.2, rng=_rng(2), draws=5)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, numerics.lowrank.input_noise_sampled(net, X, y, 0.2, rng=_rng(3), draws=5))


@pytest.mark.parametrize("kwargs,name", [
    ({"tau": -0.1}, "`tau`"), ({"draws": 0}, "`draws`"), ({"draws": 1.5}, "`draws`"),
    ({"rng": np.random.RandomState(0)}, "`rng`"),
])
def test_bad_input_noise_arguments_are_typed_errors(kwargs, name):
    net, X, y = _small(12)
    args = {"tau": 0.1, "rng": _rng(), "draws": 2} | kwargs
    tau = args.pop("tau")
    with pytest.raises(theory.InvalidArgument, match=name):
        numerics.lowrank.input_noise_sampled(net, X, y, tau, **args)


def test_expected_input_noise_rejects_a_negative_scale():
    net, X, y = _small(12)
    with pytest.raises(theory.InvalidArgument, match="`tau`"):
        numerics.lowrank.input_noise_expected(net, X, y, -1.0)


# ---------------------------------------------------------------------------------------------- bad input

def test_unknown_activation_is_an_unknown_name():
    with pytest.raises(theory.UnknownName, match="activation"):
        numerics.lowrank.network(np.ones((2, 3)), np.ones(2), activation="swish")


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_non_finite_weights_are_an_invalid_argument_naming_w(bad):
    W = np.ones((2, 3))
    W[1, 2] = bad
    with pytest.raises(theory.InvalidArgument, match="`W`"):
        numerics.lowrank.network(W, np.ones(2), activation="tanh")


@pytest.mark.parametrize("call,name", [
    (lambda: numerics.lowrank.network(np.ones((2, 3)), np.ones(3), activation="tanh"), "`a.shape`"),
    (lambda: numerics.lowrank.network(np.ones(3), np.ones(1), activation="tanh"), "`W.shape`"),
    (lambda: numerics.lowrank.network(np.ones((2, 3)), np.ones(2), activation="tanh", scaling=-1.0), "`scaling`"),
    (lambda: numerics.lowrank.network(np.ones((2, 3)), np.ones(2), activation="leaky_relu", slope=-1.0), "`slope`"),
])
def test_bad_network_arguments_are_typed_errors(call, name):
    with pytest.raises(theory.InvalidArgument, match=name):
        call()


def test_unknown_scaling_in_network_is_an_unknown_name():
    with pytest.raises(theory.UnknownName, match="scaling"):
        numerics.lowrank.network(np.ones((2, 3)), np.ones(2), activation="tanh", scaling="ntk2")


@pytest.mark.parametrize("X_shape,y_len,name", [((5, 3), 5, "`X.shape`"), ((5, 4), 4, "`y.shape`")])
def test_data_of_the_wrong_shape_is_an_invalid_argument(X_shape, y_len, name):
    net, _, _ = _small()
    with pytest.raises(theory.InvalidArgument, match=name):
        net.loss_gradient(np.ones(X_shape), np.ones(y_len))
