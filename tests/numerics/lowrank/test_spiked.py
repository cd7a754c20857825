"""Covers numerics/lowrank/_spiked.py: the k^-alpha bulk, its rotation and noise, spiked samples, typed errors."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import numerics
import theory

EPS = np.finfo(float).eps


def _rng(seed=0):
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(11,)))


@settings(max_examples=15)
@given(d=st.integers(1, 40), alpha=st.floats(0.0, 3.0))
def test_bulk_eigenvalues_are_k_to_the_minus_alpha(d, alpha):
    bulk = numerics.lowrank.bulk_covariance(d, alpha)
    exact = np.array([k ** -alpha for k in range(1, d + 1)])
    np.testing.assert_allclose(bulk.eigenvalues, exact, rtol=4 * EPS, atol=0)
    assert bulk.basis is None and bulk.d == d
    np.testing.assert_array_equal(bulk.matrix(), np.diag(bulk.eigenvalues))


@settings(max_examples=15)
@given(d=st.integers(1, 40), alpha=st.floats(0.0, 3.0))
def test_normalised_trace_is_d_and_keeps_the_shape_of_the_spectrum(d, alpha):
    bulk = numerics.lowrank.bulk_covariance(d, alpha, normalise_trace=True)
    # a sum of d positive terms and one rescaling: relative rounding at most (d + 2) eps
    assert bulk.trace == pytest.approx(d, rel=(d + 2) * EPS)
    ratios = bulk.eigenvalues / np.arange(1, d + 1, dtype=float) ** -alpha
    np.testing.assert_allclose(ratios, ratios[0], rtol=8 * EPS)


def test_trace_of_the_unnormalised_bulk_is_the_generalised_harmonic_number():
    # H_d^(alpha) = sum_k k^-alpha; our note, section 6 item 9 (46.779 for alpha = 5/9, d = 1000)
    assert numerics.lowrank.bulk_covariance(1000, 5 / 9).trace == pytest.approx(
        sum(k ** (-5 / 9) for k in range(1, 1001)), rel=1e-13)


@pytest.mark.parametrize("d", [1, 2, 7, 25])
def test_rotation_gives_an_orthogonal_basis_and_the_same_spectrum(d):
    bulk = numerics.lowrank.bulk_covariance(d, 0.8, rotate=True, rng=_rng(d))
    U = bulk.basis
    assert U.shape == (d, d)
    # Householder-built orthogonal matrices are orthogonal to a few d * eps
    np.testing.assert_allclose(U.T @ U, np.eye(d), rtol=0, atol=10 * d * EPS)
    S = bulk.matrix()
    # (U diag(lam)) U^T is symmetric up to the rounding of its d-term dot products
    np.testing.assert_allclose(S, S.T, rtol=0, atol=2 * d * EPS * bulk.eigenvalues.max())
    # eigvalsh is backward stable: each eigenvalue within a few d eps ||S||
    np.testing.assert_allclose(np.sort(np.linalg.eigvalsh(S)), np.sort(bulk.eigenvalues), rtol=0, atol=20 * d * EPS)


@pytest.mark.parametrize("rotate", [False, True])
def test_quadratic_forms_equal_w_sigma_w_from_the_dense_matrix(rotate):
    rng = _rng(1)
    bulk = numerics.lowrank.bulk_covariance(9, 0.6, rotate=rotate, rng=rng)
    W = rng.standard_normal((5, 9))
    dense = np.einsum("jk,kl,jl->j", W, bulk.matrix(), W)
    np.testing.assert_allclose(bulk.quadratic_forms(W), dense, rtol=1e-13)


@pytest.mark.parametrize("rotate", [False, True])
def test_sample_covariance_is_sigma_within_its_standard_error(rotate):
    rng = _rng(2)
    bulk = numerics.lowrank.bulk_covariance(4, 1.0, rotate=rotate, rng=rng)
    N = 100_000
    X = bulk.sample(N, rng=rng)
    assert X.shape == (N, 4)
    S = bulk.matrix()
    S_hat = X.T @ X / N  # the mean is known (0), so this is unbiased
    # Isserlis: Var(x_i x_j) = S_ii S_jj + S_ij^2, so se(S_hat_ij) = sqrt((S_ii S_jj + S_ij^2) / N);
    # 5 standard errors over 10 distinct entries
    se = np.sqrt((np.outer(np.diag(S), np.diag(S)) + S**2) / N)
    assert np.all(np.abs(S_hat - S) <= 5 * se)


def test_same_generator_state_same_sample():
    bulk = numerics.lowrank.bulk_covariance(6, 0.5, rotate=True, rng=_rng(3))
    np.testing.assert_array_equal(bulk.sample(10, rng=_rng(4)), bulk.sample(10, rng=_rng(4)))


@pytest.mark.parametrize("rotate", [False, True])
def test_with_noise_adds_tau_squared_to_every_eigenvalue(rotate):
    bulk = numerics.lowrank.bulk_covariance(5, 1.5, rotate=rotate, rng=_rng(5))
    noisy = bulk.with_noise(0.3)
    np.testing.assert_array_equal(noisy.eigenvalues, bulk.eigenvalues + 0.3**2)
    assert noisy.basis is bulk.basis
    np.testing.assert_allclose(noisy.matrix(), bulk.matrix() + 0.09 * np.eye(5), rtol=0, atol=1e-15)
    np.testing.assert_array_equal(bulk.with_noise(0.0).eigenvalues, bulk.eigenvalues)


def test_with_noise_rejects_a_negative_scale():
    with pytest.raises(theory.InvalidArgument, match="`tau`"):
        numerics.lowrank.bulk_covariance(3, 0.0).with_noise(-0.1)


@settings(max_examples=10)
@given(n=st.integers(1, 30), d=st.integers(1, 12), nu=st.floats(0.0, 1.0), seed=st.integers(0, 2**32 - 1))
def test_spiked_data_shapes_strength_and_unit_spike(n, d, nu, seed):
    data = numerics.lowrank.spiked_data(n, d, nu=nu, rng=np.random.default_rng(seed))
    assert data.X_B.shape == (n, d) and data.z.shape == (n,) and data.q.shape == (d,)
    assert (data.n, data.d, data.nu) == (n, d, nu)
    assert data.zeta == float(n) ** nu
    assert abs(np.linalg.norm(data.q) - 1) <= 4 * d * EPS
    np.testing.assert_array_equal(data.X, data.X_B + data.zeta * np.outer(data.z, data.q))
    np.testing.assert_allclose(data.covariance(), data.bulk.matrix() + data.zeta**2 * np.outer(data.q, data.q),
                               rtol=0, atol=0)


def test_spike_of_a_zero_exponent_has_unit_strength():
    assert numerics.lowrank.spiked_data(50, 3, nu=0.0, rng=_rng()).zeta == 1.0


@pytest.mark.parametrize("rotate", [False, True])
@pytest.mark.parametrize("k", [0, 3, 5])
def test_spike_index_is_a_bulk_eigenvector(rotate, k):
    data = numerics.lowrank.spiked_data(8, 6, nu=0.25, alpha=1.0, rotate=rotate, rng=_rng(6), spike=k)
    lam = data.bulk.eigenvalues[k]
    np.testing.assert_allclose(data.bulk.matrix() @ data.q, lam * data.q, rtol=0, atol=1e-14)
    if not rotate:
        np.testing.assert_array_equal(data.q, np.eye(6)[k])
    else:
        np.testing.assert_array_equal(data.q, data.bulk.basis[:, k])


def test_unit_sphere_rows_have_unit_norm():
    A = numerics.lowrank.unit_sphere((20, 7), rng=_rng(7))
    np.testing.assert_allclose(np.linalg.norm(A, axis=1), 1.0, rtol=0, atol=8 * EPS)


@pytest.mark.parametrize("kwargs,name", [
    ({"n": 0}, "`n`"), ({"n": 2.5}, "`n`"), ({"n": True}, "`n`"),
    ({"d": 0}, "`d`"), ({"d": 3.5}, "`d`"), ({"d": -2}, "`d`"),
    ({"nu": -0.1}, "`nu`"), ({"nu": float("nan")}, "`nu`"),
    ({"alpha": -1.0}, "`alpha`"),
    ({"spike": 4}, "`spike`"), ({"spike": -1}, "`spike`"), ({"spike": True}, "`spike`"),
    ({"spike": 1.0}, "`spike`"), ({"spike": "first"}, "`spike`"),
    ({"rng": np.random.RandomState(0)}, "`rng`"), ({"rng": 0}, "`rng`"),
])
def test_bad_spiked_data_arguments_are_typed_errors_naming_the_parameter(kwargs, name):
    args = {"n": 10, "d": 4, "nu": 0.25, "alpha": 0.5, "rng": _rng()} | kwargs
    with pytest.raises(theory.InvalidArgument, match=name):
        numerics.lowrank.spiked_data(**args)


@pytest.mark.parametrize("call,name", [
    (lambda: numerics.lowrank.bulk_covariance(0, 1.0), "`d`"),
    (lambda: numerics.lowrank.bulk_covariance(3, -0.5), "`alpha`"),
    (lambda: numerics.lowrank.bulk_covariance(3, 1.0, rotate=True), "`rng`"),
    (lambda: numerics.lowrank.bulk_covariance(3, 1.0).sample(0, rng=_rng()), "`n`"),
    (lambda: numerics.lowrank.bulk_covariance(3, 1.0).sample(5, rng=np.random.RandomState(1)), "`rng`"),
    (lambda: numerics.lowrank.BulkCovariance(np.array([1.0, -0.5])), "`eigenvalues`"),
    (lambda: numerics.lowrank.BulkCovariance(np.array([1.0, np.nan])), "`eigenvalues`"),
    (lambda: numerics.lowrank.BulkCovariance(np.ones(2), np.eye(3)), "`basis.shape`"),
    (lambda: numerics.lowrank.unit_sphere((2, 3), rng=None), "`rng`"),
])
def test_bad_bulk_arguments_are_typed_errors_naming_the_parameter(call, name):
    with pytest.raises(theory.InvalidArgument, match=name):
        call()
