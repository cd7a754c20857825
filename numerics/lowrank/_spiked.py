r"""Spiked Gaussian data X = X_B + zeta z q^T (arXiv 2510.01303, our note section 1.3).

The bulk X_B has i.i.d. rows N(0, Sigma_hat) with eigenvalues k^(-alpha),
k = 1..d (optionally rescaled to trace d), in the identity eigenbasis or a
Haar-random one; z ~ N(0, I_n) are the latent coordinates, zeta = n^nu the
spike strength and q a unit vector (Haar-random, or a chosen bulk eigenvector).
What the paper leaves open (normalisation, the position of q) is a choice here,
recorded in :class:`BulkCovariance` and :class:`SpikedData`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy.stats import ortho_group

from theory import InvalidArgument

from .._arrays import as_matrix, as_vector, check_count, check_nonnegative, check_rng

__all__ = ["BulkCovariance", "bulk_covariance", "SpikedData", "spiked_data", "unit_sphere"]


@dataclass(frozen=True)
class BulkCovariance:
    """Sigma_hat = U diag(eigenvalues) U^T; ``basis`` None means U = I (diagonal Sigma_hat)."""

    eigenvalues: np.ndarray
    basis: np.ndarray | None = None

    def __post_init__(self) -> None:
        lam = as_vector("eigenvalues", self.eigenvalues)
        if np.any(lam < 0):
            raise InvalidArgument("eigenvalues", float(lam.min()), "non-negative numbers (a covariance)")
        if self.basis is not None:
            as_matrix("basis", self.basis, (lam.size, lam.size))

    @property
    def d(self) -> int:
        return self.eigenvalues.size

    @property
    def trace(self) -> float:
        return float(self.eigenvalues.sum())

    def matrix(self) -> np.ndarray:
        """Sigma_hat as a dense d x d matrix."""
        if self.basis is None:
            return np.diag(self.eigenvalues)
        return (self.basis * self.eigenvalues) @ self.basis.T

    def quadratic_forms(self, W: np.ndarray) -> np.ndarray:
        """w_j^T Sigma_hat w_j for every row w_j of W (O(m d) in the identity basis, O(m d^2) otherwise)."""
        V = W if self.basis is None else W @ self.basis
        return (V * V) @ self.eigenvalues

    def sample(self, n: int, *, rng: np.random.Generator) -> np.ndarray:
        """n i.i.d. rows N(0, Sigma_hat)."""
        Z = check_rng(rng).standard_normal((check_count("n", n), self.d))
        Z *= np.sqrt(self.eigenvalues)
        return Z if self.basis is None else Z @ self.basis.T

    def with_noise(self, tau: float) -> "BulkCovariance":
        """Sigma_hat + tau^2 I: the population covariance of inputs with isotropic noise of scale tau."""
        tau = check_nonnegative("tau", tau)
        return replace(self, eigenvalues=self.eigenvalues + tau**2)


def bulk_covariance(d: int, alpha: float, *, normalise_trace: bool = False, rotate: bool = False,
                    rng: np.random.Generator | None = None) -> BulkCovariance:
    """Eigenvalues k^(-alpha), k = 1..d (times d / sum if ``normalise_trace``); a Haar basis if ``rotate``.

    >>> bulk_covariance(3, 1.0).eigenvalues.round(4).tolist()
    [1.0, 0.5, 0.3333]
    >>> round(bulk_covariance(1000, 5 / 9).trace, 3)   # H_1000^(5/9), our note section 6 item 9
    46.779
    """
    d = check_count("d", d)
    alpha = check_nonnegative("alpha", alpha)
    lam = np.arange(1, d + 1, dtype=float) ** -alpha
    if normalise_trace:
        lam *= d / lam.sum()
    basis = None
    if rotate:
        basis = ortho_group.rvs(d, random_state=check_rng(rng)) if d > 1 else np.ones((1, 1))
    return BulkCovariance(lam, basis)


def unit_sphere(shape: tuple[int, int], *, rng: np.random.Generator) -> np.ndarray:
    """Rows i.i.d. uniform on the unit sphere S^(d-1)."""
    A = check_rng(rng).standard_normal(shape)
    A /= np.linalg.norm(A, axis=1, keepdims=True)
    return A


@dataclass(frozen=True)
class SpikedData:
    """X = X_B + zeta z q^T with its parts; ``nu`` is recorded when zeta = n^nu."""

    X_B: np.ndarray
    z: np.ndarray
    q: np.ndarray
    zeta: float
    bulk: BulkCovariance
    nu: float | None = None

    @property
    def n(self) -> int:
        return self.X_B.shape[0]

    @property
    def d(self) -> int:
        return self.X_B.shape[1]

    @property
    def X(self) -> np.ndarray:
        """The full data matrix X_B + zeta z q^T (n x d, computed on access)."""
        return self.X_B + self.zeta * np.outer(self.z, self.q)

    def covariance(self) -> np.ndarray:
        """Population covariance Sigma_hat + zeta^2 q q^T of a row of X."""
        return self.bulk.matrix() + self.zeta**2 * np.outer(self.q, self.q)


def spiked_data(n: int, d: int, *, nu: float, alpha: float = 0.0, rng: np.random.Generator,
                normalise_trace: bool = False, rotate: bool = False,
                spike: str | int = "random") -> SpikedData:
    """Sample spiked data; ``spike`` is ``"random"`` (q uniform on the sphere) or a bulk eigenvector index k (0-based).

    >>> data = spiked_data(5, 3, nu=0.5, rng=np.random.default_rng(0))
    >>> data.X.shape, round(data.zeta ** 2, 12)
    ((5, 3), 5.0)
    """
    n, d = check_count("n", n), check_count("d", d)
    nu = check_nonnegative("nu", nu)
    rng = check_rng(rng)
    bulk = bulk_covariance(d, alpha, normalise_trace=normalise_trace, rotate=rotate, rng=rng)
    if spike == "random":
        q = unit_sphere((1, d), rng=rng)[0]
    elif isinstance(spike, (int, np.integer)) and not isinstance(spike, bool) and 0 <= spike < d:
        q = np.eye(d)[spike] if bulk.basis is None else bulk.basis[:, spike].copy()
    else:
        raise InvalidArgument("spike", spike, f"'random' or a bulk eigenvector index in [0, {d - 1}]")
    zeta = float(n) ** nu if nu * np.log10(n) < 300 else np.inf
    if not np.isfinite(zeta):
        limit = 300 / np.log10(n)
        raise InvalidArgument("nu", nu, f"small enough that zeta = n^nu is a finite float "
                              f"(nu < {limit:.4g} at n = {n})")
    X_B = bulk.sample(n, rng=rng)
    z = rng.standard_normal(n)
    return SpikedData(X_B, z, q, zeta, bulk, nu)
