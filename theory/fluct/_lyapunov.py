"""Continuum (Ornstein-Uhlenbeck) stationary covariance: the Lyapunov equation ``H S + S H = eta C``.

Derived by us (our note weight_fluctuations.md sections 3.3, 3.4; claims B3-B6): spectral
solution, a rigorous a-posteriori error bound, the probability current (detailed balance iff
``[H, C] = 0``), the trace identity and isotropy under ``C = kappa H``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg
import sympy as sp

from .._errors import InvalidArgument
from .._matrices import EPS, array, count, exact, gamma, positive, psd, rank_tolerance, spd, symmetric

__all__ = ["lyapunov", "lyapunov_scipy", "lyapunov_error_bound", "range_projector_of", "probability_current",
           "commutator", "excess_loss", "trace_identity", "IsotropicSolution", "isotropic_solution"]


def range_projector_of(H) -> np.ndarray:
    """Orthogonal projector on range(H) for symmetric PSD H.

    Eigenvalues ``h <= max(shape) * eps * ||H||_2`` count as zero (rank tolerance).

    >>> range_projector_of([[1.0, 0.0], [0.0, 0.0]])
    array([[1., 0.],
           [0., 0.]])
    """
    h, V = np.linalg.eigh(psd(H, "H"))
    keep = h > rank_tolerance(V.shape, max(abs(h[0]), abs(h[-1])))
    return V[:, keep] @ V[:, keep].T


def lyapunov(H, C, eta: float, *, singular: bool = False) -> np.ndarray:
    """Stationary covariance ``S`` solving ``H S + S H = eta C`` (note 3.3, B3).

    Spectral closed form: with ``H = V diag(h) V^T``, ``(V^T S V)_ij = eta (V^T C V)_ij / (h_i + h_j)``.
    H must be symmetric positive definite, C symmetric PSD, eta > 0. With ``singular=True`` H may be
    PSD and singular: the solution of the equation restricted to range(H) is returned (rows and
    columns along ker H set to zero; rank decided as in :func:`range_projector_of`).

    >>> lyapunov([[2.0, 0.0], [0.0, 1.0]], [[2.0, 0.0], [0.0, 1.0]], 0.5)
    array([[0.25, 0.  ],
           [0.  , 0.25]])
    """
    eta = positive("eta", eta)
    if singular:
        Hm = psd(H, "H")
        h, V = np.linalg.eigh(Hm)
        keep = h > rank_tolerance(Hm.shape, max(abs(h[0]), abs(h[-1])))
    else:
        Hm, h, V = spd(H, "H")
        keep = np.ones_like(h, dtype=bool)
    Cm = psd(C, "C", Hm.shape[0])
    Vr, hr = V[:, keep], h[keep]
    St = eta * (Vr.T @ Cm @ Vr) / (hr[:, None] + hr[None, :])
    S = Vr @ St @ Vr.T
    return (S + S.T) / 2


def lyapunov_scipy(H, C, eta: float) -> np.ndarray:
    """The same equation by Bartels-Stewart: ``scipy.linalg.solve_continuous_lyapunov(H, eta C)``.

    SciPy solves ``A X + X A^H = Q``; with ``A = H`` (symmetric) and ``Q = eta C`` that is ``H S + S H = eta C``.

    >>> lyapunov_scipy([[2.0]], [[2.0]], 0.5)
    array([[0.25]])
    """
    eta = positive("eta", eta)
    Hm = spd(H, "H")[0]
    Cm = psd(C, "C", Hm.shape[0])
    return scipy.linalg.solve_continuous_lyapunov(Hm, eta * Cm)


def lyapunov_error_bound(H, C, eta: float, S) -> float:
    """Rigorous a-posteriori bound on ``||S - S_true||_F`` for a computed solution S (B3).

    Derivation (ours). ``L(X) = H X + X H`` is self-adjoint for the Frobenius inner product with
    eigenvalues ``h_i + h_j`` (eigenvectors ``v_i v_j^T``), so ``||L^{-1}|| = 1 / (2 h_min)`` and
    ``S - S_true = L^{-1}(R)`` with ``R = H S + S H - eta C``. The computed residual ``R^`` obeys
    ``|R^ - R| <= gamma_{n+3} (|H||S| + |S||H| + eta |C|)`` entrywise (two n-term dot products, two
    additions, one scaling; Higham, Accuracy and Stability, ch. 3), hence
    ``||R||_F <= ||R^||_F + gamma_{n+3} (2 ||H||_F ||S||_F + eta ||C||_F)``. ``h_min`` is replaced
    by the lower bound ``h^_min - n eps ||H||_F`` (backward stability of the symmetric eigensolver
    with the growth factor p(n) = n) and the result is inflated by ``1 + gamma_{n^2+4}`` for the
    rounding of the norms themselves:

    ``bound = (1 + gamma_{n^2+4}) (||R^||_F + gamma_{n+3} (2 ||H||_F ||S||_F + eta ||C||_F)) / (2 h_lo)``.

    >>> H = [[2.0, 0.0], [0.0, 1.0]]
    >>> lyapunov_error_bound(H, H, 0.5, lyapunov(H, H, 0.5)) < 1e-14
    True
    """
    eta = positive("eta", eta)
    Hm, h, _ = spd(H, "H")
    n = Hm.shape[0]
    Cm = psd(C, "C", n)
    Sm = array("S", S, 2)
    if Sm.shape != Hm.shape:
        raise InvalidArgument("S", f"matrix of shape {Sm.shape}", f"shape {Hm.shape} (as H)")
    nH, nS, nC = (np.linalg.norm(a) for a in (Hm, Sm, Cm))
    h_lo = h[0] - n * EPS * nH
    if not h_lo > 0:
        raise InvalidArgument("H", f"matrix with smallest eigenvalue {h[0]:.3g}",
                              f"positive definite beyond rounding (> {n * EPS * nH:.3g}) for a bound")
    R = Hm @ Sm + Sm @ Hm - eta * Cm
    rounding = gamma(n + 3) * (2 * nH * nS + eta * nC)
    return float((1 + gamma(n * n + 4)) * (np.linalg.norm(R) + rounding) / (2 * h_lo))


def probability_current(H, C, eta: float, S=None) -> np.ndarray:
    """Drift matrix of the stationary probability current: ``J(x) = K x p(x)``, ``K = -H + (eta/2) C S^{-1}``.

    Note 3.4, B5: for ``dx = -H x dt + sqrt(eta C) dW`` with stationary covariance S (the Lyapunov
    solution if not given), detailed balance ``K = 0`` holds iff ``[H, C] = 0``. S must be positive definite.

    >>> K = probability_current([[2.0, 0.0], [0.0, 1.0]], [[1.0, 0.0], [0.0, 1.0]], 0.1)
    >>> bool(abs(K).max() < 1e-15)
    True
    """
    eta = positive("eta", eta)
    Hm = spd(H, "H")[0]
    Cm = psd(C, "C", Hm.shape[0])
    Sm = lyapunov(Hm, Cm, eta) if S is None else symmetric("S", S, Hm.shape[0])
    try:
        factor = scipy.linalg.cho_factor(Sm)
    except np.linalg.LinAlgError:
        low = np.linalg.eigvalsh(Sm)[0]
        raise InvalidArgument("S", f"matrix with smallest eigenvalue {low:.3g}",
                              "positive definite (C must excite every direction)") from None
    return -Hm + (eta / 2) * scipy.linalg.cho_solve(factor, Cm).T


def commutator(A, B) -> np.ndarray:
    """``[A, B] = A B - B A`` for square matrices of one shape.

    >>> commutator([[0.0, 1.0], [0.0, 0.0]], [[0.0, 0.0], [1.0, 0.0]])
    array([[ 1.,  0.],
           [ 0., -1.]])
    """
    Am, Bm = array("A", A, 2), array("B", B, 2)
    if Am.shape[0] != Am.shape[1] or Bm.shape != Am.shape:
        raise InvalidArgument("B", f"matrix of shape {Bm.shape}", f"square and of the shape of A {Am.shape}")
    return Am @ Bm - Bm @ Am


def excess_loss(H, S) -> float:
    """Mean excess loss of ``delta ~ N(0, S)`` on a quadratic with Hessian H: ``tr(H S) / 2`` (note 3.3, B6).

    >>> excess_loss([[2.0]], [[0.25]])
    0.25
    """
    Hm = symmetric("H", H)
    return float(np.sum(Hm * symmetric("S", S, Hm.shape[0])) / 2)


def trace_identity(C, eta: float) -> float:
    """``eta tr C / 4``: equals :func:`excess_loss` for the Lyapunov S, whatever C (note 3.3, B6).

    >>> trace_identity([[2.0]], 0.5)
    0.25
    """
    return float(positive("eta", eta) * np.trace(psd(C, "C")) / 4)


@dataclass(frozen=True)
class IsotropicSolution:
    """``C = kappa H  =>  S = scale * I`` with ``scale = eta kappa / 2`` (exact, SymPy)."""

    scale: sp.Expr
    S: sp.Matrix
    statement: str


def isotropic_solution(kappa, eta, n: int) -> IsotropicSolution:
    """Exact stationary covariance under the Hessian approximation (note 3.3, B4).

    ``C = kappa H`` with H SPD gives ``S = (eta kappa / 2) I``: ``H S + S H = eta kappa H``.
    For singular PSD H the solution on range(H) is ``(eta kappa / 2) Pi_range(H)``
    (``lyapunov(H, kappa H, eta, singular=True)`` against :func:`range_projector_of`).

    >>> isotropic_solution(sp.Symbol("kappa"), sp.Rational(1, 10), 2).scale
    kappa/20
    """
    k, e = exact("kappa", kappa, 0, strict=True), exact("eta", eta, 0, strict=True)
    scale = e * k / 2
    return IsotropicSolution(scale, scale * sp.eye(count("n", n)),
                             "C = kappa H => S = (eta kappa / 2) I; singular H: (eta kappa / 2) Pi_range(H)")
