r"""Closed-form gradients against high-precision finite differences (our note, sections 2.1 and 4).

``what`` is ``"loss"`` (Proposition 2.1, for the setup's loss), ``"weight_decay"``,
``"jacobian"`` or ``"input_noise_expected"`` (MSE only). The closed form runs in
float64; the finite differences run in mpmath (:mod:`numerics._finite_difference`).
The estimate is the relative residual ||closed - fd||_F / ||fd||_F with bound
||fd bound||_F / ||fd||_F plus the closed form's a-priori rounding bound
(:func:`numerics._identities.rounding_bound`, depth n + d + m + 10, magnitude the
absolute-value version of the gradient product).
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath
import numpy as np

from theory import InvalidArgument

from ._estimate import Estimate
from ._finite_difference import finite_difference_gradient, mp_array, mp_elementwise
from ._identities import rounding_bound
from ._lowrank_setup import Setup
from ._network import loss as get_loss
from ._regularizers import bishop_value, input_noise_expected, jacobian_penalty, jacobian_value, weight_decay

__all__ = ["GRADIENTS", "GradientCheck"]

GRADIENTS = ("loss", "weight_decay", "jacobian", "input_noise_expected")
#: Input-noise scale tau of the expected input-noise regularizer in these checks.
TAU = 0.3
#: Working precision of the finite differences.
FD_DPS = 50


def _mp_loss(name: str, f, y):
    if name == "mse":
        return ((f - y) ** 2).sum() / 2
    return np.vectorize(lambda t: mpmath.log1p(mpmath.exp(-t)), otypes=[object])(y * f).sum()


@dataclass(frozen=True)
class GradientCheck:
    """Estimator callable: residual of a closed-form gradient against finite differences."""

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
        H = X @ net.W.T
        absolute = np.abs(X).T @ (np.abs(net.dsigma(H)) + np.abs(net.derivative(2)(H)) + 1) * (1 + np.abs(y).max())
        magnitude = net.gamma / X.shape[0] * float(np.linalg.norm(absolute)) + float(np.linalg.norm(net.W))
        depth = sum(X.shape) + net.m + 10
        norm = float(np.linalg.norm(fd))
        residual = float(np.linalg.norm(closed - fd)) / norm
        bound = (float(np.linalg.norm(fd_bound)) + 4 * rounding_bound(depth, magnitude)) / norm
        return Estimate((residual,), bound=(bound,), method=f"closed-form {self.what} gradient vs central finite "
                        f"differences (Richardson, mpmath at {FD_DPS} digits), {self.setup.describe()}")

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
