r"""Closed-form gradients against high-precision finite differences (our note, sections 2.1 and 4).

``what`` is ``"loss"`` (Proposition 2.1, for the setup's loss), ``"weight_decay"``,
``"jacobian"`` or ``"input_noise_expected"`` (MSE only). The closed form runs in
float64; the finite differences run in mpmath (:mod:`numerics._finite_difference`).
The estimate is the relative residual ||closed - fd||_F / ||fd||_F with bound
||fd bound||_F / ||fd||_F plus the closed form's a-priori rounding bound
(:func:`_closed_bound`: gamma_k times the absolute-value version of each product
formed, k = n + d + m + 10, plus the first-order effect of rounding in H). For
the loss, a second component checks the fast path's G
(:func:`numerics.lowrank.gradient_decomposition`) against the same finite differences.
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath
import numpy as np

from theory import InvalidArgument

from .._estimate import Estimate
from .._finite_difference import finite_difference_gradient, mp_array, mp_elementwise
from ._identities import term_bound
from .._rounding import gamma_k
from ._setup import Setup
from ._network import loss as get_loss
from ._regularizers import bishop_value, input_noise_expected, jacobian_penalty, jacobian_value, weight_decay

__all__ = ["GRADIENTS", "GradientCheck"]

GRADIENTS = ("loss", "weight_decay", "jacobian", "input_noise_expected")
#: Input-noise scale tau of the expected input-noise regularizer in these checks.
TAU = 0.3
#: Working precision of the finite differences.
FD_DPS = 50


def net_residual(p) -> np.ndarray:
    net = p.network
    return get_loss(p.setup.loss).residual(net.output(p.data.X), p.y)


def _jacobian_magnitude(net, X, d1, d2) -> float:
    """(2 gamma/n)(|| |J|^T (|s'||a|) || + || |X|^T (|s''||a| o |J||W|^T) ||), |J| = gamma (|s'||a|)|W|."""
    A, Wa = np.abs(net.a), np.abs(net.W)
    J = net.gamma * ((d1 * A) @ Wa)
    first = np.linalg.norm(J.T @ (d1 * A))
    second = np.linalg.norm(np.abs(X).T @ (d2 * A * (J @ Wa.T)))
    return 2 * net.gamma / X.shape[0] * float(first + second)


def _bishop_magnitude(net, X, y, r, d1, d2, d3) -> float:
    """Absolute-value version of every product in :func:`input_noise_expected`'s gradient."""
    A, Wa, Xa, n = np.abs(net.a), np.abs(net.W), np.abs(X), X.shape[0]
    norms = (Wa * Wa).sum(axis=1)
    lap = net.gamma * (d2 @ (A * norms))
    rl = net.gamma * float(np.linalg.norm(Xa.T @ (d1 * A * lap[:, None]))
                           + np.linalg.norm(Xa.T @ (d3 * A * r[:, None]) * norms)
                           + 2 * np.linalg.norm(Wa.T * (A * (r @ d2))))
    return TAU**2 / 2 * (_jacobian_magnitude(net, X, d1, d2) + rl / n)


def _closed_bound(what: str, p, net, X, y, depth: int) -> float:
    """A-priori float64 error bound of the closed-form gradient: gamma_depth times the absolute-value
    magnitude of its products, plus the first-order effect of the rounding of H = X W^T (dH = gamma_(d+2) |X||W|^T)
    on sigma^(k)(H) (|sigma^(k+1)| dH), for the Jacobian and input-noise forms."""
    if what == "weight_decay":
        return 0.0                                   # W^T is copied exactly
    if what == "loss":
        return term_bound(p, net_residual(p), np.zeros(net.m), 0.0, depth)
    H = X @ net.W.T
    dH = gamma_k(X.shape[1] + 2) * (np.abs(X) @ np.abs(net.W).T)
    ds = [np.abs(net.derivative(k)(H)) for k in range(1, 5)]
    wide = [s + t * dH for s, t in zip(ds[:-1], ds[1:])]     # |sigma^(k)| + |sigma^(k+1)| dH
    if what == "jacobian":
        base, wider = _jacobian_magnitude(net, X, *ds[:2]), _jacobian_magnitude(net, X, *wide[:2])
    else:
        r = np.abs(net_residual(p))
        r_wide = r + net.gamma * (ds[0] * dH) @ np.abs(net.a) + gamma_k(net.m + 4) * (r + np.abs(y))
        base, wider = _bishop_magnitude(net, X, y, r, *ds[:3]), _bishop_magnitude(net, X, y, r_wide, *wide)
    return gamma_k(depth) * wider + (wider - base)


def _mp_loss(name: str, f, y):
    if name == "mse":
        return ((f - y) ** 2).sum() / 2
    return np.vectorize(lambda t: mpmath.log1p(mpmath.exp(-t)), otypes=[object])(y * f).sum()


@dataclass(frozen=True)
class GradientCheck:
    """Estimator callable: residual of a closed-form gradient against finite differences."""

    route = "second_path"  # a closed-form gradient against finite differences

    setup: Setup
    what: str

    def __post_init__(self) -> None:
        if self.what not in GRADIENTS:
            raise InvalidArgument("what", self.what, f"one of {', '.join(GRADIENTS)}")

    def __call__(self, values, *, rng=None, n=None, dps=None) -> Estimate:
        p = self.setup.problem(values)
        net, X, y = p.network, p.data.X, p.y
        params = dict(self.setup.activation_params)
        closed, objective = self._closed(net, X, y), self._objective(net, X, y, params)
        with mpmath.workdps(FD_DPS):
            fd, fd_bound = finite_difference_gradient(objective, net.W, dps=FD_DPS)
        depth = sum(X.shape) + net.m + 10
        norm = float(np.linalg.norm(fd))
        fd_part = float(np.linalg.norm(fd_bound))
        pairs = [(closed, fd_part + _closed_bound(self.what, p, net, X, y, depth))]
        if self.what == "loss":
            # The fast path's G (two computed pieces: X_B^T D and the spike's rank-one update) against the same FD.
            G = p.decomposition(mu="empirical").G
            pairs.append((G, fd_part + 2 * term_bound(p, net_residual(p), np.zeros(net.m), 0.0, depth)))
        return Estimate(tuple(float(np.linalg.norm(c - fd)) / norm for c, _ in pairs),
                        bound=tuple(b / norm for _, b in pairs),
                        method=f"closed-form {self.what} gradient" + (" (formula, fast path)" if len(pairs) > 1 else "")
                        + f" vs central finite differences (Richardson, mpmath at {FD_DPS} digits), "
                        f"{self.setup.describe()}")

    def _closed(self, net, X, y) -> np.ndarray:
        if self.what == "loss":
            return net.loss_gradient(X, y, self.setup.loss)
        if self.what == "weight_decay":
            return weight_decay(net)[1]
        if self.what == "jacobian":
            return jacobian_penalty(net, X)[1]
        self._mse_only()
        return input_noise_expected(net, X, y, TAU)[1]

    def _mse_only(self) -> None:
        if self.setup.loss != "mse":
            raise InvalidArgument("loss", self.setup.loss, "'mse' for the expected input-noise regularizer")

    def _objective(self, net, X, y, params):
        name = net.activation
        s0, s1, s2 = (mp_elementwise(name, k, **params) for k in range(3))
        with mpmath.workdps(FD_DPS):
            Xm, ym, am, g, tau = mp_array(X), mp_array(y), mp_array(net.a), mpmath.mpf(net.gamma), mpmath.mpf(TAU)
        get_loss(self.setup.loss).check_labels(y)
        if self.what == "loss":
            return lambda Wm: _mp_loss(self.setup.loss, (s0(Xm @ Wm.T) @ am) * g, ym) / X.shape[0]
        if self.what == "weight_decay":
            return lambda Wm: (Wm * Wm).sum() / 2
        if self.what == "jacobian":
            return lambda Wm: jacobian_value(Wm, am, g, Xm, s1)
        return lambda Wm: bishop_value(Wm, am, g, Xm, ym, tau, s0, s1, s2)
