"""Estimators (numpy, scipy, mpmath): Monte Carlo and quadrature. ``numerics`` never decides.

Every estimator returns an :class:`Estimate` carrying its value(s), standard
error or bound, sample count, method, seed and precision. Randomness enters
only through an explicit ``numpy.random.Generator``.
"""

from ._estimate import Estimate, seed_of
from ._hermite import DualKernelMC, DualKernelSeries, HermiteQuadrature, dual_kernel_mc
from ._intervals import confidence_bounds, confidence_radius, detectable_discrepancy, samples_needed, upper_quantile
from ._montecarlo import GaussianMomentMC, gaussian_expectation_mc
from ._quadrature import GaussianMomentQuad, gaussian_expectation_quad
from ._decomposition import MU_MODES, GradientDecomposition, as_bulk, gradient_decomposition, top_singular_triplets
from ._network import LOSSES, SCALINGS, Loss, Network, loss, network, scaling_factor
from ._population import PopulationMoment, population_moment, population_scales
from ._spiked import BulkCovariance, SpikedData, bulk_covariance, spiked_data, unit_sphere
from ._targets import TARGETS, target
from ._weights import WEIGHTS, inner_weights, outer_weights
from ._reference import ReferenceDecomposition, reference_decomposition
from ._regularizers import input_noise_expected, input_noise_sampled, jacobian_penalty, weight_decay
from ._finite_difference import finite_difference_gradient
from ._lowrank_setup import Problem, Setup
from ._identities import IDENTITIES, IdentityCheck
from ._rounding import ExactIdentity, gamma_k, rounding_bound
from ._gradient_checks import GRADIENTS, GradientCheck
from ._figure_checks import CRITERIA, ActivationComparison, FigureFrequency, criterion_holds
from ._illustrations import PhaseGrid, Spectrum, gradient_spectrum, phase_grid
from ._scaling import SCALING_QUANTITIES, ScalingSlope
from ._regularizer_effects import InputNoiseSpike, WeightDecaySpectrum
from ._formula_estimators import FormulaExpectationMC, FormulaExpectationQuad
from ._gradient_norms import GRADIENT_NORMS, GRADIENT_PARAMETERS, GradientNorms
from ._lowrank_mc import (MC_QUANTITIES, EmpiricalResidueSpike, EmpiricalResidueSpikeMC, GaussianMomentsMC,
                          PopulationMu, PopulationMuMC)
from ._chain_stats import (BatchMeans, ChainMoments, ChainStatistic, batch_means, chain_statistic,
                           covariance_components, integrated_autocorrelation_time)
from ._sgd import CHAIN_BLOCK, FiniteDataSGD, OnlineLinearSGD, TwoLayerSGD
from ._ivfr_fit import (IvfrFitMC, VarianceFlatness, covariance_components_of, fit_exponent, flatness_along,
                        reference_hessian, variance_flatness)
from ._noise_checks import (FourthMomentExact, GradientNoiseMC, MinibatchEnumeration, MinibatchPrediction,
                            integer_gradients, upper_triangle)
from ._noise_hessian import DeviationExponent, IsotropicLoss, NoiseHessianGap, design, isotropic_loss_statistics
from ._lyapunov_checks import (BottleneckHessian, CurrentCheck, IsotropyCheck, LyapunovRoutes, SecondLayerCheck,
                               TraceIdentityCheck, random_pair, second_layer_picture)
from ._sgd_checks import (ConservationIdentity, ConservedDriftMC, Extrapolated, FiniteDataStationary,
                          FiniteDataStationaryMC, OnlineStationaryMC, TwoLayerRangeMC, finite_dataset, two_layer_problem)

from ._trajectories import BLOCK, EnsembleMoments, GDProblem, design_with_spectrum
from ._inpca import Embedding, categorical_distances, double_centre, gaussian_distances, inpca
from ._sloppy_exact import (BhattacharyyaQuad, GdIteration, InpcaPrediction, InpcaRoutes, PlateauSums, SigmaLimits,
                            TailBracket, embedding_rounding, prediction_matrix)
from ._sloppy_mc import (MONOMIALS, EnsembleSpectrumMC, KernelSpectrum, KernelSpectrumMC, SgdEnsembleSpectrumMC,
                         SgdMomentsMC, kernel_problem, linear_problem, polynomial_features)
from ._sloppy_checks import (CauchyLimitSymbolic, GeometricSumsSymbolic, InvarianceCheck, RibbonCriterion,
                             StressLaws, SymbolRoutes, ToeplitzGaps, categorical_ensemble,
                             trajectory_embedding)
from ._wd_nets import (ACTIVATIONS, DecayNet, Trained, WindowStats, gradient_magnitude, gradients, logistic_task,
                       loss_and_accuracy, merge, orthogonal_tasks, random_net, require_orthogonal, shallow_net,
                       task_overlap, train)
from ._wd_checks import WD_CHECKS, WdCheck, merge_pair, merge_sweep, setup_values, trained_setup
from ._wd_pictures import (LayerNorms, LayerNormsPicture, LayerSpectra, MergeCurve, MergePicture,
                           SingularValuesPicture)
from ._ribbon_pictures import EmbeddingSpectrum, Ribbon, embedding_spectrum_picture, ribbon_picture

__all__ = [
    "Estimate", "seed_of",
    "DualKernelMC", "DualKernelSeries", "HermiteQuadrature", "dual_kernel_mc",
    "confidence_bounds", "confidence_radius", "detectable_discrepancy", "samples_needed", "upper_quantile",
    "GaussianMomentMC", "gaussian_expectation_mc",
    "GaussianMomentQuad", "gaussian_expectation_quad",
    "MU_MODES", "GradientDecomposition", "as_bulk", "gradient_decomposition", "top_singular_triplets",
    "LOSSES", "SCALINGS", "Loss", "Network", "loss", "network", "scaling_factor",
    "PopulationMoment", "population_moment", "population_scales",
    "BulkCovariance", "SpikedData", "bulk_covariance", "spiked_data", "unit_sphere",
    "TARGETS", "target", "WEIGHTS", "inner_weights", "outer_weights",
    "ReferenceDecomposition", "reference_decomposition",
    "input_noise_expected", "input_noise_sampled", "jacobian_penalty", "weight_decay", "finite_difference_gradient",
    "Problem", "Setup", "IDENTITIES", "ExactIdentity", "IdentityCheck", "gamma_k", "rounding_bound", "GRADIENTS", "GradientCheck",
    "MC_QUANTITIES", "EmpiricalResidueSpike", "EmpiricalResidueSpikeMC", "GaussianMomentsMC",
    "PopulationMu", "PopulationMuMC",
    "CRITERIA", "ActivationComparison", "FigureFrequency", "criterion_holds",
    "PhaseGrid", "Spectrum", "gradient_spectrum", "phase_grid", "SCALING_QUANTITIES", "ScalingSlope",
    "InputNoiseSpike", "WeightDecaySpectrum",
    "GRADIENT_NORMS", "GRADIENT_PARAMETERS", "FormulaExpectationMC", "FormulaExpectationQuad", "GradientNorms",
    "IvfrFitMC", "VarianceFlatness", "covariance_components_of", "fit_exponent", "flatness_along",
    "reference_hessian", "variance_flatness",
    "FourthMomentExact", "GradientNoiseMC", "MinibatchEnumeration", "MinibatchPrediction", "integer_gradients",
    "upper_triangle", "DeviationExponent", "IsotropicLoss", "NoiseHessianGap", "design", "isotropic_loss_statistics",
    "BottleneckHessian", "CurrentCheck", "IsotropyCheck", "LyapunovRoutes", "SecondLayerCheck", "TraceIdentityCheck",
    "random_pair", "second_layer_picture",
    "ConservationIdentity", "ConservedDriftMC", "Extrapolated", "FiniteDataStationary", "FiniteDataStationaryMC",
    "OnlineStationaryMC", "TwoLayerRangeMC", "finite_dataset", "two_layer_problem",
    "BatchMeans", "ChainMoments", "ChainStatistic", "batch_means", "chain_statistic", "covariance_components",
    "integrated_autocorrelation_time", "CHAIN_BLOCK", "FiniteDataSGD", "OnlineLinearSGD", "TwoLayerSGD",
    "BLOCK", "EnsembleMoments", "GDProblem", "design_with_spectrum",
    "Embedding", "categorical_distances", "double_centre", "gaussian_distances", "inpca",
    "BhattacharyyaQuad", "GdIteration", "InpcaPrediction", "InpcaRoutes", "PlateauSums", "SigmaLimits", "TailBracket",
    "embedding_rounding", "prediction_matrix",
    "EnsembleSpectrumMC", "KernelSpectrum", "KernelSpectrumMC", "SgdEnsembleSpectrumMC", "SgdMomentsMC",
    "kernel_problem", "linear_problem", "MONOMIALS", "polynomial_features",
    "CauchyLimitSymbolic", "GeometricSumsSymbolic", "InvarianceCheck", "RibbonCriterion", "StressLaws",
    "SymbolRoutes", "ToeplitzGaps", "categorical_ensemble", "trajectory_embedding",
    "EmbeddingSpectrum", "Ribbon", "embedding_spectrum_picture", "ribbon_picture",
    "ACTIVATIONS", "DecayNet", "Trained", "WindowStats", "gradient_magnitude", "gradients", "logistic_task",
    "loss_and_accuracy", "merge", "orthogonal_tasks", "random_net", "require_orthogonal", "shallow_net",
    "task_overlap", "train", "WD_CHECKS", "WdCheck", "merge_pair", "merge_sweep", "setup_values", "trained_setup",
    "LayerNorms", "LayerNormsPicture", "LayerSpectra", "MergeCurve", "MergePicture", "SingularValuesPicture",
]
