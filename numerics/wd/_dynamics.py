r"""Checks C9-C11 of the ``wd`` claims, on the GD dynamics under weight decay: the balance of adjacent layers
decays as ``e^(-2 c lambda t)`` under small-step GD (C9), one GD step's exact balance recursion (C10), and the
geometric decay of the first layer outside the span of the data (C11). Each check maps ``(values, setups)`` to an
:class:`Estimate` with a bound (:data:`DYNAMICS_CHECKS`).
"""

from __future__ import annotations

import math

import numpy as np

from theory.wd import decay_factor, gf_balance_factor

from .._rounding import gamma_k
from ._nets import gradient_magnitude, gradients, logistic_task, random_net, shallow_net
from ._setups import _estimate, _prod_err, _random_problem, _reg

__all__ = ["DYNAMICS_CHECKS"]


# ----------------------------------------------------------------------------------------------------------------
# C9: the balance under small-step GD, against the flow

def _diag_or_matrix(A, relu: bool):
    return np.diag(np.diag(A)) if relu else A


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


# ----------------------------------------------------------------------------------------------------------------
# C10: one GD step of the balance

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
# C11: decay outside the data span

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


DYNAMICS_CHECKS = {"c9": _c9, "c10": _c10, "c11": _c11}
