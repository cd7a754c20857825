"""Covers numerics/_sgd.py and its loop numerics/_sgd_engine.py: reproducibility, chunking, exact stationary laws, bad
input.

Statistical checks compare with an exact value at a stated false-fail rate (Student-t quantile of the
jackknife over chains, Bonferroni over components); identities hold to a rounding bound.
"""

import numpy as np
import pytest
from scipy import stats

import numerics
from numerics import CHAIN_BLOCK, FiniteDataSGD, OnlineLinearSGD, TwoLayerSGD, chain_statistic
from numerics import _sgd_engine
from theory import InvalidArgument, NoConvergence

EPS = np.finfo(float).eps


def _rng(seed=0):
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(3,)))


def _dataset(seed=1, m=12, n=8):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, n))
    return X, X @ rng.standard_normal(n) + rng.standard_normal(m)


def _balanced(seed=4, o=3, k=3, n=4, singular=(3.0, 1.0, 0.2)):
    """Balanced minimum W2 = A S^1/2, W1 = S^1/2 B^T of the teacher T = A S B^T (G = 0)."""
    rng = np.random.default_rng(seed)
    A = np.linalg.qr(rng.standard_normal((o, o)))[0][:, :k]
    B = np.linalg.qr(rng.standard_normal((n, n)))[0][:, :k]
    root = np.diag(np.sqrt(singular))
    return A @ root, root @ B.T, A @ np.diag(singular) @ B.T


def _models():
    X, y = _dataset()
    W2, W1, T = _balanced()
    return [OnlineLinearSGD(lam=[1.0, 0.5], eta=0.1, batch=2, sigma2=0.5, wbar=[1.0, -1.0]),
            FiniteDataSGD(X, y, eta=0.05, batch=2), FiniteDataSGD(X, y, eta=0.05, batch=3, replacement=False),
            TwoLayerSGD(W2, W1, T, eta=0.01, batch=2, sigma2=0.25)]


def _same(a, b):
    for name in ("mean", "second", "final"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


@pytest.mark.parametrize("model", _models(), ids=["online", "finite", "finite-norepl", "two-layer"])
def test_same_seed_same_moments_and_seed_recorded(model):
    a = model.run(20, rng=_rng(5), burn_in=3, steps=10, thin=2)
    b = model.run(20, rng=_rng(5), burn_in=3, steps=10, thin=2)
    _same(a, b)
    assert a.seed == (5, 3) and a.n_records == 5 and a.mean.shape[0] == a.final.shape[0] == 20
    assert (a.eta, a.batch, a.burn_in, a.steps, a.thin) == (model.eta, model.batch, 3, 10, 2)
    c = model.run(20, rng=_rng(6), burn_in=3, steps=10, thin=2)
    assert not np.array_equal(a.mean, c.mean)


@pytest.mark.parametrize("model", _models(), ids=["online", "finite", "finite-norepl", "two-layer"])
def test_chunking_and_chain_count_do_not_change_any_chain(model):
    n = 2 * CHAIN_BLOCK + 50
    whole = model.run(n, rng=_rng(), burn_in=2, steps=7, chunk=n)
    _same(whole, model.run(n, rng=_rng(), burn_in=2, steps=7, chunk=1))
    _same(whole, model.run(n, rng=_rng(), burn_in=2, steps=7, chunk=CHAIN_BLOCK + 1))
    first = model.run(CHAIN_BLOCK, rng=_rng(), burn_in=2, steps=7)     # chain i's numbers do not depend on n_chains
    np.testing.assert_array_equal(first.mean, whole.mean[:CHAIN_BLOCK])


def test_default_chunks_bound_the_memory(monkeypatch):
    model, calls = _models()[0], []
    whole = model.run(600, rng=_rng(), burn_in=1, steps=4)
    monkeypatch.setattr(_sgd_engine, "MEMORY_BUDGET", 1.0)          # forces one block per chunk
    small = model.run(600, rng=_rng(), burn_in=1, steps=4, progress=lambda done, total: calls.append((done, total)))
    _same(whole, small)
    assert calls[-1] == (15, 15)                                      # three chunks of 5 steps
    assert all(a[0] < b[0] for a, b in zip(calls, calls[1:]))


class _MixedDraws(OnlineLinearSGD):
    """The online model with uniform label noise: random buffers of two kinds (the engine's per-step draw path)."""

    def _draws(self, ws):
        return [("normal", ws["x"]), ("uniform", ws["eps"])]


@pytest.mark.parametrize("model", [*_models(), _MixedDraws(lam=[1.0, 0.5], eta=0.1, batch=2, sigma2=0.5)],
                         ids=["online", "finite", "finite-norepl", "two-layer", "mixed-kinds"])
def test_each_step_uses_the_blocks_next_numbers_as_one_call_per_step_would(model):
    # Reference: one block stepped by hand, its buffers filled by one generator call per step and buffer. The
    # engine draws 32 steps per call (not for mixed kinds); 70 steps end with a partial batch of steps.
    steps, gen = 70, _rng(8).spawn(2)[1]
    ws, u = model._workspace(CHAIN_BLOCK), np.repeat(model._origin[:, None], CHAIN_BLOCK, axis=1)
    for _ in range(steps):
        for kind, buf, *arg in model._draws(ws):
            buf[...] = {"normal": lambda: gen.standard_normal(buf.shape), "uniform": lambda: gen.random(buf.shape),
                        "integers": lambda: gen.integers(0, *arg, size=buf.shape)}[kind]()
        model._step(u, ws)
    run = model.run(2 * CHAIN_BLOCK, rng=_rng(8), burn_in=0, steps=steps, thin=steps)
    np.testing.assert_array_equal(run.final[CHAIN_BLOCK:], model._state(u).T)


def _worker(fn, items):
    """A stand-in for the verifier's mapper: fn and items pickled (cloudpickle) as if sent to worker processes."""
    import pickle

    import cloudpickle

    fn = cloudpickle.loads(cloudpickle.dumps(fn))
    _worker.sizes.append(len(items))
    return [pickle.loads(pickle.dumps(fn(pickle.loads(pickle.dumps(item))))) for item in items]


@pytest.mark.parametrize("model", _models(), ids=["online", "finite", "finite-norepl", "two-layer"])
def test_chunks_spread_by_a_mapper_give_the_same_arrays(model):
    n, _worker.sizes = 3 * CHAIN_BLOCK + 7, []
    kw = {"track_conserved": True} if isinstance(model, TwoLayerSGD) else {}
    plain = model.run(n, rng=_rng(), burn_in=2, steps=9, thin=3, **kw)
    with numerics.drawing_with(_worker):
        spread = model.run(n, rng=_rng(), burn_in=2, steps=9, thin=3, **kw)
    assert _worker.sizes and _worker.sizes[0] >= 2                     # the chunks went to the mapper
    _same(plain, spread)
    for a, b in [(plain.mean, spread.mean), (plain.second, spread.second), (plain.final, spread.final),
                 *((plain.extra[k], spread.extra[k]) for k in plain.extra)]:
        assert a.strides == b.strides                                   # one layout, whichever way the parts came


def _t(rate, dof, components=1):
    return stats.t.isf(rate / (2 * components), dof)


def test_online_1d_stationary_variance_matches_the_exact_recursion():
    # s' = E(1 - eta x^2)^2 s + eta^2 sigma2 lam with x^2 = lam z^2: E(1 - eta x^2)^2 = 1 - 2 eta lam + 3 eta^2 lam^2,
    # so s = eta sigma2 / (2 - 3 eta lam). Start at 0: s_k = s (1 - rho^k), rho = 0.83, so 200 steps of burn-in
    # leave 6e-17.
    lam, eta, sigma2 = 1.0, 0.1, 1.0
    moments = OnlineLinearSGD(lam=[lam], eta=eta, batch=1, sigma2=sigma2).run(
        2048, rng=_rng(1), burn_in=200, steps=2000)
    stat = chain_statistic(moments, lambda mean, second: second[0])
    assert abs(stat.value[0] - eta * sigma2 / (2 - 3 * eta * lam)) < _t(1e-6, stat.dof) * stat.std_error[0]


def test_online_stationary_variances_match_the_note_formula():
    # Our note section 3.6: s_i = (eta/B) K / (2 - eta (1 + 1/B) lam_i),
    # K = sigma2 / (1 - (eta/B) sum_j lam_j/(2 - ...)).
    lam, eta, b, sigma2 = np.array([1.0, 0.5, 0.25]), 0.2, 2, 1.0
    d = 2 - eta * (1 + 1 / b) * lam
    s = (eta / b) * sigma2 / (1 - (eta / b) * np.sum(lam / d)) / d
    moments = OnlineLinearSGD(lam=lam, eta=eta, batch=b, sigma2=sigma2).run(2048, rng=_rng(2), burn_in=400, steps=1500)
    stat = chain_statistic(moments,
                           lambda mean, second: np.concatenate([np.diag(second), second[np.triu_indices(3, 1)]]))
    truth = np.concatenate([s, np.zeros(3)])                          # S is diagonal in the eigenbasis of Sigma
    assert np.all(np.abs(stat.value - truth) < _t(1e-6, stat.dof, 6) * stat.std_error)


@pytest.mark.parametrize("replacement", [True, False])
def test_finite_data_mean_deviation_is_zero(replacement):
    # E[minibatch gradient] = H delta for uniform batches (with or without replacement), so E delta_k = 0 from
    # delta_0 = 0.
    X, y = _dataset()
    model = FiniteDataSGD(X, y, eta=0.05, batch=2, replacement=replacement)
    stat = chain_statistic(model.run(1024, rng=_rng(4), burn_in=0, steps=400), lambda mean, second: mean)
    assert np.all(np.abs(stat.value) < _t(1e-6, stat.dof, 8) * stat.std_error)


def _finite_stationary(X, r, eta, b):
    """Exact stationary S of finite-data SGD with replacement (our note section 3.6), as an N^2 x N^2 linear solve:
    eta (HS + SH) - eta^2 [(1 - 1/B) HSH + (1/(BM)) sum_mu (x_mu^T S x_mu) x_mu x_mu^T]
    = eta^2 X^T diag(r^2) X / (BM)."""
    m, n = X.shape
    H, eye = X.T @ X / m, np.eye(n)
    outer = np.einsum("mi,mj->mij", X, X).reshape(m, n * n)
    op = (eta * (np.kron(H, eye) + np.kron(eye, H)) - eta**2 * (1 - 1 / b) * np.kron(H, H)
          - eta**2 / (b * m) * outer.T @ outer)
    return np.linalg.solve(op, (eta**2 * X.T @ (r[:, None] ** 2 * X) / (b * m)).ravel()).reshape(n, n)


def test_finite_data_stationary_covariance_matches_the_exact_equation():
    X, y = _dataset(seed=3, m=6, n=3)
    eta, b = 0.1, 2
    model = FiniteDataSGD(X, y, eta=eta, batch=b)
    S = _finite_stationary(X, y - X @ model.minimiser, eta, b)
    h_min = np.linalg.eigvalsh(model.hessian)[0]
    burn = int(np.ceil(10 / (eta * h_min)))           # slowest mode of S relaxes like (1 - eta h_min)^(2k): e^-20 left
    moments = model.run(2048, rng=_rng(6), burn_in=burn, steps=3000)
    iu = np.triu_indices(3)
    stat = chain_statistic(moments, lambda mean, second: second[iu])      # E delta = 0 exactly (see below)
    assert np.all(np.abs(stat.value - S[iu]) < _t(1e-6, stat.dof, iu[0].size) * stat.std_error)


def test_two_layer_step_is_the_layerwise_gradient_step():
    W2, W1, T = _balanced()
    model, rng, n, b = TwoLayerSGD(W2, W1, T, eta=0.01, batch=3, sigma2=0.25), np.random.default_rng(2), 5, 3
    u = np.concatenate([W2.ravel(), W1.ravel()])[:, None] + 0.1 * rng.standard_normal((21, n))
    ws = model._workspace(n)
    ws["x"][...], ws["eps"][...] = rng.standard_normal(ws["x"].shape), rng.standard_normal(ws["eps"].shape)
    x, eps, before = ws["x"].copy(), ws["eps"].copy(), u.copy()
    model._step(u, ws)
    for c in range(n):
        A, B = before[:9, c].reshape(3, 3), before[9:, c].reshape(3, 4)
        e = [A @ B @ x[i, :, c] - T @ x[i, :, c] - 0.5 * eps[i, :, c] for i in range(b)]
        g2 = sum(np.outer(e[i], B @ x[i, :, c]) for i in range(b)) / b
        g1 = sum(np.outer(A.T @ e[i], x[i, :, c]) for i in range(b)) / b
        expected = np.concatenate([(A - 0.01 * g2).ravel(), (B - 0.01 * g1).ravel()])
        np.testing.assert_allclose(u[:, c], expected, rtol=0, atol=1000 * EPS)


def test_full_batch_without_replacement_is_gradient_descent():
    X, y = _dataset()
    m, n = X.shape
    model, k, eta = FiniteDataSGD(X, y, eta=0.05, batch=m, replacement=False), 20, 0.05
    d0 = np.linspace(-1.0, 1.0, n)
    moments = model.run(3, rng=_rng(), burn_in=0, steps=k, start=model.minimiser + d0)
    exact = np.linalg.matrix_power(np.eye(n) - eta * model.hessian, k) @ d0
    # Forward error of k steps, each two length-(M or N) dot products and an update (Higham's gamma_n):
    bound = (10 * k * (m + n) * EPS * max(1.0, eta * np.sum(X**2) / m)
             * (np.abs(d0).max() + np.abs(model.minimiser).max()))
    assert np.abs(moments.final - model.minimiser - exact).max() < bound
    assert np.array_equal(model.hessian, X.T @ X / m)
    np.testing.assert_allclose(model.minimiser, np.linalg.lstsq(X, y, rcond=None)[0], rtol=0, atol=0)


@pytest.mark.parametrize("offset", [0.0, 0.3])
def test_two_layer_conserved_increment_matches_q_change_to_rounding(offset):
    # Q' - Q = -eta (W2^T g2 - g1 W1^T + transpose) + eta^2 (g2^T g2 - g1 g1^T), and W2^T g2 = g1 W1^T for every
    # minibatch, so the tracked sum equals Q_k - Q_0 exactly in real arithmetic (at a minimum and elsewhere).
    W2, W1, T = _balanced()
    model, k = TwoLayerSGD(W2, W1, T, eta=0.01, batch=1, sigma2=0.25), 500
    start = np.concatenate([W2.ravel(), W1.ravel()]) + offset
    m = model.run(64, rng=_rng(8), burn_in=100, steps=k - 100, thin=k - 100, start=start, track_conserved=True)
    change = model.conserved(m.final) - m.extra["conserved_start"]
    scale = max(1.0, np.abs(m.final).max()) ** 2
    # rounding: each step adds O(p) products of entries of size <= scale, a few ulps each, over k steps
    assert np.abs(change - m.extra["conserved_increment"]).max() < 100 * k * EPS * scale
    assert np.abs(m.extra["conserved_increment"]).max() > 1e3 * 100 * k * EPS * scale      # the check is not vacuous


def test_two_layer_jacobian_and_state_convention():
    W2, W1, T = _balanced()
    model = TwoLayerSGD(W2, W1, T, eta=0.01, batch=1, sigma2=0.25)
    rng = np.random.default_rng(0)
    dW2, dW1 = rng.standard_normal(W2.shape), rng.standard_normal(W1.shape)
    jv = model.jacobian @ np.concatenate([dW2.ravel(), dW1.ravel()])
    np.testing.assert_allclose(jv, (dW2 @ W1 + W2 @ dW1).ravel(), rtol=0, atol=100 * EPS * 10)
    theta = np.concatenate([W2.ravel(), W1.ravel()])
    a, b = model.split(theta)
    assert np.array_equal(a[0], W2) and np.array_equal(b[0], W1)
    m = model.run(5, rng=_rng(), burn_in=0, steps=1, record=lambda states: states)
    np.testing.assert_array_equal(m.mean, m.final)


def test_projected_record_is_the_projection_of_the_deviation():
    W2, W1, T = _balanced()
    model = TwoLayerSGD(W2, W1, T, eta=0.01, batch=1, sigma2=0.25)
    P = np.random.default_rng(3).standard_normal((5, 21))
    raw = model.run(40, rng=_rng(), burn_in=5, steps=30)
    proj = model.run(40, rng=_rng(), burn_in=5, steps=30, project=P)
    np.testing.assert_array_equal(raw.final, proj.final)
    tol = 1000 * EPS * np.abs(P).sum(axis=1).max() ** 2 * np.abs(raw.second).max()
    np.testing.assert_allclose(proj.second, P @ raw.second @ P.T, rtol=0, atol=tol)
    np.testing.assert_array_equal(model.run(40, rng=_rng(), burn_in=5, steps=30, project=np.eye(21)).second, raw.second)


def test_record_callable_gets_states_and_start_is_a_state():
    model = OnlineLinearSGD(lam=[1.0, 0.5], eta=0.1, batch=1, sigma2=0.5, wbar=[2.0, -1.0])
    dev = model.run(10, rng=_rng(), burn_in=0, steps=1, start=[2.0, -1.0])
    assert np.array_equal(dev.final, model.run(10, rng=_rng(), burn_in=0, steps=1).final)
    states = model.run(10, rng=_rng(), burn_in=0, steps=1, record=lambda w: w[:, :1] * 2)
    np.testing.assert_allclose(states.mean[:, 0], 2 * (dev.mean[:, 0] + 2.0), rtol=4 * EPS)
    assert states.second.shape == (10, 1, 1)


def test_divergence_raises_no_convergence():
    X, y = _dataset()
    X[0] *= 12  # one sample with |x|^2 ~ 1000: eta |x|^2 >> 2 although eta lambda_max(H) = 1
    eta = 1 / np.linalg.eigvalsh(X.T @ X / 12)[-1]
    model = FiniteDataSGD(X, y, eta=eta, batch=1)
    assert eta * np.sum(X[0] ** 2) > 4
    with pytest.raises(NoConvergence, match=f"eta = {eta}"):
        model.run(256, rng=_rng(), burn_in=0, steps=5000)


def test_exported():
    for name in ("CHAIN_BLOCK", "OnlineLinearSGD", "FiniteDataSGD", "TwoLayerSGD"):
        assert name in numerics.__all__


def _bad_models():
    X, y = _dataset()
    W2, W1, T = _balanced()
    online = dict(lam=[2.0, 1.0], eta=0.1, batch=1, sigma2=1.0)
    finite = dict(X=X, y=y, eta=0.05, batch=2)
    two = dict(W2=W2, W1=W1, teacher=T, eta=0.01, batch=1, sigma2=0.25)
    return [
        (OnlineLinearSGD, {**online, "eta": 0.0}, "eta", r"in \(0, inf\)"),
        (OnlineLinearSGD, {**online, "eta": -1}, "eta", r"in \(0, inf\)"),
        (OnlineLinearSGD, {**online, "eta": 1.0}, "eta", r"in \(0, 1\) for stability"),
        (OnlineLinearSGD, {**online, "eta": 0.6}, "eta", "mean-square stability"),
        (OnlineLinearSGD, {**online, "lam": [1.0, 0.0]}, "lam", "positive"),
        (OnlineLinearSGD, {**online, "lam": [1.0, np.inf]}, "lam", "finite"),
        (OnlineLinearSGD, {**online, "batch": 0}, "batch", "integer"),
        (OnlineLinearSGD, {**online, "batch": 1.5}, "batch", "integer"),
        (OnlineLinearSGD, {**online, "sigma2": -1.0}, "sigma2", r"\[0, inf\)"),
        (OnlineLinearSGD, {**online, "wbar": [1.0]}, "wbar.shape", r"\(2,\)"),
        (FiniteDataSGD, {**finite, "eta": 0}, "eta", r"in \(0, inf\)"),
        (FiniteDataSGD, {**finite, "eta": 10.0}, "eta", "for stability"),
        (FiniteDataSGD, {**finite, "batch": 13}, "batch", r"integers in \[1, M=12\].*even with replacement"),
        (FiniteDataSGD, {**finite, "batch": 13, "replacement": False}, "batch", r"integers in \[1, M=12\]"),
        (FiniteDataSGD, {**finite, "batch": 0}, "batch", r"integers in \[1, M=12\]"),
        (FiniteDataSGD, {**finite, "replacement": "yes"}, "replacement", "True or False"),
        (FiniteDataSGD, {**finite, "y": y[:-1]}, "y.shape", r"\(12,\)"),
        (FiniteDataSGD, {**finite, "X": X[:8], "y": y[:8]}, "X.shape", "M > N"),
        (FiniteDataSGD, {**finite, "X": np.hstack([X[:, :7], X[:, :1]])}, "X", "full column rank"),
        (TwoLayerSGD, {**two, "eta": -0.1}, "eta", r"in \(0, inf\)"),
        (TwoLayerSGD, {**two, "eta": 1.0}, "eta", "for stability"),
        (TwoLayerSGD, {**two, "W1": W1[:2]}, "W1.shape", "K = W2.shape"),
        (TwoLayerSGD, {**two, "teacher": T[:, :3]}, "teacher.shape", "3x4"),
        (TwoLayerSGD, {**two, "batch": 0}, "batch", "integer"),
        (TwoLayerSGD, {**two, "sigma2": -0.1}, "sigma2", r"\[0, inf\)"),
    ]


@pytest.mark.parametrize("cls, kwargs, name, allowed", _bad_models())
def test_bad_model_arguments(cls, kwargs, name, allowed):
    with pytest.raises(InvalidArgument, match=f"`{name}` must .*{allowed}"):
        cls(**kwargs)


def test_unstable_eta_message_shows_the_stable_range():
    X, y = _dataset()
    lmax = np.linalg.eigvalsh(X.T @ X / 12)[-1]
    with pytest.raises(InvalidArgument) as info:
        FiniteDataSGD(X, y, eta=2 / lmax * (1 + 1e-9), batch=2)   # just past the edge, whatever rounding of lmax
    assert f"in (0, {2 / lmax:.4g}) for stability (eta * largest curvature < 2)" in str(info.value)


@pytest.mark.parametrize("kwargs, name", [
    (dict(n_chains=0), "n_chains"), (dict(steps=0), "steps"), (dict(burn_in=-1), "burn_in"), (dict(thin=0), "thin"),
    (dict(thin=11), "thin"), (dict(start=np.zeros(3)), "start.shape"), (dict(start=[np.nan, 0.0]), "start"),
    (dict(project=np.eye(3)), "project.shape"), (dict(project=np.eye(2), record=lambda s: s), "project"),
    (dict(record=3), "record"), (dict(record=lambda s: s[0]), "record"), (dict(rng=1), "rng"), (dict(chunk=0), "chunk"),
    (dict(progress=5), "progress"), (dict(steps=2.5), "steps"),
])
def test_bad_run_arguments(kwargs, name):
    model = OnlineLinearSGD(lam=[1.0, 0.5], eta=0.1, batch=1, sigma2=1.0)
    args = {"n_chains": 4, "rng": _rng(), "burn_in": 0, "steps": 10, **kwargs}
    with pytest.raises(InvalidArgument, match=f"`{name}"):
        model.run(args.pop("n_chains"), **args)
