"""Pictures of variance against flatness per direction (the IVFR claims): PNG rendering only.

The data come from :class:`numerics.fluct.VarianceFlatness`; each panel shows sigma_i^2 against the
flatness F_i on log-log axes, the least-squares line with its fitted exponent psi
(sigma^2 ~ F^-psi) and, where a theory predicts one, a line of the predicted slope through
the points' centre. Nothing here decides.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np

from numerics.fluct import VarianceFlatness
from theory import InvalidArgument

from verify.report import pyplot, save_figure

__all__ = ["variance_flatness_png"]


def _panel(ax, vf: VarianceFlatness) -> None:
    f, v = np.asarray(vf.flatness, float), np.asarray(vf.variances, float)
    ax.loglog(f, v, "o", color="tab:blue", ms=5, label=f"{v.size} principal directions")
    grid = np.geomspace(f.min(), f.max(), 50) if f.max() > f.min() else f
    ax.loglog(grid, np.exp(vf.intercept) * grid ** (-vf.psi), "-", color="tab:red",
              label=f"fit: sigma^2 ~ F^(-psi), psi = {vf.psi:.3f}")
    if vf.predicted is not None:
        centre_f, centre_v = np.exp(np.mean(np.log(f))), np.exp(np.mean(np.log(v)))
        ax.loglog(grid, centre_v * (grid / centre_f) ** (-vf.predicted), "--", color="0.3",
                  label=f"predicted psi = {vf.predicted:g}")
    ax.set_xlabel("flatness F (log scale)")
    ax.set_ylabel("variance sigma^2 (log scale)")
    ax.set_title(vf.label, fontsize=9)
    ax.legend(fontsize=9)


def variance_flatness_png(panels: VarianceFlatness | Sequence[VarianceFlatness], path: str | Path, *,
                          title: str) -> Path:
    """One log-log panel of variance against flatness per :class:`numerics.fluct.VarianceFlatness` (one, or a
    sequence)."""
    panels = [panels] if isinstance(panels, VarianceFlatness) else list(panels)
    if not panels:
        raise InvalidArgument("panels", panels, "a non-empty sequence of VarianceFlatness")
    plt = pyplot()
    fig, axes = plt.subplots(1, len(panels), figsize=(4.6 * len(panels), 4.0), squeeze=False)
    for ax, vf in zip(axes[0], panels):
        _panel(ax, vf)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return save_figure(fig, plt, path)
