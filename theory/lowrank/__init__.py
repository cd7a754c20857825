"""Closed forms of the low-rank-gradient pack (arXiv 2510.01303's setting): the Gaussian moments behind
the residue spike and the symbolic derivation of the regimes (exponents and boundaries in nu).
"""

from ._moments import GaussianMoments, VanishingByParity
from ._regimes import REGIME_SCALINGS, REGIME_WEIGHTS, ExponentBand, Regime, derive_lowrank

__all__ = [
    "GaussianMoments", "VanishingByParity", "REGIME_SCALINGS", "REGIME_WEIGHTS", "ExponentBand", "Regime",
    "derive_lowrank"
]
