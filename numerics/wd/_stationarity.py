r"""Checks C1-C8 of the ``wd`` claims, at weight decay's stationary points: GD fixed points are stationary
whatever the step (C1), alignment of each layer with its gradient (C2), the balance identity I1 at any parameter
(C3), and at the trained points the balance of layer norms (C4-C6), the common norm N1 (C7) and the norm bound N2
with its Lambert constant (C8). Each check maps ``(values, setups)`` to an :class:`Estimate` with a bound
(:data:`STATIONARITY_CHECKS`).
"""

from __future__ import annotations

import mpmath
import numpy as np
import sympy as sp
from scipy.special import expit

from theory import InvalidArgument
from theory.wd import (common_norm_sq, decay_factor, gd_fixed_point_symbolic, logistic_norm_constant,
                       logistic_norm_symbolic, norm_bound, stationary_chain)

from .._estimate import Estimate
from .._rounding import U, gamma_k
from ._nets import gradient_magnitude, gradients
from ._setups import (_accumulation, _each, _estimate, _last, _layer_norms, _prod_err, _random_problem, _reg,
                      _rounding, _smooth)

__all__ = ["STATIONARITY_CHECKS"]


# ----------------------------------------------------------------------------------------------------------------
# C1: GD fixed points are stationary points, whatever the step

def _c1_symbolic(values, setups):
    res = gd_fixed_point_symbolic()
    left = [0.0 if sp.simplify(r) == 0 else 1.0 for r in res.values()]
    return _estimate(left, [0.0] * len(left), "SymPy solve of the GD map's fixed points and simplify of the "
                     f"stationarity residuals: {', '.join(res)}")


def _toy_grad_hess(a, b, x, y, lam, c):
    m = y * a * b * x
    s = expit(-m)                                    # -l'(m)
    d2 = s * (1 - s)                                 # l''(m)
    g = np.array([-s * y * b * x + c * lam * a, -s * y * a * x + c * lam * b])
    H = np.array([[d2 * (b * x) ** 2 + c * lam, d2 * a * b * x * x - s * y * x],
                  [d2 * a * b * x * x - s * y * x, d2 * (a * x) ** 2 + c * lam]])
    return g, H


def _c1_steps(values, setups):
    """GD on the toy ``f = a b x`` (one example) at two step sizes from the same start; distances of both limits from
    the stationary point ``a = b = s`` of :func:`theory.wd.stationary_chain` (L = 2, mpmath).

    Bound: ``||theta_T - theta*|| <= 2 ||grad L_lambda(theta_T)|| / mu`` with mu the smallest Hessian eigenvalue at
    theta_T (first order, the factor 2 covering the change of the Hessian over a distance of order 1e-15;
    assumption stated in the claim), plus the rounding of the gradient ``gamma_8 (|l'| |b x| + c lambda |a|)`` and
    of s to float64."""
    x, y, lam, c = float(values["x"]), float(values["y"]), *_reg(values)
    if abs(y) != 1 or not x * y > 0:
        raise InvalidArgument("x, y", (x, y), "a label y in {-1, +1} with x y > 0 (the basin of a = b = s > 0)")
    star = stationary_chain(2, abs(x), lam, c).s
    out, bounds = [], []
    for eta in np.atleast_1d(values["etas"]).tolist():
        decay_factor(eta, lam, c)
        a, b = (float(v) for v in np.atleast_1d(values["start"]))
        for _ in range(int(values["steps"])):
            g, _ = _toy_grad_hess(a, b, x, y, lam, c)
            a, b = a - eta * g[0], b - eta * g[1]
        g, H = _toy_grad_hess(a, b, x, y, lam, c)
        mu = float(np.linalg.eigvalsh(H)[0])
        if not mu > 0:
            raise InvalidArgument("start", values["start"], "a start in the convex basin of the stationary point")
        err = 2 * (float(np.linalg.norm(g)) + gamma_k(8) * (abs(b * x) + abs(a * x) + c * lam * (abs(a) + abs(b))))
        for v in (a, b):
            out.append(abs(v - star) / star)
            bounds.append((err / mu) / star + 2 * U)                  # s rounded to float64
    return _estimate(out, bounds, f"GD at steps {values['etas']} for {int(values['steps'])} iterations; "
                     f"stationary s = {star:.15g} (mpmath root, 30 digits)")


# ----------------------------------------------------------------------------------------------------------------
# C2: alignment W_k = -G_k / (c_reg lambda)

def _c2(values, setups):
    """Per trained layer of each setup, ``||W_k + G_k / (c_reg lambda)|| / ||W_k||``: at the last iterate for linear
    nets, with the window means ``W_bar``, ``G_bar`` for ReLU nets. Bound: rounding of G over ``c_reg lambda``."""
    out, bounds, notes = [], [], []
    for prefix, tr in _each(values, setups):
        c, lam = tr.c_reg, tr.lam
        if _smooth(tr):
            W, G = list(tr.net.layers), _last(tr)[0]
        else:
            W, G = tr.window.mean_W, tr.window.mean_G
        M, gam = _rounding(tr)
        for k, t in enumerate(tr.net.trained):
            if not t:
                continue
            nw = float(np.linalg.norm(W[k]))
            out.append(float(np.linalg.norm(W[k] + G[k] / (c * lam))) / nw)
            acc = _accumulation(tr) * (float(np.linalg.norm(G[k])) / (c * lam) + nw)     # window means' rounding
            bounds.append((gam * float(np.linalg.norm(M[k])) / (c * lam) + gamma_k(3) * nw + acc) / nw)
        notes.append(f"{prefix}: {'last iterate' if _smooth(tr) else f'window of {tr.window.K} steps'}")
    return _estimate(out, bounds, "; ".join(notes))


# ----------------------------------------------------------------------------------------------------------------
# C3: the balance identity I1 at any parameter

def _c3(values, setups):
    """I1 at random parameters: ``W_k G_k^T = G_(k+1)^T W_(k+1)`` (deep linear, the matrix), its diagonal (deep ReLU,
    per neuron) and its trace (both). Relative Frobenius residuals; bound: :func:`_prod_err` on both sides."""
    X, y, nets = _random_problem(values)
    out, bounds = [], []
    for net in nets:
        G, _ = gradients(net, X, y)
        M, depth = gradient_magnitude(net, X)
        dG = [gamma_k(depth) * Mk for Mk in M]
        for k in range(net.depth - 1):
            W0, W1 = net.layers[k], net.layers[k + 1]
            lhs, rhs = W0 @ G[k].T, G[k + 1].T @ W1
            err = (_prod_err(W0, 0 * W0, G[k].T, dG[k].T, W0.shape[1]) +
                   _prod_err(G[k + 1].T, dG[k + 1].T, W1, 0 * W1, W1.shape[0]))
            scale = float(np.linalg.norm(lhs))
            if net.activation == "linear":
                out.append(float(np.linalg.norm(lhs - rhs)) / scale)
                bounds.append(float(np.linalg.norm(err)) / scale)
            else:
                diag = np.diag(lhs) - np.diag(rhs)
                out.append(float(np.linalg.norm(diag)) / scale)
                bounds.append(float(np.linalg.norm(np.diag(err))) / scale)
            out.append(abs(float(np.trace(lhs) - np.trace(rhs))) / scale)
            bounds.append((float(np.trace(err)) + gamma_k(lhs.shape[0]) * 2 * float(np.sum(np.abs(np.diag(lhs)))))
                          / scale)
    return _estimate(out, bounds, f"random parameters (scale 1.5) of a depth-{int(values['depth'])} linear and ReLU "
                     f"net, width {int(values['width'])}, on {int(values['n'])} inputs; float64")


# ----------------------------------------------------------------------------------------------------------------
# C4-C8: norms and balance at the trained points

def _c4(values, setups):
    """``(S_k - S_(k+1)) / S_1`` per adjacent pair of trained layers. By I1, ``c lambda (S_k - S_(k+1)) = R_k -
    R_(k+1)`` exactly (S: ``||W||^2``, R: ``<W, g>``, both at the last iterate or both window means), so the bound
    is ``(|R_k| + |R_(k+1)|) / (c lambda S_1)`` plus rounding ``gamma_(depth) <|W|, M>`` per layer."""
    out, bounds = [], []
    for prefix, tr in _each(values, setups, all_trained=True):
        S, R, _ = _layer_norms(tr)
        M, gam = _rounding(tr)
        c, lam = tr.c_reg, tr.lam
        acc = _accumulation(tr)
        rnd = [gam * float(np.sum(np.abs(W) * Mk)) / (c * lam) + (gamma_k(W.size) + acc) * s + acc * abs(r) / (c * lam)
               for W, Mk, s, r in zip(tr.net.layers, M, S, R)]
        for k in range(tr.net.depth - 1):
            out.append((S[k] - S[k + 1]) / S[0])
            bounds.append(((abs(R[k]) + abs(R[k + 1])) / (c * lam) + rnd[k] + rnd[k + 1]) / S[0])
    return _estimate(out, bounds, "; ".join(f"{p}: ||W_k||^2 = " + ", ".join(f"{v:.8g}" for v in _layer_norms(tr)[0])
                                            for p, tr in _each(values, setups)))


def _c5(values, setups):
    """Per hidden neuron j: ``||row_j W_k||^2 - ||col_j W_(k+1)||^2`` (window means), largest over j relative to the
    mean row norm. Per-neuron I1 gives ``c lambda (row_j - col_j) = rows_wg_j - cols_wg_j`` exactly, so the bound is
    ``max_j (|rows_wg_j| + |cols_wg_j|) / (c lambda mean_j row_j)`` plus rounding."""
    out, bounds = [], []
    for prefix, tr in _each(values, setups, all_trained=True):
        w, c, lam = tr.window, tr.c_reg, tr.lam
        M, gam = _rounding(tr)
        for k in range(tr.net.depth - 1):
            rows, cols = w.rows_sq[k], w.cols_sq[k + 1]
            scale = float(np.mean(rows))
            r_rnd = gam * np.sum(np.abs(tr.net.layers[k]) * M[k], axis=1) / (c * lam)
            c_rnd = gam * np.sum(np.abs(tr.net.layers[k + 1]) * M[k + 1], axis=0) / (c * lam)
            out.append(float(np.max(np.abs(rows - cols))) / scale)
            drift = (np.abs(w.rows_wg[k]) + np.abs(w.cols_wg[k + 1])) / (c * lam)
            acc = _accumulation(tr)
            slack = (1 + acc) * drift + r_rnd + c_rnd + (acc + gamma_k(tr.net.layers[k].shape[1])) * (rows + cols)
            bounds.append(float(np.max(slack)) / scale)
    return _estimate(out, bounds, "window means over the last steps; " + ", ".join(
        f"{p}: {tr.window.K} steps" for p, tr in _each(values, setups)))


def _c6(values, setups):
    """``||W_k W_k^T - W_(k+1)^T W_(k+1)||_F / ||W_k||_F^2`` at the last iterate of each deep linear setup. I1-lin
    gives ``c lambda D_k = W_k g_k^T - g_(k+1)^T W_(k+1)`` exactly, so the bound is ``(||W_k|| ||g_k|| +
    ||g_(k+1)|| ||W_(k+1)||) / (c lambda ||W_k||^2)`` plus rounding."""
    out, bounds = [], []
    for prefix, tr in _each(values, setups, all_trained=True):
        _, g, _ = _last(tr)
        M, gam = _rounding(tr)
        c, lam = tr.c_reg, tr.lam
        Ls = tr.net.layers
        for k in range(len(Ls) - 1):
            D = Ls[k] @ Ls[k].T - Ls[k + 1].T @ Ls[k + 1]
            s = float(np.sum(Ls[k] ** 2))
            slack = (float(np.linalg.norm(Ls[k]) * np.linalg.norm(g[k])) + float(np.linalg.norm(g[k + 1]) *
                                                                                 np.linalg.norm(Ls[k + 1])))
            rnd = gam * (float(np.linalg.norm(Ls[k]) * np.linalg.norm(M[k])) + float(np.linalg.norm(Ls[k + 1]) *
                                                                                      np.linalg.norm(M[k + 1])))
            out.append(float(np.linalg.norm(D)) / s)
            bounds.append(((slack + rnd) / (c * lam) + gamma_k(max(Ls[k].shape) + 2) * 2 * s) / s)
    return _estimate(out, bounds, "last iterate of each deep linear setup")


def _c7(values, setups):
    """``S_k`` against N1 ``(1/(c lambda n)) sum_i m_i / (1 + e^(m_i))`` at the final margins (theory). Euler's
    identity gives ``c lambda S_k = R_k - E`` (E the mean of ``(1/n) sum l'_i m_i`` over the same iterates), so the
    bound is ``(|R_k| + |E - E_T|) / c lambda`` (``E_T`` computed directly at the final margins, never through the
    closed form under test) plus rounding."""
    out, bounds = [], []
    for prefix, tr in _each(values, setups):
        S, R, euler = _layer_norms(tr)
        c, lam = tr.c_reg, tr.lam
        margins = tr.y * tr.net(tr.X)
        n1 = common_norm_sq(margins, lam, c)               # the closed form under test
        e_final = float(np.mean(-expit(-margins) * margins))  # Euler's mean at the final margins, not via theory
        drift = abs(euler - e_final)
        M, gam = _rounding(tr)
        for k, t in enumerate(tr.net.trained):
            if not t:
                continue
            rnd = gam * float(np.sum(np.abs(tr.net.layers[k]) * M[k])) / (c * lam) + gamma_k(4 * tr.X.shape[0]) * n1
            acc = _accumulation(tr) * (S[k] + (abs(R[k]) + abs(euler)) / (c * lam))
            out.append((S[k] - n1) / n1)
            bounds.append(((abs(R[k]) + drift) / (c * lam) + rnd + acc + gamma_k(tr.net.layers[k].size) * S[k]) / n1)
    return _estimate(out, bounds, "N1 from theory.wd.common_norm_sq at the final margins; ||W_k||^2 at the last "
                     "iterate (linear) or window means (ReLU)")


def _c8_constant(values, setups):
    """``max_m m / (1 + e^m)`` two ways at ``dps`` digits: SymPy's closed form (``logistic_norm_symbolic``)
    evaluated, and the maximum located by mpmath's findroot on the derivative; each against mpmath's
    ``W_0(1/e)``. Worked at ``dps + 10`` digits; bound ``10^(1 - dps)`` (ten units of the claim's last digit, far
    above findroot's and the evaluations' rounding at dps + 10)."""
    dps = int(values["digits"])
    star, top = logistic_norm_symbolic()
    with mpmath.workdps(dps + 10):
        w = logistic_norm_constant(dps + 10)
        closed = mpmath.mpf(sp.N(top, dps + 10))
        star_closed = mpmath.mpf(sp.N(star, dps + 10))
        h = lambda m: 1 + mpmath.exp(m) - m * mpmath.exp(m)              # noqa: E731  (numerator of the derivative)
        m_root = mpmath.findroot(h, 1.3)
        located = m_root / (1 + mpmath.exp(m_root))
        tol = 10 * mpmath.mpf(10) ** (-dps)
        values_out = [abs(closed - w) / w, abs(located - w) / w, abs(star_closed - m_root) / m_root]
        return Estimate(tuple(values_out), bound=(tol,) * 3, dps=dps,
                        method=f"SymPy m* = {star}, max = {top}; mpmath findroot at {dps + 10} digits: m* = "
                               f"{mpmath.nstr(m_root, 12)}, max = {mpmath.nstr(located, 12)}")


def _c8_bound(values, setups):
    """``S_k / N2`` per trained layer, N2 = ``theory.wd.norm_bound`` = ``W_0(1/e) / (c lambda)``: at most 1 at a
    stationary point. ``c lambda S_k = R_k - E`` with ``-E <= W_0(1/e)``, so the ratio's slack from
    non-stationarity is ``|R_k| / W_0(1/e)``: the bound, with rounding."""
    w0 = float(logistic_norm_constant(20))
    out, bounds = [], []
    for prefix, tr in _each(values, setups):
        S, R, _ = _layer_norms(tr)
        c, lam = tr.c_reg, tr.lam
        M, gam = _rounding(tr)
        for k, t in enumerate(tr.net.trained):
            if t:
                out.append(S[k] / float(norm_bound(lam, c)))
                rnd = (gam * float(np.sum(np.abs(tr.net.layers[k]) * M[k])) + gamma_k(tr.net.layers[k].size) * S[k]
                       + _accumulation(tr) * (S[k] + abs(R[k]) / (c * lam)))
                bounds.append((abs(R[k]) + c * lam * rnd) / w0)
    return _estimate(out, bounds, "c_reg lambda ||W_k||^2 / W_0(1/e) per trained layer (W_0(1/e) = 0.2784645...)")


STATIONARITY_CHECKS = {"c1_symbolic": _c1_symbolic, "c1_steps": _c1_steps, "c2": _c2, "c3": _c3, "c4": _c4,
                       "c5": _c5, "c6": _c6, "c7": _c7, "c8_constant": _c8_constant, "c8_bound": _c8_bound}
