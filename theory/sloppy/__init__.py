"""Closed forms of the sloppiness pack (arXiv 2505.08915's setting): the Gaussian Bhattacharyya distance,
inPCA of linear-Gaussian models as PCA, trajectory-ensemble second moments, plateau and tail, the
infinite-horizon Toeplitz limit, explained stress, SGD moments, and the predictions of the sloppy claims.
"""

from ._bhattacharyya import (bhattacharyya_expr, gaussian_bhattacharyya, gaussian_bhattacharyya_mp, inpca_gram,
                             inpca_spectrum)
from ._ensemble import (MAX_STEPS, GeometricSums, PlateauTerms, check_spectrum, check_step,
                        embedding_eigenvalues, ensemble_covariance, ensemble_covariance_mp, gd_trajectory,
                        geometric_spectrum, geometric_sums, gradient_flow_covariance,
                        kernel_ensemble_covariance, plateau_count, plateau_terms, power_law_spectrum)
from ._toeplitz import (CauchyLimit, ToeplitzEnds, cauchy_limit, toeplitz_ends, toeplitz_limit_matrix,
                        toeplitz_symbol)
from ._stress import explained_stress, parseval_residual, sort_by_magnitude
from ._sgd_moments import SgdMoments, sgd_ensemble_covariance, sgd_moments
from ._predictions import (BhattacharyyaPrediction, EnsembleSpectrum, SgdEnsembleSpectrum, SgdMomentsPrediction,
                           SymbolEnds, TailRatio, ground_truth, sgd_components, spectrum_of)

__all__ = [
    "bhattacharyya_expr", "gaussian_bhattacharyya", "gaussian_bhattacharyya_mp", "inpca_gram", "inpca_spectrum",
    "MAX_STEPS", "GeometricSums", "PlateauTerms", "check_spectrum", "check_step", "embedding_eigenvalues",
    "ensemble_covariance", "ensemble_covariance_mp", "gd_trajectory", "geometric_spectrum", "geometric_sums",
    "gradient_flow_covariance", "kernel_ensemble_covariance", "plateau_count", "plateau_terms", "power_law_spectrum",
    "CauchyLimit", "ToeplitzEnds", "cauchy_limit", "toeplitz_ends", "toeplitz_limit_matrix", "toeplitz_symbol",
    "explained_stress", "parseval_residual", "sort_by_magnitude", "SgdMoments", "sgd_ensemble_covariance",
    "sgd_moments", "BhattacharyyaPrediction", "EnsembleSpectrum", "SgdEnsembleSpectrum", "SgdMomentsPrediction",
    "SymbolEnds", "TailRatio", "ground_truth", "sgd_components", "spectrum_of"
]
