"""Closed forms (SymPy) for the theory verifier. ``theory`` never samples.

Public surface: the activation library (symbolic, numpy and mpmath forms);
Hermite coefficients (exact closed forms for general k, arbitrary-precision
quadrature elsewhere); dual kernels; Gaussian moments; scoped-precision
evaluation; parameter domains; formulas parsed from untrusted text by a
whitelist parser (claims files); SGD weight fluctuations in linear networks
(gradient noise, Lyapunov and exact discrete-time stationary covariances,
two-layer projector and layer variances, IVFR reference cases); sloppiness of GD
trajectories of linear models (Gaussian Bhattacharyya distance, inPCA of
linear-Gaussian models as PCA, trajectory-ensemble second moments, plateau and
tail, the infinite-horizon Toeplitz limit, explained stress, SGD moments); and
the project's exception family.
"""

from ._activations import Activation, activation, activation_parameters, activations, has_closed_form, x
from ._coefficients import HermiteCoefficients, HermiteExpansion, hermite_coefficients, hermite_expansion
from ._domain import COUNT, INDEX, NONNEGATIVE, POSITIVE, REAL, UNIT, Interval
from ._dual_kernel import SERIES_ORDER, DualKernel, KernelValue, dual_kernel, dual_kernel_expr, hermite_series, rho
from ._hermite_quad import hermite_quadrature
from ._errors import InvalidArgument, NoConvergence, UnknownName, VerifierError
from ._evaluate import GUARD_DIGITS, evaluate, evaluate_with_error
from ._gaussian import (PARAMETER_SYMBOLS, QUANTITIES, GaussianMoment, gaussian_integrand, gaussian_moment,
                        gaussian_moment_value, s, split_parameters)
from ._hermite import hermite_coefficient_expr
from ._vectorised import derivative_function, moment_function
from ._moment_predictions import GaussianMoments, VanishingByParity
from ._formula import CONSTANTS, FUNCTIONS, Formula, FormulaError, parse_formula
from ._formula_claims import FormulaPrediction, FormulaRange, components
from ._regimes import REGIME_SCALINGS, REGIME_WEIGHTS, ExponentBand, Regime, derive_lowrank
from ._sgd_noise import (Deviation, GradientNoise, LeastSquares, empirical_noise, gaussian_fourth_moment, gradient_noise,
                         isserlis_fourth_moment, label_averaged_noise, least_squares, minibatch_factor, minibatch_noise,
                         noise_hessian_deviation)
from ._lyapunov import (IsotropicSolution, commutator, excess_loss, isotropic_solution, lyapunov, lyapunov_error_bound,
                        lyapunov_scipy, probability_current, range_projector_of, trace_identity)
from ._ivfr import IVFR_CASES, IvfrReference, flatness, flatness_quadratic, ivfr_power_exponent, ivfr_reference
from ._sgd_stationary import (MAX_FINITE_DATA_N, Expansion, OnlineStationaryExpr, bracket_operator, finite_data_max_eta,
                              finite_data_stationary, first_order_correction, online_max_eta, online_series,
                              online_stationary, online_stationary_expr, online_stationary_mp)
from ._two_layer import (BalancedMinimum, Block, BottleneckPair, BottleneckProblem, LayerBlock, LayerVariances,
                         balanced_minimum, bottleneck_block, bottleneck_problem, conserved, ivfr_exponent, jacobian,
                         layer_variances, population_loss, range_projector, second_layer_block)
from ._bhattacharyya import (bhattacharyya_expr, gaussian_bhattacharyya, gaussian_bhattacharyya_mp, inpca_gram,
                             inpca_spectrum)
from ._gd_ensemble import (MAX_STEPS, GeometricSums, PlateauTerms, check_spectrum, check_step, embedding_eigenvalues,
                           ensemble_covariance, ensemble_covariance_mp, gd_trajectory, geometric_spectrum,
                           geometric_sums, gradient_flow_covariance, kernel_ensemble_covariance, plateau_count,
                           plateau_terms, power_law_spectrum)
from ._toeplitz import CauchyLimit, ToeplitzEnds, cauchy_limit, toeplitz_ends, toeplitz_limit_matrix, toeplitz_symbol
from ._stress import explained_stress, parseval_residual, sort_by_magnitude
from ._sgd_moments import SgdMoments, sgd_ensemble_covariance, sgd_moments
from ._sloppy_predictions import (BhattacharyyaPrediction, EnsembleSpectrum, SgdEnsembleSpectrum, SgdMomentsPrediction,
                                  SymbolEnds, TailRatio, ground_truth, sgd_components, spectrum_of)
from ._fluctuation_predictions import (Constant, DriftPrediction, GradientNoisePrediction, IvfrExponent,
                                      OnlineStationaryPrediction, correlated_covariance)

from ._weight_decay import (C_REG, StationaryChain, check_decay_step, check_regulariser, common_norm_sq, decay_factor,
                            gd_fixed_point_symbolic, gf_balance_factor, logistic_norm_constant, logistic_norm_symbolic,
                            merge_bound, norm_bound, schatten_cost, stable_rank, stable_rank_bound, stationary_chain,
                            transfer_kappa, transfer_kappa_symbolic)

__all__ = [
    "Activation", "activation", "activation_parameters", "activations", "has_closed_form", "x",
    "HermiteCoefficients", "HermiteExpansion", "hermite_coefficients", "hermite_quadrature", "hermite_series", "hermite_expansion", "hermite_coefficient_expr",
    "SERIES_ORDER", "DualKernel", "KernelValue", "dual_kernel", "dual_kernel_expr", "rho",
    "Interval", "COUNT", "INDEX", "NONNEGATIVE", "POSITIVE", "REAL", "UNIT",
    "VerifierError", "InvalidArgument", "UnknownName", "NoConvergence",
    "evaluate", "evaluate_with_error", "GUARD_DIGITS",
    "PARAMETER_SYMBOLS", "QUANTITIES", "GaussianMoment", "gaussian_integrand", "gaussian_moment",
    "gaussian_moment_value", "s", "split_parameters",
    "derivative_function", "moment_function", "GaussianMoments", "VanishingByParity",
    "REGIME_SCALINGS", "REGIME_WEIGHTS", "ExponentBand", "Regime", "derive_lowrank",
    "CONSTANTS", "FUNCTIONS", "Formula", "FormulaError", "parse_formula",
    "FormulaPrediction", "FormulaRange", "components",
    "GradientNoise", "gradient_noise", "gaussian_fourth_moment", "isserlis_fourth_moment", "minibatch_factor",
    "minibatch_noise", "LeastSquares", "least_squares", "empirical_noise", "label_averaged_noise", "Deviation",
    "noise_hessian_deviation",
    "lyapunov", "lyapunov_scipy", "lyapunov_error_bound", "range_projector_of", "probability_current", "commutator",
    "excess_loss", "trace_identity", "IsotropicSolution", "isotropic_solution",
    "IVFR_CASES", "IvfrReference", "ivfr_reference", "ivfr_power_exponent", "flatness", "flatness_quadratic",
    "OnlineStationaryExpr", "online_stationary_expr", "online_series", "online_max_eta", "online_stationary",
    "online_stationary_mp", "finite_data_max_eta", "finite_data_stationary", "bracket_operator", "Expansion",
    "first_order_correction", "MAX_FINITE_DATA_N",
    "jacobian", "range_projector", "BalancedMinimum", "balanced_minimum", "LayerVariances", "layer_variances",
    "LayerBlock", "second_layer_block", "ivfr_exponent", "Block", "bottleneck_block", "BottleneckPair",
    "BottleneckProblem", "bottleneck_problem", "population_loss", "conserved",
    "Constant", "DriftPrediction", "GradientNoisePrediction", "IvfrExponent", "OnlineStationaryPrediction",
    "correlated_covariance",
    "bhattacharyya_expr", "gaussian_bhattacharyya", "gaussian_bhattacharyya_mp", "inpca_gram", "inpca_spectrum",
    "MAX_STEPS", "GeometricSums", "PlateauTerms", "check_spectrum", "check_step", "embedding_eigenvalues",
    "ensemble_covariance", "ensemble_covariance_mp", "gd_trajectory", "kernel_ensemble_covariance",
    "geometric_spectrum", "geometric_sums",
    "gradient_flow_covariance", "plateau_count", "plateau_terms", "power_law_spectrum",
    "CauchyLimit", "ToeplitzEnds", "cauchy_limit", "toeplitz_ends", "toeplitz_limit_matrix", "toeplitz_symbol",
    "explained_stress", "parseval_residual", "sort_by_magnitude", "SgdMoments", "sgd_moments",
    "sgd_ensemble_covariance", "BhattacharyyaPrediction", "EnsembleSpectrum", "SgdEnsembleSpectrum",
    "SgdMomentsPrediction", "SymbolEnds", "TailRatio", "ground_truth",
    "sgd_components", "spectrum_of",
    "C_REG", "StationaryChain", "check_decay_step", "check_regulariser", "common_norm_sq", "decay_factor",
    "gd_fixed_point_symbolic", "gf_balance_factor", "logistic_norm_constant", "logistic_norm_symbolic", "merge_bound",
    "norm_bound", "schatten_cost", "stable_rank", "stable_rank_bound", "stationary_chain", "transfer_kappa",
    "transfer_kappa_symbolic",
]
