"""Checks of array arguments: shape, finiteness and sizes, as typed errors naming the parameter."""

from __future__ import annotations

import numpy as np

from theory import COUNT, NONNEGATIVE, InvalidArgument

__all__ = ["frozen", "as_matrix", "as_vector", "check_count", "check_nonnegative", "check_rng", "check_unit_vector",
           "draw_seeds"]


def frozen(a: object) -> np.ndarray:
    """A read-only float64 copy of ``a`` (picture data and results are frozen values)."""
    a = np.array(a, dtype=float)
    a.setflags(write=False)
    return a


def _finite(name: str, a: np.ndarray) -> np.ndarray:
    if not np.all(np.isfinite(a)):
        bad = tuple(int(i) for i in np.argwhere(~np.isfinite(a))[0])
        raise InvalidArgument(name, f"{a[bad]!r} at index {bad}", "finite entries (no NaN or inf)")
    return a


def _array(name: str, value: object) -> np.ndarray:
    try:
        a = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise InvalidArgument(name, type(value).__name__, "an array of real numbers") from None
    return a


def as_matrix(name: str, value: object, shape: tuple[int | None, int | None] = (None, None)) -> np.ndarray:
    """``value`` as a finite float64 matrix; a ``None`` in ``shape`` accepts any size >= 1."""
    a = _array(name, value)
    want = "x".join("?" if s is None else str(s) for s in shape)
    if a.ndim != 2 or a.size == 0 or any(s is not None and s != t for s, t in zip(shape, a.shape)):
        raise InvalidArgument(f"{name}.shape", a.shape, f"a non-empty {want} matrix")
    return _finite(name, a)


def as_vector(name: str, value: object, length: int | None = None) -> np.ndarray:
    """``value`` as a finite float64 vector (of ``length`` entries, if given)."""
    a = _array(name, value)
    if a.ndim != 1 or a.size == 0 or (length is not None and a.size != length):
        want = length if length is not None else "?"
        raise InvalidArgument(f"{name}.shape", a.shape, f"({want},), a non-empty vector")
    return _finite(name, a)


def check_unit_vector(name: str, value: object, length: int) -> np.ndarray:
    q = as_vector(name, value, length)
    norm = float(np.linalg.norm(q))
    if abs(norm - 1) > 1e-12:
        raise InvalidArgument(f"norm of {name}", norm, "1 (a unit vector, to 1e-12)")
    return q


def check_count(name: str, value: object) -> int:
    COUNT.validate(name, value)
    return int(value)


def check_nonnegative(name: str, value: object) -> float:
    NONNEGATIVE.validate(name, value)
    return float(value)


def check_rng(rng: object) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise InvalidArgument("rng", type(rng).__name__, "a numpy.random.Generator (np.random.default_rng(seed))")
    return rng


def draw_seeds(rng: np.random.Generator, n: int) -> list[int]:
    """``n`` integer seeds from ``rng``, one per independent draw (each then builds its own generator)."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise InvalidArgument("n", n, "a positive number of independent draws")
    return [int(s) for s in check_rng(rng).integers(0, 2**63 - 1, size=int(n))]
