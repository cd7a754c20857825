r"""Closed forms of weight decay's stationary points (arXiv 2502.17340, Kuzborskij and Abbasi Yadkori; our note
``lowrank_bias_merging.md``).

The paper's full text was not available to us. Its abstract (v1, v2) states in words that at a stationary point of
the L2-regularised loss the parameters align with the gradient, layer norms are preserved across layers, weight
decay induces a low-rank bias, and that summing the weights of two networks trained on approximately orthogonal
inputs gives a network that performs as well on both training sets. **Every formula here is derived by us**
(note section 2, with its proofs); none is the paper's.

Convention: the regulariser is ``(c_reg / 2) lambda ||theta||^2`` with ``c_reg`` in {1, 2} (the note's
``lambda ||theta||^2`` is ``c_reg = 2``), so a stationary point has ``W_k = -G_k / (c_reg lambda)`` and a GD step
multiplies the weights by ``1 - c_reg eta lambda`` before subtracting ``eta G``. Loss: logistic,
``l(m) = log(1 + e^{-m})`` on margins ``m_i = y_i f(x_i)``, so ``-l'(m) = 1 / (1 + e^m)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from numbers import Real

import mpmath
import numpy as np
import sympy as sp
from scipy.special import expit

from .._errors import InvalidArgument
from .._matrices import array, positive

__all__ = ["C_REG", "check_regulariser", "check_decay_step", "decay_factor", "logistic_norm_constant",
           "logistic_norm_symbolic", "common_norm_sq", "norm_bound", "merge_bound", "gf_balance_factor",
           "transfer_kappa", "transfer_kappa_symbolic", "schatten_cost", "stable_rank", "stable_rank_bound",
           "gd_fixed_point_symbolic", "StationaryChain", "stationary_chain"]

C_REG = (1, 2)


def check_regulariser(lam: object, c_reg: object) -> tuple[float, int]:
    """``(lambda, c_reg)`` checked: lambda a finite number > 0, c_reg one of 1, 2."""
    lam = positive("lambda", lam)
    if isinstance(c_reg, bool) or c_reg not in C_REG:
        raise InvalidArgument("c_reg", c_reg, "1 or 2 (the regulariser (c_reg / 2) lambda ||theta||^2)")
    return lam, int(c_reg)


def check_decay_step(eta: object, lam: object, c_reg: object) -> float:
    """A GD step size with a contracting decay factor: ``0 < c_reg eta lambda < 1``.

    At ``c_reg eta lambda >= 1`` the factor ``1 - c_reg eta lambda`` is <= 0 and the weights flip sign every step:
    no stationary point is approached. (The data term can make smaller steps unstable too; the trainers in
    ``numerics`` detect that from the trajectory.)
    """
    lam, c = check_regulariser(lam, c_reg)
    eta = positive("eta", eta)
    if not c * eta * lam < 1:
        raise InvalidArgument("eta", eta, f"a step with c_reg eta lambda < 1, i.e. eta < {1 / (c * lam):.6g} "
                                          f"(lambda = {lam:g}, c_reg = {c})")
    return eta


def decay_factor(eta: float, lam: float, c_reg: int) -> float:
    """``1 - c_reg eta lambda``: GD's factor on the weights, and on the first layer's component outside span(X)
    per step (note LR1': ``W_1^(t) P_perp = (1 - c_reg eta lambda)^t W_1^(0) P_perp``)."""
    eta = check_decay_step(eta, lam, c_reg)
    return 1.0 - c_reg * eta * lam


def gf_balance_factor(t: float, lam: float, c_reg: int) -> float:
    """``e^{-2 c_reg lambda t}``: under gradient flow with weight decay ``D_k(t) = e^{-2 c_reg lambda t} D_k(0)``
    for ``D_k = W_k W_k^T - W_(k+1)^T W_(k+1)`` (note 2.2.7, ``e^{-4 lambda t}`` at c_reg = 2)."""
    lam, c = check_regulariser(lam, c_reg)
    if isinstance(t, bool) or not isinstance(t, Real) or not (math.isfinite(t) and t >= 0):
        raise InvalidArgument("t", t, "a time in [0, inf)")
    return math.exp(-2 * c * lam * t)


def logistic_norm_symbolic() -> tuple[sp.Expr, sp.Expr]:
    """``(m*, max)`` of ``m / (1 + e^m)`` over m > 0, derived by SymPy: the stationary point solves
    ``1 + e^m - m e^m = 0`` and is ``1 + W_0(1/e)``; the maximum is ``W_0(1/e)`` (note 2.2.5)."""
    m = sp.Symbol("m", positive=True)
    g = m / (1 + sp.exp(m))
    roots = sp.solve(sp.Eq(sp.diff(g, m), 0), m)
    real = [r for r in roots if r.is_real]
    if len(real) != 1:
        raise InvalidArgument("roots", roots, "one real stationary point of m / (1 + e^m)")
    star = sp.simplify(real[0])
    return star, sp.simplify(g.subs(m, star))


def logistic_norm_constant(dps: int = 30) -> mpmath.mpf:
    """``max_m m / (1 + e^m) = W_0(1/e) = 0.27846...`` at ``dps`` digits (mpmath's Lambert W)."""
    with mpmath.workdps(dps):
        return +mpmath.lambertw(mpmath.exp(-1)).real


def common_norm_sq(margins: object, lam: object, c_reg: object) -> float:
    """N1: ``||W_k||_F^2 = (1 / (c_reg lambda n)) sum_i m_i / (1 + e^{m_i})`` for every layer of a bias-free
    positively 1-homogeneous network at a stationary point (Euler's identity ``<W_k, G_k> = (1/n) sum l'_i m_i``
    and ``G_k = -c_reg lambda W_k``; note 2.2.4). ``1 / (1 + e^m)`` is scipy's ``expit(-m)``, stable for any m."""
    lam, c = check_regulariser(lam, c_reg)
    m = array("margins", margins, 1)
    return float(np.mean(m * expit(-m)) / (c * lam))


def norm_bound(lam: object, c_reg: object, dps: int = 30) -> mpmath.mpf:
    """N2: ``||W_k||_F^2 <= W_0(1/e) / (c_reg lambda)`` at any stationary point (logistic loss; note 2.2.5)."""
    lam, c = check_regulariser(lam, c_reg)
    with mpmath.workdps(dps):
        return logistic_norm_constant(dps) / (c * mpmath.mpf(lam))


def merge_bound(eps: object, lam: object, c_reg: object) -> float:
    """M2b: ``|f_(A+B)(x) - f_A(x)| <= eps / (c_reg lambda)`` for x in task A's inputs, shallow ReLU with a shared
    fixed output layer (``||u||_2 / sqrt(m) = 1``), B stationary, ``eps = max |<x_A, x_B>|`` (note 2.4, M2b).
    Logistic loss is 1-Lipschitz, so the task-A loss rises by at most the same amount."""
    lam, c = check_regulariser(lam, c_reg)
    if isinstance(eps, bool) or not isinstance(eps, Real) or not (math.isfinite(eps) and eps >= 0):
        raise InvalidArgument("eps", eps, "a cross-task inner product bound in [0, inf)")
    return float(eps) / (c * lam)


def _transfer(scales_a, scales_b, overlaps, start):
    alpha, beta = start
    for k in range(1, len(scales_a)):
        o = overlaps[k - 1]
        alpha, beta = scales_a[k] * (alpha + beta * o), scales_b[k] * (alpha * o + beta)
    return alpha + beta


def transfer_kappa(scales_a, scales_b, overlaps) -> float:
    """M4 (generalised): the merged deep linear chain's output on task A's span over task A's own output.

    Layers ``W_k^A = s_k^A a_(k+1) a_k^T`` and ``W_k^B = s_k^B b_(k+1) b_k^T`` (unit vectors, ``a_(L+1) = b_(L+1) =
    1``, ``b_1 perp span(X_A)``), ``o_k = <a_k, b_k>`` for the hidden layers k = 2..L. The coefficients of the
    merged signal on ``(a_(k+1), b_(k+1))`` follow ``alpha' = s_k^A (alpha + o_k beta)``, ``beta' = s_k^B (o_k alpha
    + beta)`` from ``(1, 0)`` after layer 1, and ``kappa_A = (alpha + beta) / prod_(k>=2) s_k^A``. With common scales
    (balance) this is the note's ``e_A^T T_2 ... T_L (1, 1)^T``, ``T_k = [[1, rho o_k], [o_k, rho]]``
    (:func:`transfer_kappa_symbolic` checks the reduction). Derived by us (note 2.4, M4).
    """
    a, b = (array(name, v, 1) for name, v in (("scales_a", scales_a), ("scales_b", scales_b)))
    o = np.atleast_1d(np.asarray(overlaps, dtype=float))
    if a.shape != b.shape or o.shape != (a.size - 1,):
        raise InvalidArgument("overlaps", f"{o.size} overlaps for {a.size} and {b.size} layers",
                              "L - 1 overlaps (layers 2..L) and L scales for each network")
    if not np.all(np.abs(o) <= 1 + 1e-12) or not np.all(a > 0):
        raise InvalidArgument("overlaps, scales_a", (o.tolist(), a.tolist()), "overlaps in [-1, 1], scales > 0")
    return float(_transfer(a, b, o, (1.0, 0.0)) / np.prod(a[1:]))


def transfer_kappa_symbolic(L: int) -> dict[str, sp.Expr]:
    """SymPy residuals of :func:`transfer_kappa`'s recursion at common scales s (A) and rho s (B), depth L:
    against the note's transfer-matrix product, against ``1 + rho o_2`` (L = 2) and against ``prod (1 + o_k)`` at
    rho = 1. Each residual simplifies to 0."""
    if L < 2:
        raise InvalidArgument("L", L, "a depth >= 2")
    s, rho = sp.symbols("s rho", positive=True)
    o = sp.symbols(f"o2:{L + 1}")
    recursion = sp.expand(_transfer([s] * L, [rho * s] * L, o, (1, 0)) / s ** (L - 1))
    product = sp.Matrix([[1, 0]])
    for k in range(L - 1):
        product = product * sp.Matrix([[1, rho * o[k]], [o[k], rho]])
    note = (product * sp.Matrix([1, 1]))[0]
    out = {"note's transfer product": sp.simplify(recursion - note),
           "equal scales": sp.simplify(recursion.subs(rho, 1) - sp.prod([1 + v for v in o]))}
    if L == 2:
        out["L = 2"] = sp.simplify(recursion - (1 + rho * o[0]))
    return out


def schatten_cost(singular_values: object, L: int) -> float:
    """LR3 (Dai, Karzand, Srebro 2021; re-derived): ``min sum_k ||W_k||_F^2 = L sum_i sigma_i(M)^(2/L)`` over the
    factorisations ``M = W_L ... W_1``, attained exactly at balanced ones."""
    s = np.atleast_1d(np.asarray(singular_values, dtype=float))
    if isinstance(L, bool) or not isinstance(L, int) or L < 1 or not np.all(np.isfinite(s)) or np.any(s < 0):
        raise InvalidArgument("singular_values, L", (s.tolist(), L), "non-negative singular values and a depth >= 1")
    return float(L * np.sum(s ** (2.0 / L)))


def stable_rank(W: object) -> float:
    """``srank(W) = ||W||_F^2 / ||W||_2^2``, in [1, rank W]."""
    A = array("W", W, 2)
    top = float(np.linalg.norm(A, 2))
    if top == 0:
        raise InvalidArgument("W", "the zero matrix", "a non-zero matrix (srank is undefined at 0)")
    return float(np.linalg.norm(A) ** 2 / top**2)


def stable_rank_bound(frobenius_sq: object, radius: object, margin: object) -> float:
    """LR4: ``prod_k srank(W_k) <= prod_k ||W_k||_F^2 R^2 / gamma^2`` for a bias-free network with 1-Lipschitz
    positively homogeneous activation (``|f(x)| <= ||x|| prod_k ||W_k||_2``), R the input radius and ``gamma =
    max_i |f(x_i)|``; one layer of a shallow net with ``||u||_2 / sqrt(m) = 1``: ``srank W <= ||W||_F^2 R^2 /
    gamma^2``. With the stationary norm bound N2 each ``||W_k||_F^2 <= W_0(1/e) / (c_reg lambda)``: the bound in
    1/lambda (note 2.3, LR4; derived, and loose)."""
    f = array("frobenius_sq", frobenius_sq, 1)
    R, g = positive("radius", radius), positive("margin", margin)
    return float(np.prod(f) * R**2 / g**2)


def gd_fixed_point_symbolic() -> dict[str, sp.Expr]:
    """C1 for the toy ``f = a b x`` with logistic loss on one example (x, y) and the regulariser: SymPy residuals.

    For each parameter v the GD map's fixed-point condition ``v - eta g_v = v`` is solved for ``g_v`` at a symbolic
    step eta > 0 (residual: the solution minus 0, i.e. only ``g_v = 0`` is fixed, whatever eta), and the fixed
    points so found are the stationary points: ``dL_lambda/dv`` at ``a = b = s`` minus the scalar condition
    ``c lambda s = y x s / (1 + e^(y x s^2))`` of :func:`stationary_chain` (L = 2). Each residual simplifies to 0.
    """
    a, b, x, y, lam, c, s, g = sp.symbols("a b x y lambda c s g", real=True)
    eta = sp.Symbol("eta", positive=True)
    loss = sp.log(1 + sp.exp(-y * a * b * x)) + c * lam / 2 * (a**2 + b**2)
    out = {}
    for v in (a, b):
        fixed = sp.solve(sp.Eq(v - eta * g, v), g)
        out[f"fixed point in {v}"] = sp.Integer(1) if len(fixed) != 1 else sp.simplify(fixed[0])
        at_chain = sp.diff(loss, v).subs({a: s, b: s})
        out[f"stationarity in {v}"] = sp.simplify(at_chain - (c * lam * s - y * x * s / (1 + sp.exp(y * x * s**2))))
    return out


@dataclass(frozen=True)
class StationaryChain:
    """An exact stationary point of the L-layer deep linear network on one example ``(x, y)``: the balanced rank-one
    chain ``W_k = s v_(k+1) v_k^T`` with ``v_1 = x / ||x||``, ``v_(L+1) = y``, and s solving
    ``c_reg lambda s^(2 - L) = ||x|| / (1 + e^(s^L ||x||))``."""

    s: float
    margin: float


def stationary_chain(L: int, norm_x: float, lam: float, c_reg: int) -> StationaryChain:
    """Solve the stationarity condition of :class:`StationaryChain` for s > 0 (the largest root; mpmath, 30 digits).

    At ``W_k = s v_(k+1) v_k^T`` the data gradient is ``G_k = -(s^(L-1) ||x|| / (1 + e^m)) v_(k+1) v_k^T`` with
    ``m = s^L ||x||``, so ``G_k = -c_reg lambda W_k`` is the scalar equation above (derived by us, note 2.3 LR2).
    A root exists for L = 2 iff ``||x|| > c_reg lambda``; for L > 2 iff lambda is small enough; otherwise a typed
    error.
    """
    lam, c = check_regulariser(lam, c_reg)
    nx = positive("norm_x", norm_x)
    if isinstance(L, bool) or not isinstance(L, int) or L < 2:
        raise InvalidArgument("L", L, "a depth >= 2")
    with mpmath.workdps(30):
        h = lambda t: c * lam * mpmath.exp(t * (2 - L)) - nx / (1 + mpmath.exp(mpmath.exp(L * t) * nx))  # noqa: E731
        # log s on a grid; the stationary point of interest is the largest sign change (away from the origin)
        grid = [mpmath.mpf(v) / 20 for v in range(-80, 81)]
        changes = [(p, q) for p, q in zip(grid, grid[1:]) if h(p) * h(q) < 0]
        if not changes:
            raise InvalidArgument("lambda", lam, f"small enough that a non-zero stationary chain exists (L = {L}, "
                                                 f"||x|| = {nx:g}, c_reg = {c})")
        t = mpmath.findroot(h, changes[-1], solver="anderson")
        s = mpmath.exp(t)
        return StationaryChain(float(s), float(s**L * nx))
