r"""Checks C12-C15 of the ``wd`` claims, on the low-rank bias of weight decay at the trained points: the first
layer's rank at most the number of inputs (C12), rank-one layers of deep linear nets (C13), the Schatten-2/L
representation cost (C14) and the stable-rank bounds (C15). Each check maps ``(values, setups)`` to an
:class:`Estimate` with a bound (:data:`LOW_RANK_CHECKS`).
"""

from __future__ import annotations

import numpy as np

from theory import InvalidArgument
from theory.wd import logistic_norm_constant, norm_bound, schatten_cost, stable_rank, stable_rank_bound

from .._rounding import gamma_k
from ._setups import _each, _estimate, _last, _layer_norms, _rounding, _smooth

__all__ = ["LOW_RANK_CHECKS"]


# ----------------------------------------------------------------------------------------------------------------
# C12-C15: rank

def _c12(values, setups):
    """``sigma_(n+1)(W_1) / sigma_1(W_1)`` for the first layer of each ReLU setup (n = number of inputs), two routes.

    Stationarity: ``W_bar = -(G_bar - g_bar) / (c lambda)`` and ``G_bar`` (a mean of gradients whose rows lie in
    span(X) up to rounding ``gamma ||M_1||``) has rank <= n, so ``sigma_(n+1)(W_bar) <= (||g_bar||_2 + gamma ||M_1||)
    / (c lambda)`` (Weyl). Trajectory (C11):
    ``sigma_(n+1)(W_T) <= ||W_T P_perp||_2``, measured. Each bound adds LAPACK's ``gamma_(4 d) ||W||_2``."""
    out, bounds = [], []
    for prefix, tr in _each(values, setups):
        n, c, lam = tr.X.shape[0], tr.c_reg, tr.lam
        Wb, WT = tr.window.mean_W[0], tr.net.layers[0]
        g = tr.mean_regularised_gradient(0)
        Qx = np.linalg.qr(tr.X.T)[0]
        M, gam = _rounding(tr)
        off_span = gam * float(np.linalg.norm(M[0]))          # a computed gradient's rows leave span(X) by this
        for W, slack in ((Wb, (float(np.linalg.norm(g, 2)) + off_span) / (c * lam)),
                         (WT, float(np.linalg.norm(WT - (WT @ Qx) @ Qx.T, 2)))):
            s = np.linalg.svd(W, compute_uv=False)
            if s.size <= n:
                raise InvalidArgument(f"{prefix}_d, {prefix}_width", W.shape, f"more than n = {n} columns and rows")
            out.append(float(s[n] / s[0]))
            bounds.append((slack + gamma_k(4 * max(W.shape)) * s[0]) / s[0])
    return _estimate(out, bounds, "per setup: (window-mean weights, stationarity route), (last iterate, trajectory "
                     "route)")


def _c13(values, setups):
    """``sigma_2(W_k) / sigma_1(W_k)`` per layer of each deep linear setup, last iterate: ``G_k`` is an outer product
    (scalar output), so ``sigma_2(W_k) <= (||g_k||_2 + gamma ||M_k||) / (c lambda)`` plus LAPACK's
    ``gamma_(4 m) ||W||``."""
    out, bounds = [], []
    for prefix, tr in _each(values, setups):
        _, g, _ = _last(tr)
        M, gam = _rounding(tr)
        c, lam = tr.c_reg, tr.lam
        for k, W in enumerate(tr.net.layers[:-1]):
            s = np.linalg.svd(W, compute_uv=False)
            out.append(float(s[1] / s[0]))
            bounds.append(((float(np.linalg.norm(g[k], 2)) + gam * float(np.linalg.norm(M[k]))) / (c * lam)
                           + gamma_k(4 * max(W.shape)) * s[0]) / s[0])
    return _estimate(out, bounds, "last iterate of each deep linear setup; layers 1 .. L-1 (the last is a row)")


def _c14(values, setups):
    """``Phi = sum_k ||W_k||_F^2 - L ||M||^(2/L)`` (M = W_L ... W_1, a row: one singular value) relative to
    ``sum_k ||W_k||^2``, last iterate of each deep linear setup.

    ``Phi >= 0`` always (the representation cost is a minimum). Upper bound, with top singular triplets
    ``(s_k, u_k, v_k)``, rests ``r_k = ||W_k||_F^2 - s_k^2``, ``P = prod s_k``, ``A = prod_k |<v_(k+1), u_k>|`` and
    ``Delta = prod (s_k + sigma_2(W_k)) - P``: ``||M|| >= P A - Delta``, so ``Phi <= sum s_k^2 + sum r_k -
    L (P A - Delta)_+^(2/L)``; every term vanishes at a balanced rank-one chain. The bound is that, plus rounding."""
    out, bounds = [], []
    for prefix, tr in _each(values, setups):
        layers, L = tr.net.layers, tr.net.depth
        svds = [np.linalg.svd(W, full_matrices=False) for W in layers]
        s = np.array([sv[1][0] for sv in svds])
        rests = [float(np.sum(sv[1][1:] ** 2)) for sv in svds]
        second = [float(sv[1][1]) if sv[1].size > 1 else 0.0 for sv in svds]
        A = float(np.prod([abs(float(svds[k + 1][2][0] @ svds[k][0][:, 0])) for k in range(L - 1)]))
        P = float(np.prod(s))
        delta = float(np.prod(s + np.array(second))) - P
        product = layers[0]
        for W in layers[1:]:
            product = W @ product
        total = float(sum(np.sum(W * W) for W in layers))
        phi = total - schatten_cost([float(np.linalg.norm(product))], L)   # M is a row: one singular value
        upper = float(np.sum(s**2)) + sum(rests) - L * max(P * A - delta, 0.0) ** (2.0 / L)
        rnd = gamma_k(sum(W.shape[1] for W in layers) + 4 * max(W.shape[0] for W in layers) + 8) * 4 * total
        out.append(phi / total)
        bounds.append((max(upper, 0.0) + rnd) / total)
    return _estimate(out, bounds, "scalar-output deep linear setups; the Schatten-2/L cost of M = W_L ... W_1")


def _c15(values, setups):
    """Stable-rank bounds, as ratios that must lie in [0, 1]: ``srank(W_bar_1) R^2 ... `` per setup:
    ``prod_k srank(W_k) / (prod_k ||W_k||_F^2 R^2 / gamma^2)`` (any parameters), and the 1/lambda version
    ``prod_k srank(W_k) / ((W_0(1/e) / (c lambda))^L R^2 / gamma^2)`` (trained layers, at the window-mean weights;
    ``||W_bar||_F^2 <= S_k <= (W_0(1/e) + |R_k|) / (c lambda)``, so the ratio's slack ``prod (1 + |R_k| / W_0) - 1``
    goes into the bound with the rounding)."""
    w0 = float(logistic_norm_constant(20))
    out, bounds = [], []
    for prefix, tr in _each(values, setups):
        net = tr.mean_net if not _smooth(tr) else tr.net
        _, R, _ = _layer_norms(tr)
        c, lam = tr.c_reg, tr.lam
        idx = [k for k, t in enumerate(net.trained) if t]
        sr = float(np.prod([stable_rank(net.layers[k]) for k in idx]))
        radius = float(np.max(np.linalg.norm(tr.X, axis=1)))
        gamma = float(np.max(np.abs(net(tr.X))))
        any_theta = stable_rank_bound([np.sum(net.layers[k] ** 2) for k in idx], radius, gamma)
        lam_bound = stable_rank_bound([float(norm_bound(lam, c))] * len(idx), radius, gamma)
        rnd = gamma_k(8 * max(W.shape[1] for W in net.layers) + 16) * 4 * len(idx)
        slack = float(np.prod([1 + abs(R[k]) / w0 for k in idx])) - 1
        first, second = sr / any_theta, sr / lam_bound
        out += [first, second]
        bounds += [first * rnd, second * (rnd + slack)]
    return _estimate(out, bounds, "per setup: srank against prod ||W||_F^2 R^2 / gamma^2, then against "
                     "(W_0(1/e) / (c_reg lambda))^L R^2 / gamma^2")


LOW_RANK_CHECKS = {"c12": _c12, "c13": _c13, "c14": _c14, "c15": _c15}
