r"""Deep linear networks with K outputs trained by full-batch GD on the squared loss with weight decay, and the checks
of the note's two statements about them (our note ``lowrank_bias_merging.md``, both derived by us):

* **N1, squared loss** (note 2.2.6): at a stationary point of ``(1/n) sum_i ||f(x_i) - y_i||^2 / 2 + (c_reg / 2)
  lambda ||theta||^2`` every layer has ``||W_k||_F^2 = (1 / (c_reg lambda n)) sum_i <y_i - f_i, f_i>`` (Euler's
  identity ``<W_k, G_k> = (1/n) sum_i <f_i - y_i, f_i>``, each layer entering f linearly, and ``G_k = -c_reg lambda
  W_k``), and since ``<y - f, f> <= ||y||^2 / 4`` that is at most ``sum_i ||y_i||^2 / (4 c_reg lambda n)``. The note
  writes the scalar case; K outputs change only the inner product.
* **rank <= K** (note 2.3, LR2): ``G_k = (W_L ... W_(k+1))^T E^T H_(k-1)^T`` with ``E`` the n x K residual, so at a
  stationary point ``rank W_k <= K``.

The two closed forms of the first statement are :func:`squared_common_norm` and :func:`squared_norm_bound`. They are
here because ``theory.wd`` has only the logistic N1 (``common_norm_sq``); they belong there, and move when it gains
them.

Bounds are a-posteriori, as in :mod:`numerics.wd._stationarity`: with ``S_k = ||W_k||^2``, ``R_k = <W_k, g_k>`` (g
the regularised gradient) and ``E = (1/n) sum <f_i - y_i, f_i>``, Euler gives ``c lambda S_k = R_k - E`` exactly, so
the measured ``|R_k|`` is what non-stationarity permits; Weyl gives ``sigma_(K+1)(W_k) <= ||g_k||_2 / (c lambda)``.
Rounding: the gradients' componentwise magnitudes by the same backpropagation on absolute values.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Mapping

import numpy as np

from theory import InvalidArgument
from theory.wd import check_decay_step, check_regulariser

from .._rounding import gamma_k
from ._setups import _estimate

__all__ = ["SQUARED_CHECKS", "squared_common_norm", "squared_norm_bound", "squared_setup"]

_KEYS = ("n", "d", "width", "depth", "outputs", "lam", "c_reg", "eta", "steps", "data_seed")


def squared_common_norm(F: np.ndarray, Y: np.ndarray, lam: float, c_reg: int) -> float:
    """N1 for the squared loss: ``(1 / (c_reg lambda n)) sum_i <y_i - f_i, f_i>`` (outputs F, targets Y, n x K)."""
    lam, c = check_regulariser(lam, c_reg)
    return float(np.sum((Y - F) * F) / (c * lam * F.shape[0]))


def squared_norm_bound(Y: np.ndarray, lam: float, c_reg: int) -> float:
    """The squared loss's bound on N1: ``sum_i ||y_i||^2 / (4 c_reg lambda n)`` (``max_f <y - f, f> = ||y||^2 / 4``)."""
    lam, c = check_regulariser(lam, c_reg)
    return float(np.sum(Y * Y) / (4 * c * lam * Y.shape[0]))


def _forward(layers, X):
    H = [X]
    for W in layers:
        H.append(H[-1] @ W.T)
    return H


def _gradients(layers, X, Y):
    """Data-loss gradients of every layer, and the outputs F (n x K)."""
    H = _forward(layers, X)
    delta = (H[-1] - Y) / X.shape[0]
    G = [None] * len(layers)
    for k in range(len(layers) - 1, -1, -1):
        G[k] = delta.T @ H[k]
        if k:
            delta = delta @ layers[k]
    return G, H[-1]


def _magnitudes(layers, X, Y):
    """``|G_k| <= M_k`` componentwise (backpropagation of ``(|X| |W|^T ... + |Y|) / n`` through ``|W|``), and the
    depth of the longest dependent chain: ``|fl(G_k) - G_k| <= gamma_depth M_k`` to first order."""
    A = [np.abs(W) for W in layers]
    H = _forward(A, np.abs(X))
    delta = (H[-1] + np.abs(Y)) / X.shape[0]
    M = [None] * len(A)
    for k in range(len(A) - 1, -1, -1):
        M[k] = delta.T @ H[k]
        if k:
            delta = delta @ A[k]
    return M, 2 * sum(W.shape[1] for W in layers) + X.shape[0] + 4 * len(layers) + 10


@lru_cache(maxsize=8)
def _trained(key: tuple):
    v = dict(key)
    n, d, width, depth, K = (int(v[k]) for k in ("n", "d", "width", "depth", "outputs"))
    lam, c = check_regulariser(float(v["lam"]), int(v["c_reg"]))
    eta = check_decay_step(float(v["eta"]), lam, c)
    if depth < 2 or not K < min(width, d):
        raise InvalidArgument("outputs", K, f"fewer outputs than the width {width} and the input dimension {d}, at "
                                            f"depth >= 2 (depth {depth}): else rank <= K says nothing")
    rng = np.random.default_rng(int(v["data_seed"]))
    X = rng.standard_normal((n, d))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    Y = rng.standard_normal((n, K))
    dims = (d,) + (width,) * (depth - 1) + (K,)
    layers = [rng.standard_normal((dims[k + 1], dims[k])) / np.sqrt(dims[k]) for k in range(depth)]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(int(v["steps"])):
            G, _ = _gradients(layers, X, Y)
            for W, Gk in zip(layers, G):
                W *= 1.0 - c * eta * lam
                W -= eta * Gk
    if not all(np.all(np.isfinite(W)) and np.all(np.abs(W) < 1e100) for W in layers):
        raise InvalidArgument("eta", eta, "a step size for which GD stays bounded")
    return tuple(layers), X, Y, lam, c


def squared_setup(values: Mapping[str, object]):
    """``(layers, X, Y, lambda, c_reg)``: the deep linear net with ``outputs`` outputs trained by GD on the squared
    loss from ``data_seed`` (unit Gaussian inputs, standard Gaussian targets; Gaussian start of scale 1 / sqrt(fan_in)),
    once per process for each distinct set of values."""
    return _trained(tuple((k, values[k]) for k in _KEYS))


def _state(values):
    layers, X, Y, lam, c = squared_setup(values)
    G, F = _gradients(layers, X, Y)
    g = [Gk + c * lam * W for Gk, W in zip(G, layers)]
    M, depth = _magnitudes(layers, X, Y)
    return layers, X, Y, lam, c, F, g, M, gamma_k(depth)


def _c7_squared(values, setups):
    """``(S_k - N1) / N1`` per layer, N1 = :func:`squared_common_norm` at the final outputs. ``c lambda (S_k - N1) =
    R_k`` exactly (Euler), so the bound is ``|R_k| / (c lambda N1)`` plus the rounding of S_k, R_k and N1."""
    layers, X, Y, lam, c, F, g, M, gam = _state(values)
    n1 = squared_common_norm(F, Y, lam, c)
    if not n1 > 0:
        raise InvalidArgument("lam", lam, "a lambda small enough that the stationary point is not the origin")
    rnd_n1 = gamma_k(4 * sum(W.shape[1] for W in layers) + 4 * X.shape[0]) * float(
        np.sum(np.abs(Y) * np.abs(F) + F * F)) / (c * lam * X.shape[0])
    out, bounds = [], []
    for W, gk, Mk in zip(layers, g, M):
        S, R = float(np.sum(W * W)), float(np.sum(W * gk))
        rnd = (gam * float(np.sum(np.abs(W) * Mk)) / (c * lam) + gamma_k(W.size + 2) * 2 * S + rnd_n1)
        out.append((S - n1) / n1)
        bounds.append((abs(R) / (c * lam) + rnd) / n1)
    return _estimate(out, bounds, f"N1 (squared loss) = {n1:.10g} at the final outputs; ||W_k||^2 = "
                     + ", ".join(f"{float(np.sum(W * W)):.10g}" for W in layers))


def _c8_squared(values, setups):
    """``S_k / (sum ||y_i||^2 / (4 c lambda n))`` per layer, at most 1 at a stationary point: ``c lambda S_k = R_k -
    E <= |R_k| + sum ||y||^2 / (4 n)``, so the ratio's slack ``4 n |R_k| / sum ||y||^2`` is the bound, with
    rounding."""
    layers, X, Y, lam, c, F, g, M, gam = _state(values)
    top = squared_norm_bound(Y, lam, c)
    out, bounds = [], []
    for W, gk, Mk in zip(layers, g, M):
        S, R = float(np.sum(W * W)), float(np.sum(W * gk))
        rnd = gam * float(np.sum(np.abs(W) * Mk)) / (c * lam) + gamma_k(W.size + Y.size + 4) * 2 * S
        out.append(S / top)
        bounds.append((abs(R) / (c * lam) + rnd) / top)
    return _estimate(out, bounds, f"sum ||y||^2 / (4 c lambda n) = {top:.8g}")


def _c13_outputs(values, setups):
    """``sigma_(K+1)(W_k) / sigma_1(W_k)`` for layers 1 .. L-1 (the last has K rows): ``W_k = -(G_k - g_k) / (c
    lambda)`` with ``rank G_k <= K``, so ``sigma_(K+1)(W_k) <= (||g_k||_2 + gam ||M_k||) / (c lambda)`` (Weyl) plus
    LAPACK's ``gamma_(4 m) ||W_k||_2``."""
    layers, X, Y, lam, c, F, g, M, gam = _state(values)
    K = Y.shape[1]
    out, bounds = [], []
    for W, gk, Mk in zip(layers[:-1], g, M):
        s = np.linalg.svd(W, compute_uv=False)
        out.append(float(s[K] / s[0]))
        bounds.append(((float(np.linalg.norm(gk, 2)) + gam * float(np.linalg.norm(Mk))) / (c * lam)
                       + gamma_k(4 * max(W.shape)) * s[0]) / s[0])
    return _estimate(out, bounds, f"K = {K} outputs; sigma_1 .. sigma_(K+1) of layer 1: "
                     + ", ".join(f"{v:.4g}" for v in np.linalg.svd(layers[0], compute_uv=False)[:K + 1]))


SQUARED_CHECKS = {"c7_squared": _c7_squared, "c8_squared": _c8_squared, "c13_outputs": _c13_outputs}
