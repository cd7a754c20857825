r"""Set-ups of the ``wd`` checks: the values of a set-up and the networks trained from them (once per process for
each distinct set of values, deterministic from ``data_seed``), the random-parameter problems of the identities
that hold at any parameter, and the quantities every check reads off a trained set-up with their float64 rounding
(Higham's ``gamma_k``): final gradients, layer norms, window means, and the product error bound.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Mapping

import numpy as np
from scipy.special import expit

from theory import InvalidArgument

from .._estimate import Estimate
from .._rounding import gamma_k
from ._nets import Trained, gradient_magnitude, gradients, logistic_task, random_net, shallow_net, train

__all__ = ["trained_setup", "setup_values"]


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
# Quantities read off a trained set-up, with their rounding

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
# Random-parameter problems (C3, C10) and the rounding of a product

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
