"""Pack ``fluct``: SGD's stationary weight fluctuations in linear networks, noise against Hessian, and the inverse
variance-flatness relation (arXiv 2311.14120's setting). Closed forms in :mod:`theory.fluct`, estimators and SGD
chains in :mod:`numerics.fluct`.

Claims: gradient noise, finite-data and online stationary covariances, the paper's single-layer statements on
simulated weights, the IVFR fit (``_claims``); Lyapunov routes, SGD simulations, the two-layer network (the
second-layer IVFR on simulated weights) and the bottleneck (``_sgd_claims``). Pictures: variance-flatness panels.
"""

from numerics.fluct import VarianceFlatness

from verify._pack import Pack

from . import _claims
from ._pictures import variance_flatness_png

__all__ = ["PACK"]

PACK = Pack(
    name="fluct",
    title="SGD weight fluctuations in linear networks (arXiv 2311.14120)",
    families=("fluct",),
    claims=_claims.claims,
    pictures={VarianceFlatness: variance_flatness_png},
)
