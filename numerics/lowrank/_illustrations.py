r"""The data behind two pictures of the low-rank gradient (arXiv 2510.01303; our note, sections 2.3, 3.2, 5.1).

* :func:`gradient_spectrum`: every singular value of G together with the
  spectral norms of S1, S12, S2 and E, the data of the paper's Figure 1
  (a histogram of G's singular values with ||S1|| and ||S2|| marked).
* :func:`phase_grid`: the top-2 alignments |u_k . res| and |u_k . q| over a
  grid of (alpha, nu), the data of a phase picture of which spike leads.

These are pictures' data, not checks: nothing here decides anything. The
setting (targets, weights, the population mu, the seeds) is the derived-by-us
setting of :class:`numerics.lowrank.Setup`, not the paper's own (tags [D]/[N] in the note).

Cost at (n, d, m) = (750, 1000, 1250): one decomposition, one full
``svdvals`` of G (all min(d, m) singular values are the picture) and the top
singular value of E by ARPACK (Lanczos), which is several times faster than a
second full ``svdvals`` and agrees with it to rounding.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral
from typing import Sequence

import numpy as np
from scipy.linalg import svdvals
from scipy.sparse.linalg import ArpackNoConvergence, svds

from theory import InvalidArgument

from .._arrays import check_count, frozen
from ._setup import Problem, Setup

__all__ = ["Spectrum", "gradient_spectrum", "PhaseGrid", "phase_grid"]


@dataclass(frozen=True)
class Spectrum:
    """The singular values of G and the sizes of its four terms, for one problem.

    Attributes
    ----------
    singular_values : all min(d, m) singular values of G, descending.
    s1, s12, s2 : spectral norms of the rank-one terms S1, S12, S2 (= their Frobenius norms).
    e : spectral norm of the bulk term E (its top singular value).
    res_alignment, spike_alignment : |u_k . res| and |u_k . q| for the top two left singular
        vectors u_1, u_2 of G, res = X_B^T r / ||X_B^T r||.
    label : a caption for the panel.
    """

    singular_values: np.ndarray
    s1: float
    s12: float
    s2: float
    e: float
    res_alignment: np.ndarray
    spike_alignment: np.ndarray
    label: str


def _top_singular_value(A: np.ndarray) -> float:
    """||A||_2 by ARPACK (a fixed start vector), or a full ``svdvals`` if it does not converge."""
    if not np.any(A):
        return 0.0
    if min(A.shape) < 3:
        return float(svdvals(A)[0])
    v0 = np.random.Generator(np.random.PCG64(20251001)).standard_normal(min(A.shape))
    try:
        return float(svds(A, k=1, solver="arpack", v0=v0, tol=0, return_singular_vectors=False)[0])
    except ArpackNoConvergence:
        return float(svdvals(A)[0])


def gradient_spectrum(problem: Problem, *, label: str = "") -> Spectrum:
    """All singular values of G = S1 + S12 + S2 + E and the spectral norms of the four terms.

    Parameters
    ----------
    problem : a :class:`numerics.lowrank.Problem` (from ``Setup.problem(values)``).
    label : caption carried along for the picture.

    Returns
    -------
    Spectrum
        ``singular_values`` from ``scipy.linalg.svdvals(G)`` (descending); ``s1``, ``s12``, ``s2``
        the Frobenius norms of the rank-one terms (equal to their spectral norms); ``e`` = ||E||_2
        by Lanczos (ARPACK); the alignments of G's top two left singular vectors, from
        ``problem.decomposition(k=2)``.
    """
    if not isinstance(problem, Problem):
        raise InvalidArgument("problem", type(problem).__name__, "a numerics.lowrank.Problem (Setup.problem(values))")
    if not isinstance(label, str):
        raise InvalidArgument("label", label, "a string")
    dec = problem.decomposition(k=min(2, *problem.W.shape))
    rank_one = (float(np.linalg.norm(S, "fro")) for S in (dec.S1, dec.S12, dec.S2))
    return Spectrum(frozen(svdvals(dec.G)), *rank_one, _top_singular_value(dec.E),
                    frozen(dec.res_alignment), frozen(dec.spike_alignment), label)


@dataclass(frozen=True)
class PhaseGrid:
    """Top-2 alignments of G's left singular vectors over a grid of (alpha, nu).

    Attributes
    ----------
    nus, alphas : the grid axes (strictly increasing).
    res, q : arrays of shape (len(alphas), len(nus), 2); ``res[i, j, k]`` = |u_{k+1} . res| and
        ``q[i, j, k]`` = |u_{k+1} . q| for the problem drawn at alpha = alphas[i], nu = nus[j].
    sizes : (n, d, m); seed : the seed of every draw; label : the setup's description.
    """

    nus: np.ndarray
    alphas: np.ndarray
    res: np.ndarray
    q: np.ndarray
    sizes: tuple[int, int, int]
    seed: int
    label: str


def _axis(name: str, values: object) -> np.ndarray:
    try:
        a = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise InvalidArgument(name, type(values).__name__, "a non-empty 1-d sequence of numbers") from None
    if a.ndim != 1 or a.size == 0:
        raise InvalidArgument(f"{name}.shape", a.shape, "(k,) with k >= 1, a non-empty 1-d sequence")
    if not np.all(np.isfinite(a)):
        raise InvalidArgument(name, float(a[~np.isfinite(a)][0]), "finite numbers (no NaN or inf)")
    if np.any(a < 0):
        raise InvalidArgument(name, float(a.min()), "numbers >= 0")
    if np.any(np.diff(a) <= 0):
        raise InvalidArgument(name, a.tolist(), "strictly increasing (a grid axis)")
    return frozen(a)


def phase_grid(setup: Setup, nus: Sequence[float], alphas: Sequence[float], *, n: int, d: int, m: int,
               seed: int, label: str | None = None) -> PhaseGrid:
    """|u_k . res| and |u_k . q| (k = 1, 2) of G at every (alpha, nu) of a grid, one draw each.

    Every cell draws ``setup.problem({n, d, m, nu, alpha, seed})`` with the same ``seed``, so the
    grid is deterministic and neighbouring cells differ only through nu and alpha.

    Parameters
    ----------
    setup : the non-numeric choices (activation, weights, target, scaling, loss, mu).
    nus, alphas : strictly increasing, finite, non-negative grid axes (spike exponent, bulk decay).
    n, d, m : sizes (integers >= 1, with min(d, m) >= 2 so that two singular vectors exist).
    seed : integer >= 0. label : caption; defaults to ``setup.describe()``.
    """
    if not isinstance(setup, Setup):
        raise InvalidArgument("setup", type(setup).__name__, "a numerics.lowrank.Setup")
    nus, alphas = _axis("nus", nus), _axis("alphas", alphas)
    n, d, m = check_count("n", n), check_count("d", d), check_count("m", m)
    if min(d, m) < 2:
        raise InvalidArgument("min(d, m)", min(d, m), ">= 2 (two singular vectors of G)")
    if isinstance(seed, bool) or not isinstance(seed, Integral) or seed < 0:
        raise InvalidArgument("seed", seed, "an integer >= 0")
    res, q = np.empty((alphas.size, nus.size, 2)), np.empty((alphas.size, nus.size, 2))
    for i, alpha in enumerate(alphas):
        for j, nu in enumerate(nus):
            values = {"n": n, "d": d, "m": m, "nu": float(nu), "alpha": float(alpha), "seed": int(seed)}
            dec = setup.problem(values).decomposition(k=2)
            res[i, j], q[i, j] = dec.res_alignment, dec.spike_alignment
    return PhaseGrid(nus, alphas, frozen(res), frozen(q), (n, d, m), int(seed),
                     setup.describe() if label is None else str(label))
