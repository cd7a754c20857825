r"""The Bhattacharyya distance between Gaussians, and inPCA of linear-Gaussian models as plain PCA.

Sloppiness pack (arXiv 2505.08915, Mao et al.; our note ``sloppiness.md``). The distance and the
inPCA construction are the predecessor's tools (Mao et al., PNAS 2024, ``utils/distance.py`` and
``utils/embed.py``; note section 2); the closed forms below are **derived by us** (note 4.2, A1, A2):

* ``d_B(N(mu1, sigma2), N(mu2, sigma2)) = (mu1 - mu2)^2 / (8 sigma2)``;
* for models whose predictions on n samples are ``F_a`` (rows of F, m models) with Gaussian output noise
  ``sigma2``, the intensive distance is ``D_ab = ||F_a - F_b||^2 / (8 sigma2 n)`` and inPCA's matrix
  ``W = -L D L / 2`` (``L = I - 1 1^T / m``) equals ``L F F^T L / (8 sigma2 n)``: PSD, of rank at most
  ``m - 1``, its non-zero eigenvalues the squared singular values of the centred F over ``8 sigma2 n``.
"""

from __future__ import annotations

from functools import lru_cache

import mpmath
import numpy as np
import sympy as sp

from .._errors import InvalidArgument
from .._matrices import array, positive

__all__ = ["bhattacharyya_expr", "gaussian_bhattacharyya", "gaussian_bhattacharyya_mp", "inpca_gram",
           "inpca_spectrum"]


@lru_cache(maxsize=1)
def bhattacharyya_expr() -> tuple[tuple[sp.Symbol, sp.Symbol, sp.Symbol], sp.Expr]:
    """``((mu1, mu2, sigma), -log int sqrt(p q) dx)`` for ``p, q = N(mu1, sigma^2), N(mu2, sigma^2)``, by SymPy.

    The integral is done by SymPy (completing the square), not typed in.

    >>> (mu1, mu2, sigma), d = bhattacharyya_expr()
    >>> sp.simplify(d - (mu1 - mu2)**2 / (8 * sigma**2))
    0
    """
    mu1, mu2 = sp.symbols("mu1 mu2", real=True)
    sigma = sp.Symbol("sigma", positive=True)
    x = sp.Symbol("x", real=True)
    # sqrt(p q), written as one exponential: the square root of a product of positive factors
    root = sp.exp(-((x - mu1) ** 2 + (x - mu2) ** 2) / (4 * sigma**2)) / (sp.sqrt(2 * sp.pi) * sigma)
    overlap = sp.integrate(root, (x, -sp.oo, sp.oo))
    return (mu1, mu2, sigma), sp.simplify(-sp.log(sp.simplify(overlap)))


def _sigma2(sigma2: object) -> float:
    return positive("sigma2", sigma2)


def gaussian_bhattacharyya(mu1, mu2, sigma2: float) -> np.ndarray:
    """``(mu1 - mu2)^2 / (8 sigma2)``, elementwise (note 4.2, A1).

    >>> float(gaussian_bhattacharyya(0.0, 2.0, 0.5))
    1.0
    """
    a, b = np.asarray(mu1, dtype=float), np.asarray(mu2, dtype=float)
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise InvalidArgument("mu", "non-finite means", "finite real numbers")
    return (a - b) ** 2 / (8 * _sigma2(sigma2))


def gaussian_bhattacharyya_mp(mu1, mu2, sigma2, *, dps: int):
    """:func:`gaussian_bhattacharyya` for scalars in mpmath at ``dps`` digits (inputs taken exactly).

    >>> gaussian_bhattacharyya_mp(0.0, 1.0, 0.125, dps=20)
    mpf('1.0')
    """
    s2 = _sigma2(sigma2)
    with mpmath.workdps(dps + 10):
        value = (mpmath.mpf(float(mu1)) - mpmath.mpf(float(mu2))) ** 2 / (8 * mpmath.mpf(s2))
    with mpmath.workdps(dps):
        return +value


def _predictions(F: object) -> np.ndarray:
    Fm = array("F", F, 2)
    if Fm.shape[0] < 2:
        raise InvalidArgument("F", f"matrix of shape {Fm.shape}", "at least 2 models (rows)")
    return Fm


def inpca_gram(F, sigma2: float) -> np.ndarray:
    """``W = L F F^T L / (8 sigma2 n)``: inPCA's double-centred matrix of linear-Gaussian models (note 4.2, A2).

    ``F`` is (m models, n samples) of predicted means.

    >>> inpca_gram([[0.0], [2.0]], 0.125)
    array([[ 1., -1.],
           [-1.,  1.]])
    """
    Fm = _predictions(F)
    centred = Fm - Fm.mean(axis=0)
    return centred @ centred.T / (8 * _sigma2(sigma2) * Fm.shape[1])


def inpca_spectrum(F, sigma2: float) -> np.ndarray:
    """The m eigenvalues of :func:`inpca_gram`, descending, through the singular values of the centred F.

    Exactly: ``s_i^2 / (8 sigma2 n)`` for the ``min(m - 1, n)`` leading singular values ``s_i`` of ``L F``,
    and 0 for the rest (``L 1 = 0``, so ``rank(L F) <= m - 1``): the structural zeros are returned as exact 0.

    >>> inpca_spectrum([[0.0], [2.0]], 0.125)
    array([2., 0.])
    """
    Fm = _predictions(F)
    m, n = Fm.shape
    s = np.linalg.svd(Fm - Fm.mean(axis=0), compute_uv=False)
    out = np.zeros(m)
    keep = min(m - 1, n)
    out[:keep] = s[:keep] ** 2 / (8 * _sigma2(sigma2) * n)
    return out
