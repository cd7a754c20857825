"""High-precision quadrature of Gaussian expectations E[g(sZ)], with an error bound."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import mpmath

from theory import (GUARD_DIGITS, InvalidArgument, NoConvergence, POSITIVE, activation, gaussian_integrand,
                    split_parameters)

from ._estimate import Estimate

__all__ = ["gaussian_expectation_quad", "GaussianMomentQuad"]


def gaussian_expectation_quad(
    g: Callable, scales: Sequence[float], *, dps: int, kinks: Sequence[float] = (), splits: Sequence[float] = (),
) -> Estimate:
    """E[g(sZ)] = int g(s z) phi(z) dz at each scale, to ``dps`` digits, with an error bound.

    The integral is split at z = k/s for every kink k of g, and at every z in ``splits`` (asymmetric splits
    give node sets that are not mirror images, so an odd integrand integrates to zero only by numerical
    cancellation, not by the pairing of nodes). It is computed
    twice inside ``workdps(dps + GUARD_DIGITS)``, by tanh-sinh and by
    Gauss-Legendre; the bound is ``2 * max(err_ts, err_gl, |I_ts - I_gl|)``
    plus one unit in the ``dps``-th digit, the mpmath test-suite habit of
    comparing with twice the reported error. This is an error *estimate*
    (mpmath's), not a proof; two independent rules agreeing is its check.

    >>> est = gaussian_expectation_quad(lambda v: v * v, [2.0], dps=25)
    >>> mpmath.nstr(est.value[0], 10), est.bound[0] < 1e-20
    ('4.0', True)
    """
    if not isinstance(dps, int) or dps < 5:
        raise InvalidArgument("dps", dps, "an integer >= 5")
    POSITIVE.validate("scales", tuple(float(v) for v in scales))
    values, bounds = [], []
    with mpmath.workdps(dps + GUARD_DIGITS):
        for scale in scales:
            sc = mpmath.mpf(float(scale))
            inner = sorted({*(mpmath.mpf(k) / sc for k in kinks), *(mpmath.mpf(z) for z in splits)})
            points = [-mpmath.inf, *inner, mpmath.inf]
            f = lambda z: g(sc * z) * mpmath.npdf(z)  # noqa: E731
            ts, e_ts = mpmath.quad(f, points, error=True)
            gl, e_gl = mpmath.quad(f, points, method="gauss-legendre", error=True)
            err = 2 * max(e_ts, e_gl, abs(ts - gl)) + abs(ts) * mpmath.mpf(10) ** (-dps)
            if not mpmath.isfinite(ts) or not mpmath.isfinite(err):
                raise NoConvergence(f"quadrature of E[g({scale} Z)] gave {ts} with error {err}")
            values.append(+ts)
            bounds.append(+err)
    return Estimate(tuple(values), bound=tuple(bounds), method="mpmath quad (tanh-sinh vs Gauss-Legendre)", dps=dps)


@dataclass(frozen=True)
class GaussianMomentQuad:
    """Estimator callable: quadrature of E[g(sZ)] for an activation's ``quantity`` at each scale ``params['s']``
    (``splits``: extra split points in z, see :func:`gaussian_expectation_quad`)."""

    route = "quadrature"

    activation: str
    quantity: str
    splits: tuple[float, ...] = ()

    def __call__(self, params: Mapping[str, object], *, rng=None, n: int | None = None, dps: int) -> Estimate:
        scales, own = split_parameters(self.activation, params)
        act = activation(self.activation, **own)
        g = gaussian_integrand(act, self.quantity, "mpmath")
        return gaussian_expectation_quad(g, scales, dps=dps, kinks=act.kinks, splits=self.splits)
