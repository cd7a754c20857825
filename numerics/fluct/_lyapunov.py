r"""Deterministic checks of the continuum (Lyapunov) theory (our note ``weight_fluctuations.md`` 3.3-3.4, 3.7;
B3-B6, B12, B13).

Each estimator computes a residual (or a quantity) in float64 with a derived
a-posteriori bound; claims predict 0 (identities) or a range (inequalities).
The matrices come from the claim's ``seed``: H = Q diag(h) Q^T with Q a Haar
rotation and h log-spaced in [h_min, 1]; C = A A^T / n with A Gaussian
(generic: it does not commute with H).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Mapping

import numpy as np

from theory import NoConvergence
from theory.fluct import (bottleneck_problem, excess_loss, jacobian, layer_variances, lyapunov, lyapunov_error_bound,
                          lyapunov_scipy, population_loss, probability_current, range_projector, second_layer_block,
                          trace_identity)

from .._estimate import Estimate
from .._rounding import gamma_k as _gamma

__all__ = ["random_pair", "LyapunovRoutes", "IsotropyCheck", "CurrentCheck", "TraceIdentityCheck",
           "SecondLayerCheck", "second_layer_picture", "BottleneckHessian", "EPS"]

EPS = float(np.finfo(float).eps)


def random_pair(values: Mapping[str, object]) -> tuple[np.ndarray, np.ndarray]:
    """(H, C) from ``values``: ``n``, ``h_min``, ``seed``; ``commuting`` (optional) makes C = Q diag(c) Q^T."""
    rng = np.random.default_rng(int(values["seed"]))
    n = int(values["n"])
    Q = np.linalg.qr(rng.standard_normal((n, n)))[0]
    h = np.geomspace(float(values["h_min"]), 1.0, n)
    H = (Q * h) @ Q.T
    if int(values.get("commuting", 0)):
        C = (Q * rng.uniform(0.5, 2.0, n)) @ Q.T
    else:
        A = rng.standard_normal((n, n))
        C = A @ A.T / n
    return (H + H.T) / 2, (C + C.T) / 2


def _exact(values, bound, method: str) -> Estimate:
    return Estimate(tuple(float(v) for v in values), bound=tuple(float(b) for b in bound), method=method)


@dataclass(frozen=True)
class LyapunovRoutes:
    """B3: ||S_spectral - S_scipy||_F / ||S||_F, bounded by the sum of both a-posteriori bounds / ||S||_F."""

    route: ClassVar[str] = "second_path"  # spectral closed form against Bartels-Stewart

    def __call__(self, values, *, rng=None, n=None, dps=None) -> Estimate:
        H, C = random_pair(values)
        eta = float(values["eta"])
        a, b = lyapunov(H, C, eta), lyapunov_scipy(H, C, eta)
        scale = np.linalg.norm(a)
        bound = (lyapunov_error_bound(H, C, eta, a) + lyapunov_error_bound(H, C, eta, b)) / scale
        # + rounding of the difference and of its norm (a.size terms each)
        return _exact([np.linalg.norm(a - b) / scale], [bound + _gamma(a.size) * 2],
                      "spectral closed form against scipy.linalg.solve_continuous_lyapunov (Bartels-Stewart); "
                      "bound: residual / (2 h_min) for each")


@dataclass(frozen=True)
class IsotropyCheck:
    """B4: C = kappa H gives S = (eta kappa / 2) I, or (eta kappa / 2) Pi_range(H) when H has ``rank`` < n."""

    route: ClassVar[str] = "second_path"  # the general Lyapunov solver against the closed form (eta kappa/2) Pi

    def __call__(self, values, *, rng=None, n=None, dps=None) -> Estimate:
        H, _ = random_pair(values)
        eta, kappa, rank = float(values["eta"]), float(values["kappa"]), int(values.get("rank", 0))
        h, V = np.linalg.eigh(H)
        if rank:  # zero the smallest n - rank curvatures exactly
            h = np.where(np.arange(h.size) >= h.size - rank, h, 0.0)
            H = (V * h) @ V.T
        Vr = V[:, h > 0]
        target = eta * kappa / 2 * (Vr @ Vr.T)
        S = lyapunov(H, kappa * H, eta, singular=bool(rank))
        Hr = Vr.T @ H @ Vr
        bound = lyapunov_error_bound((Hr + Hr.T) / 2, kappa * (Hr + Hr.T) / 2, eta, Vr.T @ S @ Vr)
        leak = np.linalg.norm(S - Vr @ (Vr.T @ S @ Vr) @ Vr.T)
        scale = np.linalg.norm(target)
        # + rounding of forming the target Vr Vr^T and of the difference's norm
        return _exact([np.linalg.norm(S - target) / scale], [(bound + leak) / scale + 8 * _gamma(h.size)],
                      "Lyapunov solution with C = kappa H against (eta kappa / 2) Pi_range(H); bound: a-posteriori "
                      "residual bound on range(H) plus the computed part outside it")


@dataclass(frozen=True)
class CurrentCheck:
    """B5: the current matrix K = -H + (eta/2) C S^{-1} and [H, S], scale-free:
    (||K||_F / ||H||_F, ||HS - SH||_F / (||H||_F ||S||_F)), each with a first-order-safe bound."""

    route: ClassVar[str] = "second_path"  # the current and commutator computed from the numerical Lyapunov solution

    def __call__(self, values, *, rng=None, n=None, dps=None) -> Estimate:
        H, C = random_pair(values)
        eta = float(values["eta"])
        S = lyapunov(H, C, eta)
        dS = lyapunov_error_bound(H, C, eta, S)
        inv = np.linalg.norm(np.linalg.inv(S), 2)
        if inv * dS > 0.5:
            raise NoConvergence(f"S is too ill-conditioned for a bound on the current: ||S^-1|| dS = {inv * dS:.3g}")
        K = probability_current(H, C, eta, S)
        nH, nS, nC, dim = np.linalg.norm(H), np.linalg.norm(S), np.linalg.norm(C, 2), H.shape[0]
        # ||S^-1 - S_true^-1|| <= ||S^-1||^2 dS / (1 - ||S^-1|| dS) <= 2 ||S^-1||^2 dS; plus rounding of the products
        bound_k = (eta / 2) * nC * 2 * inv ** 2 * dS + _gamma(4 * dim) * (nH + eta / 2 * nC * inv * np.sqrt(dim))
        comm = H @ S - S @ H
        bound_c = 2 * nH * dS + _gamma(2 * dim) * 2 * nH * nS
        return _exact([np.linalg.norm(K) / nH, np.linalg.norm(comm) / (nH * nS)], [bound_k / nH, bound_c / (nH * nS)],
                      "probability current K = -H + (eta/2) C S^-1 and [H, S] at the Lyapunov solution")


@dataclass(frozen=True)
class TraceIdentityCheck:
    """B6: (tr(H S)/2 - eta tr C / 4) / (eta tr C / 4) for the Lyapunov S of an anisotropic C."""

    route: ClassVar[str] = "second_path"  # tr(H S)/2 of the numerical Lyapunov solution against eta tr C/4

    def __call__(self, values, *, rng=None, n=None, dps=None) -> Estimate:
        H, C = random_pair(values)
        eta = float(values["eta"])
        S = lyapunov(H, C, eta)
        ref = trace_identity(C, eta)
        bound = (0.5 * np.linalg.norm(H) * lyapunov_error_bound(H, C, eta, S)
                 + _gamma(2 * H.shape[0]) * (np.linalg.norm(H) * np.linalg.norm(S) + abs(ref)))
        return _exact([(excess_loss(H, S) - ref) / ref], [bound / ref],
                      "tr(H S)/2 at the Lyapunov solution against eta tr C / 4")


@dataclass(frozen=True)
class SecondLayerCheck:
    """B12: the W2 block of (eta kappa / 2) Pi at the balanced minimum: its eigenvalues against the formula
    (eta kappa / 2) beta_j / (beta_j + alpha_a), relative to eta kappa / 2 (max over eigenvalues).

    With ``layer=1``, the W1 block against (eta kappa/2) alpha_i / (alpha_i + beta_j) (alpha: W2^T W2, beta: W1^T W1;
    zero where beta_j = 0: J does not reach those directions), by the symmetry of note 3.7.
    (The variance-curvature relation itself is checked by simulation: :class:`numerics.fluct.SecondLayerSGD`.)
    """

    layer: int = 2

    route: ClassVar[str] = "second_path"  # eigenvalues of the W2 block of the projector against the closed form

    def __call__(self, values, *, rng=None, n=None, dps=None) -> Estimate:
        from ._stationary import two_layer_problem

        W2, W1, _ = two_layer_problem(values)
        scale = float(values["eta"]) * float(values["sigma2"]) / int(values["batch"]) / 2
        lv = layer_variances(W2, W1, float(values["eta"]), 2 * scale / float(values["eta"]), layer=self.layer)
        J = jacobian(W2, W1)
        sv = np.linalg.svd(J, compute_uv=False)
        cond = sv[0] / sv[sv > sv[0] * max(J.shape) * EPS][-1]
        bound = 4 * J.shape[1] ** 2 * EPS * cond  # projector from a backward-stable SVD: Wedin's sin-theta bound
        Pi = scale * range_projector(W2, W1)
        if self.layer == 2:
            block = second_layer_block(Pi, W2.shape[0], W2.shape[1]).eigenvalues
        else:
            tail = Pi[W2.size:, W2.size:]
            block = np.linalg.eigvalsh((tail + tail.T) / 2)
        return _exact([np.max(np.abs(block - np.sort(lv.variances))) / scale], [bound],
                      f"eigenvalues of the W{self.layer} block of (eta kappa/2) J^T (J J^T)^+ J against the closed "
                      "form")


def second_layer_picture(values):
    """Picture data for B12: formula variance against flatness F ~ beta^(-1/2) of each W2 direction u_a v_j^T
    (loss0 = the population loss at the minimum, O sigma2 / 2), with the fitted exponent."""
    from theory.fluct import flatness

    from ._ivfr_fit import VarianceFlatness, fit_exponent
    from ._stationary import two_layer_problem

    W2, W1, _ = two_layer_problem(values)
    lv = layer_variances(W2, W1, float(values["eta"]), float(values["sigma2"]) / int(values["batch"]))
    keep = (lv.variances > 0) & (lv.coupling > 0)
    loss0 = W2.shape[0] * float(values["sigma2"]) / 2
    F = np.asarray(flatness(lv.curvatures[keep], loss0), dtype=float)
    psi, intercept = fit_exponent(lv.variances[keep], F)
    return VarianceFlatness(lv.variances[keep], lv.curvatures[keep], F, psi, intercept, None,
                            "second layer, directions u_a v_j^T with u_a in col W2")


def _second_derivative(f, h: float) -> tuple[float, float]:
    """f''(0) by the five-point stencil (exact for polynomials of degree <= 5) and max |f| at the nodes."""
    nodes = [f(k * h) for k in (-2, -1, 0, 1, 2)]
    value = (-nodes[0] + 16 * nodes[1] - 30 * nodes[2] + 16 * nodes[3] - nodes[4]) / (12 * h * h)
    return value, max(abs(v) for v in nodes)


@dataclass(frozen=True)
class BottleneckHessian:
    """B13: for each block pair (a, b), H_aa - s, H_bb - s and H_ab + tau (each / s), from the population loss
    along a, b and a +- b by the five-point stencil, which is exact for the quartic L(theta + t v)."""

    route: ClassVar[str] = "second_path"  # finite differences of the loss against the closed-form block

    step: float = 0.5

    def __call__(self, values, *, rng=None, n=None, dps=None) -> Estimate:
        t = tuple(float(v) for v in np.atleast_1d(values["teacher"]))
        p = bottleneck_problem(t, int(values["O"]), int(values["N"]), int(values["K"]))
        theta = np.concatenate([p.W2.ravel(), p.W1.ravel()])
        o, k = p.W2.shape

        def along(v):
            def f(x):
                th = theta + x * v
                return population_loss(th[:o * k].reshape(o, k), th[o * k:].reshape(k, -1), p.T, 0.0)
            return _second_derivative(f, self.step)

        out, bounds = [], []
        for pair in p.pairs:
            (haa, ma), (hbb, mb) = along(pair.a), along(pair.b)
            (hp, mp), (hm, mm) = along(pair.a + pair.b), along(pair.a - pair.b)
            hab = (hp - hm) / 4
            err = lambda m: 6 * _gamma(4 * theta.size) * m / self.step ** 2  # noqa: E731  (stencil: sum|c|/12 = 64/12)
            out += [(haa - pair.s) / pair.s, (hbb - pair.s) / pair.s, (hab + pair.tau) / pair.s]
            bounds += [err(ma) / pair.s, err(mb) / pair.s, (err(mp) + err(mm)) / (4 * pair.s)]
        return _exact(out, bounds, "second derivatives of the population loss ||W2 W1 - T||_F^2 / 2 along the block "
                      "directions, five-point stencil (exact for quartics) with a rounding bound")
