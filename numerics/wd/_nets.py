r"""Bias-free homogeneous networks trained by full-batch GD with weight decay (arXiv 2502.17340's setting as our
note ``lowrank_bias_merging.md`` reconstructs it, section 1.3), numpy only and vectorised over the examples.

A network is a tuple of layers ``W_1 (m_1 x d), ..., W_L (1 x m_(L-1))`` with ``f(x) = W_L s(W_(L-1) ... s(W_1 x))``,
``s`` the identity (deep linear) or relu, and a mask of trained layers: the shallow ReLU net of the note,
``f(x) = (1/sqrt m) sum_k u_k relu(<w_k, x>)`` with fixed signs u, is ``(W, u^T / sqrt m)`` with the last layer
frozen. Loss: logistic on margins ``y_i f(x_i)``; regulariser ``(c_reg / 2) lambda ||theta||^2`` on the trained
layers, so a GD step is ``W <- (1 - c_reg eta lambda) W - eta G`` (``G`` the data-loss gradient).

Stationarity is measured over a window of the last K steps, as the note's pitfall section asks (GD parks ReLU
pre-activations at the kink, so the last iterate's gradient does not vanish): the trainer accumulates the window
means of ``||W_k||^2``, of ``<W_k, g_k>`` (g the regularised gradient), of Euler's ``(1/n) sum l'_i m_i`` and
their per-neuron versions. The exact GD bookkeeping of those means gives the a-posteriori
bounds of ``numerics.wd._checks``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit

from theory import InvalidArgument
from theory.wd import check_decay_step, check_regulariser

from .._arrays import as_matrix, as_vector
from .._rounding import gamma_k
from ._window import WindowAccumulator, WindowStats

__all__ = ["ACTIVATIONS", "DecayNet", "WindowStats", "Trained", "shallow_net", "random_net", "logistic_task",
           "orthogonal_tasks", "task_overlap", "require_orthogonal", "gradients", "gradient_magnitude", "train",
           "merge", "loss_and_accuracy"]

ACTIVATIONS = ("linear", "relu")


@dataclass(frozen=True)
class DecayNet:
    """Layers ``W_1 .. W_L`` (``W_k`` of shape ``(m_k, m_(k-1))``, ``m_0 = d``, ``m_L = 1``), the activation
    between them, and which layers are trained."""

    layers: tuple
    activation: str
    trained: tuple

    def __post_init__(self) -> None:
        if self.activation not in ACTIVATIONS:
            raise InvalidArgument("activation", self.activation, f"one of {', '.join(ACTIVATIONS)}")
        layers = tuple(np.array(W, dtype=float) for W in self.layers)
        if not layers or any(W.ndim != 2 for W in layers) or layers[-1].shape[0] != 1:
            raise InvalidArgument("layers", [W.shape for W in layers], "2-d layers, the last with one output row")
        for k in range(1, len(layers)):
            if layers[k].shape[1] != layers[k - 1].shape[0]:
                raise InvalidArgument(f"layers[{k}]", f"shape {layers[k].shape}",
                                      f"{layers[k - 1].shape[0]} columns (the width of layer {k})")
        if len(self.trained) != len(layers) or not any(self.trained):
            raise InvalidArgument("trained", self.trained, f"{len(layers)} flags, at least one True")
        object.__setattr__(self, "layers", layers)
        object.__setattr__(self, "trained", tuple(bool(t) for t in self.trained))

    @property
    def depth(self) -> int:
        return len(self.layers)

    @property
    def input_dim(self) -> int:
        return self.layers[0].shape[1]

    def with_layers(self, layers) -> "DecayNet":
        return DecayNet(tuple(layers), self.activation, self.trained)

    def __call__(self, X: np.ndarray) -> np.ndarray:
        return _forward(self.layers, self.activation, _inputs(X, self.input_dim))[0][-1][:, 0]


def shallow_net(m: int, d: int, rng: np.random.Generator, *, span: np.ndarray | None = None,
                trained_output: bool = False, scale: float = 1.0) -> DecayNet:
    """The note's shallow ReLU net: W (m x d) with N(0, scale^2 / d) rows (inside ``span``'s row space when given:
    rows ``Z span`` with ``span`` orthonormal rows), output ``u / sqrt m`` with random signs u, fixed unless
    ``trained_output`` (then the output starts at ``u / sqrt m`` and is trained)."""
    if span is None:
        W = scale * rng.standard_normal((m, d)) / np.sqrt(d)
    else:
        W = scale * rng.standard_normal((m, span.shape[0])) @ span / np.sqrt(span.shape[0])
    u = rng.choice([-1.0, 1.0], size=m) / np.sqrt(m)
    return DecayNet((W, u[None, :]), "relu", (True, bool(trained_output)))


def random_net(widths: tuple[int, ...], activation: str, rng: np.random.Generator, *, scale: float = 1.0) -> DecayNet:
    """All layers trained, ``widths = (d, m_1, ..., m_(L-1))``, entries N(0, scale^2 / fan_in)."""
    dims = tuple(int(w) for w in widths) + (1,)
    layers = [scale * rng.standard_normal((dims[k + 1], dims[k])) / np.sqrt(dims[k]) for k in range(len(dims) - 1)]
    return DecayNet(tuple(layers), activation, (True,) * len(layers))


def logistic_task(n: int, d: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """n unit-norm Gaussian inputs in R^d with random +-1 labels (the note's harness, section 4)."""
    X = rng.standard_normal((n, d))
    return X / np.linalg.norm(X, axis=1, keepdims=True), rng.choice([-1.0, 1.0], size=n)


def orthogonal_tasks(n: int, d: int, eps: float, rng: np.random.Generator):
    """Two tasks of n unit inputs each with every cross inner product exactly ``eps`` (up to rounding).

    With an orthonormal basis ``e_1 .. e_(2n), s`` of a random subspace (QR of a Gaussian matrix) and random unit
    vectors ``z_i`` in R^n: ``x_i^A = sqrt(1 - eps) E_A z_i + sqrt(eps) s`` and ``x_j^B = sqrt(1 - eps) E_B z'_j +
    sqrt(eps) s`` (``E_A`` = the span of e_1 .. e_n, ``E_B`` of e_(n+1) .. e_(2n)), so ``<x^A, x^B> = eps`` for every
    pair and, at eps = 0, span(X_A) and span(X_B) are orthogonal; inputs within a task are not orthogonal (so two
    nets trained on the two tasks end at different scales). Returns ``(X_A, y_A, X_B, y_B, basis)`` with ``basis``
    the (2n + 1) x d orthonormal rows.
    """
    if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not 0 <= eps < 1:
        raise InvalidArgument("eps", eps, "a cross-task inner product in [0, 1)")
    if not (isinstance(n, int) and isinstance(d, int) and n >= 1 and d >= 2 * n + 1):
        raise InvalidArgument("d", d, f"an input dimension >= 2 n + 1 = {2 * n + 1} (n = {n} inputs per task)")
    Q = np.linalg.qr(rng.standard_normal((d, 2 * n + 1)))[0].T
    Z = rng.standard_normal((2, n, n))
    Z /= np.linalg.norm(Z, axis=2, keepdims=True)
    a, b = np.sqrt(1 - eps), np.sqrt(eps)
    X_A, X_B = a * Z[0] @ Q[:n] + b * Q[2 * n], a * Z[1] @ Q[n: 2 * n] + b * Q[2 * n]
    y = rng.choice([-1.0, 1.0], size=2 * n)
    return X_A, y[:n], X_B, y[n:], Q


def task_overlap(X_A: np.ndarray, X_B: np.ndarray) -> float:
    """``eps = max |<x, x'>|`` over x in task A and x' in task B."""
    if X_A.ndim != 2 or X_B.ndim != 2 or X_A.shape[1] != X_B.shape[1]:
        raise InvalidArgument("X_B", f"shape {X_B.shape}", f"inputs of dimension {X_A.shape[-1]} like X_A")
    return float(np.max(np.abs(X_A @ X_B.T)))


def require_orthogonal(X_A: np.ndarray, X_B: np.ndarray) -> float:
    """The overlap of two tasks that must be exactly orthogonal: a typed error unless every cross inner product is
    rounding (``<= gamma_(d+2) ||x|| ||x'||``)."""
    eps = task_overlap(X_A, X_B)
    tol = gamma_k(X_A.shape[1] + 2) * float(np.max(np.linalg.norm(X_A, axis=1)) * np.max(np.linalg.norm(X_B, axis=1)))
    if eps > tol:
        raise InvalidArgument("X_B", f"tasks with max |<x_A, x_B>| = {eps:.3g}",
                              f"inputs orthogonal to task A's (max |<x_A, x_B>| <= {tol:.2g}, rounding)")
    return eps


def _inputs(X: object, d: int) -> np.ndarray:
    return as_matrix("X", X, (None, d))


def _labels(y: object, n: int) -> np.ndarray:
    y = as_vector("y", y, n)
    if not np.all(np.abs(y) == 1):
        raise InvalidArgument("y", "labels outside {-1, +1}", f"{n} labels in {{-1, +1}} (one per input)")
    return y


def _forward(layers, activation, X):
    """Pre-activations ``Z_k`` (n x m_k) and layer inputs ``H_(k-1)`` (``H_0 = X``)."""
    H, Zs, Hs = X, [], [X]
    for k, W in enumerate(layers):
        Z = H @ W.T
        Zs.append(Z)
        H = Z if (activation == "linear" or k == len(layers) - 1) else np.maximum(Z, 0.0)
        Hs.append(H)
    return Zs, Hs


def gradients(net: DecayNet, X: np.ndarray, y: np.ndarray, layers=None):
    """``(G, margins)``: the data-loss gradients of every layer (trained or not) and the margins ``y_i f(x_i)``.

    Backpropagation with ``relu'(0) = 0``; the per-neuron and Euler identities hold for any convention at 0 because
    ``relu'(z) z = relu(z)``.
    """
    layers = net.layers if layers is None else layers
    Zs, Hs = _forward(layers, net.activation, X)
    margins = y * Zs[-1][:, 0]
    delta = (-expit(-margins) * y / X.shape[0])[:, None]           # dL/df_i = l'(m_i) y_i / n, shape (n, 1)
    G = [None] * len(layers)
    for k in range(len(layers) - 1, -1, -1):
        G[k] = delta.T @ Hs[k]
        if k:
            delta = delta @ layers[k]
            if net.activation == "relu":
                delta = delta * (Zs[k - 1] > 0)
    return G, margins


def gradient_magnitude(net: DecayNet, X: np.ndarray, layers=None) -> tuple[list, int]:
    """Componentwise magnitudes ``|G_k| <= M_k`` by the same backpropagation on ``|W|``, ``|X|`` and ``|l'| <= 1``
    (relu' <= 1), and the depth of the longest dependent chain: ``|fl(G_k) - G_k| <= gamma_depth M_k`` to first
    order (Higham, section 3.5)."""
    layers = net.layers if layers is None else layers
    A = [np.abs(W) for W in layers]
    Hs = [np.abs(X)]
    for W in A[:-1]:
        Hs.append(Hs[-1] @ W.T)
    delta = np.full((X.shape[0], 1), 1.0 / X.shape[0])
    M = [None] * len(A)
    for k in range(len(A) - 1, -1, -1):
        M[k] = delta.T @ Hs[k]
        if k:
            delta = delta @ A[k]
    depth = sum(W.shape[1] for W in layers) + X.shape[0] + 4 * len(layers) + 10
    return M, depth


def loss_and_accuracy(net: DecayNet, X: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Mean logistic loss and the fraction of positive margins."""
    X = _inputs(X, net.input_dim)
    m = _labels(y, X.shape[0]) * net(X)
    return float(np.mean(np.logaddexp(0.0, -m))), float(np.mean(m > 0))


@dataclass(frozen=True)
class Trained:
    """The result of :func:`train`: the final network, the start, the window means, and the settings."""

    net: DecayNet
    start: DecayNet
    X: np.ndarray
    y: np.ndarray
    lam: float
    c_reg: int
    eta: float
    steps: int
    window: WindowStats

    @property
    def mean_net(self) -> DecayNet:
        """The window-averaged weights (trained layers; frozen ones unchanged)."""
        return self.net.with_layers(self.window.mean_W)

    def mean_regularised_gradient(self, k: int) -> np.ndarray:
        """``mean_t g_k = mean G_k + c_reg lambda mean W_k`` over the window (zero for a frozen layer)."""
        if not self.net.trained[k]:
            return np.zeros_like(self.window.mean_W[k])
        return self.window.mean_G[k] + self.c_reg * self.lam * self.window.mean_W[k]


def train(net: DecayNet, X: object, y: object, *, lam: float, c_reg: int, eta: float, steps: int, window: int,
          eta_window: float | None = None) -> Trained:
    """Full-batch GD ``W <- (1 - c_reg eta lambda) W - eta G`` on the trained layers for ``steps`` steps, then
    ``window`` more at ``eta_window`` (default eta) over which :class:`WindowStats` are accumulated.

    Typed errors: lambda <= 0, c_reg not in {1, 2}, ``c_reg eta lambda >= 1`` (:func:`theory.wd.check_decay_step`),
    inputs or labels of the wrong shape, and a step size for which the iteration leaves every bounded set (the loss
    or the weights stop being finite or exceed 1e100).
    """
    lam, c = check_regulariser(lam, c_reg)
    eta = check_decay_step(eta, lam, c)
    eta_w = eta if eta_window is None else check_decay_step(eta_window, lam, c)
    X = _inputs(X, net.input_dim)
    y = _labels(y, X.shape[0])
    for name, v, low in (("steps", steps, 0), ("window", window, 1)):
        if isinstance(v, bool) or not isinstance(v, int) or v < low:
            raise InvalidArgument(name, v, f"an integer >= {low}")
    layers = [W.copy() for W in net.layers]
    trained = net.trained
    stats = WindowAccumulator(window, layers, X.shape[0], trained, lam, c)
    with np.errstate(over="ignore", invalid="ignore"):     # divergence becomes the typed error below
        for t in range(steps + window):
            G, margins = gradients(net, X, y, layers)
            step = eta if t < steps else eta_w
            if t >= steps:
                stats.add(layers, G, margins)
            for k in range(len(layers)):
                if trained[k]:
                    layers[k] *= 1.0 - c * step * lam
                    layers[k] -= step * G[k]
            if t % 16 == 0 and not all(np.all(np.abs(W) < 1e100) for W in layers):   # NaN fails the test too
                raise InvalidArgument("eta", step, f"a step size for which GD stays bounded (the weights left "
                                                   f"[-1e100, 1e100] by step {t})")
        window_means = stats.result()
    if not all(np.all(np.isfinite(W)) for W in layers):
        raise InvalidArgument("eta", eta, "a step size for which GD stays finite")
    return Trained(net.with_layers(layers), net, X, y, lam, c, eta_w, steps + window, window_means)


def merge(a: DecayNet, b: DecayNet) -> DecayNet:
    """``theta_A + theta_B`` on the trained layers; frozen layers must be the same in both (the shared output layer
    of the note's M1, M2), and every shape must agree."""
    if a.activation != b.activation or a.trained != b.trained or len(a.layers) != len(b.layers):
        raise InvalidArgument("b", f"{b.activation} net, trained {b.trained}",
                              f"a {a.activation} net of the same depth with trained layers {a.trained}")
    out = []
    for k, (Wa, Wb, t) in enumerate(zip(a.layers, b.layers, a.trained)):
        if Wa.shape != Wb.shape:
            raise InvalidArgument(f"b.layers[{k}]", f"shape {Wb.shape}", f"shape {Wa.shape} (as in a)")
        if not t and not np.array_equal(Wa, Wb):
            raise InvalidArgument(f"b.layers[{k}]", "a different frozen layer", "the frozen layer shared with a")
        out.append(Wa + Wb if t else Wa)
    return a.with_layers(out)
