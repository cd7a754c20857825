"""Covers numerics/sloppy/_inpca.py and numerics/sloppy/_trajectories.py: inPCA embeddings and GD trajectory
ensembles."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import theory
from numerics.sloppy import (GDProblem, RibbonCriterion, categorical_distances, design_with_spectrum, double_centre,
                             embedding_rounding, gaussian_distances, inpca, polynomial_features, trajectory_embedding)
from theory import InvalidArgument

seeds = st.integers(0, 2**32 - 1)


@given(st.integers(2, 30), st.integers(1, 25), st.floats(0.05, 5.0), seeds)
@settings(max_examples=40)
def test_inpca_of_linear_gaussian_models_is_pca_of_their_predictions(m, n, s2, seed):
    """A2 as a law: distances -> double centring -> eigenvalues equals the centred SVD, within the derived bound."""
    F = np.random.default_rng(seed).standard_normal((m, n)) * np.random.default_rng(seed + 1).uniform(0.1, 3)
    D = gaussian_distances(F, s2)
    emb = inpca(D)
    expected = theory.sloppy.inpca_spectrum(F, s2)
    bound = embedding_rounding(m, n, float(D.max()), float(np.sqrt(emb.frobenius_sq))) + 1e-13 * expected[0]
    assert np.allclose(np.sort(emb.eigenvalues)[::-1], expected, rtol=0, atol=bound)
    assert emb.eigenvalues.min() >= -bound                           # no Minkowski directions


@given(st.floats(0.2, 5.0), st.floats(0.2, 5.0), st.floats(0.3, 4.0), seeds)
@settings(max_examples=15)
def test_ratios_and_explained_stress_are_invariant_to_sigma2_and_to_rescaling_x_with_eta(s2, s2_alt, a, seed):
    """A9 as a law, with the tolerance of trajectory_embedding's derived bound."""
    values = {"d": 6, "c": 0.9, "eta": 0.6, "T": 25, "members": 3, "sigma0": 0.7, "sigma2": s2, "rows": 12,
              "data_seed": seed}
    base, b1 = trajectory_embedding(values)
    alt, b2 = trajectory_embedding(values, scale=a, sigma2=s2_alt)
    e, f = base.eigenvalues, alt.eigenvalues
    k = 3
    assert np.allclose(base.ratios(k), alt.ratios(k), rtol=0, atol=4 * (b1 / abs(e[k]) + b2 / abs(f[k])))
    top = np.abs(e[:k])
    assert np.allclose(base.explained_stress()[:k], alt.explained_stress()[:k], rtol=0,
                       atol=4 * (b1 / top[-1] + b2 / abs(f[k - 1])))


@given(st.integers(2, 12), st.integers(1, 6), st.integers(2, 4), seeds)
@settings(max_examples=30)
def test_explained_stress_of_signed_embeddings_is_monotone_in_0_1(m, n, classes, seed):
    logits = 2 * np.random.default_rng(seed).standard_normal((m, n, classes))
    P = np.exp(logits) / np.exp(logits).sum(axis=2, keepdims=True)
    emb = inpca(categorical_distances(P))
    es = emb.explained_stress()
    assert np.all((0 <= es) & (es <= 1)) and np.all(np.diff(es) >= 0)
    assert abs(theory.sloppy.parseval_residual(emb.eigenvalues, emb.frobenius_sq)) < 1e-10


def test_categorical_distance_is_symmetric_zero_on_the_diagonal_and_positive_off_it():
    P = np.array([[[0.2, 0.8]], [[0.5, 0.5]], [[0.9, 0.1]]])
    D = categorical_distances(P)
    assert np.array_equal(D, D.T) and np.all(np.diag(D) == 0) and np.all(D[~np.eye(3, dtype=bool)] > 0)


def test_double_centring_is_minus_half_l_d_l():
    D = np.abs(np.subtract.outer(np.arange(5.0), np.arange(5.0))) ** 2
    L = np.eye(5) - 1 / 5
    assert np.allclose(double_centre(D), -L @ D @ L / 2)


@pytest.mark.parametrize("call", [
    lambda: gaussian_distances(np.zeros((1, 3)), 1.0),
    lambda: gaussian_distances(np.zeros((0, 3)), 1.0),
    lambda: inpca([[0.0]]),
    lambda: categorical_distances(np.zeros((0, 2, 2))),
    lambda: categorical_distances([[[0.5, 0.6]], [[0.5, 0.5]]]),
    lambda: inpca([[0.0, 1.0], [2.0, 0.0]]),
])
def test_empty_ensembles_and_bad_distances_are_typed_errors(call):
    with pytest.raises(InvalidArgument):
        call()


def test_design_has_the_prescribed_spectrum():
    lam = theory.sloppy.power_law_spectrum(7, 1.5)
    X = design_with_spectrum(20, lam, np.random.default_rng(3))
    assert np.allclose(np.sort(np.linalg.eigvalsh(X.T @ X / 20))[::-1], lam, rtol=1e-12)


def _problem():
    X = design_with_spectrum(10, theory.sloppy.geometric_spectrum(5, 0.6), np.random.default_rng(0))
    return GDProblem.linear(X, np.ones(5), 0.5, record="factor")


def test_same_seed_same_moments_and_members_do_not_depend_on_the_ensemble_size():
    p = _problem()
    a = p.moments(256, 0.5, 30, rng=np.random.default_rng(7), groups=2)
    b = p.moments(256, 0.5, 30, rng=np.random.default_rng(7), groups=2)
    assert np.array_equal(a.outer, b.outer) and a.seed == b.seed
    small = p.initial(100, 0.5, np.random.default_rng(7))
    large = p.initial(1000, 0.5, np.random.default_rng(7))
    assert np.array_equal(small, large[:100])


def test_streamed_moments_equal_the_stored_trajectories():
    p = _problem()
    u0 = p.initial(64, 0.8, np.random.default_rng(1))
    traj = p.trajectories(u0, 20).reshape(-1, 5)
    mom = p.moments(64, 0.8, 20, rng=np.random.default_rng(1), groups=2)
    assert np.allclose(mom.total.mean(axis=0), traj.mean(axis=0))
    assert np.allclose(mom.outer.mean(axis=0), traj.T @ traj / traj.shape[0])


def test_an_overparameterized_design_leaves_the_null_space_untouched():
    X = np.random.default_rng(4).standard_normal((3, 6))
    p = GDProblem.linear(X, np.ones(6), 0.1)
    w0 = np.random.default_rng(5).standard_normal((1, 6))
    final = p.trajectories(w0, 3000)[0, -1] * np.sqrt(3)              # predictions X w
    null = np.linalg.svd(X)[2][3:]                                    # rows spanning ker X
    w = p.step(w0)
    assert np.allclose(null @ w[0], null @ w0[0]) and np.allclose(final, X @ np.ones(6), atol=1e-8)


def test_kernel_gd_starts_with_the_kernel_covariance_and_reaches_the_target():
    x = np.linspace(-1, 1, 6)
    K = np.exp(-np.subtract.outer(x, x) ** 2) + 0.1 * np.eye(6)       # lambda_min(K/n) >= 1/60
    p = GDProblem.kernel(K, np.sin(x), 1.0)
    f0 = p.initial(20000, 1.0, np.random.default_rng(2))
    assert np.allclose(f0.T @ f0 / 20000, K, atol=0.05)
    final = p.trajectories(np.zeros((1, 6)), 3000)[0, -1] * np.sqrt(6)  # (1 - 1/60)^3000 < 1e-21
    assert np.allclose(final, np.sin(x), atol=1e-6)


@pytest.mark.parametrize("call, name", [
    (lambda: GDProblem.linear(np.eye(3), np.ones(3), 6.0), "eta"),  # Sigma_hat = I/3
    (lambda: GDProblem.linear(np.zeros((3, 3)), np.ones(3), 0.5), "X"),
    (lambda: GDProblem.linear(np.eye(3), np.ones(2), 0.5), "w_star"),
    (lambda: _problem().moments(100, 0.5, 10, rng=np.random.default_rng(0), groups=16), "members"),
    (lambda: _problem().moments(100, 0.5, 10, rng=np.random.default_rng(0), groups=1), "groups"),
    (lambda: _problem().moments(0, 0.5, 10, rng=np.random.default_rng(0)), "members"),
    (lambda: _problem().initial(4, -1.0, np.random.default_rng(0)), "sigma0"),
    (lambda: _problem().initial(4, 1.0, 0), "rng"),
    (lambda: design_with_spectrum(2, [1.0, 0.5, 0.2], np.random.default_rng(0)), "n"),
    (lambda: design_with_spectrum(5, [1.0, -0.5], np.random.default_rng(0)), "lam"),
])
def test_bad_input_is_a_typed_error(call, name):
    with pytest.raises(InvalidArgument, match=f"`{name}"):
        call()


def test_the_ribbon_criterion_refuses_ratios_past_the_rank_of_a_single_trajectory():
    values = {"d": 30, "c": 0.3, "eta": 0.5, "T": 3, "sigma0s": (0.0, 1.0)}
    with pytest.raises(InvalidArgument, match="`d, T`"):
        RibbonCriterion()(values, dps=30)
    with pytest.raises(InvalidArgument, match="`d, T`"):
        RibbonCriterion()({**values, "d": 4, "T": 100}, dps=30)


def test_polynomial_features_reproduce_the_kernel():
    x = np.random.default_rng(6).uniform(-1, 1, (7, 2))
    Phi = polynomial_features(x, 3.0)
    assert Phi.shape == (7, 10) and np.allclose(Phi @ Phi.T, (1 + x @ x.T / 3.0) ** 3, rtol=1e-13)
