"""Simulators and estimators of the sloppiness pack: GD trajectory ensembles, inPCA embeddings, exact and
Monte Carlo estimators of the sloppy claims, the simulated ribbon criterion and plateau widths (``_ribbon``), and
picture data (embedding spectra, ribbons). Each estimator declares its ``route`` (simulation, quadrature,
second_path or identity: how its estimate is independent of the prediction).
"""

from ._trajectories import BLOCK, EnsembleMoments, GDProblem, design_with_spectrum
from ._inpca import Embedding, categorical_distances, double_centre, gaussian_distances, inpca
from ._exact import (BhattacharyyaQuad, GdIteration, InpcaPrediction, InpcaRoutes, PlateauSums, SigmaLimits,
                     TailBracket, embedding_rounding, prediction_matrix)
from ._mc import (MONOMIALS, EnsembleSpectrumMC, KernelSpectrum, KernelSpectrumMC, SgdEnsembleSpectrumMC,
                  SgdMomentsMC, kernel_problem, linear_problem, polynomial_features)
from ._checks import (CauchyLimitSymbolic, GeometricSumsSymbolic, InvarianceCheck, RibbonCriterion, StressLaws,
                      SymbolRoutes, ToeplitzGaps, categorical_ensemble, trajectory_embedding)
from ._pictures import EmbeddingSpectrum, Ribbon, embedding_spectrum_picture, ribbon_picture
from ._ribbon import PlateauRanges, PlateauWidths, RibbonEnsemble, simulated_problem, single_trajectory_ratios

__all__ = [
    "BLOCK", "EnsembleMoments", "GDProblem", "design_with_spectrum", "Embedding", "categorical_distances",
    "double_centre", "gaussian_distances", "inpca", "BhattacharyyaQuad", "GdIteration", "InpcaPrediction",
    "InpcaRoutes", "PlateauSums", "SigmaLimits", "TailBracket", "embedding_rounding", "prediction_matrix", "MONOMIALS",
    "EnsembleSpectrumMC", "KernelSpectrum", "KernelSpectrumMC", "SgdEnsembleSpectrumMC", "SgdMomentsMC",
    "kernel_problem", "linear_problem", "polynomial_features", "CauchyLimitSymbolic", "GeometricSumsSymbolic",
    "InvarianceCheck", "RibbonCriterion", "StressLaws", "SymbolRoutes", "ToeplitzGaps", "categorical_ensemble",
    "trajectory_embedding", "EmbeddingSpectrum", "Ribbon", "embedding_spectrum_picture", "ribbon_picture",
    "PlateauRanges", "PlateauWidths", "RibbonEnsemble", "simulated_problem", "single_trajectory_ratios"
]
