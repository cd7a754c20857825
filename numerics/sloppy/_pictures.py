r"""Picture data of the ``sloppy`` claims (our note ``sloppiness.md``): what the report draws, computed here.

* :class:`EmbeddingSpectrum`: the whole inPCA eigenvalue spectrum of a GD ensemble, predicted (closed form,
  mpmath, so the tail is resolved) against simulated (2^14 trajectories of seed 0), with the plateau level and the
  ``e^{-c}`` tail slope of note 4.3;
* :class:`Ribbon`: the first three inPCA coordinates of small ensembles (real inPCA: pairwise distances, double
  centring), one panel per initial-weight scale, so a hyper-ribbon and a plateau can be seen side by side.

Illustrations only (fixed seed 0); they decide nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import mpmath
import numpy as np

from theory.sloppy import ensemble_covariance_mp, ground_truth, spectrum_of

from ._checks import trajectory_embedding
from ._mc import EnsembleSpectrumMC

__all__ = ["EmbeddingSpectrum", "Ribbon", "embedding_spectrum_picture", "ribbon_picture"]


@dataclass(frozen=True)
class EmbeddingSpectrum:
    """Eigenvalues of the ensemble covariance M (descending): ``predicted``, ``estimated`` with ``std_error``, the
    plateau level ``sigma0^2 / (2 eta (T+1))`` and the tail ratio ``e^{-c}``; ``label`` a caption."""

    predicted: np.ndarray
    estimated: np.ndarray
    std_error: np.ndarray
    plateau: float
    tail_ratio: float
    label: str


@dataclass(frozen=True)
class Ribbon:
    """First three inPCA coordinates per panel: ``coordinates[i]`` (models, 3), ``time[i]`` the step of each model,
    ``stress[i]`` the explained stress of 3 dimensions, ``labels[i]`` a caption."""

    coordinates: tuple
    time: tuple
    stress: tuple
    labels: tuple


def embedding_spectrum_picture(values: Mapping[str, object]) -> EmbeddingSpectrum:
    """Picture data for an A4 claim's values (the closed form at 40 digits; 2^14 simulated trajectories, seed 0)."""
    _, estimated, se = EnsembleSpectrumMC.picture(values)
    s0, eta, T = float(values["sigma0"]), float(values["eta"]), int(values["T"])
    with mpmath.workdps(40):
        M = ensemble_covariance_mp(spectrum_of(values), ground_truth(values), s0, eta, T, dps=40)
        predicted = np.array(sorted((float(v) for v in mpmath.eigsy(M, eigvals_only=True)), reverse=True))
    return EmbeddingSpectrum(predicted, np.asarray(estimated), np.asarray(se), s0**2 / (2 * eta * (T + 1)),
                             float(np.exp(-float(values["c"]))),
                             f"d = {values['d']}, c = {values['c']}, eta = {eta:g}, T = {T}, sigma0 = {s0:g}; "
                             "2^14 trajectories, seed 0")


#: Ensemble members drawn per picture panel with sigma0 > 0 (one trajectory when sigma0 = 0: all would coincide).
PICTURE_MEMBERS = 6


def ribbon_picture(values: Mapping[str, object]) -> Ribbon:
    """Picture data: inPCA of simulated GD ensembles (``trajectory_embedding``) at each ``sigma0s`` of the claim,
    with ``d``, ``c``, ``eta``, ``T`` of the claim, ``w* = 1`` in the eigenbasis, a design of 2d rows from seed 0,
    ``sigma2 = 1``, and :data:`PICTURE_MEMBERS` members (one when sigma0 = 0)."""
    coords, times, stress, labels = [], [], [], []
    T = int(values["T"])
    for s0 in np.atleast_1d(values["sigma0s"]).tolist():
        members = PICTURE_MEMBERS if s0 > 0 else 1
        setting = {**values, "sigma0": s0, "members": members, "rows": 2 * int(values["d"]), "data_seed": 0,
                   "sigma2": 1.0, "w_star": (1.0,) * int(values["d"])}
        emb, _ = trajectory_embedding(setting)
        coords.append(emb.coordinates[:, :3])
        times.append(np.tile(np.arange(T + 1), members))
        stress.append(float(emb.explained_stress()[2]))
        labels.append(f"sigma0 = {s0:g}: {members} trajector{'ies' if members > 1 else 'y'} x {T + 1} steps")
    return Ribbon(tuple(coords), tuple(times), tuple(stress), tuple(labels))
