"""Pictures of the sloppiness claims (arXiv 2505.08915): PNG rendering only.

The data come from ``numerics.sloppy._pictures``: the inPCA eigenvalue spectrum of a GD ensemble, predicted
against simulated on a log scale, and the first three inPCA coordinates of ensembles ("the ribbon"). Nothing
here decides.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from theory import InvalidArgument

from verify.report import pyplot, save_figure

if TYPE_CHECKING:
    from numerics.sloppy import EmbeddingSpectrum, Ribbon

__all__ = ["embedding_spectrum_png", "ribbon_png"]


def embedding_spectrum_png(data: EmbeddingSpectrum, path: str | Path, *, title: str) -> Path:
    """Eigenvalue k against k on a log axis: the closed form (line), the simulation (points with 2-se bars), the
    plateau level (dashed) and a guide of slope ``e^{-c}`` through the last predicted eigenvalue (dotted)."""
    predicted, estimated = np.asarray(data.predicted, float), np.asarray(data.estimated, float)
    if predicted.size == 0 or not np.all(predicted > 0):
        raise InvalidArgument("predicted", predicted.tolist(), "a non-empty array of positive eigenvalues")
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    k = np.arange(1, predicted.size + 1)
    ax.semilogy(k, predicted, "-", color="tab:red", lw=1.6, label="closed form eig(M) (note 4.3)")
    shown = estimated > 0
    err = 2 * np.asarray(data.std_error, float)
    ax.errorbar(k[: estimated.size][shown], estimated[shown], yerr=err[shown], fmt="o", ms=4, color="tab:blue",
                label="simulated ensemble (+- 2 se)")
    if data.plateau > 0:
        ax.axhline(data.plateau, color="0.4", ls="--", lw=1.0,
                   label=f"plateau sigma0^2/(2 eta (T+1)) = {data.plateau:.3g}")
    tail = k >= (k[-1] + 1) / 2                                   # the guide over the last half of the spectrum
    guide = predicted[-1] * data.tail_ratio ** (k - k[-1])
    ax.semilogy(k[tail], guide[tail], ":", color="0.2", label=f"tail ratio e^-c = {data.tail_ratio:.3g}")
    ax.set_xlabel("k (embedding dimension)")
    ax.set_ylabel("eigenvalue of M (log scale)")
    ax.set_title(data.label, fontsize=10)
    ax.legend(fontsize=9)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return save_figure(fig, plt, path)


def ribbon_png(data: Ribbon, path: str | Path, *, title: str) -> Path:
    """One 3-d scatter per panel of the first three inPCA coordinates, coloured by the GD step."""
    if not data.coordinates:
        raise InvalidArgument("coordinates", data.coordinates, "at least one panel")
    plt = pyplot()
    from matplotlib.ticker import FormatStrFormatter, MaxNLocator

    n = len(data.coordinates)
    fig = plt.figure(figsize=(5.0 * n, 4.6))
    for i, (xyz, t, es, label) in enumerate(zip(data.coordinates, data.time, data.stress, data.labels)):
        xyz = np.asarray(xyz, float)
        ax = fig.add_subplot(1, n, i + 1, projection="3d")
        points = ax.scatter(xyz[:, 0], xyz[:, 1], xyz[:, 2], c=np.asarray(t), cmap="viridis", s=6)
        for axis, name in ((ax.xaxis, "x1"), (ax.yaxis, "x2"), (ax.zaxis, "x3")):
            axis.set_major_locator(MaxNLocator(4))
            axis.set_major_formatter(FormatStrFormatter("%.2g"))
            axis.set_label_text(name)
        ax.set_title(f"{label}\nexplained stress of 3 dims = {es:.3f}", fontsize=10)
        fig.colorbar(points, ax=ax, shrink=0.6, pad=0.12, label="GD step t")
    fig.suptitle(title, fontsize=10)
    return save_figure(fig, plt, path)
