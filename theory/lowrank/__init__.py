"""Closed forms of the low-rank-gradient pack (arXiv 2510.01303's setting): the Gaussian moments behind
the residue spike, the bulk trace, the input-noise law and the size of S2 (``_bulk``), and the symbolic
derivation of the regimes (exponents and boundaries in nu; ours, not the paper's).
"""

from ._moments import GaussianMoments, VanishingByParity
from ._regimes import REGIME_SCALINGS, REGIME_WEIGHTS, ExponentBand, Regime, derive_lowrank, scaling_exponent
from ._boundary import BoundaryBand
from ._bulk import (BulkTrace, NoiseLaw, S2Size, bulk_trace, bulk_trace_expr, bulk_trace_variances, fluctuation_ratio,
                    fluctuation_ratio_expr, noise_law, noise_law_expr, spike_moment_expr)

__all__ = [
    "GaussianMoments", "VanishingByParity", "REGIME_SCALINGS", "REGIME_WEIGHTS", "ExponentBand", "Regime",
    "derive_lowrank", "scaling_exponent", "BoundaryBand", "BulkTrace", "NoiseLaw", "S2Size", "bulk_trace",
    "bulk_trace_expr", "bulk_trace_variances", "fluctuation_ratio", "fluctuation_ratio_expr", "noise_law",
    "noise_law_expr", "spike_moment_expr"
]
