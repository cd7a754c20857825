"""Validation of the matrices and scalars that closed forms take (covariances, Hessians, step sizes, spectra).

Core helpers shared by the packs' closed forms (``theory.fluct``, ``theory.sloppy``, ``theory.wd``). Every failure
is an :class:`InvalidArgument` naming the parameter, the offending value (or a short description of it) and what is
allowed.

Tolerances (rounding allowances, not tuned): symmetry is checked to ``1e-12``
relative to the largest entry; positive *semi*-definiteness tolerates eigenvalues
down to ``-n * eps * ||A||_2``, the size of the backward error of forming and
diagonalising a symmetric matrix in float64 (Weyl's inequality).
"""

from __future__ import annotations

import math
import operator
from numbers import Real

import numpy as np
import sympy as sp

from ._errors import InvalidArgument

EPS = float(np.finfo(np.float64).eps)
SYMMETRY_RTOL = 1e-12


def gamma(n: int) -> float:
    """Higham's ``gamma_n = n eps / (1 - n eps)``: the relative rounding of an n-term dot product."""
    return n * EPS / (1.0 - n * EPS)


def positive(name: str, value: object) -> float:
    """A finite real number > 0."""
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value) or value <= 0:
        raise InvalidArgument(name, value, "a finite number in (0, inf)")
    return float(value)


def nonnegative(name: str, value: object) -> float:
    """A finite real number >= 0."""
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value) or value < 0:
        raise InvalidArgument(name, value, "a finite number in [0, inf)")
    return float(value)


def count(name: str, value: object, high: int | None = None) -> int:
    """An integer in ``[1, high]`` (``high`` None: unbounded)."""
    try:
        k = operator.index(value) if not isinstance(value, bool) else None
    except TypeError:
        k = None
    top = "inf)" if high is None else f"{high}]"
    if k is None or k < 1 or (high is not None and k > high):
        raise InvalidArgument(name, value, f"integers in [1, {top}")
    return int(k)


def array(name: str, value: object, ndim: int) -> np.ndarray:
    """A finite float64 array with ``ndim`` dimensions and no empty axis."""
    try:
        raw = np.asarray(value)
        if raw.dtype.kind in "USV":              # never parse text into numbers
            raise TypeError
        a = raw.astype(np.float64)
    except (TypeError, ValueError):
        raise InvalidArgument(name, type(value).__name__, f"a real {ndim}-d array") from None
    if a.ndim != ndim or 0 in a.shape:
        raise InvalidArgument(name, f"array of shape {a.shape}", f"a non-empty {ndim}-d array")
    if not np.all(np.isfinite(a)):
        raise InvalidArgument(name, "an array with inf or nan entries", "finite")
    return a


def symmetric(name: str, value: object, n: int | None = None) -> np.ndarray:
    """A finite square symmetric matrix (to ``1e-12`` relative); returns its symmetric part."""
    a = array(name, value, 2)
    if a.shape[0] != a.shape[1] or (n is not None and a.shape[0] != n):
        want = "square" if n is None else f"of shape ({n}, {n})"
        raise InvalidArgument(name, f"matrix of shape {a.shape}", f"a matrix {want}")
    scale = np.max(np.abs(a))
    asym = np.max(np.abs(a - a.T))
    if asym > SYMMETRY_RTOL * scale:
        raise InvalidArgument(name, f"matrix with max|A - A^T| = {asym:.3g}",
                              f"symmetric (to {SYMMETRY_RTOL:g} relative)")
    return (a + a.T) / 2


def spd(value: object, name: str = "H", n: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A symmetric positive definite matrix; returns ``(A, eigenvalues, eigenvectors)`` (ascending)."""
    a = symmetric(name, value, n)
    h, v = np.linalg.eigh(a)
    if not h[0] > 0:
        raise InvalidArgument(name, f"matrix with smallest eigenvalue {h[0]:.6g}", "symmetric positive definite")
    return a, h, v


def psd(value: object, name: str = "C", n: int | None = None) -> np.ndarray:
    """A symmetric positive semi-definite matrix, eigenvalues >= ``-n eps ||A||_2`` allowed (rounding)."""
    a = symmetric(name, value, n)
    h = np.linalg.eigvalsh(a)
    tol = a.shape[0] * EPS * max(abs(h[0]), abs(h[-1]))
    if h[0] < -tol:
        raise InvalidArgument(name, f"matrix with smallest eigenvalue {h[0]:.6g}", "symmetric positive semi-definite")
    return a


def rank_tolerance(shape: tuple[int, ...], norm2: float) -> float:
    """``max(shape) * eps * ||A||_2``: singular values (or |eigenvalues|) at or below it count as zero."""
    return max(shape) * EPS * norm2


def exact(name: str, value: object, low: float | None = None, strict: bool = False) -> sp.Expr:
    """A SymPy number or expression: SymPy objects kept, ints exact, floats by their exact binary value.

    With ``low`` given the value must be ``>= low`` (``> low`` if ``strict``) when that is decidable.
    """
    if isinstance(value, sp.Basic):
        bad = None if low is None else ((value - low).is_positive if strict else (value - low).is_nonnegative)
        if bad is False:
            raise InvalidArgument(name, value, ("> " if strict else ">= ") + f"{low:g}")
        return value
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(value) or (
            low is not None and (value <= low if strict else value < low)):
        where = "" if low is None else (" > " if strict else " >= ") + f"{low:g}"
        raise InvalidArgument(name, value, f"a finite real number{where}")
    return sp.Integer(int(value)) if isinstance(value, (int, np.integer)) else sp.Rational(float(value))
