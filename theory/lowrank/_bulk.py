r"""Closed forms of the bulk Sigma_hat = diag(k^(-alpha)), k = 1..d, and of what it sets in ReLU's data spike S2:
its trace, the neuron scale, input noise (which adds tau^2 I to the bulk) and the size of S2's drift against its
fluctuation (arXiv 2510.01303's setting; **derived by us**, our note sections 3.3, 3.4, 4 item 2 and 6 items 9, 15,
20; not the paper's).

* **Trace** (note 6 item 9): tr Sigma_hat = H_d^(alpha) = sum_{k <= d} k^(-alpha), the generalised harmonic number,
  and for w uniform on the sphere S^(d-1), E[w^T Sigma_hat w] = tr(Sigma_hat)/d (E[w w^T] = I/d).
* **Spike moments**: for w uniform on the sphere, omega = w^T q has omega^2 ~ Beta(1/2, (d-1)/2), and for c > 0,
  E[omega^2 (c + zeta^2 omega^2)^(-p)] = c^(-p) d^(-1) 2F1(p, 3/2; d/2 + 1; -zeta^2/c)
  (E[X (1 + t X)^(-p)] = a/(a+b) 2F1(p, a+1; a+b+1; -t) for X ~ Beta(a, b)).
* **Input-noise law** (note 4 item 2, 6 item 20): ReLU's E sigma''(sZ) = 1/(s sqrt(2 pi)), and noise tau^2 I raises
  s_j^2 = w_j^T Sigma_hat w_j + zeta^2 omega_j^2 by tau^2 ||w_j||^2, so each neuron's drift falls by
  s_j / sqrt(s_j^2 + tau^2) (unit rows). S2's drift norm is gamma zeta^2 |rbar| ||(omega_j E sigma''(s_j Z))_j||, an
  omega^2-weighted mean over the neurons; with w_j^T Sigma_hat w_j = b := tr(Sigma_hat)/d (exact at alpha = 0) and
  m large, at fixed rbar
  R_p(tau)^2 = E[omega^2 (b + tau^2 + zeta^2 omega^2)^(-p)] / E[omega^2 (b + zeta^2 omega^2)^(-p)],
  with p = 1 for ReLU. With zeta = 0 it is (s/sqrt(s^2 + tau^2))^p, s^2 = b: the per-neuron law.
* **Fluctuation** (note 3.3): ||S2||^2 ~ D^2 + F^2 with the drift D above and F = gamma zeta sqrt(m/n) rms(r)
  sd sigma'(sZ) (sd = 1/2 for ReLU), so phi := F/D satisfies, for ReLU with rbar = -E[y], E[y^2] - E[y]^2 = 1 and
  Var f = E[s_j^2] (pi - 1)/(2 pi):
  phi^2 = (1 + Var r / rbar^2) pi / (2 n zeta^2 E[omega^2 / s^2]).
  The drift alone then underestimates ||S2|| by the factor sqrt(1 + phi^2).

Reference numbers (from :func:`bulk_trace`): H_1000^(5/9) = 46.779..., H_1000^(8/9) = 10.960... (note 6 item 9).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Mapping

import mpmath
import numpy as np
import sympy as sp

from .._domain import COUNT, NONNEGATIVE, POSITIVE, REAL
from .._errors import InvalidArgument, NoConvergence
from .._evaluate import GUARD_DIGITS
from .._gaussian import gaussian_moment, s as scale

__all__ = ["bulk_trace", "bulk_trace_expr", "bulk_trace_variances", "BulkTrace", "spike_moment_expr",
           "noise_law_expr", "noise_law", "NoiseLaw", "fluctuation_ratio_expr", "fluctuation_ratio", "S2Size"]

_k, _d, _alpha = sp.Symbol("k", positive=True, integer=True), sp.Symbol("d", positive=True, integer=True), \
    sp.Symbol("alpha", nonnegative=True)
_b, _tau, _zeta2, _c = (sp.Symbol(name, positive=True) for name in ("b", "tau", "zeta2", "c"))
_n, _p, _rbar = sp.Symbol("n", positive=True, integer=True), sp.Symbol("p", positive=True), sp.Symbol("rbar", real=True)

#: Above this d the trace comes from Hurwitz zeta functions instead of the direct sum.
DIRECT_SUM_UP_TO = 100_000


def bulk_trace_expr() -> sp.Expr:
    """tr Sigma_hat = sum_{k=1}^{d} k^(-alpha) as a SymPy expression in ``d`` and ``alpha``.

    >>> bulk_trace_expr()
    Sum(k**(-alpha), (k, 1, d))
    """
    return sp.Sum(_k ** (-_alpha), (_k, 1, _d))


def _check_bulk(d: object, alpha: object) -> tuple[int, float]:
    COUNT.validate("d", d)
    NONNEGATIVE.validate("alpha", alpha)
    return int(d), float(alpha)


def bulk_trace(d: int, alpha: float, *, dps: int = 30) -> mpmath.mpf:
    """H_d^(alpha) = sum_{k <= d} k^(-alpha) to ``dps`` digits: the direct sum for d <= DIRECT_SUM_UP_TO, else
    zeta(alpha) - zeta(alpha, d + 1) (Hurwitz; harmonic(d) at alpha = 1), with digits added for the cancellation.

    >>> mpmath.nstr(bulk_trace(1000, 5 / 9), 8), mpmath.nstr(bulk_trace(1000, 8 / 9), 8)   # our note 6 item 9
    ('46.779482', '10.960055')
    >>> bulk_trace(10, 0.0)
    mpf('10.0')
    """
    d_, alpha_ = _check_bulk(d, alpha)
    if isinstance(dps, bool) or not isinstance(dps, int) or dps < 5:
        raise InvalidArgument("dps", dps, "an integer >= 5")
    lost = 0 if alpha_ == 1 else max(0, math.ceil(-math.log10(abs(alpha_ - 1))))
    with mpmath.workdps(dps + GUARD_DIGITS + lost):
        a = mpmath.mpf(alpha_)
        if d_ <= DIRECT_SUM_UP_TO:
            value = mpmath.fsum(mpmath.power(j, -a) for j in range(1, d_ + 1))
        elif alpha_ == 1:
            value = mpmath.harmonic(d_)
        else:
            value = mpmath.zeta(a) - mpmath.zeta(a, d_ + 1)
    with mpmath.workdps(dps):
        return +value


def bulk_trace_variances(d: int, alpha: float, *, dps: int = 30) -> tuple[mpmath.mpf, mpmath.mpf]:
    """(Var ||x_B||^2, Var w^T Sigma_hat w) for x_B ~ N(0, Sigma_hat) and w uniform on S^(d-1): 2 tr Sigma_hat^2 and
    2/(d + 2) (tr Sigma_hat^2 / d - (tr Sigma_hat / d)^2), with tr Sigma_hat^2 = H_d^(2 alpha). They size the Monte
    Carlo of the trace claims (the samples a relative resolution needs).

    >>> [mpmath.nstr(v, 6) for v in bulk_trace_variances(4, 0.0)]   # Sigma_hat = I: w^T w = 1 exactly
    ['8.0', '0.0']
    """
    d_, alpha_ = _check_bulk(d, alpha)
    h1, h2 = bulk_trace(d_, alpha_, dps=dps), bulk_trace(d_, 2 * alpha_, dps=dps)
    with mpmath.workdps(dps + GUARD_DIGITS):
        return 2 * h2, 2 * (h2 / d_ - (h1 / d_) ** 2) / (d_ + 2)


@dataclass(frozen=True)
class BulkTrace:
    """Prediction callable: (tr Sigma_hat, E[w^T Sigma_hat w]) = (H_d^(alpha), H_d^(alpha)/d) for w uniform on the
    sphere, at the values ``d`` and ``alpha``. ``alpha_shift`` evaluates it at alpha + shift (a wrong theory, for
    mutation tests).

    >>> [mpmath.nstr(v, 6) for v in BulkTrace()({"d": 1000, "alpha": 8 / 9}, dps=15)]
    ['10.9601', '0.0109601']
    """

    alpha_shift: float = 0.0

    def expression(self, values: Mapping[str, object] | None = None) -> sp.Expr:
        h = bulk_trace_expr()
        if self.alpha_shift:
            h = h.subs(_alpha, _alpha + sp.nsimplify(self.alpha_shift))
        return sp.Tuple(h, h / _d)

    def __call__(self, values: Mapping[str, object], *, dps: int) -> tuple:
        d_, alpha_ = _check_bulk(values["d"], values["alpha"])
        h = bulk_trace(d_, alpha_ + self.alpha_shift, dps=dps)
        with mpmath.workdps(dps + GUARD_DIGITS):
            return (h, h / d_)


def spike_moment_expr() -> sp.Expr:
    """E[omega^2 (c + zeta^2 omega^2)^(-p)] for omega = w^T q, w uniform on S^(d-1), in ``c``, ``zeta2``, ``d``,
    ``p``: c^(-p) 2F1(p, 3/2; d/2 + 1; -zeta^2/c) / d.

    >>> sp.hyperexpand(spike_moment_expr().subs(sp.Symbol("zeta2", positive=True), 0))
    1/(c**p*d)
    """
    return _c ** (-_p) * sp.hyper([_p, sp.Rational(3, 2)], [_d / 2 + 1], -_zeta2 / _c) / _d


def noise_law_expr(power: int = 1) -> sp.Expr:
    """R_p(tau): the factor by which input noise tau^2 I lowers S2's drift norm at fixed rbar (module docstring), in
    ``b`` (the bulk scale w^T Sigma_hat w), ``tau``, ``zeta2`` and ``d``; ``power`` p = 1 for ReLU's E sigma''(sZ)
    proportional to 1/s (p = 2 is the wrong theory E sigma'' proportional to 1/s^2, whose law is s^2/(s^2 + tau^2)).

    >>> sp.simplify(noise_law_expr().subs(sp.Symbol("zeta2", positive=True), 0))
    sqrt(b)/sqrt(b + tau**2)
    """
    if isinstance(power, bool) or not isinstance(power, int) or power < 1:
        raise InvalidArgument("power", power, "a positive integer (1 for ReLU)")
    moment = spike_moment_expr().subs(_p, power)
    return sp.sqrt(moment.subs(_c, _b + _tau**2) / moment.subs(_c, _b))


def _scale_values(values: Mapping[str, object], dps: int) -> tuple[float, float, int]:
    """(b, zeta^2, d) of a claim's values: b = H_d^(alpha)/d and zeta^2 = n^(2 nu)."""
    n_ = values["n"]
    COUNT.validate("n", n_)
    NONNEGATIVE.validate("nu", values["nu"])
    d_, alpha_ = _check_bulk(values["d"], values["alpha"])
    b_ = float(bulk_trace(d_, alpha_, dps=dps) / d_)
    return b_, float(n_) ** (2 * float(values["nu"])), d_


def noise_law(values: Mapping[str, object], tau: float, *, power: int = 1, dps: int = 30) -> mpmath.mpf:
    """R_p(tau) at a claim's values ``n``, ``d``, ``nu``, ``alpha`` (b = H_d^(alpha)/d, zeta^2 = n^(2 nu)).

    >>> values = {"n": 300, "d": 400, "nu": 0.375, "alpha": 0.0}
    >>> [mpmath.nstr(noise_law(values, t, dps=15), 4) for t in (0.5, 1.0, 2.0)]
    ['0.92', '0.7632', '0.5117']
    """
    POSITIVE.validate("tau", tau)
    b, z2, d = _scale_values(values, dps)
    return _evaluate(noise_law_expr(power), {_b: b, _tau: float(tau), _zeta2: z2, _d: d}, dps=dps)


def _hyper(upper, lower, z):
    """mpmath's generalized hypergeometric function (its working precision capped at four times the requested one);
    where its series and transformations do not converge within that (2F1 at -zeta^2/c with a large d/2 + 1), the
    Euler integral of 2F1(a, b; c; z), c > b > 0, by quadrature."""
    try:
        return mpmath.hyper(upper, lower, z, maxprec=4 * mpmath.mp.prec)
    except ValueError:
        if len(upper) != 2 or len(lower) != 1 or not lower[0] > upper[1] > 0 or z >= 1:
            raise NoConvergence(f"hypergeometric function at {upper}, {lower}, {z}") from None
    (a, b_), c_ = upper, lower[0]
    scale = mpmath.gamma(c_) / (mpmath.gamma(b_) * mpmath.gamma(c_ - b_))
    integrand = lambda t: t ** (b_ - 1) * (1 - t) ** (c_ - b_ - 1) * (1 - z * t) ** (-a)  # noqa: E731
    return scale * mpmath.quad(integrand, [0, 1 / c_, 1])


def _evaluate(expr: sp.Expr, values: Mapping[sp.Symbol, float], *, dps: int) -> mpmath.mpf:
    """``expr`` at ``values`` to ``dps`` digits (inside ``workdps(dps + GUARD_DIGITS)``), hypergeometric functions by
    :func:`_hyper`."""
    symbols = list(values)
    f = sp.lambdify(symbols, expr, modules=[{"hyper": _hyper}, "mpmath"])
    with mpmath.workdps(dps + GUARD_DIGITS):
        value = mpmath.mpf(f(*(mpmath.mpf(float(values[k])) for k in symbols)))
    with mpmath.workdps(dps):
        return +value


def _taus(values: Mapping[str, object]) -> tuple[float, ...]:
    taus = values["tau"]
    taus = taus if isinstance(taus, tuple) else (taus,)
    if not taus:
        raise InvalidArgument("tau", taus, "at least one noise scale tau > 0")
    for t in taus:
        POSITIVE.validate("tau", t)
    return tuple(float(t) for t in taus)


@dataclass(frozen=True)
class NoiseLaw:
    """Prediction callable (interval claim): for each ``tau`` of the values, ||S2(tau)|| / ||S2(0)|| at fixed rbar
    lies in R_p(tau) [1 - lower, 1 + upper] with ``allowance`` = (lower, upper) (relative).

    >>> law = NoiseLaw((0.05, 0.1))
    >>> [(round(lo, 4), round(hi, 4)) for lo, hi in law({"n": 1, "d": 9, "nu": 0.0, "alpha": 0.0, "tau": 1.0}, dps=15)]
    [(0.7066, 0.8182)]
    """

    allowance: tuple[float, float]
    power: int = 1

    def __post_init__(self) -> None:
        lo, hi = self.allowance
        if not (0 <= lo < 1 and 0 <= hi):
            raise InvalidArgument("allowance", self.allowance, "(lower, upper) with 0 <= lower < 1 and upper >= 0")
        noise_law_expr(self.power)  # validates the power

    def expression(self, values: Mapping[str, object] | None = None) -> str:
        lo, hi = self.allowance
        return (f"R(tau) = {sp.sstr(noise_law_expr(self.power))} with b = H_d^(alpha)/d, zeta2 = n^(2 nu); "
                f"the ratio lies in R(tau) [1 - {lo:g}, 1 + {hi:g}]")

    def __call__(self, values: Mapping[str, object], *, dps: int) -> tuple[tuple[float, float], ...]:
        lo, hi = self.allowance
        laws = [float(noise_law(values, t, power=self.power, dps=dps)) for t in _taus(values)]
        return tuple((r * (1 - lo), r * (1 + hi)) for r in laws)


def fluctuation_ratio_expr() -> sp.Expr:
    """phi = F/D for ReLU (module docstring) in ``n``, ``d``, ``b``, ``tau``, ``zeta2`` and ``rbar`` (= -E[y]).

    >>> fluctuation_ratio_expr().has(sp.hyper)
    True
    """
    scale2 = _b + _tau**2
    var_r = 1 + (scale2 + _zeta2 / _d) * (sp.pi - 1) / (2 * sp.pi)
    weight = spike_moment_expr().subs({_p: 1, _c: scale2})
    return sp.sqrt((1 + var_r / _rbar**2) * sp.pi / (2 * _n * _zeta2 * weight))


def fluctuation_ratio(values: Mapping[str, object], tau: float = 0.0, *, dps: int = 30) -> mpmath.mpf:
    """phi(tau) = F/D for ReLU at a claim's values ``n``, ``d``, ``nu`` (> 0), ``alpha`` and ``target_mean`` (rbar =
    -E[y], which must not be 0).

    >>> mpmath.nstr(fluctuation_ratio({"n": 300, "d": 400, "nu": 0.375, "alpha": 0.0, "target_mean": 2.0}), 3)
    '0.238'
    """
    NONNEGATIVE.validate("tau", tau)
    REAL.validate("target_mean", values["target_mean"])
    if float(values["target_mean"]) == 0:
        raise InvalidArgument("target_mean", values["target_mean"],
                              "non-zero (the drift is proportional to rbar = -E[y]; with E[y] = 0 it is not leading)")
    b, z2, d = _scale_values(values, dps)
    at = {_n: int(values["n"]), _d: d, _b: b, _tau: float(tau), _zeta2: z2, _rbar: -float(values["target_mean"])}
    return _evaluate(fluctuation_ratio_expr(), at, dps=dps)


_gamma, _zeta = sp.Symbol("gamma", positive=True), sp.Symbol("zeta", positive=True)
_omega = sp.Symbol("omega", real=True)


@dataclass(frozen=True)
class S2Size:
    """The note's leading-order size of the data spike (section 3.3, item 15 of section 6), evaluated at measured
    quantities: the drift D = gamma zeta^2 |rbar| ||(omega_j E sigma''(s_j Z))_j|| and the fluctuation
    F = gamma zeta sqrt(sum_j Var sigma'(s_j Z) / n) rms(r), whose quadrature sqrt(D^2 + F^2) is the full formula.

    ``spike_power`` (2) and ``moment`` (``"mean_second_derivative"``) are the derivation's; other values are wrong
    theories, for mutation tests (1: a drift linear in zeta; ``"mean_derivative"``: mu in place of E sigma'').

    >>> size = S2Size()
    >>> size.drift_expr()
    sqrt(2)*gamma*omega*zeta**2*Abs(rbar)/(2*sqrt(pi)*s)
    >>> round(size.drift(gamma=1.0, zeta=2.0, rbar=-1.0, omega=[0.6, 0.8], s=[1.0, 1.0]), 6)   # 4/sqrt(2 pi)
    1.595769
    """

    activation: str = "relu"
    spike_power: int = 2
    moment: str = "mean_second_derivative"

    def __post_init__(self) -> None:
        if isinstance(self.spike_power, bool) or not isinstance(self.spike_power, int) or self.spike_power < 1:
            raise InvalidArgument("spike_power", self.spike_power, "a positive integer (2 in the derivation)")
        gaussian_moment(self.activation, self.moment)  # validates the activation and the moment

    def drift_expr(self) -> sp.Expr:
        """One neuron's drift term gamma zeta^p |rbar| omega E[sigma^(k)(sZ)] (the norm runs over neurons)."""
        return _gamma * _zeta**self.spike_power * sp.Abs(_rbar) * _omega * gaussian_moment(self.activation, self.moment)

    def drift(self, *, gamma: float, zeta: float, rbar: float, omega, s) -> float:
        """D at the measured gamma, zeta, rbar and per-neuron omega_j = w_j^T q, s_j (the neurons' scales)."""
        omega_, s_ = _neuron_arrays(omega, s)
        terms = _lambdified(self.drift_expr())(gamma, zeta, rbar, omega_, s_)
        return float(np.linalg.norm(np.broadcast_to(terms, omega_.shape)))

    def fluctuation(self, *, gamma: float, zeta: float, n: int, rms: float, s) -> float:
        """F at the measured gamma, zeta, the sample size n, rms(r) and the neurons' scales s_j."""
        COUNT.validate("n", n)
        s_ = _neuron_arrays(s, s)[1]
        var = _lambdified(gaussian_moment(self.activation, "variance_derivative"))(gamma, zeta, 0.0, 0.0, s_)
        return float(gamma * zeta * rms * np.sqrt(np.sum(np.broadcast_to(var, s_.shape)) / n))


def _neuron_arrays(omega, s) -> tuple[np.ndarray, np.ndarray]:
    omega_, s_ = np.asarray(omega, dtype=float), np.asarray(s, dtype=float)
    if omega_.ndim != 1 or omega_.shape != s_.shape or not omega_.size:
        raise InvalidArgument("(omega, s)", (omega_.shape, s_.shape), "two non-empty vectors of one length")
    if not (np.all(np.isfinite(omega_)) and np.all(np.isfinite(s_)) and np.all(s_ > 0)):
        raise InvalidArgument("s", "non-finite or non-positive entries", "finite omega_j and scales s_j > 0")
    return omega_, s_


@lru_cache(maxsize=32)
def _lambdified(expr: sp.Expr):
    """``expr`` as a numpy function of (gamma, zeta, rbar, omega, s)."""
    return sp.lambdify((_gamma, _zeta, _rbar, _omega, scale), expr, modules="numpy")
