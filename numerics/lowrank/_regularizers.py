r"""Regularizers of the two-layer network and their exact gradients with respect to W^T (d x m).

Our note, section 4 (all formulas **derived by us**; the paper's own forms were not recovered):

* weight decay, R = ||W||_F^2 / 2:                  grad = W^T;
* Jacobian penalty, R = (1/n) sum_i ||J_i||^2 with J_i = grad_x f(x_i) = gamma W^T (a o sigma'(W x_i)):
  grad = (2 gamma/n) [J^T ((1 a^T) o sigma'(H)) + X^T ((1 a^T) o sigma''(H) o (J W^T))];
* input noise x -> x + tau eps, eps ~ N(0, I_d), for the MSE loss:
  - ``expected``: Bishop's second-order expansion E_eps l = l + (tau^2/2)(||J_i||^2 + r_i Delta_x f(x_i)) + O(tau^4),
    R = (tau^2 / 2n) sum_i (||J_i||^2 + r_i Delta_x f(x_i)), Delta_x f(x) = gamma sum_j a_j sigma''(w_j^T x) ||w_j||^2,
    with the exact gradient of that R (below);
  - ``sampled``: the data-loss gradient on inputs X + tau eps, averaged over ``draws`` draws from ``rng``.

The value functions are written with matrix products and the network's
elementwise functions only, so that they also run on numpy object arrays of
mpmath numbers (see :mod:`numerics._finite_difference`).
"""

from __future__ import annotations

import numpy as np

from .._arrays import as_matrix, check_count, check_nonnegative, check_rng
from ._network import Network

__all__ = ["weight_decay", "jacobian_penalty", "jacobian_value", "input_noise_expected", "bishop_value",
           "input_noise_sampled"]


def weight_decay(net: Network) -> tuple[float, np.ndarray]:
    """(R, grad R) for R = ||W||_F^2 / 2."""
    return float(0.5 * np.sum(net.W**2)), net.W.T.copy()


def jacobian_value(W, a, gamma, X, dsigma):
    """(1/n) sum_i ||gamma W^T (a o sigma'(W x_i))||^2 (generic over float and mpmath object arrays)."""
    J = (dsigma(X @ W.T) * a) @ W * gamma
    return (J * J).sum() / X.shape[0]


def jacobian_penalty(net: Network, X: object) -> tuple[float, np.ndarray]:
    """(R, grad R) for the Jacobian penalty R = (1/n) sum_i ||grad_x f(x_i)||^2."""
    X = as_matrix("X", X, (None, net.d))
    H = X @ net.W.T
    d1, d2 = net.dsigma(H), net.derivative(2)(H)
    J = net.gamma * ((d1 * net.a) @ net.W)                       # n x d, rows J_i
    grad = (2 * net.gamma / X.shape[0]) * (J.T @ (d1 * net.a) + X.T @ (d2 * net.a * (J @ net.W.T)))
    return float(np.sum(J * J) / X.shape[0]), grad


def bishop_value(W, a, gamma, X, y, tau, sigma, dsigma, d2sigma):
    """(tau^2/2n) sum_i (||J_i||^2 + r_i Delta f_i) for the MSE loss (generic, like :func:`jacobian_value`)."""
    H = X @ W.T
    r = (sigma(H) @ a) * gamma - y
    laplacian = (d2sigma(H) @ (a * (W * W).sum(axis=1))) * gamma
    return (jacobian_value(W, a, gamma, X, dsigma) + (r * laplacian).sum() / X.shape[0]) * tau**2 / 2


def input_noise_expected(net: Network, X: object, y: object, tau: float) -> tuple[float, np.ndarray]:
    """(R, grad R) of the second-order (Bishop) input-noise regularizer for the MSE loss."""
    X, y = net.check_data(X, y)
    tau = check_nonnegative("tau", tau)
    H = X @ net.W.T
    g, a, W, n = net.gamma, net.a, net.W, X.shape[0]
    d1, d2, d3 = (net.derivative(k)(H) for k in (1, 2, 3))
    norms = (W * W).sum(axis=1)
    r = g * (net.sigma(H) @ a) - y
    laplacian = g * (d2 @ (a * norms))
    jac_value, jac_grad = jacobian_penalty(net, X)
    # d/dw_j sum_i r_i Delta_i = sum_i [g a_j sigma'_ij Delta_i x_i
    #                                  + r_i g a_j (sigma'''_ij ||w_j||^2 x_i + 2 sigma''_ij w_j)]
    grad_rl = g * (X.T @ (d1 * a * laplacian[:, None]) + X.T @ (d3 * a * r[:, None]) * norms
                   + 2 * W.T * (a * (r @ d2)))
    value = tau**2 / 2 * (jac_value + float(r @ laplacian) / n)
    return value, tau**2 / 2 * (jac_grad + grad_rl / n)


def input_noise_sampled(net: Network, X: object, y: object, tau: float, *, rng: np.random.Generator,
                        draws: int = 1, loss: str = "mse") -> np.ndarray:
    """The data-loss gradient on noisy inputs X + tau eps, averaged over ``draws`` independent draws."""
    X, y = net.check_data(X, y)
    tau, draws, rng = check_nonnegative("tau", tau), check_count("draws", draws), check_rng(rng)
    total = np.zeros((net.d, net.m))
    for _ in range(draws):
        total += net.loss_gradient(X + tau * rng.standard_normal(X.shape), y, loss)
    return total / draws
