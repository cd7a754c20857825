"""Pictures of the low-rank gradient (arXiv 2510.01303, Figure 1's kind): PNG rendering only.

The data come from ``numerics``' low-rank illustrations (:class:`Spectrum`, :class:`PhaseGrid`); this module
arranges them on axes and decides nothing.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Sequence

import numpy as np

from numerics.lowrank import PhaseGrid, Spectrum
from theory import InvalidArgument

from verify.report import pyplot, save_figure

__all__ = ["spectrum_png", "phase_png", "phase_pair_png"]

#: Singular values below ZERO * min(d, m) * (the largest) are rounding of exact zeros, not binned:
#: G = (gamma/n) X^T D has rank <= n, so min(d, m) - n of them vanish when n < min(d, m).
ZERO = 4 * np.finfo(float).eps


def _marker(ax, value: float, name: str, **style) -> None:
    """A vertical line at ``value``, or (when it is 0 and cannot sit on a log axis) a legend entry only."""
    label = f"{name} = {value:.3g}"
    if value > 0:
        ax.axvline(value, label=label, **style)
    else:
        ax.plot([], [], label=label + " (not drawn)", **style)


def spectrum_png(spectra: Spectrum | Sequence[Spectrum], path: str | Path, *, title: str) -> Path:
    """Histograms of G's singular values, one panel per spectrum (one, or a sequence), with ||S1||, ||S2||, ||E||
    marked.

    The x-axis is logarithmic, so outliers far above the bulk stay on the picture; each singular
    value above ||E|| is also drawn as a black triangle under the histogram. Counts are on a log scale.
    Numerically zero singular values (G has rank <= n) are not binned; the legend gives their number.
    """
    spectra = [spectra] if isinstance(spectra, Spectrum) else list(spectra)
    if not spectra:
        raise InvalidArgument("spectra", spectra, "a non-empty sequence of Spectrum")
    plt = pyplot()
    fig, axes = plt.subplots(1, len(spectra), figsize=(4.6 * len(spectra), 4.0), squeeze=False)
    for ax, sp in zip(axes[0], spectra):
        sv = np.asarray(sp.singular_values, dtype=float)
        top = float(sv.max()) if sv.size else 0.0
        marks = [x for x in (sp.s1, sp.s2, sp.e) if x > 0]
        shown = sv[sv > ZERO * sv.size * top]
        if shown.size == 0:  # G = 0: nothing to histogram on a log axis
            ax.text(0.5, 0.5, "G = 0", transform=ax.transAxes, ha="center")
        else:
            lo, hi = float(shown.min()), max([top, *marks])
            counts, _, _ = ax.hist(shown, bins=np.geomspace(lo, hi * 1.05, 80), color="0.55", log=True,
                                   label=f"{shown.size} singular values of G" + (
                                       f" (+{sv.size - shown.size} zero)" if shown.size < sv.size else ""))
            above = sv[sv > sp.e]
            ax.plot(above, np.full(above.size, 0.7), "kv", ms=5, label=f"{above.size} above ||E||")
            ax.set_xscale("log")
            ax.set_xlim(min([lo, *marks]) / 1.2, hi * 1.3)
            ax.set_ylim(0.5, 40 * max(float(counts.max()), 1.0))
        _marker(ax, sp.s1, "||S1||", color="tab:red", lw=1.6)
        _marker(ax, sp.s2, "||S2||", color="tab:blue", lw=1.6)
        _marker(ax, sp.e, "||E|| (bulk term)", color="0.4", ls="--", lw=1.2)
        ax.set_title(sp.label, fontsize=9)
        ax.set_xlabel("singular value (log scale)")
        ax.set_ylabel("count")
        ax.legend(fontsize=9, loc="upper left")
    fig.suptitle(title)
    fig.tight_layout()
    return save_figure(fig, plt, path)


def _edges(centres: np.ndarray) -> np.ndarray:
    """Cell edges around strictly increasing centres (half-way between neighbours)."""
    if centres.size == 1:
        half = 0.05 * max(1.0, abs(float(centres[0])))
        return np.array([centres[0] - half, centres[0] + half])
    mid = (centres[1:] + centres[:-1]) / 2
    return np.concatenate([[2 * centres[0] - mid[0]], mid, [2 * centres[-1] - mid[-1]]])


def _check_grid(grid: PhaseGrid) -> tuple[np.ndarray, np.ndarray]:
    nus, alphas = np.asarray(grid.nus, dtype=float), np.asarray(grid.alphas, dtype=float)
    for name, axis in (("grid.nus", nus), ("grid.alphas", alphas)):
        if axis.ndim != 1 or axis.size == 0 or np.any(np.diff(axis) <= 0):
            raise InvalidArgument(name, axis.tolist(), "a non-empty, strictly increasing 1-d array")
    want = (alphas.size, nus.size, 2)
    for name in ("res", "q"):
        if np.shape(getattr(grid, name)) != want:
            raise InvalidArgument(f"grid.{name}.shape", np.shape(getattr(grid, name)), f"{want} (alphas, nus, k)")
    return nus, alphas


def phase_png(grid: PhaseGrid, path: str | Path, *, boundary: float | None, title: str) -> Path:
    """A 2 x 2 grid of heatmaps over (nu, alpha): |u1.res|, |u1.q|, |u2.res|, |u2.q|, colours on [0, 1].

    ``boundary`` (if given) is drawn as a vertical dashed line at nu = boundary on every panel.
    """
    nus, alphas = _check_grid(grid)
    if boundary is not None:
        boundary = float(boundary)
        if not math.isfinite(boundary):
            raise InvalidArgument("boundary", boundary, "a finite number or None")
    plt = pyplot()
    fig, axes = plt.subplots(2, 2, figsize=(10, 7.5), sharex=True, sharey=True, constrained_layout=True)
    x, y = _edges(nus), _edges(alphas)
    panels = [(grid.res, 0, "|u1 . res|"), (grid.q, 0, "|u1 . q|"),
              (grid.res, 1, "|u2 . res|"), (grid.q, 1, "|u2 . q|")]
    for ax, (values, k, name) in zip(axes.ravel(), panels):
        mesh = ax.pcolormesh(x, y, np.asarray(values)[:, :, k], vmin=0.0, vmax=1.0, cmap="viridis", shading="flat")
        if boundary is not None:
            line = ax.axvline(boundary, color="w", ls="--", lw=1.5)
        ax.set_xticks(nus, [f"{v:.3g}" for v in nus], rotation=45 if nus.size > 8 else 0, fontsize=9)
        ax.set_yticks(alphas, [f"{v:.3g}" for v in alphas], fontsize=9)
        ax.set_title(name)
        ax.set_xlabel("nu")
        ax.set_ylabel("alpha")
    fig.colorbar(mesh, ax=axes.ravel().tolist(), label="|alignment|", shrink=0.9)
    if boundary is not None:
        fig.legend([line], [f"derived boundary nu = {boundary:g}"], loc="outside lower center", facecolor="0.6")
    n, d, m = grid.sizes
    fig.suptitle(f"{title}\n{grid.label}; n, d, m = {n}, {d}, {m}; seed {grid.seed}", fontsize=10)
    return save_figure(fig, plt, path)


def phase_pair_png(data: tuple, path: str | Path, *, title: str) -> Path:
    """Renderer entry: a ``(PhaseGrid, boundary)`` pair (:func:`phase_png`)."""
    grid, boundary = data
    return phase_png(grid, path, boundary=boundary, title=title)
