"""Picture data of the ``wd`` claims (weight decay, arXiv 2502.17340's setting): the singular values of each layer at
the end of training (the low-rank bias), the layer norms across depth against N1 and N2, and merged against individual
losses as the cross-task overlap eps grows, with the eps / (c_reg lambda) bound. Data only; ``verify`` draws them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np

from theory.wd import common_norm_sq, norm_bound

from ._merging import merge_sweep
from ._setups import _layer_norms, trained_setup

__all__ = ["LayerSpectra", "LayerNorms", "MergeCurve", "SingularValuesPicture", "LayerNormsPicture", "MergePicture"]


@dataclass(frozen=True)
class LayerSpectra:
    """Per panel (one trained network): the singular values of each layer, descending; ``n`` the number of inputs
    (the rank bound of the first layer); captions."""

    spectra: tuple
    n: tuple
    labels: tuple


@dataclass(frozen=True)
class LayerNorms:
    """Per network: ``||W_k||_F^2`` for k = 1..L, the closed form N1 and the bound N2; captions."""

    norms: tuple
    n1: tuple
    n2: tuple
    labels: tuple


@dataclass(frozen=True)
class MergeCurve:
    """Per eps: the task-A and task-B losses of each network and of the merge, and the bounds M2a (measured) and M2b
    (eps / (c_reg lambda) plus the stationarity correction) on the loss increase."""

    eps: tuple
    loss_own: tuple
    loss_merged: tuple
    m2a: tuple
    m2b: tuple
    label: str


def _layers(tr, window: bool):
    net = tr.mean_net if window else tr.net
    return [W for W, t in zip(net.layers, net.trained) if t]


@dataclass(frozen=True)
class SingularValuesPicture:
    """Illustration: the singular values of every trained layer of the claim's setups."""

    setups: tuple

    def __call__(self, values: Mapping[str, object]) -> LayerSpectra:
        spectra, ns, labels = [], [], []
        for prefix, arch in self.setups:
            tr = trained_setup(values, prefix, arch)
            spectra.append(tuple(np.linalg.svd(W, compute_uv=False) for W in _layers(tr, arch != "linear")))
            ns.append(tr.X.shape[0])
            labels.append(f"{prefix} ({arch}, lambda = {tr.lam:g})")
        return LayerSpectra(tuple(spectra), tuple(ns), tuple(labels))


@dataclass(frozen=True)
class LayerNormsPicture:
    """Illustration: ``||W_k||_F^2`` across depth for the claim's setups, with N1 and N2."""

    setups: tuple

    def __call__(self, values: Mapping[str, object]) -> LayerNorms:
        norms, n1, n2, labels = [], [], [], []
        for prefix, arch in self.setups:
            tr = trained_setup(values, prefix, arch)
            S, _, _ = _layer_norms(tr)          # the quantity the claims check: last iterate or window means
            norms.append(tuple(v for v, t in zip(S, tr.net.trained) if t))
            n1.append(common_norm_sq(tr.y * tr.net(tr.X), tr.lam, tr.c_reg))
            n2.append(float(norm_bound(tr.lam, tr.c_reg)))
            labels.append(f"{prefix} ({arch}, L = {tr.net.depth})")
        return LayerNorms(tuple(norms), tuple(n1), tuple(n2), tuple(labels))


@dataclass(frozen=True)
class MergePicture:
    """Illustration: merged against individual losses over the claim's eps sweep."""

    arch: str = "shallow"

    def __call__(self, values: Mapping[str, object]) -> MergeCurve:
        rows = merge_sweep(values, self.arch)
        pick = lambda key: tuple((r["A"][key], r["B"][key]) for r in rows)  # noqa: E731
        return MergeCurve(tuple(r["eps"] for r in rows), pick("loss_own"), pick("loss_merged"), pick("m2a"),
                          pick("m2b"), f"shallow ReLU, shared output, lambda = {float(values['lam']):g}, c_reg = "
                                       f"{int(values['c_reg'])}")
