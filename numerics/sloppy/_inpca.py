r"""inPCA embeddings: intensive Bhattacharyya distances, double centring, signed eigenvalues, explained stress.

The construction is the predecessor's (Mao et al., PNAS 2024, ``utils/distance.py`` and ``utils/embed.py``; our note
``sloppiness.md`` section 2): models are probability distributions on the n training samples; the intensive
distance ``d(u, v) = -(1/n) sum_i log sum_y sqrt(p_u^(i)(y) p_v^(i)(y))`` is used directly as a squared distance;
``W = -L D L / 2`` with ``L = I - 1 1^T / m``; eigenvalues sorted by ``|e|`` (negative ones are the Minkowski,
"time-like" directions) and coordinates ``x = v sqrt(|e|)``. Distances are computed pair by pair (differences of
predictions, never through a Gram matrix), so a comparison with the Gram route of ``theory.sloppy.inpca_gram`` is a
comparison of two computations.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from theory import InvalidArgument
from theory.sloppy import explained_stress, gaussian_bhattacharyya

from .._arrays import as_matrix

__all__ = ["gaussian_distances", "categorical_distances", "Embedding", "double_centre", "inpca", "MAX_MODELS"]

#: Largest number of models embedded at once (an m x m eigenproblem).
MAX_MODELS = 8000
_CHUNK = 4_000_000   # entries of the (rows, m, n) difference block computed at once


def _models(name: str, value: object) -> np.ndarray:
    a = np.asarray(value, dtype=float) if not isinstance(value, np.ndarray) else value.astype(float, copy=False)
    if a.ndim < 2 or a.shape[0] < 2 or 0 in a.shape:
        raise InvalidArgument(f"{name}.shape", a.shape, "at least 2 models, each with at least one sample (an empty "
                              "ensemble has no embedding)")
    if a.shape[0] > MAX_MODELS:
        raise InvalidArgument(f"{name}.shape", a.shape, f"at most {MAX_MODELS} models")
    if not np.all(np.isfinite(a)):
        raise InvalidArgument(name, "non-finite entries", "finite entries (no NaN or inf)")
    return a


def gaussian_distances(F, sigma2: float) -> np.ndarray:
    """``D_ab = (1/n) sum_i d_B(N(F_ai, sigma2), N(F_bi, sigma2))`` for the m x n prediction matrix F (note 4.2).

    >>> gaussian_distances([[0.0, 0.0], [2.0, 0.0]], 0.5).tolist()  # (1/2)(4 / 4 + 0)
    [[0.0, 0.5], [0.5, 0.0]]
    """
    Fm = _models("F", F)
    if Fm.ndim != 2:
        raise InvalidArgument("F.shape", Fm.shape, "(models, samples)")
    m, n = Fm.shape
    D = np.empty((m, m))
    rows = max(1, _CHUNK // (m * n))
    for lo in range(0, m, rows):
        block = gaussian_bhattacharyya(Fm[lo:lo + rows, None, :], Fm[None, :, :], sigma2)
        D[lo:lo + rows] = block.mean(axis=2)
    return D


def categorical_distances(P) -> np.ndarray:
    """The intensive Bhattacharyya distance between models given as per-sample class probabilities P (m, n, C).

    >>> D = categorical_distances([[[0.5, 0.5]], [[0.9, 0.1]]])
    >>> bool(np.isclose(D[0, 1], -np.log(np.sqrt(0.5 * 0.9) + np.sqrt(0.5 * 0.1))))
    True
    """
    Pm = _models("P", P)
    if Pm.ndim != 3 or np.any(Pm < 0) or not np.allclose(Pm.sum(axis=2), 1.0, rtol=0, atol=1e-12):
        raise InvalidArgument("P", f"array of shape {Pm.shape}", "(models, samples, classes) of probabilities "
                              "summing to 1 over classes")
    root = np.sqrt(Pm)
    m, n, _ = Pm.shape
    overlap = np.einsum("aic,bic->abi", root, root)
    with np.errstate(divide="ignore"):
        D = -np.log(np.clip(overlap, 0.0, 1.0)).mean(axis=2)
    if not np.all(np.isfinite(D)):
        raise InvalidArgument("P", "models with disjoint supports on some sample", "overlapping distributions "
                              "(the distance is infinite otherwise)")
    np.fill_diagonal(D, 0.0)
    return D


@dataclass(frozen=True, eq=False)
class Embedding:
    """An inPCA embedding of m models.

    Attributes
    ----------
    eigenvalues : the m eigenvalues of ``W = -L D L / 2``, sorted by ``|e|`` descending (signed).
    coordinates : (m, m) array, column k is ``v_k sqrt(|e_k|)``.
    frobenius_sq : ``||W||_F^2``.
    """

    eigenvalues: np.ndarray
    coordinates: np.ndarray
    frobenius_sq: float

    def explained_stress(self) -> np.ndarray:
        """``ES_k``, k = 1..m (``theory.sloppy.explained_stress``)."""
        return explained_stress(self.eigenvalues, self.frobenius_sq)

    def ratios(self, k: int) -> np.ndarray:
        """The first ``k`` consecutive ratios ``|e_{i+1}| / |e_i|``."""
        e = np.abs(self.eigenvalues[: k + 1])
        return e[1:] / e[:-1]


def double_centre(D) -> np.ndarray:
    """``W = -L D L / 2``, ``L = I - 1 1^T / m``, without forming L.

    >>> double_centre([[0.0, 1.0], [1.0, 0.0]]).tolist()
    [[0.25, -0.25], [-0.25, 0.25]]
    """
    Dm = as_matrix("D", D)
    if Dm.shape[0] != Dm.shape[1] or Dm.shape[0] < 2:
        raise InvalidArgument("D.shape", Dm.shape, "a square matrix of at least 2 models")
    if np.max(np.abs(Dm - Dm.T)) > 1e-12 * max(1.0, float(np.max(np.abs(Dm)))):
        raise InvalidArgument("D", "a non-symmetric matrix", "a symmetric matrix of pairwise distances")
    centred = Dm - Dm.mean(axis=0, keepdims=True)
    centred -= centred.mean(axis=1, keepdims=True)
    return -(centred + centred.T) / 4


def inpca(D) -> Embedding:
    """Classical MDS on the distance matrix D, keeping signs (note 2).

    >>> e = inpca([[0.0, 1.0], [1.0, 0.0]])
    >>> e.eigenvalues.round(12).tolist(), float(e.explained_stress()[0])
    ([0.5, 0.0], 1.0)
    """
    W = double_centre(D)
    values, vectors = np.linalg.eigh(W)
    order = np.argsort(-np.abs(values), kind="stable")
    values, vectors = values[order], vectors[:, order]
    return Embedding(values, vectors * np.sqrt(np.abs(values)), float(np.sum(W * W)))
