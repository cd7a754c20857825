"""Covers numerics/wd/_nets.py and numerics/wd/ (the check modules): trainers, task generators, merging, and the
property tests of the weight-decay pack (our note lowrank_bias_merging.md)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import numerics
import theory
from numerics.wd import DecayNet, gradients, merge, orthogonal_tasks, random_net, shallow_net, train
from numerics.lowrank._identities import U, gamma_k
from theory import InvalidArgument


def _orthonormal(rng, d, k):
    return np.linalg.qr(rng.standard_normal((d, k)))[0].T


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 4), st.floats(1e-3, 2e-2), st.sampled_from([1, 2]), st.floats(0.5, 2.0), st.integers(0, 10**6),
       st.integers(3, 8))
def test_alignment_holds_at_a_constructed_stationary_point(L, lam, c_reg, norm_x, seed, width):
    """W_k = s v_(k+1) v_k^T with s from theory.wd.stationary_chain is exactly stationary on one example: the trainer's
    gradient gives W_k = -G_k / (c lambda) to rounding, and ||W_k||^2 = s^2 = N1 <= N2."""
    try:
        chain = theory.wd.stationary_chain(L, norm_x, lam, c_reg)
    except InvalidArgument:
        return                                       # no non-zero stationary chain at these values
    rng = np.random.default_rng(seed)
    d = width + 2
    x = rng.standard_normal(d)
    x *= norm_x / np.linalg.norm(x)
    y = rng.choice([-1.0, 1.0])
    v = [x / norm_x] + [_orthonormal(rng, width, 1)[0] for _ in range(L - 1)] + [np.array([y])]
    layers = [chain.s * np.outer(v[k + 1], v[k]) for k in range(L)]
    net = DecayNet(tuple(layers), "linear", (True,) * L)
    G, margins = gradients(net, x[None, :], np.array([y]))
    M, depth = numerics.wd.gradient_magnitude(net, x[None, :])
    for W, Gk, Mk in zip(layers, G, M):
        # rounding of G (gamma_depth |M|), plus s rounded to float64: W moves by u ||W||, G by (L - 1 + L m) u ||G||
        # (||G|| = c lambda ||W|| here), plus the unit vectors and outer products (2 d + 4) u ||W||
        tol = (gamma_k(depth) * np.linalg.norm(Mk) / (c_reg * lam)
               + (L + L * chain.margin + 2 * d + 4) * U * np.linalg.norm(W))
        assert np.linalg.norm(W + Gk / (c_reg * lam)) <= tol
    n1 = theory.wd.common_norm_sq(margins, lam, c_reg)
    assert n1 == pytest.approx(chain.s**2, rel=1e-9)
    assert n1 <= float(theory.wd.norm_bound(lam, c_reg)) * (1 + 1e-12)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10**6), st.integers(1, 6), st.integers(2, 60), st.booleans())
def test_merging_is_exact_for_orthogonal_inputs_for_random_networks(seed, n, m, scale_b):
    """Random shallow ReLU nets sharing a fixed output, rows inside their own task's span: on task A the merged net
    is net A (M1), whatever the weights."""
    rng = np.random.default_rng(seed)
    d = 2 * n + 1 + int(rng.integers(0, 5))
    X_A, _, X_B, _, Q = orthogonal_tasks(n, d, 0.0, rng)
    a = shallow_net(m, d, np.random.default_rng(seed + 1), span=Q[:n])
    b = shallow_net(m, d, np.random.default_rng(seed + 1), span=Q[n: 2 * n], scale=3.0 if scale_b else 1.0)
    merged = merge(a, b)
    for own, X in ((a, X_A), (b, X_B)):
        tol = gamma_k(d + m + 4) * 4 * float(np.max(np.abs(X) @ (np.abs(a.layers[0]) + np.abs(b.layers[0])).T.sum(1)))
        assert np.max(np.abs(merged(X) - own(X))) <= tol


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_norm_balance_is_preserved_by_gradient_flow_to_step_size_order(seed):
    """GD at eta and eta/2 for the same flow time t: ||D(t) - e^(-2 c lambda t) D(0)|| is O(eta) (the exact
    recursion C10 shows both terms are first order), so halving eta roughly halves it."""
    rng = np.random.default_rng(seed)
    X, y = numerics.wd.logistic_task(6, 8, rng)
    net = random_net((8, 6, 6), "linear", rng, scale=1.5)
    lam, c, t = 0.05, 2, 2.0

    def deviation(eta):
        layers = [W.copy() for W in net.layers]
        D0 = layers[0] @ layers[0].T - layers[1].T @ layers[1]
        for _ in range(int(round(t / eta))):
            G, _ = gradients(net, X, y, layers)
            layers = [(1 - c * eta * lam) * W - eta * Gk for W, Gk in zip(layers, G)]
        D = layers[0] @ layers[0].T - layers[1].T @ layers[1]
        return np.linalg.norm(D - theory.wd.gf_balance_factor(t, lam, c) * D0) / np.linalg.norm(D0)

    big, small = deviation(0.02), deviation(0.01)
    # first order in eta: the ratio is 2 up to relative O(eta) terms (c lambda eta = 2e-3, eta ||G|| / ||W|| < 0.05
    # here), so [1.6, 2.4] leaves room only for those, not for a different order
    assert 0 < small < big and 1.6 < big / small < 2.4
    assert big < 0.05                                  # and small steps track the flow


def test_trainer_typed_errors():
    rng = np.random.default_rng(0)
    X, y = numerics.wd.logistic_task(5, 6, rng)
    net = random_net((6, 4), "linear", rng)
    with pytest.raises(InvalidArgument, match="lambda"):
        train(net, X, y, lam=0.0, c_reg=2, eta=0.1, steps=1, window=1)
    with pytest.raises(InvalidArgument, match="eta"):
        train(net, X, y, lam=0.1, c_reg=2, eta=5.0, steps=1, window=1)          # c eta lambda = 1
    with pytest.raises(InvalidArgument, match="eta"):                           # the data term blows up
        train(random_net((6, 4), "linear", rng, scale=5.0), 30 * X, y, lam=1e-3, c_reg=2, eta=50.0, steps=2000,
              window=1)
    with pytest.raises(InvalidArgument, match="X"):
        train(net, X[:, :5], y, lam=0.1, c_reg=2, eta=0.1, steps=1, window=1)
    with pytest.raises(InvalidArgument, match="y"):
        train(net, X, y[:4], lam=0.1, c_reg=2, eta=0.1, steps=1, window=1)
    with pytest.raises(InvalidArgument, match="y"):
        train(net, X, 2 * y, lam=0.1, c_reg=2, eta=0.1, steps=1, window=1)
    with pytest.raises(InvalidArgument, match="layers"):
        DecayNet((np.ones((4, 6)), np.ones((1, 3))), "linear", (True, True))
    with pytest.raises(InvalidArgument, match="activation"):
        DecayNet((np.ones((1, 6)),), "tanh", (True,))


def test_merge_and_task_typed_errors():
    rng = np.random.default_rng(1)
    a, b = shallow_net(5, 7, rng), shallow_net(6, 7, rng)
    with pytest.raises(InvalidArgument, match="b.layers"):
        merge(a, b)                                                             # widths differ
    with pytest.raises(InvalidArgument, match="frozen"):
        merge(a, shallow_net(5, 7, rng))                                        # different fixed output signs
    X_A, _, X_B, _, _ = orthogonal_tasks(3, 9, 0.1, rng)
    with pytest.raises(InvalidArgument, match="X_B"):
        numerics.wd.require_orthogonal(X_A, X_B)                                   # overlapping tasks
    assert numerics.wd.task_overlap(X_A, X_B) == pytest.approx(0.1, rel=1e-12)
    with pytest.raises(InvalidArgument, match="d"):
        orthogonal_tasks(5, 10, 0.0, rng)
    with pytest.raises(InvalidArgument, match="eps"):
        orthogonal_tasks(2, 10, 1.0, rng)
    with pytest.raises(InvalidArgument, match="name"):
        numerics.wd.WdCheck("c99")


def test_overlapping_tasks_are_refused_where_orthogonality_is_required():
    import verify

    claim = verify.get("wd.c16.merge_exact").with_values(eps=0.05)
    with pytest.raises(InvalidArgument, match="eps"):
        claim.estimator(claim.values)


def test_the_window_bookkeeping_matches_the_gd_identity():
    """<W^t, g^t> = (||W^t||^2 - ||W^(t+1)||^2 + eta^2 ||g^t||^2) / (2 eta), summed over the window."""
    rng = np.random.default_rng(3)
    X, y = numerics.wd.logistic_task(8, 10, rng)
    net = shallow_net(30, 10, rng)
    warm = train(net, X, y, lam=0.01, c_reg=2, eta=0.5, steps=200, window=1)
    tr = train(warm.net, X, y, lam=0.01, c_reg=2, eta=0.05, steps=0, window=50)
    w = tr.window
    lhs = w.wg[0]
    rhs = (float(np.sum(warm.net.layers[0] ** 2)) - float(np.sum(tr.net.layers[0] ** 2))) / (2 * 0.05 * 50) \
        + 0.05 / 2 * w.grad_sq[0]
    # both sides are means over 50 steps of float64 quantities; the right side divides a difference of squared norms
    # (each ~ S) by 2 eta K, so its rounding is about gamma_(d + n + 50) S / (eta K)
    S = float(np.sum(tr.net.layers[0] ** 2))
    assert abs(lhs - rhs) <= gamma_k(10 + 8 + 50) * 8 * S / (0.05 * 50)


@pytest.mark.parametrize("arch", ["shallow", "trained_output", "relu"])
def test_the_window_means_are_the_per_step_sums_whatever_the_chunking(arch, monkeypatch):
    """The trainer buffers window steps in chunks; its means are bit for bit the plain per-step loop's (terms of each
    step added in step order), for one-step chunks, five-step chunks (which do not divide the window of 23) and the
    default (one chunk)."""
    import numerics.wd._window as window_module
    from scipy.special import expit

    rng = np.random.default_rng(5)
    X, y = numerics.wd.logistic_task(6, 9, rng)
    net = {"shallow": shallow_net(12, 9, rng), "trained_output": shallow_net(12, 9, rng, trained_output=True),
           "relu": random_net((9, 7, 5), "relu", rng)}[arch]
    lam, c, K = 0.01, 2, 23
    warm = train(net, X, y, lam=lam, c_reg=c, eta=0.5, steps=30, window=1).net
    layers, sums, euler = [W.copy() for W in warm.layers], None, 0.0
    for _ in range(K):                                           # the per-step reference
        G, margins = gradients(warm, X, y, layers)
        terms = []
        for W, Gk, t in zip(layers, G, warm.trained):
            g = Gk + c * lam * W if t else np.zeros_like(W)
            terms.append([float(np.sum(W * W)), float(np.sum(W * g)), np.sum(W * W, axis=1), np.sum(W * g, axis=1),
                          np.sum(W * W, axis=0), np.sum(W * g, axis=0), W.copy(), Gk.copy(), float(np.sum(g * g))])
        sums = terms if sums is None else [[a + b for a, b in zip(s, u)] for s, u in zip(sums, terms)]
        euler += float(np.mean(-expit(-margins) * margins))
        for k, t in enumerate(warm.trained):
            if t:
                layers[k] *= 1.0 - c * 0.05 * lam
                layers[k] -= 0.05 * G[k]
    names = ("sq", "wg", "rows_sq", "rows_wg", "cols_sq", "cols_wg", "mean_W", "mean_G", "grad_sq")
    for floats in (1, 5 * (2 * sum(W.size for W in warm.layers) + X.shape[0]), window_module.BUFFER_FLOATS):
        monkeypatch.setattr(window_module, "BUFFER_FLOATS", floats)
        w = train(warm, X, y, lam=lam, c_reg=c, eta=0.05, steps=0, window=K).window
        for i, name in enumerate(names):
            for k in range(len(layers)):
                assert np.asarray(getattr(w, name)[k]).tobytes() == np.asarray(sums[k][i] / K).tobytes(), (name, k)
        assert w.euler == euler / K
