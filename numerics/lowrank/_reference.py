r"""The straightforward decomposition of our note's appendix, kept as an independent reference.

Every term is built from its definition (section 2.3 of the note), E with its
own product X_B^T M and G with its own product X^T [(r a^T) o sigma'(X W^T)],
followed by a full SVD. :func:`gradient_decomposition` must agree with it; the
benchmark (``bench/bench_lowrank.py``) measures how much faster the fast path is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ._network import loss as get_loss
from ._network import network

__all__ = ["ReferenceDecomposition", "reference_decomposition"]


@dataclass(frozen=True)
class ReferenceDecomposition:
    G: np.ndarray
    S1: np.ndarray
    S12: np.ndarray
    S2: np.ndarray
    E: np.ndarray
    r: np.ndarray
    mu: np.ndarray
    singular_values: np.ndarray


def reference_decomposition(X_B, z, q, zeta, W, a, y, mu, *, activation: str, scaling: str | float,
                            loss: str = "mse", activation_params: dict | None = None,
                            singular_values: bool = True) -> ReferenceDecomposition:
    """G, S1, S12, S2, E from their definitions, with the given ``mu``; all singular values of G by a full SVD."""
    net = network(W, a, activation=activation, scaling=scaling, **dict(activation_params or {}))
    g, n = net.gamma, X_B.shape[0]
    X = X_B + zeta * np.outer(z, q)
    H = X @ W.T
    r = get_loss(loss).residual(g * net.sigma(H) @ a, y)
    M = np.outer(r, a) * (net.dsigma(H) - mu)
    S1 = (g / n) * np.outer(X_B.T @ r, a * mu)
    S12 = (g * zeta * (z @ r) / n) * np.outer(q, a * mu)
    S2 = (g * zeta / n) * np.outer(q, z @ M)
    E = (g / n) * X_B.T @ M
    G = (g / n) * X.T @ (np.outer(r, a) * net.dsigma(H))
    sv = np.linalg.svd(G, compute_uv=False) if singular_values else np.empty(0)
    return ReferenceDecomposition(G, S1, S12, S2, E, r, np.asarray(mu, dtype=float), sv)
