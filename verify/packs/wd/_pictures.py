"""Pictures of the weight-decay claims (arXiv 2502.17340's setting): PNG rendering only.

The data come from ``numerics.wd._pictures``: singular values of each layer (the low-rank bias), squared layer norms
across depth against N1 and N2 (norm preservation), and merged against individual losses as eps grows with the
bounds drawn. Nothing here decides.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from theory import InvalidArgument

from verify.report import pyplot, save_figure

if TYPE_CHECKING:
    from numerics.wd import LayerNorms, LayerSpectra, MergeCurve

__all__ = ["layer_spectra_png", "layer_norms_png", "merge_png"]

#: Singular values below this fraction of the largest are drawn at the floor (rounding of exact zeros).
FLOOR = 1e-17


def layer_spectra_png(data: LayerSpectra, path: str | Path, *, title: str) -> Path:
    """One panel per network: singular value index against value (log axis), one line per layer, with the rank
    bound n (the number of inputs) marked."""
    if not data.spectra:
        raise InvalidArgument("spectra", data.spectra, "at least one network")
    plt = pyplot()
    fig, axes = plt.subplots(1, len(data.spectra), figsize=(5.0 * len(data.spectra), 4.0), squeeze=False)
    for ax, spectra, n, label in zip(axes[0], data.spectra, data.n, data.labels):
        for k, s in enumerate(spectra):
            s = np.asarray(s, float)
            shown = np.maximum(s / s[0], FLOOR)
            ax.semilogy(np.arange(1, s.size + 1), shown, "o-", ms=3, lw=1, label=f"layer {k + 1} ({s.size} values)")
        ax.axvline(n + 0.5, color="0.4", ls="--", lw=1, label=f"n = {n} (rank X)")
        ax.set_xlabel("index i")
        ax.set_ylabel("sigma_i / sigma_1 (floored at 1e-17)")
        ax.set_title(label, fontsize=10)
        ax.legend(fontsize=9)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return save_figure(fig, plt, path)


def layer_norms_png(data: LayerNorms, path: str | Path, *, title: str) -> Path:
    """||W_k||_F^2 against depth k per network, with the closed form N1 (dashed) and the bound N2 (dotted)."""
    if not data.norms:
        raise InvalidArgument("norms", data.norms, "at least one network")
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    for i, (norms, n1, n2, label) in enumerate(zip(data.norms, data.n1, data.n2, data.labels)):
        color = f"C{i}"
        k = np.arange(1, len(norms) + 1)
        ax.plot(k, norms, "o-", color=color, label=f"{label}: ||W_k||_F^2")
        ax.axhline(n1, color=color, ls="--", lw=1, label=f"N1 = {n1:.4g}")
        ax.axhline(n2, color=color, ls=":", lw=1, label=f"N2 = W_0(1/e) / (c lambda) = {n2:.4g}")
    ax.set_xticks(range(1, max(len(n) for n in data.norms) + 1))
    ax.set_xlabel("layer k")
    ax.set_ylabel("squared Frobenius norm (last iterate or window mean)")
    ax.legend(fontsize=9)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return save_figure(fig, plt, path)


def merge_png(data: MergeCurve, path: str | Path, *, title: str) -> Path:
    """Left: loss of each network and of the merge on tasks A and B against eps. Right: the loss increase against
    eps on a log axis, with the measured M2a and the eps / (c lambda) bound M2b."""
    eps = np.asarray(data.eps, float)
    if eps.size == 0:
        raise InvalidArgument("eps", data.eps, "at least one overlap")
    own, merged = np.asarray(data.loss_own, float), np.asarray(data.loss_merged, float)
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(11.0, 4.2))
    for j, task in enumerate("AB"):
        left.plot(eps, own[:, j], "o-", color=f"C{j}", label=f"task {task}: its own network")
        left.plot(eps, merged[:, j], "s--", color=f"C{j}", label=f"task {task}: merged")
        rise = merged[:, j] - own[:, j]
        right.semilogy(eps, np.maximum(np.abs(rise), 1e-16), "o-", color=f"C{j}",
                       label=f"|Delta L_{task}| (merged - own)")
    m2a, m2b = np.asarray(data.m2a, float), np.asarray(data.m2b, float)
    right.semilogy(eps, m2a.max(axis=1), "k-.", lw=1, label="M2a: ||W_B||_2 max ||P_B x|| (measured)")
    right.semilogy(eps, m2b.max(axis=1), "k-", lw=1.4, label="M2b: eps / (c lambda) (+ stationarity)")
    left.set_xlabel("eps = max |<x_A, x_B>|")
    left.set_ylabel("training loss")
    left.legend(fontsize=9)
    right.set_xlabel("eps")
    right.set_ylabel("loss change (log scale)")
    right.legend(fontsize=9)
    left.set_title(data.label, fontsize=10)
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    return save_figure(fig, plt, path)
