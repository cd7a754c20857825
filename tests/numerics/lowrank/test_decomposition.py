"""Covers numerics/lowrank/_decomposition.py, numerics/lowrank/_reference.py, numerics/lowrank/_population.py and
the Gram route of numerics/lowrank/_regularizer_effects.py.

The four-term decomposition G = S1 + S12 + S2 + E and its exact consequences (our note, section 2.3, all derived
from the [S] definitions), the fast path against the appendix reference, the top singular triplets, the
population moments mu_j = E[sigma'(s_j Z)] and the typed errors of every input.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import numerics
import theory

EPS = np.finfo(float).eps
ACTIVATIONS = ("relu", "tanh", "gelu", "identity")


def _rng(seed=0):
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(19,)))


def _problem(n, d, m, nu, seed, alpha=0.0, rotate=False):
    rng = np.random.default_rng(seed)
    data = numerics.lowrank.spiked_data(n, d, nu=nu, alpha=alpha, rotate=rotate, rng=rng)
    W = numerics.lowrank.inner_weights(m, d, rng=rng)
    a = numerics.lowrank.outer_weights(m, rng=rng)
    y = rng.standard_normal(n) + 0.5  # a target with non-zero mean, so the mean residual is O(1)
    return data, W, a, y


def _decompose(data, W, a, y, **kwargs):
    kwargs.setdefault("bulk_cov", data.bulk)
    return numerics.lowrank.gradient_decomposition(data.X_B, data.z, data.q, data.zeta, W, a, y, **kwargs)


def _close(A, B, rtol, scale=None):
    """||A - B||_F <= rtol ||scale||_F (scale defaults to B); also true when both vanish (e.g. relu, all h < 0)."""
    return np.linalg.norm(A - B) <= rtol * np.linalg.norm(B if scale is None else scale)


def _size(dec):
    """sum of ||G||, ||S1||, ||S12||, ||S2||, ||E||: the scale of the rounding in sums of the terms."""
    return sum(np.linalg.norm(getattr(dec, name)) for name in ("G", "S1", "S12", "S2", "E"))


sizes = st.integers(3, 12)
cases = st.fixed_dictionaries({
    "n": st.integers(2, 12), "d": sizes, "m": sizes, "nu": st.floats(0.0, 0.6), "seed": st.integers(0, 2**32 - 1),
    "activation": st.sampled_from(ACTIVATIONS), "mu": st.sampled_from(("empirical", "population")),
    "scaling": st.sampled_from(("ntk", "mf"))})


def _case(c):
    data, W, a, y = _problem(c["n"], c["d"], c["m"], c["nu"], c["seed"])
    dec = _decompose(data, W, a, y, activation=c["activation"], scaling=c["scaling"], mu=c["mu"], loss="mse")
    return data, W, a, y, dec


@settings(max_examples=25)
@given(c=cases)
def test_gradient_is_the_sum_of_the_four_terms(c):
    *_, dec = _case(c)
    # rounding is relative to the terms, which may cancel (relu with every h_ij < 0 has G = 0 but S1 = -E != 0)
    assert _close(dec.S1 + dec.S12 + dec.S2 + dec.E, dec.G, 1e-10, _size(dec))


@settings(max_examples=25)
@given(c=cases)
def test_fast_path_equals_the_reference_term_by_term(c):
    data, W, a, y, dec = _case(c)
    ref = numerics.lowrank.reference_decomposition(data.X_B, data.z, data.q, data.zeta, W, a, y, dec.mu,
                                           activation=c["activation"], scaling=c["scaling"])
    # r may differ in the last bits: the fast path forms H = X_B W^T + zeta z (W q)^T
    assert _close(dec.r, ref.r, 1e-12, np.abs(ref.r) + 1)
    # E is formed as (X_B^T D) - S1 on the fast path, so its rounding is relative to ||G|| + ||S1||, not to ||E||
    for name in ("G", "S1", "S12", "S2", "E"):
        fast, slow = getattr(dec, name), getattr(ref, name)
        assert np.linalg.norm(fast - slow) <= 1e-10 * (np.linalg.norm(slow) + _size(dec))
    np.testing.assert_allclose(dec.singular_values, ref.singular_values[:dec.singular_values.size],
                               rtol=1e-10, atol=1e-13 * ref.singular_values[0])


@settings(max_examples=25)
@given(c=cases)
def test_spike_and_residue_terms_have_rank_at_most_two(c):
    *_, dec = _case(c)
    sv = np.linalg.svd(dec.S1 + dec.S12 + dec.S2, compute_uv=False)
    # sigma_3 is rounding, relative to the terms (S12 and S2 can cancel, leaving sigma_1 small)
    assert sv[2] <= 1e-12 * sum(np.linalg.norm(S) for S in (dec.S1, dec.S12, dec.S2))


@settings(max_examples=25)
@given(c=cases)
def test_residue_spike_of_the_full_data(c):
    """S1 + S12 = (gamma/n) X^T r (a o mu)^T, X = X_B + zeta z q^T (note, section 2.3 item 2)."""
    data, _, a, _, dec = _case(c)
    rhs = dec.gamma / data.n * np.outer(data.X.T @ dec.r, a * dec.mu)
    assert _close(dec.S1 + dec.S12, rhs, 1e-10)


@settings(max_examples=25)
@given(c=cases)
def test_vectors_scales_and_alignments(c):
    data, W, a, y, dec = _case(c)
    H = data.X @ W.T
    net = numerics.lowrank.network(W, a, activation=c["activation"], scaling=c["scaling"])
    D = np.outer(dec.r, a) * net.dsigma(H)
    # v = z^T M is computed as z^T D - (z^T r)(a o mu): its rounding is relative to those two terms' sizes
    scale = np.abs(data.z) @ np.abs(D) + abs(data.z @ dec.r) * np.abs(a * dec.mu)
    assert _close(dec.v, data.z @ (D - np.outer(dec.r, a * dec.mu)), 1e-12, scale)
    np.testing.assert_allclose(dec.residue, data.X_B.T @ dec.r, rtol=0,
                               atol=1e-13 * (np.abs(data.X_B).T @ np.abs(dec.r)).max())
    assert abs(np.linalg.norm(dec.res) - 1) <= 1e-14
    # with a bulk covariance the scales are the population ones whatever the mu mode
    np.testing.assert_allclose(dec.s, numerics.lowrank.population_scales(W, data.bulk, data.q, data.zeta), rtol=1e-14)
    assert dec.s_method.startswith("population")
    if c["mu"] == "population":
        assert dec.mu_error is not None and dec.mu_error < 1e-12
    else:
        assert dec.mu_error is None
        without_bulk = _decompose(data, W, a, y, activation=c["activation"], scaling=c["scaling"], bulk_cov=None)
        np.testing.assert_allclose(without_bulk.s, np.sqrt(np.mean(H * H, axis=0)), rtol=1e-12)
        assert without_bulk.s_method.startswith("empirical")
        np.testing.assert_array_equal(without_bulk.mu, dec.mu)
    k = dec.singular_values.size
    assert k == min(3, data.d, W.shape[0]) and dec.U.shape == (data.d, k) and dec.Vt.shape == (k, W.shape[0])
    # |u . v| of unit vectors is in [0, 1] up to the rounding of a d-term dot product
    for align in (dec.res_alignment, dec.spike_alignment):
        assert align.shape == (k,) and np.all(align >= 0) and np.all(align <= 1 + 4 * data.d * EPS)
        assert np.sum(align**2) <= 1 + 4 * data.d * EPS  # Bessel: the u_k are orthonormal


@settings(max_examples=15)
@given(c=cases)
def test_linear_activation_has_no_data_spike_and_no_bulk_error(c):
    """sigma' = 1 so sigma'_perp = 0: S2 = E = 0 and G = (gamma/n) X^T r a^T (note, section 2.3 item 5)."""
    c = c | {"activation": "identity"}
    data, W, a, _, dec = _case(c)
    np.testing.assert_array_equal(dec.mu, np.ones(W.shape[0]))
    norm = np.linalg.norm(dec.G)
    # both are differences of equal quantities computed along different summation orders
    assert np.linalg.norm(dec.S2) <= 1e-12 * norm and np.linalg.norm(dec.E) <= 1e-12 * norm
    assert _close(dec.G, dec.gamma / data.n * np.outer(data.X.T @ dec.r, a), 1e-12)


@settings(max_examples=15)
@given(c=cases)
def test_without_a_spike_the_spike_terms_vanish(c):
    data, W, a, y = _problem(c["n"], c["d"], c["m"], c["nu"], c["seed"])
    dec = numerics.lowrank.gradient_decomposition(data.X_B, data.z, data.q, 0.0, W, a, y, activation=c["activation"],
                                          scaling=c["scaling"], mu=c["mu"], bulk_cov=data.bulk)
    assert not dec.S12.any() and not dec.S2.any()  # multiplied by zeta = 0: exactly zero
    assert _close(dec.S1 + dec.E, dec.G, 1e-12, _size(dec))


@settings(max_examples=15)
@given(c=cases)
def test_empirical_mu_centres_the_derivative_columns(c):
    """With the empirical mu, 1^T sigma'_perp(X W^T) = 0 exactly (note, section 2.2). Hence 1^T M = 0 when the
    residue is constant, r = c 1 (here y = f - c); for a general r, 1^T M = (sum_i r_i sigma'_perp,ij) a_j != 0."""
    c = c | {"mu": "empirical"}
    data, W, a, _, _ = _case(c)
    net = numerics.lowrank.network(W, a, activation=c["activation"], scaling=c["scaling"])
    f = net.output(data.X)
    dec = _decompose(data, W, a, f - 0.75, activation=c["activation"], scaling=c["scaling"], mu="empirical")
    D = net.dsigma(data.X @ W.T)
    perp = D - dec.mu
    n = data.n
    # a mean of n terms and its subtraction: a few n eps max|sigma'|
    assert np.all(np.abs(perp.sum(axis=0)) <= 4 * n * n * EPS * max(1.0, np.abs(D).max()))
    np.testing.assert_allclose(dec.r, 0.75, rtol=0, atol=4 * EPS * (np.abs(f).max() + 1))
    M = np.outer(dec.r, a) * perp
    assert np.all(np.abs(M.sum(axis=0)) <= 8 * n * n * EPS * max(1.0, np.abs(D).max()))


def test_population_mu_of_relu_is_one_half_at_any_scale():
    data, W, a, y = _problem(20, 8, 6, 0.4, 3, alpha=0.5)
    dec = _decompose(data, W, a, y, activation="relu", scaling="ntk", mu="population")
    np.testing.assert_array_equal(dec.mu, 0.5)
    assert "closed form" in dec.mu_method


@pytest.mark.parametrize("activation", ["relu", "tanh"])
def test_logistic_loss_decomposes_too(activation):
    data, W, a, _ = _problem(15, 6, 7, 0.3, 4)
    y = np.where(np.arange(15) % 2 == 0, 1.0, -1.0)
    dec = _decompose(data, W, a, y, activation=activation, scaling="ntk", loss="logistic")
    net = numerics.lowrank.network(W, a, activation=activation)
    np.testing.assert_allclose(dec.G, net.loss_gradient(data.X, y, "logistic"), rtol=1e-12, atol=1e-16)
    assert _close(dec.S1 + dec.S12 + dec.S2 + dec.E, dec.G, 1e-10, _size(dec))


# ------------------------------------------------------------------------------- top singular triplets

def _outlier_matrix(d=300, m=400, seed=5):
    """Bulk of singular values ~ 1 +- sqrt(d/m) plus three outliers 10, 7, 5 (a spiked random matrix)."""
    rng = _rng(seed)
    A = rng.standard_normal((d, m)) / np.sqrt(m)
    for strength in (10.0, 7.0, 5.0):
        u, v = rng.standard_normal(d), rng.standard_normal(m)
        A += strength * np.outer(u / np.linalg.norm(u), v / np.linalg.norm(v))
    return A


def test_top_singular_triplets_agree_with_a_full_svd_on_the_propack_path():
    A = _outlier_matrix()
    U, sv, Vt, method = numerics.lowrank.top_singular_triplets(A, 3)
    assert "PROPACK" in method
    U_, sv_, Vt_ = np.linalg.svd(A, full_matrices=False)
    np.testing.assert_allclose(sv, sv_[:3], rtol=1e-10)
    # well separated outliers: singular vectors to ~eps ||A|| / gap; compare up to sign
    np.testing.assert_allclose(np.abs(np.sum(U * U_[:, :3], axis=0)), 1.0, rtol=0, atol=1e-10)
    np.testing.assert_allclose(np.abs(np.sum(Vt * Vt_[:3], axis=1)), 1.0, rtol=0, atol=1e-10)
    np.testing.assert_allclose(A @ Vt.T, U * sv, rtol=0, atol=1e-10 * sv[0])


def test_top_singular_triplets_use_a_full_svd_for_small_matrices():
    A = _outlier_matrix(20, 30, seed=6)
    U, sv, Vt, method = numerics.lowrank.top_singular_triplets(A, 2)
    assert method == "full SVD (LAPACK)" and U.shape == (20, 2) and Vt.shape == (2, 30)
    np.testing.assert_allclose(sv, np.linalg.svd(A, compute_uv=False)[:2], rtol=1e-13)
    assert sv[0] >= sv[1]


@pytest.mark.parametrize("k", [0, 21, 2.5, -1])
def test_top_singular_triplets_reject_a_bad_k(k):
    with pytest.raises(theory.InvalidArgument, match="`k`"):
        numerics.lowrank.top_singular_triplets(np.ones((20, 30)), k)


def test_decomposition_returns_the_requested_number_of_triplets():
    data, W, a, y = _problem(10, 6, 5, 0.2, 7)
    for k in (1, 2, 5):
        assert _decompose(data, W, a, y, activation="tanh", scaling="ntk", k=k).singular_values.size == k
    # a k beyond min(d, m) is capped at min(d, m) (the code's min(k, *G.shape)), not refused
    assert _decompose(data, W, a, y, activation="tanh", scaling="ntk", k=9).singular_values.size == 5
    for k in (0, -2, 1.5):
        with pytest.raises(theory.InvalidArgument, match="`k`"):
            _decompose(data, W, a, y, activation="tanh", scaling="ntk", k=k)


# ----------------------------------------------------------------------------------------- population

def test_population_moment_of_relu_is_exactly_one_half():
    pm = numerics.lowrank.population_moment("relu", "mean_derivative", np.array([1e-3, 0.2, 1.0, 50.0]))
    np.testing.assert_array_equal(pm.values, 0.5)
    assert "closed form" in pm.method


def test_population_moment_of_tanh_matches_the_note_table():
    # our note, section 3.4: E[tanh'(Z)] = 0.605706 (6 digits)
    pm = numerics.lowrank.population_moment("tanh", "mean_derivative", np.array([1.0]))
    assert round(float(pm.values[0]), 6) == 0.605706
    assert "quadrature" in pm.method


@pytest.mark.parametrize("quantity", ["mean_derivative", "mean_second_derivative", "mean"])
def test_tanh_quadrature_agrees_with_the_arbitrary_precision_moment(quantity):
    scales = np.array([0.1, 0.2157, 1.0, 3.0, 8.0])
    pm = numerics.lowrank.population_moment("tanh", quantity, scales)
    exact = np.array([float(theory.gaussian_moment_value("tanh", quantity, scale=s, dps=30).value) for s in scales])
    np.testing.assert_allclose(pm.values, exact, rtol=0, atol=1e-12)
    assert np.all(np.abs(pm.values - exact) <= pm.error + 4 * EPS)  # the reported error is a bound


@pytest.mark.parametrize("name", ["erf", "gelu", "relu"])
def test_closed_form_population_moments_agree_with_theory(name):
    scales = np.array([0.3, 1.0, 2.5])
    for quantity in ("mean", "mean_derivative", "mean_second_derivative"):
        pm = numerics.lowrank.population_moment(name, quantity, scales)
        exact = [float(theory.gaussian_moment_value(name, quantity, scale=s, dps=30).value) for s in scales]
        np.testing.assert_allclose(pm.values, exact, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("rotate", [False, True])
def test_population_scales_from_the_dense_covariance(rotate):
    rng = _rng(8)
    bulk = numerics.lowrank.bulk_covariance(7, 0.7, rotate=rotate, rng=rng)
    W = rng.standard_normal((5, 7))
    q = numerics.lowrank.unit_sphere((1, 7), rng=rng)[0]
    Sigma = bulk.matrix() + 2.0**2 * np.outer(q, q)
    expected = np.sqrt(np.einsum("jk,kl,jl->j", W, Sigma, W))
    np.testing.assert_allclose(numerics.lowrank.population_scales(W, bulk, q, 2.0), expected, rtol=1e-13)


# ------------------------------------------------------------------------------------------------ as_bulk

def test_as_bulk_accepts_its_three_forms():
    bulk = numerics.lowrank.bulk_covariance(5, 0.8, rotate=True, rng=_rng(9))
    assert numerics.lowrank.as_bulk(bulk, 5) is bulk
    dense = numerics.lowrank.as_bulk(bulk.matrix(), 5)
    np.testing.assert_allclose(dense.matrix(), bulk.matrix(), rtol=0, atol=1e-14)
    np.testing.assert_allclose(np.sort(dense.eigenvalues), np.sort(bulk.eigenvalues), rtol=0, atol=1e-14)
    pair = numerics.lowrank.as_bulk((bulk.eigenvalues, bulk.basis), 5)
    np.testing.assert_array_equal(pair.matrix(), bulk.matrix())
    diagonal = numerics.lowrank.as_bulk((np.arange(1.0, 6.0), None), 5)
    assert diagonal.basis is None and diagonal.trace == 15.0


def test_every_bulk_form_gives_the_same_population_mu():
    data, W, a, y = _problem(12, 5, 6, 0.3, 10, alpha=0.8, rotate=True)
    b = data.bulk
    mus = [_decompose(data, W, a, y, activation="erf", scaling="ntk", mu="population", bulk_cov=form).mu
           for form in (b, b.matrix(), (b.eigenvalues, b.basis))]
    for mu in mus[1:]:
        np.testing.assert_allclose(mu, mus[0], rtol=1e-13)


@pytest.mark.parametrize("form,name", [
    (numerics.lowrank.bulk_covariance(4, 1.0), "`bulk_cov.d`"),
    (np.array([[1.0, 0.5, 0, 0, 0], [0, 1, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 1, 0], [0, 0, 0, 0, 1]]), "`bulk_cov`"),
    (-np.eye(5), "`bulk_cov smallest eigenvalue`"),
    (np.eye(4), "`bulk_cov.shape`"),
    ((np.ones(4), None), "`bulk_cov eigenvalues.shape`"),
    ((np.ones(5), np.eye(4)), "`bulk_cov basis.shape`"),
])
def test_bad_bulk_forms_are_typed_errors(form, name):
    with pytest.raises(theory.InvalidArgument, match=name):
        numerics.lowrank.as_bulk(form, 5)


# -------------------------------------------------------------------------------------------- bad input

def _args():
    data, W, a, y = _problem(8, 5, 4, 0.25, 11)
    return {"X_B": data.X_B, "z": data.z, "q": data.q, "zeta": data.zeta, "W": W, "a": a, "y": y,
            "activation": "tanh", "scaling": "ntk", "bulk_cov": data.bulk}


def _nan_at(A, index):
    A = A.copy()
    A[index] = np.nan
    return A


@pytest.mark.parametrize("change,name", [
    (lambda g: {"X_B": _nan_at(g["X_B"], (2, 3))}, "`X_B`"),
    (lambda g: {"X_B": g["X_B"][0]}, "`X_B.shape`"),
    (lambda g: {"z": g["z"][:-1]}, "`z.shape`"),
    (lambda g: {"z": _nan_at(g["z"], 0)}, "`z`"),
    (lambda g: {"W": g["W"][:, :-1]}, "`W.shape`"),
    (lambda g: {"W": _nan_at(g["W"], (0, 0))}, "`W`"),
    (lambda g: {"a": g["a"][:-1]}, "`a.shape`"),
    (lambda g: {"y": g["y"][:-1]}, "`y.shape`"),
    (lambda g: {"q": g["q"][:-1]}, "`q.shape`"),
    (lambda g: {"q": 2 * g["q"]}, "`norm of q`"),
    (lambda g: {"zeta": -1.0}, "`zeta`"),
    (lambda g: {"zeta": float("inf")}, "`zeta`"),
    (lambda g: {"mu": "population", "bulk_cov": None}, "`bulk_cov`"),
    (lambda g: {"scaling": 0.0}, "`scaling`"),
    (lambda g: {"loss": "logistic"}, "`y`"),
])
def test_bad_inputs_are_invalid_arguments_naming_the_parameter(change, name):
    args = _args()
    args |= change(args)
    with pytest.raises(theory.InvalidArgument, match=name):
        numerics.lowrank.gradient_decomposition(**args)


@pytest.mark.parametrize("change,what", [
    ({"activation": "swish"}, "activation"), ({"loss": "hinge"}, "loss"), ({"mu": "median"}, "mu mode"),
    ({"scaling": "standard"}, "scaling"),
])
def test_unknown_names_are_unknown_name_errors(change, what):
    with pytest.raises(theory.UnknownName, match=what):
        numerics.lowrank.gradient_decomposition(**(_args() | change))


@pytest.mark.parametrize("activation", ["relu", "tanh", "identity"])
@pytest.mark.parametrize("mu", ["empirical", "population"])
def test_vectors_and_shared_preactivations_are_the_decompositions_bit_for_bit(activation, mu):
    """gradient_vectors stops before product 2 by the same operations, and preactivations shared between activations
    change nothing: r, mu, s, X_B^T r, z^T M and S1 are the full decomposition's, byte for byte."""
    data, W, a, y = _problem(60, 40, 50, 0.3, seed=4)
    kwargs = dict(activation=activation, scaling="ntk", mu=mu, bulk_cov=data.bulk)
    dec = _decompose(data, W, a, y, **kwargs)
    shared = numerics.lowrank.preactivations(data.X_B, data.z, data.q, data.zeta, W, bulk_cov=data.bulk)
    args = (data.X_B, data.z, data.q, data.zeta, W, a, y)
    for vec in (numerics.lowrank.gradient_vectors(*args, **kwargs),
                numerics.lowrank.gradient_vectors(*args, **kwargs, preactivations=shared)):
        for name in ("r", "mu", "s", "residue", "v", "S1"):
            assert getattr(vec, name).tobytes() == getattr(dec, name).tobytes(), name
        assert (vec.gamma, vec.zeta, vec.mu_method, vec.s_method) == (dec.gamma, dec.zeta, dec.mu_method, dec.s_method)
    again = _decompose(data, W, a, y, **kwargs, preactivations=shared)
    for name in ("G", "S1", "S12", "S2", "E", "singular_values"):
        assert getattr(again, name).tobytes() == getattr(dec, name).tobytes(), name
    assert not shared.H.flags.writeable               # shared between activations: nothing writes into it


def test_weight_decay_spectrum_decides_as_the_full_svd_does():
    """The Gram route's answer is the SVD's: on draws, at edges placed exactly on an extreme singular value (where
    it defers to the SVD), and for m < d."""
    from scipy.linalg import svdvals

    inside = numerics.lowrank.WeightDecaySpectrum.inside
    for m, d, seed in ((125, 100, 0), (125, 100, 1), (80, 120, 2)):
        sv = svdvals(numerics.lowrank.inner_weights(m, d, "sphere", rng=np.random.default_rng(seed)).T)
        lo, hi = abs(np.sqrt(m / d) - 1), np.sqrt(m / d) + 1
        for edges in ((lo, hi), (lo * 1.2, hi), (lo, hi * 0.9), (sv.min(), sv.max()),
                      (np.nextafter(sv.min(), 1), hi), (lo, np.nextafter(sv.max(), 0))):
            assert inside(m, d, *edges, seed) == bool(sv.min() >= edges[0] and sv.max() <= edges[1]), (m, d, edges)
