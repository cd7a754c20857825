"""Two-layer linear network ``f(x) = W2 W1 x``: Jacobian, range projector, layer variances, bottleneck.

Derived by us (our note weight_fluctuations.md section 3.7; claims B11-B14). Parameters are
``theta = concat(vec(W2), vec(W1))`` with row-major vec (numpy ``ravel``), ``W2`` (O, K), ``W1`` (K, N),
``P = W2 W1``. Inputs ``x ~ N(0, I)`` where a loss is needed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import sympy as sp

from .._errors import InvalidArgument
from .._matrices import array, count, exact, nonnegative, positive, rank_tolerance, symmetric

__all__ = ["jacobian", "range_projector", "BalancedMinimum", "balanced_minimum", "LayerVariances", "layer_variances",
           "LayerBlock", "second_layer_block", "ivfr_exponent", "Block", "bottleneck_block", "BottleneckPair",
           "BottleneckProblem", "bottleneck_problem", "population_loss", "conserved"]


def _weights(W2, W1) -> tuple[np.ndarray, np.ndarray]:
    A, B = array("W2", W2, 2), array("W1", W1, 2)
    if A.shape[1] != B.shape[0]:
        raise InvalidArgument("W1", f"matrix of shape {B.shape}",
                              f"of shape (K, N) with K = {A.shape[1]} (columns of W2)")
    return A, B


def jacobian(W2, W1) -> np.ndarray:
    """``J(dW2, dW1) = dW2 W1 + W2 dW1`` as an (O N) x (O K + K N) matrix: ``[I_O (x) W1^T, W2 (x) I_N]``.

    >>> jacobian([[2.0]], [[3.0]])
    array([[3., 2.]])
    """
    A, B = _weights(W2, W1)
    return np.hstack([np.kron(np.eye(A.shape[0]), B.T), np.kron(A, np.eye(B.shape[1]))])


def range_projector(W2, W1) -> np.ndarray:
    """``Pi = J^T (J J^T)^+ J``: orthogonal projector on the row space of J (note 3.7, B11).

    From the SVD of J; singular values ``<= max(J.shape) * eps * sigma_max`` count as zero.
    With ``C_P = kappa H_P`` the stationary covariance on range(J^T) is ``(eta kappa / 2) Pi``.

    >>> range_projector([[1.0]], [[1.0]])
    array([[0.5, 0.5],
           [0.5, 0.5]])
    """
    J = jacobian(W2, W1)
    _, sv, Vt = np.linalg.svd(J, full_matrices=False)
    Vr = Vt[sv > rank_tolerance(J.shape, sv[0])]
    return Vr.T @ Vr


def _teacher(t, O: int, N: int, K: int) -> tuple[np.ndarray, int, int, int]:  # noqa: E741 (O is the number of outputs)
    O, N = count("O", O), count("N", N)  # noqa: E741
    K = count("K", K, min(O, N))
    tv = array("teacher_singular_values", t, 1)
    if len(tv) > min(O, N) or not np.all(tv > 0) or np.any(np.diff(tv) > 0):
        raise InvalidArgument("teacher_singular_values", tv.tolist(),
                              f"positive, non-increasing, at most min(O, N) = {min(O, N)} of them")
    return tv, O, N, K


@dataclass(frozen=True)
class BalancedMinimum:
    """Weights ``W2, W1`` and teacher ``T``; unpacks as ``(W2, W1, T)``."""

    W2: np.ndarray
    W1: np.ndarray
    T: np.ndarray

    def __iter__(self):
        return iter((self.W2, self.W1, self.T))


def balanced_minimum(teacher_singular_values, O: int, N: int, K: int) -> BalancedMinimum:  # noqa: E741 (O is the number of outputs)
    """Teacher ``T = A diag(t) B^T`` and the balanced rank-K point ``W2 = A_K S^{1/2}``, ``W1 = S^{1/2} B_K^T``.

    ``A``, ``B`` are the leading columns of ``I_O``, ``I_N`` (deterministic choice; any orthonormal
    frames give a rotated copy). ``s`` = the K largest t, padded with zeros if K > len(t). It is a
    minimum with ``G = 0`` iff ``K >= rank T`` (else see :func:`bottleneck_problem`); ``W2^T W2 = W1 W1^T``.

    >>> balanced_minimum([4.0], 2, 2, 1).W2
    array([[2.],
           [0.]])
    """
    tv, O, N, K = _teacher(teacher_singular_values, O, N, K)  # noqa: E741
    s = np.zeros(K)
    s[:min(K, len(tv))] = tv[:K]
    T = np.zeros((O, N))
    T[np.arange(len(tv)), np.arange(len(tv))] = tv
    return BalancedMinimum(W2=np.eye(O)[:, :K] * np.sqrt(s), W1=np.sqrt(s)[:, None] * np.eye(N)[:K], T=T)


@dataclass(frozen=True)
class LayerVariances:
    """Per direction (rows of ``directions``, parameter-block coordinates): variance, curvature, coupling."""

    variances: np.ndarray
    curvatures: np.ndarray
    directions: np.ndarray
    coupling: np.ndarray


def layer_variances(W2, W1, eta: float, kappa: float, *, layer: int = 2) -> LayerVariances:
    """Layer marginal of ``S = (eta kappa / 2) Pi`` in its eigenbasis (note 3.7, B12).

    Layer 2: ``alpha_a, u_a`` eigenpairs of ``W2 W2^T`` (O), ``beta_j, v_j`` of ``W1 W1^T`` (K); along
    ``u_a v_j^T`` the variance is ``(eta kappa/2) beta_j / (beta_j + alpha_a)``, the curvature at fixed W1
    is ``beta_j`` and ``coupling = alpha_a``. Layer 1, by symmetry: ``alpha_i, vt_i`` of ``W2^T W2`` (K),
    ``beta_j, b_j`` of ``W1^T W1`` (N), direction ``vt_i b_j^T``, variance ``(eta kappa/2) alpha_i/(alpha_i + beta_j)``,
    curvature ``alpha_i``, coupling ``beta_j``. A zero curvature (``<= max(shape) eps ||W||_2^2``) gives
    variance 0, including the 0/0 case: J does not reach that direction (the pseudo-inverse in Pi).
    Directions are ``kron`` products, ordered with the first factor outer, eigenvalues ascending.

    >>> layer_variances([[1.0]], [[3.0]], 0.2, 1.0).variances.round(6)
    array([0.09])
    """
    A, B = _weights(W2, W1)
    scale = positive("eta", eta) * positive("kappa", kappa) / 2
    layer = count("layer", layer, 2)
    al, U = np.linalg.eigh(A @ A.T if layer == 2 else A.T @ A)
    be, V = np.linalg.eigh(B @ B.T if layer == 2 else B.T @ B)
    al, be = np.clip(al, 0, None), np.clip(be, 0, None)
    W = B if layer == 2 else A
    curv = np.repeat(al, len(be)) if layer == 1 else np.tile(be, len(al))
    other = np.tile(be, len(al)) if layer == 1 else np.repeat(al, len(be))
    zero = curv <= rank_tolerance(W.shape, np.linalg.norm(W, 2) ** 2)
    var = np.where(zero, 0.0, scale * curv / np.where(zero, 1.0, curv + other))
    directions = np.einsum("ia,jb->abij", U, V).reshape(len(al) * len(be), -1)
    return LayerVariances(variances=var, curvatures=curv, directions=directions, coupling=other)


@dataclass(frozen=True)
class LayerBlock:
    """The W2 block of a parameter-space matrix and its eigenvalues (ascending)."""

    matrix: np.ndarray
    eigenvalues: np.ndarray


def second_layer_block(Pi_or_S, O: int, K: int) -> LayerBlock:  # noqa: E741 (O is the number of outputs)
    """Leading ``(O K) x (O K)`` block (the W2 coordinates) of a symmetric parameter-space matrix (B12).

    >>> second_layer_block(range_projector([[1.0]], [[1.0]]), 1, 1).eigenvalues
    array([0.5])
    """
    k = count("O", O) * count("K", K)
    M = symmetric("Pi_or_S", Pi_or_S)
    if M.shape[0] <= k:
        raise InvalidArgument("Pi_or_S", f"matrix of shape {M.shape}", f"larger than the W2 block (O K = {k})")
    block = M[:k, :k]
    return LayerBlock(matrix=block, eigenvalues=np.linalg.eigvalsh(block))


def ivfr_exponent(alpha, beta) -> sp.Expr:
    """Local IVFR exponent of the second layer, ``psi_eff = 2 alpha / (alpha + beta)`` (note 3.7), by SymPy.

    ``sigma^2 ~ beta / (beta + alpha)`` and ``F ~ beta^{-1/2}``; with ``ell = ln F``, ``beta = e^{-2 ell}``
    and ``psi = -d ln sigma^2 / d ell``.

    >>> ivfr_exponent(sp.Symbol("alpha"), sp.Symbol("beta"))
    2*alpha/(alpha + beta)
    """
    a, b = exact("alpha", alpha, 0), exact("beta", beta, 0)
    ell, al, be = sp.Symbol("ell", real=True), sp.Symbol("alpha", positive=True), sp.Symbol("beta", positive=True)
    beta_of_ell = sp.exp(-2 * ell)
    psi = -sp.diff(sp.log(beta_of_ell / (beta_of_ell + al)), ell)
    psi = sp.simplify(psi.subs(ell, -sp.log(be) / 2))
    return sp.simplify(psi.subs({al: a, be: b}))


@dataclass(frozen=True)
class Block:
    """2x2 SymPy matrices ``H``, ``C`` and the Lyapunov solution ``S`` of ``H S + S H = eta C``."""

    H: sp.Matrix
    C: sp.Matrix
    S: sp.Matrix


def bottleneck_block(s, tau, sigma2, batch, eta) -> Block:
    """Bottleneck block of directions (a: ``dW2 = u_j e_i^T``, b: ``dW1 = e_i r_j^T``) (note 3.7, B13).

    ``H = [[s, -tau], [-tau, s]]``, ``C = diag((tau^2 + sigma2) s, sigma2 s) / B``;
    ``S_ab = tau eta (c_a + c_b) / (4 (s^2 - tau^2))``, ``S_aa = eta c_a / (2s) + tau S_ab / s``,
    ``S_bb = eta c_b / (2s) + tau S_ab / s``. Needs ``s > |tau|`` (checked when decidable).

    >>> bottleneck_block(2, 1, 0, 1, 1).S
    Matrix([
    [7/12,  1/6],
    [ 1/6, 1/12]])
    """
    s, tau, s2 = exact("s", s, 0, strict=True), exact("tau", tau), exact("sigma2", sigma2, 0)
    B, eta = exact("batch", batch, 0, strict=True), exact("eta", eta, 0, strict=True)
    if (s - abs(tau)).is_positive is False:
        raise InvalidArgument("s", s, f"greater than |tau| = {abs(tau)}")
    ca, cb = (tau**2 + s2) * s / B, s2 * s / B
    sab = tau * eta * (ca + cb) / (4 * (s**2 - tau**2))
    S = sp.Matrix([[eta * ca / (2 * s) + tau * sab / s, sab], [sab, eta * cb / (2 * s) + tau * sab / s]])
    return Block(H=sp.Matrix([[s, -tau], [-tau, s]]), C=sp.diag(ca, cb), S=S)


@dataclass(frozen=True)
class BottleneckPair:
    """Hidden unit i, residual index j, curvature ``s_i``, residual ``tau_j`` and the unit directions a, b."""

    i: int
    j: int
    s: float
    tau: float
    a: np.ndarray
    b: np.ndarray


@dataclass(frozen=True)
class BottleneckProblem:
    """Balanced rank-K point of a teacher of rank > K: weights, teacher, ``s``, ``tau`` and the block pairs."""

    W2: np.ndarray
    W1: np.ndarray
    T: np.ndarray
    s: np.ndarray
    tau: np.ndarray
    pairs: tuple


def bottleneck_problem(teacher_singular_values, O: int, N: int, K: int) -> BottleneckProblem:  # noqa: E741 (O is the number of outputs)
    """Bottleneck with teacher misfit, K < rank T (note 3.7, last bullet; B13).

    ``s = t[:K]``, ``tau = t[K:]``; for hidden unit i and residual j the pair is
    ``a = (u_j e_i^T, 0)``, ``b = (0, e_i r_j^T)`` with ``u_j = a_{K+j}``, ``r_j = b_{K+j}`` (parameter vectors).

    >>> len(bottleneck_problem([2.0, 1.5, 0.8, 0.4], 4, 5, 2).pairs)
    4
    """
    tv, O, N, K = _teacher(teacher_singular_values, O, N, K)  # noqa: E741
    if K >= len(tv):
        raise InvalidArgument("K", K, f"less than the teacher rank {len(tv)} (a bottleneck)")
    W2, W1, T = balanced_minimum(tv, O, N, K)
    pairs = []
    for i in range(K):
        for j in range(len(tv) - K):
            a, b = np.zeros(O * K + K * N), np.zeros(O * K + K * N)
            a[(K + j) * K + i] = 1.0
            b[O * K + i * N + K + j] = 1.0
            pairs.append(BottleneckPair(i=i, j=j, s=float(tv[i]), tau=float(tv[K + j]), a=a, b=b))
    return BottleneckProblem(W2=W2, W1=W1, T=T, s=tv[:K].copy(), tau=tv[K:].copy(), pairs=tuple(pairs))


def population_loss(W2, W1, T, sigma2: float) -> float:
    """``E[|W2 W1 x - y|^2] / 2 = ||W2 W1 - T||_F^2 / 2 + O sigma2 / 2`` for x ~ N(0, I), y = T x + noise.

    A quartic polynomial in the weights (exact Hessians by polynomial finite differences).

    >>> population_loss([[1.0]], [[2.0]], [[3.0]], 0.5)
    0.75
    """
    A, B = _weights(W2, W1)
    Tm = array("T", T, 2)
    if Tm.shape != (A.shape[0], B.shape[1]):
        raise InvalidArgument("T", f"matrix of shape {Tm.shape}", f"shape {(A.shape[0], B.shape[1])} (O, N)")
    return float(np.sum((A @ B - Tm) ** 2) / 2 + A.shape[0] * nonnegative("sigma2", sigma2) / 2)


def conserved(W2, W1) -> np.ndarray:
    """``W2^T W2 - W1 W1^T``, conserved by per-sample gradient flow (note 3.7, B14).

    >>> conserved([[1.0]], [[1.0]])
    array([[0.]])
    """
    A, B = _weights(W2, W1)
    return A.T @ A - B @ B.T
