r"""Targets y for spiked data: linear, single-index and triple-index models.

The paper's experiments use a "triple index model" (its Appendix C), whose link
we do not know. **The links here are ours** (our note, section 5.1):

* ``linear``:       y = P_1;
* ``single_index``: y = (P_1 + He_2(P_1)/sqrt 2) / sqrt 2;
* ``triple_index``: y = (P_1 + He_2(P_2)/sqrt 2 + P_1 P_2 P_3) / sqrt 3,

with P_k = u_k^T x_B for directions u_k made orthonormal in the Sigma_hat inner
product, so (P_1, P_2, P_3) are i.i.d. N(0, 1) and every target has population
mean 0 and variance 1 before ``mean`` and ``noise`` are added. With
``spike_weight`` w, P_1 is replaced by sqrt(1 - w^2) P_1 + w z: the target then
depends on the spike's latent coordinate (this changes z^T r, hence S12).
"""

from __future__ import annotations

import numpy as np

from theory import UNIT, InvalidArgument, UnknownName

from .._arrays import check_nonnegative, check_rng
from ._spiked import SpikedData

__all__ = ["TARGETS", "target"]

TARGETS = ("linear", "single_index", "triple_index")
_INDICES = {"linear": 1, "single_index": 1, "triple_index": 3}


def _indices(data: SpikedData, k: int, rng: np.random.Generator) -> np.ndarray:
    """k bulk projections P = X_B U with U orthonormal in the Sigma_hat inner product (columns)."""
    if k > data.d:
        raise InvalidArgument("d", data.d, f">= {k} for a model with {k} indices")
    U = rng.standard_normal((data.d, k))
    S = data.bulk.matrix() if data.bulk.basis is not None else None
    gram = U.T @ (S @ U) if S is not None else (U * data.bulk.eigenvalues[:, None]).T @ U
    eig = np.linalg.eigvalsh(gram)
    # Relative test: rounding turns an exactly singular (rotated) Sigma_hat's zero into +-1e-17.
    if eig.min() <= k * data.d * np.finfo(float).eps * eig.max():
        raise InvalidArgument("bulk eigenvalues", f"a (numerically) singular Sigma_hat (Gram eigenvalues {eig})",
                              "positive definite along the random index directions")
    U = U @ np.linalg.inv(np.linalg.cholesky(gram)).T
    return data.X_B @ U


def target(data: SpikedData, kind: str = "triple_index", *, rng: np.random.Generator, mean: float = 0.0,
           noise: float = 0.0, spike_weight: float = 0.0) -> np.ndarray:
    """Targets y (length n) of model ``kind`` (see the module docstring; links are ours).

    >>> from numerics.lowrank import spiked_data
    >>> rng = np.random.default_rng(0)
    >>> y = target(spiked_data(20000, 5, nu=0.25, rng=rng), "triple_index", rng=rng)
    >>> bool(abs(y.mean()) < 0.05 and abs(y.var() - 1) < 0.1)
    True
    """
    if kind not in TARGETS:
        raise UnknownName("target model", kind, TARGETS)
    rng = check_rng(rng)
    noise = check_nonnegative("noise", noise)
    UNIT.validate("spike_weight", spike_weight)
    if not np.isfinite(mean):
        raise InvalidArgument("mean", mean, "a finite number")
    P = _indices(data, _INDICES[kind], rng)
    P[:, 0] = np.sqrt(1 - spike_weight**2) * P[:, 0] + spike_weight * data.z
    if kind == "linear":
        y = P[:, 0]
    elif kind == "single_index":
        y = (P[:, 0] + (P[:, 0] ** 2 - 1) / np.sqrt(2)) / np.sqrt(2)
    else:
        y = (P[:, 0] + (P[:, 1] ** 2 - 1) / np.sqrt(2) + P[:, 0] * P[:, 1] * P[:, 2]) / np.sqrt(3)
    return y + mean + (noise * rng.standard_normal(data.n) if noise else 0.0)
