"""Picture of criteria against nu (arXiv 2510.01303, Figure 1's spike-aligned weights): PNG rendering only.

The data come from :func:`numerics.lowrank.criterion_curves` (:class:`CriterionCurves`); this module draws them and
decides nothing.
"""

from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

import numpy as np

from numerics.lowrank import CriterionCurves
from theory import InvalidArgument

from verify.report import pyplot, save_figure

__all__ = ["curves_png", "FIGSIZE"]

#: Inches: one panel, legend on the right.
FIGSIZE = (6.4, 3.2)
_STYLES = ("-", "--", ":", "-.")
_MARKERS = ("o", "s", "^", "D")
_COLOURS = ("tab:blue", "tab:orange", "tab:green", "tab:purple", "tab:brown")
_FONT = 9


def _check(data: CriterionCurves) -> np.ndarray:
    freq = np.asarray(data.frequency, dtype=float)
    want = (len(data.sizes), len(data.nus), len(data.criteria))
    if freq.shape != want:
        raise InvalidArgument("data.frequency.shape", freq.shape, f"{want} (sizes, nus, criteria)")
    if len(data.criteria) > len(_STYLES) or len(data.sizes) > len(_COLOURS):
        raise InvalidArgument("data", (len(data.criteria), len(data.sizes)),
                              f"at most {len(_STYLES)} criteria and {len(_COLOURS)} sizes (one line style and colour "
                              "each)")
    return freq


def _span(ax, rng, colour, alpha, label) -> None:
    if rng is not None:
        ax.axvspan(float(rng[0]), float(rng[1]), color=colour, alpha=alpha, lw=0, label=label)


def curves_png(data: CriterionCurves, path: str | Path, *, title: str) -> Path:
    """Frequency of each criterion against nu: one colour per size, one line style per criterion, the derived
    boundary as a vertical dashed line, the source's stated range and the claim's range shaded; the legend sits
    outside the axes, on the right."""
    freq = _check(data)
    nus = np.asarray(data.nus, dtype=float)
    plt = pyplot()
    fig, ax = plt.subplots(figsize=FIGSIZE, layout="constrained")
    _span(ax, data.stated, "0.85", 0.5, f"stated: nu < {_fraction(data.stated[1])}" if data.stated else None)
    _span(ax, data.claimed, "tab:green", 0.18, "claimed: nu in [{}, {}]".format(*map(_fraction, data.claimed))
          if data.claimed else None)
    ax.axvline(data.boundary, color="k", ls="--", lw=1.2,
               label=_wrap(data.boundary_label or f"boundary nu = {_fraction(data.boundary)}"))
    for i in range(len(data.sizes)):
        for k in range(len(data.criteria)):
            ax.plot(nus, freq[i, :, k], color=_COLOURS[i], ls=_STYLES[k], marker=_MARKERS[k], ms=3.5, lw=1.3)
    ax.set_xlim(nus[0] - 0.01, nus[-1] + 0.01)
    ax.set_ylim(-0.04, 1.04)
    ticks = nus[::2] if nus.size > 7 else nus
    ax.set_xticks(ticks, [_fraction(v) for v in ticks])
    ax.set_xlabel("spike exponent nu (zeta = n^nu)", fontsize=_FONT + 1)
    ax.set_ylabel(f"frequency over {data.draws} draws", fontsize=_FONT + 1)
    ax.tick_params(labelsize=_FONT)
    handles, labels = ax.get_legend_handles_labels()
    for k, words in enumerate(data.descriptions):
        handles.append(ax.plot([], [], color="0.3", ls=_STYLES[k], marker=_MARKERS[k], ms=3.5)[0])
        labels.append(_wrap(re.sub(r"\s*\([^()]*\)", "", words)))
    for i, (n, d, m) in enumerate(data.sizes):
        handles.append(ax.plot([], [], color=_COLOURS[i], lw=4)[0])
        labels.append(f"n, d, m = {n}, {d}, {m}")
    fig.legend(handles, labels, fontsize=_FONT, loc="outside right upper", frameon=False)
    ax.set_title(f"{title}\n{_wrap(data.label, 60)}; seed {data.seed}", fontsize=_FONT)
    return save_figure(fig, plt, path)


def _fraction(x: float) -> str:
    """x as a fraction with denominator at most 64 when it is one (1/8), else to 3 significant digits."""
    f = Fraction(float(x)).limit_denominator(64)
    return str(f) if abs(float(f) - float(x)) < 1e-12 else f"{float(x):.3g}"


def _wrap(text: str, width: int = 30) -> str:
    """``text`` broken into lines of about ``width`` characters (a legend entry)."""
    out, line = [], ""
    for word in text.split():
        if line and len(line) + len(word) >= width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return "\n".join(out + [line])
