r"""Estimators of the ``wd`` claims (weight decay's stationary points and model merging; arXiv 2502.17340's setting,
our note ``lowrank_bias_merging.md``). Deterministic: every network is trained from ``data_seed``, and every
estimate carries a *bound*.

Two kinds of bound appear (each derived by us; the proofs are in the docstrings):

* **rounding**: first-order float64 error (Higham's ``gamma_k``) of the computed quantity, from the componentwise
  magnitudes of :func:`numerics._wd_nets.gradient_magnitude`;
* **a-posteriori stationarity**: GD never reaches a stationary point exactly, so an identity that holds at one is
  checked at the trained point with the violation the measured regularised gradient ``g = G + c_reg lambda W``
  permits. For ReLU nets the gradient at a single iterate does not vanish (GD hovers at kinks, note 3.2); there the
  identities are taken over the window means of :class:`numerics._wd_nets.WindowStats`, whose exact GD bookkeeping
  (``<W^t, g^t> = (||W^t||^2 - ||W^(t+1)||^2 + eta^2 ||g^t||^2) / (2 eta)``) makes the bound vanish as the window
  grows and eta shrinks.

A claim PASSes when its residual lies within the bound and the bound is below half its resolution: the identity is
then resolved at that level at the trained point.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping

import mpmath
import numpy as np
import sympy as sp
from scipy.special import expit

from theory import (InvalidArgument, common_norm_sq, decay_factor, gd_fixed_point_symbolic, gf_balance_factor,
                    logistic_norm_constant, logistic_norm_symbolic, merge_bound, norm_bound, schatten_cost, stable_rank,
                    stable_rank_bound, stationary_chain, transfer_kappa)

from ._estimate import Estimate
from ._rounding import U, gamma_k
from ._wd_nets import (DecayNet, Trained, gradient_magnitude, gradients, logistic_task, loss_and_accuracy, merge,
                       orthogonal_tasks, random_net, require_orthogonal, shallow_net, task_overlap, train)

__all__ = ["WD_CHECKS", "WdCheck", "trained_setup", "setup_values", "merge_pair", "merge_sweep"]


# ----------------------------------------------------------------------------------------------------------------
# Setups: trained once per process for each distinct set of values (deterministic from data_seed).

_SETUP = ("n", "d", "width", "depth", "lam", "c_reg", "eta", "steps", "window", "eta_window", "data_seed")


def _reg(values) -> tuple[float, int]:
    return float(values["lam"]), int(values["c_reg"])


@lru_cache(maxsize=32)
def _trained(arch: str, key: tuple) -> Trained:
    v = dict(key)
    n, d, width, depth = int(v["n"]), int(v["d"]), int(v["width"]), int(v["depth"])
    rng = np.random.default_rng(int(v["data_seed"]))
    X, y = logistic_task(n, d, rng)
    if arch == "shallow":
        net = shallow_net(width, d, rng)
    elif arch == "shallow_trained_output":
        net = shallow_net(width, d, rng, trained_output=True)
    elif arch in ("linear", "relu"):
        net = random_net((d,) + (width,) * (depth - 1), arch, rng)
    else:
        raise InvalidArgument("arch", arch, "shallow, shallow_trained_output, linear or relu")
    return train(net, X, y, lam=float(v["lam"]), c_reg=int(v["c_reg"]), eta=float(v["eta"]), steps=int(v["steps"]),
                 window=int(v["window"]), eta_window=float(v["eta_window"]))


def trained_setup(values: Mapping[str, object], prefix: str, arch: str) -> Trained:
    """The ``arch`` network of a claim's setup ``prefix`` (values ``<prefix>_n``, ``<prefix>_d``, ...: see
    :func:`setup_values`), trained once per process."""
    return _trained(arch, tuple((n, values[f"{prefix}_{n}"]) for n in _SETUP))


def setup_values(n: int, d: int, width: int, depth: int, lam: float, c_reg: int, eta: float, steps: int,
                 window: int, eta_window: float, data_seed: int = 0) -> dict:
    """The values of one setup, by name (a claim prefixes them): n inputs in R^d, hidden width and depth, lambda,
    c_reg, GD step and steps, then a window of ``window`` steps at ``eta_window``, data and start from data_seed."""
    return dict(zip(_SETUP, (n, d, width, depth, lam, c_reg, eta, steps, window, eta_window, data_seed)))


# ----------------------------------------------------------------------------------------------------------------
# Helpers

def _each(values: Mapping[str, object], setups, *, all_trained: bool = False):
    """``(prefix, Trained)`` for each setup of a claim; ``all_trained`` refuses a net with a frozen layer (the balance
    identities pair adjacent trained layers: a frozen layer has no stationarity condition)."""
    for prefix, arch in setups:
        tr = trained_setup(values, prefix, arch)
        if all_trained and not all(tr.net.trained):
            raise InvalidArgument(f"setup {prefix}", f"trained layers {tr.net.trained}", "a network whose layers are "
                                  "all trained (the balance identities pair adjacent layers)")
        yield prefix, tr


def _rounding(tr: Trained, layers=None) -> tuple[list, float]:
    M, depth = gradient_magnitude(tr.net, tr.X, layers)
    return M, gamma_k(depth)


def _last(tr: Trained):
    """The final iterate's data gradients, regularised gradients and margins."""
    G, margins = gradients(tr.net, tr.X, tr.y)
    c, lam = tr.c_reg, tr.lam
    g = [Gk + c * lam * W if t else np.zeros_like(W) for Gk, W, t in zip(G, tr.net.layers, tr.net.trained)]
    return G, g, margins


def _estimate(values, bounds, method: str) -> Estimate:
    return Estimate(tuple(float(v) for v in values), bound=tuple(float(b) for b in bounds), method=method)


def _smooth(tr: Trained) -> bool:
    return tr.net.activation == "linear"


def _accumulation(tr: Trained) -> float:
    """Relative rounding of a window mean of K terms (``gamma_(K+2)``; K = 1 for the last iterate)."""
    return gamma_k((1 if _smooth(tr) else tr.window.K) + 2)


def _layer_norms(tr: Trained):
    """Per trained layer ``(S_k, R_k)``: ``||W_k||^2`` and ``<W_k, g_k>`` at the last iterate (linear nets) or their
    window means (ReLU nets), with the Euler mean ``(1/n) sum l'_i m_i`` over the same iterates (each mean carries
    :func:`_accumulation`'s rounding, added by the callers)."""
    if _smooth(tr):
        _, g, margins = _last(tr)
        S = [float(np.sum(W * W)) for W in tr.net.layers]
        R = [float(np.sum(W * gk)) for W, gk in zip(tr.net.layers, g)]
        return S, R, float(np.mean(-expit(-margins) * margins))
    w = tr.window
    return list(w.sq), list(w.wg), w.euler


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
    the stationary point ``a = b = s`` of :func:`theory.stationary_chain` (L = 2, mpmath).

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
# C3, C10: identities at any parameter

def _random_problem(values, seed_offset: int = 0):
    rng = np.random.default_rng(int(values["data_seed"]) + seed_offset)
    d, width, depth = int(values["d"]), int(values["width"]), int(values["depth"])
    X, y = logistic_task(int(values["n"]), d, rng)
    nets = [random_net((d,) + (width,) * (depth - 1), act, rng, scale=1.5) for act in ("linear", "relu")]
    return X, y, nets


def _prod_err(A, dA, B, dB, k):
    """``|fl(A B) - A B| <= |dA||B| + |A||dB| + gamma_k |A||B|`` (first order), with ``dA``, ``dB`` the inputs'
    componentwise error bounds."""
    aA, aB = np.abs(A), np.abs(B)
    return dA @ aB + aA @ dB + gamma_k(k) * (aA @ aB)


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


def _diag_or_matrix(A, relu: bool):
    return np.diag(np.diag(A)) if relu else A


def _c10(values, setups):
    """One GD step from random parameters: ``D' = (1 - c eta lambda)^2 D + eta^2 (G_k G_k^T - G_(k+1)^T G_(k+1))``
    with ``D_k = W_k W_k^T - W_(k+1)^T W_(k+1)`` (diagonal for ReLU). Bound: first-order rounding of both sides."""
    X, y, nets = _random_problem(values, 1)
    lam, c = _reg(values)
    eta = float(values["eta"])
    q = decay_factor(eta, lam, c)
    out, bounds = [], []
    for net in nets:
        relu = net.activation == "relu"
        G, _ = gradients(net, X, y)
        M, depth = gradient_magnitude(net, X)
        dG = [gamma_k(depth) * Mk for Mk in M]
        new = [W - eta * (Gk + c * lam * W) for W, Gk in zip(net.layers, G)]   # the GD step by its definition
        dnew = [gamma_k(4) * (np.abs(W) + eta * (np.abs(Gk) + c * lam * np.abs(W))) + eta * e
                for W, Gk, e in zip(net.layers, G, dG)]
        def D(A, dA, B, dB):
            val = A @ A.T - B.T @ B
            err = _prod_err(A, dA, A.T, dA.T, A.shape[1]) + _prod_err(B.T, dB.T, B, dB, B.shape[0])
            return _diag_or_matrix(val, relu), _diag_or_matrix(err + gamma_k(1) * np.abs(val), relu)

        zero = [0 * W for W in net.layers]
        for k in range(net.depth - 1):
            D0, e0 = D(net.layers[k], zero[k], net.layers[k + 1], zero[k + 1])
            D1, e1 = D(new[k], dnew[k], new[k + 1], dnew[k + 1])
            F, eF = D(G[k], dG[k], G[k + 1], dG[k + 1])
            rhs = q**2 * D0 + eta**2 * F
            scale = float(np.linalg.norm(D1))
            out.append(float(np.linalg.norm(D1 - rhs)) / scale)
            bounds.append(float(np.linalg.norm(e1 + q**2 * e0 + eta**2 * eF + gamma_k(3) * (np.abs(q**2 * D0) +
                                                                                             eta**2 * np.abs(F))))
                          / scale)
    return _estimate(out, bounds, f"one GD step (eta = {eta:g}) from random parameters of a linear and a ReLU net")


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
    return _estimate(out, bounds, "N1 from theory.common_norm_sq at the final margins; ||W_k||^2 at the last "
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
    """``S_k / N2`` per trained layer, N2 = ``theory.norm_bound`` = ``W_0(1/e) / (c lambda)``: at most 1 at a
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


# ----------------------------------------------------------------------------------------------------------------
# C9, C11: dynamics

def _c9(values, setups):
    """Small-step GD (a gradient-flow proxy) from random parameters: ``||D_k(T) - e^(-2 c lambda eta T) D_k(0)|| /
    ||D_k(0)||`` for the deep linear net (matrix D) and the shallow ReLU net with trained output (diagonal).

    Bound (derived from the exact GD recursion C10): ``D(T) = q^(2T) D(0) + eta^2 sum_s q^(2(T-1-s)) F_s``, q = 1 - c
    eta lambda, so the distance from the flow is at most ``|q^(2T) - e^(-2 c lambda eta T)| ||D(0)|| + eta^2 sum_s
    q^(2(T-1-s)) ||F_s||`` (F measured along the run), plus rounding ``T gamma_(width) ||W||^2``; the first term is
    bounded through ``log(1 - a) >= -a - a^2 / (1 - a)`` (a = c eta lambda), without evaluating the prediction."""
    lam, c = _reg(values)
    eta, T = float(values["eta"]), int(values["steps"])
    q = decay_factor(eta, lam, c)
    rng = np.random.default_rng(int(values["data_seed"]))
    d, width = int(values["d"]), int(values["width"])
    X, y = logistic_task(int(values["n"]), d, rng)
    nets = [random_net((d, width, width), "linear", rng, scale=1.5), shallow_net(width, d, rng, trained_output=True,
                                                                                 scale=1.5)]
    nets[1] = nets[1].with_layers((nets[1].layers[0], 2 * nets[1].layers[1]))       # unbalanced at the start
    out, bounds = [], []
    for net in nets:
        relu = net.activation == "relu"
        layers = [W.copy() for W in net.layers]

        def D(Ls):
            return [_diag_or_matrix(Ls[k] @ Ls[k].T - Ls[k + 1].T @ Ls[k + 1], relu) for k in range(net.depth - 1)]

        D0, forcing, top = D(layers), [0.0] * (net.depth - 1), 0.0
        for _ in range(T):
            G, _ = gradients(net, X, y, layers)
            F = D(G)
            forcing = [q**2 * f + eta**2 * float(np.linalg.norm(Fk)) for f, Fk in zip(forcing, F)]
            layers = [W - eta * (Gk + c * lam * W) for W, Gk in zip(layers, G)]    # GD on L_lambda, by definition
            top = max(top, max(float(np.sum(W * W)) for W in layers))
        flow = gf_balance_factor(eta * T, lam, c)                      # the prediction under test
        a = c * eta * lam
        # |q^(2T) - e^(-2 a T)| <= q^(2T) (e^(2 T a^2 / (1 - a)) - 1), since -a - a^2/(1-a) <= log(1 - a) <= -a;
        # computed from the GD factor q alone, never from the prediction
        step_gap = q ** (2 * T) * math.expm1(2 * T * a * a / (1 - a))
        for k, DT in enumerate(D(layers)):
            n0 = float(np.linalg.norm(D0[k]))
            out.append(float(np.linalg.norm(DT - flow * D0[k])) / n0)
            bounds.append((step_gap * n0 + forcing[k] + T * gamma_k(4 * width + 8) * top) / n0)
    return _estimate(out, bounds, f"GD with eta = {eta:g} for {T} steps (flow time {eta * T:g}); "
                     f"e^(-2 c lambda t) = {gf_balance_factor(eta * T, lam, c):.6g}")


def _c11(values, setups):
    """GD from a generic start: ``||W_1^(T) P_perp - q^T W_1^(0) P_perp|| / ||q^T W_1^(0) P_perp||`` with P_perp the
    projector onto span(X)^perp, for a shallow ReLU net (fixed output) and a deep ReLU net.

    Bound: per step, the computed gradient's rows leave span(X) by at most ``gamma_depth ||M_1||`` and the update
    rounds by ``gamma_4 ((1 + c eta lambda) |W| + eta |G|)`` (the step is taken by its definition ``W - eta (G + c
    lambda W)``, the factor q = 1 - c eta lambda only in the prediction); carried with weight q^(T-1-s) over the T
    steps, plus the projector's own ``gamma_(2 d) ||W||``; relative to the decayed norm."""
    lam, c = _reg(values)
    eta, T = float(values["eta"]), int(values["steps"])
    q = decay_factor(eta, lam, c)
    rng = np.random.default_rng(int(values["data_seed"]))
    n, d, width = int(values["n"]), int(values["d"]), int(values["width"])
    X, y = logistic_task(n, d, rng)
    Qx = np.linalg.qr(X.T)[0]                                           # d x n orthonormal basis of span(X)
    perp = lambda W: W - (W @ Qx) @ Qx.T                                # noqa: E731
    out, bounds = [], []
    for net in (shallow_net(width, d, rng), random_net((d, width, width), "relu", rng)):
        layers = [W.copy() for W in net.layers]
        start = perp(layers[0])
        carried = 0.0
        for _ in range(T):
            G, _ = gradients(net, X, y, layers)
            M, depth = gradient_magnitude(net, X, layers)
            step = gamma_k(depth) * eta * float(np.linalg.norm(M[0])) + gamma_k(4) * (
                (1 + c * eta * lam) * float(np.linalg.norm(layers[0])) + eta * float(np.linalg.norm(G[0])))
            carried = q * carried + step
            layers = [(W - eta * (Gk + c * lam * W)) if t else W for W, Gk, t in zip(layers, G, net.trained)]
        expected = q**T * start
        scale = float(np.linalg.norm(expected))
        out.append(float(np.linalg.norm(perp(layers[0]) - expected)) / scale)
        bounds.append((carried + gamma_k(2 * d + 2) * (float(np.linalg.norm(layers[0])) + scale)) / scale)
    return _estimate(out, bounds, f"{T} GD steps, q^T = {q ** T:.6g}; shallow (fixed output) and deep ReLU nets")


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


# ----------------------------------------------------------------------------------------------------------------
# C16-C20: merging

@lru_cache(maxsize=64)
def _pair(arch: str, n: int, d: int, width: int, depth: int, eps: float, lam: float, c: int, eta: float, steps: int,
          window: int, eta_window: float, seed: int):
    rng = np.random.default_rng(seed)
    X_A, y_A, X_B, y_B, Q = orthogonal_tasks(n, d, eps, rng)
    nets = []
    for X, y in ((X_A, y_A), (X_B, y_B)):
        span = np.linalg.qr(X.T)[0].T  # rows in span(X_task): nothing of the start lies outside it to forget
        if arch == "shallow":          # the same rng for both nets: the shared fixed output signs
            net = shallow_net(width, d, np.random.default_rng(seed + 1), span=span)
        elif arch == "shallow_trained_output":
            net = shallow_net(width, d, np.random.default_rng(seed + 1), span=span, trained_output=True)
        else:
            net = random_net((d,) + (width,) * (depth - 1), "linear", rng)
        nets.append(train(net, X, y, lam=lam, c_reg=c, eta=eta, steps=steps, window=window, eta_window=eta_window))
    return nets[0], nets[1]


def merge_pair(values: Mapping[str, object], arch: str, eps: float | None = None, seed: int | None = None):
    """The two ``arch`` networks of a merge claim (tasks from ``orthogonal_tasks``), trained once per process. ReLU
    nets are used at their window-mean weights, linear nets at the last iterate."""
    v = values
    return _pair(arch, int(v["n"]), int(v["d"]), int(v["width"]), int(v["depth"]),
                 float(v["eps"] if eps is None else eps), float(v["lam"]), int(v["c_reg"]), float(v["eta"]),
                 int(v["steps"]), int(v["window"]), float(v["eta_window"]),
                 int(v["data_seed"] if seed is None else seed))


def _final(tr: Trained) -> DecayNet:
    return tr.net if _smooth(tr) else tr.mean_net


def _c16(values, setups):
    """Exactly orthogonal tasks, shallow ReLU with a shared fixed output: ``max_x |f_(A+B)(x) - f_A(x)| / max |f_A|``
    on task A and the same for B. Bound (M2a): ``|Delta f(x)| <= ||W_B x||``, measured, plus the rounding of two
    forward passes ``gamma_(d + m + 2) (|W| |x| summed)``."""
    if float(values["eps"]) != 0:
        raise InvalidArgument("eps", values["eps"], "0 (exactly orthogonal tasks)")
    A, B = merge_pair(values, setups[0][1])
    a, b = _final(A), _final(B)
    require_orthogonal(A.X, B.X)
    m = merge(a, b)
    out, bounds = [], []
    for own, other, X in ((a, b, A.X), (b, a, B.X)):
        scale = float(np.max(np.abs(own(X))))
        leak = float(np.max(np.linalg.norm(X @ other.layers[0].T, axis=1)))
        rnd = gamma_k(X.shape[1] + a.layers[0].shape[0] + 2) * 2 * float(np.max(np.abs(X) @ (np.abs(a.layers[0]) +
                                                                                          np.abs(b.layers[0])).T.sum(1)))
        out.append(float(np.max(np.abs(m(X) - own(X)))) / scale)
        bounds.append((leak + rnd) / scale)
    return _estimate(out, bounds, f"exactly orthogonal tasks of {int(values['n'])} inputs in R^{int(values['d'])}; "
                     "starts inside each task's span")


def _merge_row(A: Trained, B: Trained) -> dict:
    """A shallow pair merged (window-mean weights): per task the largest output change, the bounds M2a
    (``||W_other||_2 max ||P_other x||``, measured) and M2b (``eps / (c lambda)`` plus the window's stationarity
    correction ``||g_bar_other||_2 max ||x|| / (c lambda)``; note 2.4: ``W_B = -(G_B - g_B) / (c lambda)`` and
    ``||G_B x|| <= max_i |<x_i, x>|`` since ``|l'| <= 1`` and ``||u o 1[.]|| / sqrt(m) <= 1``), losses and
    accuracies."""
    a, b = _final(A), _final(B)
    m = merge(a, b)
    lam, c = A.lam, A.c_reg
    measured = task_overlap(A.X, B.X)
    row = {"eps": measured}
    for name, own, other, Xo, yo, tr_other in (("A", a, b, A.X, A.y, B), ("B", b, a, B.X, B.y, A)):
        Qo = np.linalg.qr(tr_other.X.T)[0]
        W = other.layers[0]
        proj = np.linalg.norm(Xo @ Qo, axis=1)
        g = tr_other.mean_regularised_gradient(0)
        (lo, ao), (lm, am) = loss_and_accuracy(own, Xo, yo), loss_and_accuracy(m, Xo, yo)
        row[name] = {"delta_f": float(np.max(np.abs(m(Xo) - own(Xo)))),
                     "m2a": float(np.linalg.norm(W, 2) * np.max(proj)),
                     "m2b": merge_bound(measured, lam, c) + float(np.linalg.norm(g, 2)) * float(
                         np.max(np.linalg.norm(Xo, axis=1))) / (c * lam),
                     "loss_own": lo, "loss_merged": lm, "acc_own": ao, "acc_merged": am}
    return row


def merge_sweep(values: Mapping[str, object], arch: str = "shallow") -> list[dict]:
    """For each eps of a C17 claim: :func:`_merge_row` of its pair."""
    return [_merge_row(*merge_pair(values, arch, eps=eps)) for eps in np.atleast_1d(values["epsilons"]).tolist()]


def _c17(values, setups):
    """Per eps and task: ``Delta f / M2a``, ``Delta f / M2b`` and ``Delta L / min(M2a, M2b)`` (logistic loss is
    1-Lipschitz), each claimed <= 1 (:func:`_merge_row`). Bound: rounding of the forward passes and norms,
    ``gamma_(4 (d + m))`` relative."""
    out, bounds = [], []
    rnd = gamma_k(4 * (int(values["d"]) + int(values["width"])) + 16)
    for row in merge_sweep(values, setups[0][1]):
        for name in ("A", "B"):
            r = row[name]
            dl = r["loss_merged"] - r["loss_own"]
            ratios = (r["delta_f"] / r["m2a"], r["delta_f"] / r["m2b"], dl / min(r["m2a"], r["m2b"]))
            out += ratios
            bounds += [abs(x) * 4 * rnd + 4 * rnd for x in ratios]
    return _estimate(out, bounds, "eps = " + ", ".join(f"{r['eps']:.3g}" for r in merge_sweep(values, setups[0][1])))


def _rank_one(W):
    U_, s, Vt = np.linalg.svd(W, full_matrices=False)
    return s[0], U_[:, 0], Vt[0], (s[1] if s.size > 1 else 0.0)


def _chain(net: DecayNet):
    """Top triplets of each layer with signs chained (``v_(k+1) = u_k`` up to alignment, last output +1)."""
    trip = [_rank_one(W) for W in net.layers]
    L = len(trip)
    s = [t[0] for t in trip]
    u = [t[1].copy() for t in trip]
    v = [t[2].copy() for t in trip]
    sign = 1.0 if u[-1][0] > 0 else -1.0                       # the output direction of the last layer: +1
    u[-1], v[-1] = sign * u[-1], sign * v[-1]
    for k in range(L - 2, -1, -1):
        if v[k + 1] @ u[k] < 0:
            u[k], v[k] = -u[k], -v[k]
    return s, u, v, [t[3] for t in trip]


def _c18(values, setups):
    """Deep linear, exactly orthogonal tasks: ``max_x |f_(A+B)(x) - kappa_A f_A(x)| / max |f_A|`` on task A (and B),
    kappa from :func:`theory.transfer_kappa` with the SVD scales and hidden overlaps ``o_k = <v_k^A, v_k^B>``.

    Bound (first order): the rank-one remainders (``||M_k - M_hat_k|| <= sigma_2^A + sigma_2^B =: e_k``, carried
    through the product as ``prod (m_k + e_k) - prod m_k`` with ``m_k = ||M_k|| + e_k >= ||M_hat_k||``; the same for
    ``f_A`` times kappa); the chain misalignment ``delta_k = ||u_k - v_(k+1)||`` of each net (the recursion uses
    ``v_(k+1)`` for the left vector ``u_k`` of layer k, so each of its inner products moves by at most delta_k:
    ``2 sum_k (delta_k^A + delta_k^B) prod m ||x||``); the other net's first layer on this task ``||W_1^B x||``
    carried through the merged layers 2..L; and rounding.
    """
    if float(values["eps"]) != 0:
        raise InvalidArgument("eps", values["eps"], "0 (exactly orthogonal tasks)")
    A, B = merge_pair(values, setups[0][1])
    require_orthogonal(A.X, B.X)
    a, b = A.net, B.net
    m = merge(a, b)
    out, bounds, kappas = [], [], []
    for own, other, X in ((a, b, A.X), (b, a, B.X)):
        sa, ua, va, ra = _chain(own)
        sb, ub, vb, rb = _chain(other)
        L = len(sa)
        o = [float(va[k] @ vb[k]) for k in range(1, L)]
        kappa = transfer_kappa(sa, sb, o)
        kappas.append(kappa)
        fo = own(X)
        scale = float(np.max(np.abs(fo)))
        rest = np.array([ra[k] + rb[k] for k in range(L)])
        mhat = np.array([float(np.linalg.norm(W, 2)) for W in m.layers]) + rest
        own_rest = np.array(ra)
        own_hat = np.array([float(np.linalg.norm(W, 2)) for W in own.layers]) + own_rest
        delta = sum(float(np.linalg.norm(ua[k] - va[k + 1]) + np.linalg.norm(ub[k] - vb[k + 1]))
                    for k in range(L - 1))
        xn = float(np.max(np.linalg.norm(X, axis=1)))
        carry = (float(np.prod(mhat + rest) - np.prod(mhat))
                 + abs(kappa) * float(np.prod(own_hat + own_rest) - np.prod(own_hat))) * xn
        leak = float(np.max(np.linalg.norm(X @ other.layers[0].T, axis=1))) * float(np.prod(mhat[1:]))
        align = 2 * delta * float(np.prod(mhat)) * xn
        rnd = gamma_k(sum(W.shape[1] for W in m.layers) + 8 * L) * 4 * float(np.prod(mhat)) * xn
        out.append(float(np.max(np.abs(m(X) - kappa * fo))) / scale)
        bounds.append((carry + leak + align + rnd * (1 + abs(kappa))) / scale)
    return _estimate(out, bounds, f"kappa_A = {kappas[0]:.6g}, kappa_B = {kappas[1]:.6g} (transfer recursion from "
                     "the SVDs)")


def _c19(values, setups):
    """The fraction of task draws (seed x task) in which the merged network's training accuracy is not lower than
    the task's own network's, for the shallow ReLU pairs at ``eps`` and the deep linear pairs at eps = 0, over the
    claim's seeds. Exact counts (accuracies at the computed margins); the drops are listed in the method."""
    out, drops = [], []
    for prefix, arch in (("shallow", "shallow"), ("linear", "linear")):
        setup = {k[len(prefix) + 1:]: v for k, v in values.items() if k.startswith(prefix + "_")}
        kept = total = 0
        for seed in np.atleast_1d(values["seeds"]).tolist():
            A, B = merge_pair(setup, arch, seed=int(seed))
            a, b = _final(A), _final(B)
            mnet = merge(a, b)
            for task, own, X, y in (("A", a, A.X, A.y), ("B", b, B.X, B.y)):
                change = loss_and_accuracy(mnet, X, y)[1] - loss_and_accuracy(own, X, y)[1]
                kept, total = kept + (change >= 0), total + 1
                if change < 0:
                    drops.append(f"{prefix} seed {int(seed)} task {task}: {change:+.3g}")
        out.append(kept / total)
    return _estimate(out, [0.0, 0.0], f"{total} task draws per architecture; accuracy drops: "
                     + ("; ".join(drops) or "none"))


def _c20(values, setups):
    """Trained output layers (``a_A + a_B``, ``W_A + W_B``), exactly orthogonal tasks, shared output-sign start:
    ``max |Delta f| / max |f_A|`` on each task (claimed >= a stated level: the merge is not function-preserving) and
    ``acc(merged) - acc(own)`` (claimed >= 0). Bound: forward-pass rounding (``gamma_(d + m + 4)`` relative)."""
    A, B = merge_pair(values, setups[0][1])
    require_orthogonal(A.X, B.X)
    a, b = _final(A), _final(B)
    m = merge(a, b)
    out, bounds = [], []
    rnd = gamma_k(int(values["d"]) + int(values["width"]) + 4) * 4
    for own, X, y in ((a, A.X, A.y), (b, B.X, B.y)):
        fo = own(X)
        rel = float(np.max(np.abs(m(X) - fo))) / float(np.max(np.abs(fo)))
        out += [rel, loss_and_accuracy(m, X, y)[1] - loss_and_accuracy(own, X, y)[1]]
        bounds += [rnd * (1 + rel), 0.0]
    return _estimate(out, bounds, "trained output layers, merged by summing both layers")


WD_CHECKS = {"c1_symbolic": _c1_symbolic, "c1_steps": _c1_steps, "c2": _c2, "c3": _c3, "c4": _c4, "c5": _c5,
             "c7": _c7, "c8_constant": _c8_constant, "c8_bound": _c8_bound, "c9": _c9, "c10": _c10, "c11": _c11,
             "c12": _c12, "c13": _c13, "c14": _c14, "c15": _c15, "c16": _c16, "c17": _c17, "c18": _c18,
             "c19": _c19, "c20": _c20, "c6": _c6}


@dataclass(frozen=True)
class WdCheck:
    """Estimator of a ``wd`` claim: ``WD_CHECKS[name](values, setups)``, an :class:`Estimate` with a bound.
    ``setups`` pairs each value prefix with its architecture (shallow, shallow_trained_output, linear, relu)."""

    name: str
    setups: tuple = ()
    deterministic = True   # bounds only: an interval claim decided by it spends no false-fail rate

    def __post_init__(self) -> None:
        if self.name not in WD_CHECKS:
            raise InvalidArgument("name", self.name, f"one of {', '.join(sorted(WD_CHECKS))}")

    def __call__(self, values: Mapping[str, object], *, rng=None, n=None, dps: int = 30) -> Estimate:
        return WD_CHECKS[self.name](values, self.setups)
