r"""The four-term decomposition of the input-weight gradient (arXiv 2510.01303; our note, section 2.3).

With H = X W^T, r the residue, mu_j = E[sigma'(w_j^T x)] and
M = (r a^T) o (sigma'(H) - 1 mu^T):

* S1  = (gamma/n) (X_B^T r)(a o mu)^T            residue spike
* S12 = (gamma zeta (z^T r)/n) q (a o mu)^T      interpolant
* S2  = (gamma zeta/n) q (z^T M)                 data spike
* E   = (gamma/n) X_B^T M                        bulk error

and G = S1 + S12 + S2 + E (Proposition 2.1). The decomposition is the
secondary sources' (tag [S] in the note); the identities between the terms are
derived by us.

Cost: two large products, H = X_B W^T (+ a rank-one spike update) and
B = X_B^T D with D = (r a^T) o sigma'(H); everything else is rank-one updates
of B. No n x m x d intermediate is formed. The top singular triplets come from
a Lanczos bidiagonalisation (scipy's ``svds``, PROPACK) rather than a full SVD.
:func:`gradient_vectors` stops before product 2 (by the same operations, so with
the same numbers) for estimators that read only the terms' vectors, and
:func:`preactivations` lets several activations on one draw share product 1.
"""

from __future__ import annotations

from dataclasses import dataclass
import numpy as np
from scipy.sparse.linalg import svds

from theory import InvalidArgument, UnknownName

from .._arrays import as_matrix, as_vector, check_count, check_nonnegative, check_unit_vector
from ._network import Network, loss, network
from ._population import population_moment, population_scales
from ._spiked import BulkCovariance

__all__ = ["GradientDecomposition", "gradient_decomposition", "GradientVectors", "gradient_vectors", "Preactivations",
           "preactivations", "top_singular_triplets", "as_bulk", "MU_MODES"]

MU_MODES = ("empirical", "population")


@dataclass(frozen=True)
class GradientDecomposition:
    """G and its four terms (d x m), with the vectors that build them and G's top singular triplets.

    Attributes
    ----------
    G, S1, S12, S2, E : d x m arrays.
    r : residue (n,); mu : (m,) with ``mu_method`` and ``mu_error`` (bound on |mu - E sigma'|
        for the population closed form or quadrature; None for the empirical mean).
    s : per-neuron scale s_j (population formula if ``bulk_cov`` was given, else the
        sample root-mean-square of w_j^T x_i; see ``s_method``).
    gamma, zeta : network scale and spike strength.
    residue : X_B^T r (d,); res is it normalised. v : z^T M (m,), the data spike's right vector.
    singular_values, U, Vt : top-k singular triplets of G (descending), computed by ``svd_method``.
    res_alignment, spike_alignment : |u_k . res| and |u_k . q| for each of the top k.
    """

    G: np.ndarray
    S1: np.ndarray
    S12: np.ndarray
    S2: np.ndarray
    E: np.ndarray
    r: np.ndarray
    mu: np.ndarray
    mu_method: str
    mu_error: float | None
    s: np.ndarray
    s_method: str
    gamma: float
    zeta: float
    residue: np.ndarray
    v: np.ndarray
    singular_values: np.ndarray
    U: np.ndarray
    Vt: np.ndarray
    svd_method: str
    res_alignment: np.ndarray
    spike_alignment: np.ndarray

    @property
    def res(self) -> np.ndarray:
        """X_B^T r / ||X_B^T r|| (zero if the residue vanishes)."""
        return _unit(self.residue)


def as_bulk(bulk_cov: object, d: int) -> BulkCovariance:
    """A :class:`BulkCovariance` from itself, a d x d SPD matrix, or an (eigenvalues, basis) pair."""
    if isinstance(bulk_cov, BulkCovariance):
        if bulk_cov.d != d:
            raise InvalidArgument("bulk_cov.d", bulk_cov.d, f"{d} (the data dimension)")
        return bulk_cov
    if isinstance(bulk_cov, tuple) and len(bulk_cov) == 2:
        lam = as_vector("bulk_cov eigenvalues", bulk_cov[0], d)
        return BulkCovariance(lam, None if bulk_cov[1] is None else as_matrix("bulk_cov basis", bulk_cov[1], (d, d)))
    S = as_matrix("bulk_cov", bulk_cov, (d, d))
    if not np.allclose(S, S.T, rtol=0, atol=1e-12 * max(1.0, float(np.abs(S).max()))):
        raise InvalidArgument("bulk_cov", "a non-symmetric matrix", "a symmetric positive semi-definite d x d matrix")
    lam, U = np.linalg.eigh(S)
    if lam.min() < -1e-12 * max(1.0, lam.max()):
        raise InvalidArgument("bulk_cov smallest eigenvalue", float(lam.min()), ">= 0 (a covariance)")
    return BulkCovariance(np.clip(lam, 0, None), U)


#: Below this min(d, m) a full SVD is as fast as an iterative one.
FULL_SVD_BELOW = 200


def top_singular_triplets(A: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, str]:
    """(U, singular values, Vt, method) of the k largest singular values of A, descending.

    PROPACK's Lanczos bidiagonalisation (scipy ``svds``) to full precision; if it
    does not converge (no spectral gap), a full LAPACK SVD instead.
    """
    k = check_count("k", k)
    if k > min(A.shape):
        raise InvalidArgument("k", k, f"at most min(d, m) = {min(A.shape)}")
    if k >= min(A.shape) - 1 or min(A.shape) < FULL_SVD_BELOW:
        U, sv, Vt = np.linalg.svd(A, full_matrices=False)
        return U[:, :k], sv[:k], Vt[:k], "full SVD (LAPACK)"
    # A fixed start vector: it affects only the iteration's path, not the converged result.
    v0 = np.random.Generator(np.random.PCG64(20251001)).standard_normal(A.shape[0])
    method = "Lanczos bidiagonalisation (scipy svds, PROPACK)"
    try:  # PROPACK's default Krylov dimension suffices when G has outliers; a longer one costs memory
        U, sv, Vt = svds(A, k=k, solver="propack", v0=v0, tol=0)
    except np.linalg.LinAlgError:
        try:
            U, sv, Vt = svds(A, k=k, solver="propack", v0=v0, tol=0, maxiter=min(A.shape))
        except np.linalg.LinAlgError:
            U, sv, Vt = np.linalg.svd(A, full_matrices=False)
            U, sv, Vt, method = U[:, :k], sv[:k], Vt[:k], "full SVD (LAPACK; PROPACK did not converge)"
    order = np.argsort(sv)[::-1]
    return U[:, order], sv[order], Vt[order], method


def _check_data(X_B, z, q, zeta, W):
    """The data and the inner weights, checked (typed errors naming the parameter) and as float64 arrays."""
    X_B = as_matrix("X_B", X_B)
    n, d = X_B.shape
    z = as_vector("z", z, n)
    q = check_unit_vector("q", q, d)
    zeta = check_nonnegative("zeta", zeta)
    if not np.isfinite(zeta):
        raise InvalidArgument("zeta", zeta, "a finite number >= 0")
    return X_B, z, q, zeta, as_matrix("W", W, (None, d))


def _check_inputs(X_B, z, q, zeta, W, a, y):
    """:func:`_check_data`, then the outer weights and the targets."""
    X_B, z, q, zeta, W = _check_data(X_B, z, q, zeta, W)
    a = as_vector("a", a, W.shape[0])
    y = as_vector("y", y, X_B.shape[0])
    return X_B, z, q, zeta, W, a, y


@dataclass(frozen=True)
class Preactivations:
    """H = X W^T (n x m, read-only) and the per-neuron scales s with ``s_method``: what the gradient's terms share
    whatever the activation, so several activations on one draw compute them once (:func:`preactivations`)."""

    H: np.ndarray
    s: np.ndarray
    s_method: str


def _preactivations(X_B, z, q, zeta, W, bulk) -> Preactivations:
    """Product 1, H = X_B W^T + zeta z (W q)^T, and the scales (population if ``bulk``, else sample)."""
    wq = W @ q
    H = X_B @ W.T                                  # product 1 (with the spike as a rank-one update)
    spike = np.outer(z, wq)
    spike *= zeta
    H += spike
    s, s_method = _scales(W, bulk, q, zeta, H)
    H.setflags(write=False)
    return Preactivations(H, s, s_method)


def preactivations(X_B, z, q, zeta, W, *, bulk_cov: object = None) -> Preactivations:
    """:class:`Preactivations` of X = X_B + zeta z q^T and W, for the ``preactivations`` argument of
    :func:`gradient_decomposition` and :func:`gradient_vectors` (which must then get the same data, W and
    ``bulk_cov``): the population scales if ``bulk_cov`` is given, else the sample ones."""
    X_B, z, q, zeta, W = _check_data(X_B, z, q, zeta, W)
    bulk = None if bulk_cov is None else as_bulk(bulk_cov, X_B.shape[1])
    return _preactivations(X_B, z, q, zeta, W, bulk)


@dataclass(frozen=True)
class GradientVectors:
    """The vectors that build G's four terms, without any d x m matrix (:func:`gradient_vectors`).

    Attributes as in :class:`GradientDecomposition`: r, mu (``mu_method``, ``mu_error``), s (``s_method``), gamma,
    zeta, residue = X_B^T r, v = z^T M; am = a o mu, the right vector of S1 and S12; and zr = z^T r (S12's size).
    """

    r: np.ndarray
    mu: np.ndarray
    mu_method: str
    mu_error: float | None
    s: np.ndarray
    s_method: str
    gamma: float
    zeta: float
    residue: np.ndarray
    v: np.ndarray
    am: np.ndarray
    zr: float

    @property
    def S1(self) -> np.ndarray:
        """The residue spike (gamma/n) (X_B^T r)(a o mu)^T, formed as :func:`gradient_decomposition` forms it."""
        return np.outer(self.gamma / self.r.shape[0] * self.residue, self.am)


def _prepare(X_B, z, q, zeta, W, a, y, activation, scaling, loss, mu, bulk_cov, activation_params):
    """Checked inputs, the network, the loss, the bulk and the activation's parameters of a decomposition."""
    X_B, z, q, zeta, W, a, y = _check_inputs(X_B, z, q, zeta, W, a, y)
    if mu not in MU_MODES:
        raise UnknownName("mu mode", mu, MU_MODES)
    params = dict(activation_params or {})
    net = network(W, a, activation=activation, scaling=scaling, **params)
    lo = _loss(loss, y)
    bulk = None if bulk_cov is None else as_bulk(bulk_cov, X_B.shape[1])
    if mu == "population" and bulk is None:
        raise InvalidArgument("bulk_cov", None, "the bulk covariance (or its eigen-decomposition) for mu='population'")
    return (X_B, z, q, zeta, W, a, y), net, lo, bulk, params


def _vectors(inputs, net, lo, pre: Preactivations, mu: str, params: dict):
    """(:class:`GradientVectors`, D = (r a^T) o sigma'(H), z^T D, z^T r): everything but product 2."""
    X_B, z, q, zeta, W, a, y = inputs
    H = pre.H
    r = lo.residual(net.gamma * (net.sigma(H) @ a), y)
    D = net.dsigma(H)
    if np.may_share_memory(D, H):                  # D is scaled in place below; H may be shared
        D = np.array(D)
    mu_values, mu_method, mu_error = _mu(net, D, pre.s, mu, params)
    D *= r[:, None]
    D *= a[None, :]                                # D = (r a^T) o sigma'(H)
    residue, zr, zD = X_B.T @ r, float(z @ r), z @ D
    am = a * mu_values
    v = zD - zr * am                               # z^T M
    vectors = GradientVectors(r, mu_values, mu_method, mu_error, pre.s, pre.s_method, net.gamma, zeta, residue, v,
                              am, zr)
    return vectors, D, zD, zr


def gradient_vectors(X_B, z, q, zeta, W, a, y, *, activation: str, scaling: str | float, loss: str = "mse",
                     mu: str = "empirical", bulk_cov: object = None, activation_params: dict | None = None,
                     preactivations: Preactivations | None = None) -> GradientVectors:
    """The vectors of :func:`gradient_decomposition` (same arguments, same operations, so the same numbers) without
    its second n x d x m product, its d x m terms and its SVD: for estimators that read only r, mu, X_B^T r, z^T M
    or the rank-one S1. ``preactivations``, if given, must be :func:`preactivations` of the same data, W and bulk.
    """
    inputs, net, lo, bulk, params = _prepare(X_B, z, q, zeta, W, a, y, activation, scaling, loss, mu, bulk_cov,
                                             activation_params)
    pre = preactivations if preactivations is not None else _preactivations(*inputs[:5], bulk)
    return _vectors(inputs, net, lo, pre, mu, params)[0]


def gradient_decomposition(X_B, z, q, zeta, W, a, y, *, activation: str, scaling: str | float,
                           loss: str = "mse", mu: str = "empirical", bulk_cov: object = None,
                           k: int = 3, activation_params: dict | None = None,
                           preactivations: Preactivations | None = None) -> GradientDecomposition:
    """G = S1 + S12 + S2 + E for the network gamma_m a^T sigma(W x) on X = X_B + zeta z q^T.

    ``mu="population"`` uses mu_j = E[sigma'(s_j Z)] (needs ``bulk_cov``: a
    :class:`BulkCovariance`, a d x d covariance or an (eigenvalues, basis) pair);
    ``mu="empirical"`` the sample mean of sigma'(w_j^T x_i). The top ``k``
    singular triplets of G are returned (at most min(d, m) of them).
    ``preactivations``, if given, must be :func:`preactivations` of the same
    data, W and bulk (several activations on one draw then share product 1).

    >>> from numerics.lowrank import spiked_data, inner_weights, outer_weights
    >>> rng = np.random.default_rng(0)
    >>> data = spiked_data(60, 40, nu=0.25, rng=rng)
    >>> W, a = inner_weights(50, 40, rng=rng), outer_weights(50, rng=rng)
    >>> dec = gradient_decomposition(data.X_B, data.z, data.q, data.zeta, W, a, np.ones(60),
    ...                              activation="relu", scaling="ntk")
    >>> bool(np.allclose(dec.G, dec.S1 + dec.S12 + dec.S2 + dec.E))
    True
    """
    inputs, net, lo, bulk, params = _prepare(X_B, z, q, zeta, W, a, y, activation, scaling, loss, mu, bulk_cov,
                                             activation_params)
    X_B, q, zeta = inputs[0], inputs[2], inputs[3]
    pre = preactivations if preactivations is not None else _preactivations(*inputs[:5], bulk)
    vec, D, zD, zr = _vectors(inputs, net, lo, pre, mu, params)
    c = net.gamma / X_B.shape[0]
    B = X_B.T @ D                                  # product 2
    B *= c
    S1 = np.outer(c * vec.residue, vec.am)
    S12 = np.outer((c * zeta * zr) * q, vec.am)
    S2 = np.outer((c * zeta) * q, vec.v)
    G = np.outer((c * zeta) * q, zD)
    G += B                                         # (gamma/n) X^T D
    E = np.subtract(B, S1, out=B)                  # (gamma/n) X_B^T M, without a third product
    U, sv, Vt, svd_method = top_singular_triplets(G, min(k, *G.shape))
    return GradientDecomposition(G, S1, S12, S2, E, vec.r, vec.mu, vec.mu_method, vec.mu_error, vec.s, vec.s_method,
                                 net.gamma, zeta, vec.residue, vec.v, sv, U, Vt, svd_method,
                                 np.abs(U.T @ _unit(vec.residue)), np.abs(U.T @ q))


def _unit(v: np.ndarray) -> np.ndarray:
    norm = np.linalg.norm(v)
    return v / norm if norm > 0 else v


def _loss(name: str, y: np.ndarray):
    lo = loss(name)
    lo.check_labels(y)
    return lo


def _scales(W, bulk, q, zeta, H) -> tuple[np.ndarray, str]:
    with np.errstate(all="ignore"):
        if bulk is not None:
            s, how = population_scales(W, bulk, q, zeta), "population: sqrt(w^T Sigma_hat w + zeta^2 (w^T q)^2)"
        else:
            s, how = np.sqrt(np.mean(H * H, axis=0)), "empirical: root mean square of w_j^T x_i over the sample"
    if not np.all(np.isfinite(s)):
        j = int(np.argmax(~np.isfinite(s)))
        raise InvalidArgument(f"W[{j}]", f"a row whose pre-activation scale overflows "
                              f"(|w| = {np.linalg.norm(W[j]):.3g})", "rows for which w^T x stays within float64 range")
    return s, how


def _mu(net: Network, dsigma_H: np.ndarray, s: np.ndarray, mode: str, params: dict):
    if mode == "empirical":
        return dsigma_H.mean(axis=0), "empirical mean of sigma'(w_j^T x_i) over the sample", None
    pm = population_moment(net.activation, "mean_derivative", s, **params)
    return pm.values, f"population E[sigma'(s_j Z)]: {pm.method}", pm.error

