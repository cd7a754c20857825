"""Hermite coefficients by arbitrary-precision quadrature, all orders from one set of nodes.

c_k(s) = E[sigma(sZ) He_k(Z)] = int sigma(s z) He_k(z) phi(z) dz is computed with
mpmath's tanh-sinh rule (:class:`mpmath.calculus.quadrature.TanhSinh`, its
documented ``get_nodes``) on each piece between the kinks of sigma. The nodes
do not depend on the integrand, so sigma(s z) phi(z) and the three-term
recurrence He_{k+1}(z) = z He_k(z) - k He_{k-1}(z) are evaluated once per node
and every order is summed in the same pass; levels are refined until each
coefficient has converged, by the extrapolated level difference of Bailey,
Borwein and Girgensohn that mpmath uses (see :func:`_level_error`).

Precision: He_k(z) phi(z) reaches about sqrt(k!) in size while c_k may be
small, so the work runs at ``dps + guard + log10(sqrt(k_max!))`` digits. The
reported error bound per coefficient is twice the extrapolated level error,
plus sqrt(k!) * (E|sigma(sZ)| + 1) * 10^-(dps + RESOLVED_DIGITS): each coefficient
is resolved to RESOLVED_DIGITS = 20 digits beyond ``dps`` relative to the size of
its integrand (a coefficient that cancels to zero was seen to carry a residue of
about 10^-52 of that size at dps 30, below this floor's 10^-50),
plus one unit in the ``dps``-th digit.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Callable, Sequence

import mpmath
from mpmath.calculus.quadrature import TanhSinh

from ._errors import InvalidArgument, NoConvergence

__all__ = ["hermite_quadrature", "GUARD"]

GUARD = 30
RESOLVED_DIGITS = 20
_MAX_EXTRA_LEVELS = 3


@lru_cache(maxsize=None)
def _root_factorial(k: int) -> mpmath.mpf:
    """sqrt(k!), the size of He_k(Z) in L2, at float precision (a magnitude, not a value)."""
    return mpmath.sqrt(mpmath.factorial(k))


def _working_digits(dps: int, k_max: int, guard: int) -> int:
    return dps + guard + int(mpmath.log10(mpmath.sqrt(mpmath.factorial(k_max))) + 1)


def _level_error(results: list, epsilon) -> mpmath.mpf:
    """Error of the last level: Bailey's extrapolation 10^(D1^2/D2) from the last three levels
    (each level roughly doubles the correct digits), never more than the last difference;
    an exact agreement of the last two levels counts as converged (mpmath's own
    ``estimate_error`` reports 1 there). The extrapolation can be optimistic for a
    coefficient that cancels to zero; :data:`RESOLVED_DIGITS` bounds that case."""
    d1 = abs(results[-1] - results[-2])
    if len(results) < 3 or d1 == 0:
        return d1
    d2 = abs(results[-1] - results[-3])
    if d2 == 0:
        return d1
    l1, l2 = mpmath.log10(d1), mpmath.log10(d2)
    if l2 >= 0 or l1 >= l2:
        return d1
    return min(d1, max(mpmath.mpf(10) ** (l1 * l1 / l2), d1 * d1, epsilon))


def _rows(f: Callable, sc, z, k_max: int) -> list:
    base = f(sc * z) * mpmath.npdf(z)
    he = [mpmath.mpf(1), z]
    for k in range(1, k_max):
        he.append(z * he[k] - k * he[k - 1])
    return [base * h for h in he[: k_max + 1]] + [abs(base)]


def _piece(rule: TanhSinh, f: Callable, sc, a, b, k_max: int, prec: int, epsilon, tolerance) -> tuple[list, list]:
    """Integrate all orders (and E|sigma| as the last entry) over [a, b]; return values and error estimates."""
    history: list[list] = []
    errors = [mpmath.inf] * (k_max + 2)
    top = rule.guess_degree(prec) + _MAX_EXTRA_LEVELS
    for degree in range(1, top + 1):
        h = mpmath.mpf(2) ** (-degree)
        sums = [r / (2 * h) for r in history[-1]] if history else [mpmath.mpf(0)] * (k_max + 2)
        for z, w in rule.get_nodes(a, b, degree, prec):
            for k, v in enumerate(_rows(f, sc, z, k_max)):
                sums[k] += w * v
        history.append([h * v for v in sums])
        if degree > 1:
            errors = [_level_error([level[k] for level in history], epsilon) for k in range(k_max + 1)]
            size = abs(history[-1][-1])
            if all(e <= tolerance * (abs(v) + _root_factorial(k) * size)
                   for k, (e, v) in enumerate(zip(errors, history[-1][:-1]))):
                return history[-1], errors
    # not converged at the top level: report the plain last difference, not the extrapolation
    last = history[-1]
    return last, [abs(last[k] - history[-2][k]) for k in range(k_max + 1)] if len(history) > 1 else errors


def hermite_quadrature(f: Callable, scale: float, k_max: int, *, dps: int, kinks: Sequence[float] = (),
                       splits: Sequence[float] = (), guard: int = GUARD,
                       ) -> tuple[tuple[mpmath.mpf, ...], tuple[mpmath.mpf, ...]]:
    """(c_0..c_kmax, error bounds) of E[f(scale Z) He_k(Z)] by tanh-sinh quadrature split at ``kinks``.

    ``splits`` (extra points in z) and ``guard`` (extra digits) change the node
    set and the working precision, so a second call with other values is an
    independent numerical check of the first.
    """
    if isinstance(guard, bool) or not isinstance(guard, int) or guard < 5:
        raise InvalidArgument("guard", guard, "an integer >= 5")
    work = _working_digits(dps, k_max, guard)
    with mpmath.workdps(work):
        sc = mpmath.mpf(scale)
        inner = {mpmath.mpf(k) / sc for k in kinks} | {mpmath.mpf(z) for z in splits} | {mpmath.mpf(0)}
        points = [-mpmath.inf, *sorted(inner), mpmath.inf]
        rule, prec = TanhSinh(mpmath.mp), mpmath.mp.prec
        epsilon = mpmath.mpf(2) ** (-prec + 4)
        # stop refining once every piece of every coefficient is good to RESOLVED_DIGITS beyond
        # dps relative to itself or to the size of its integrand (pieces can cancel: a zero
        # coefficient is a sum of large pieces)
        tolerance = mpmath.mpf(10) ** (-dps - RESOLVED_DIGITS)
        totals, errs = [mpmath.mpf(0)] * (k_max + 2), [mpmath.mpf(0)] * (k_max + 2)
        for a, b in zip(points[:-1], points[1:]):
            values, errors = _piece(rule, f, sc, a, b, k_max, prec, epsilon, tolerance)
            totals = [t + v for t, v in zip(totals, values)]
            errs = [t + e for t, e in zip(errs, errors)]
        size = totals[-1]
        out_v, out_e = [], []
        for k in range(k_max + 1):
            value = totals[k]
            if not (mpmath.isfinite(value) and mpmath.isfinite(errs[k])):
                raise NoConvergence(f"quadrature of Hermite coefficient {k} gave {value} (error {errs[k]})")
            cancel = _root_factorial(k) * (size + 1) * tolerance
            out_v.append(value)
            out_e.append(2 * errs[k] + cancel + abs(value) * mpmath.mpf(10) ** (-dps))
    with mpmath.workdps(dps):
        return tuple(+v for v in out_v), tuple(+e for e in out_e)
