"""Closed forms of the SGD weight-fluctuation pack (arXiv 2311.14120's setting): gradient noise, Lyapunov
and exact discrete-time stationary covariances, two-layer projectors and layer variances, IVFR reference cases,
and the predictions of the fluct claims.
"""

from ._noise import (Deviation, GradientNoise, LeastSquares, empirical_noise, gaussian_fourth_moment,
                     gradient_noise, isserlis_fourth_moment, label_averaged_noise, least_squares,
                     minibatch_factor, minibatch_noise, noise_hessian_deviation)
from ._lyapunov import (IsotropicSolution, commutator, excess_loss, isotropic_solution, lyapunov,
                        lyapunov_error_bound, lyapunov_scipy, probability_current, range_projector_of,
                        trace_identity)
from ._ivfr import IVFR_CASES, IvfrReference, flatness, flatness_quadratic, ivfr_power_exponent, ivfr_reference
from ._stationary import (MAX_FINITE_DATA_N, Expansion, OnlineStationaryExpr, bracket_operator,
                          finite_data_max_eta, finite_data_stationary, first_order_correction, online_max_eta,
                          online_series, online_stationary, online_stationary_expr, online_stationary_mp)
from ._two_layer import (BalancedMinimum, Block, BottleneckPair, BottleneckProblem, LayerBlock, LayerVariances,
                         balanced_minimum, bottleneck_block, bottleneck_problem, conserved, ivfr_exponent,
                         jacobian, layer_variances, population_loss, range_projector, second_layer_block)
from ._predictions import (BottleneckNoisePrediction, Constant, DriftPrediction, GradientNoisePrediction, IvfrExponent,
                           KappaBand,
                           OnlineStationaryPrediction, correlated_covariance)

__all__ = [
    "BottleneckNoisePrediction", "KappaBand",
    "Deviation", "GradientNoise", "LeastSquares", "empirical_noise", "gaussian_fourth_moment", "gradient_noise",
    "isserlis_fourth_moment", "label_averaged_noise", "least_squares", "minibatch_factor", "minibatch_noise",
    "noise_hessian_deviation", "IsotropicSolution", "commutator", "excess_loss", "isotropic_solution", "lyapunov",
    "lyapunov_error_bound", "lyapunov_scipy", "probability_current", "range_projector_of", "trace_identity",
    "IVFR_CASES", "IvfrReference", "flatness", "flatness_quadratic", "ivfr_power_exponent", "ivfr_reference",
    "MAX_FINITE_DATA_N", "Expansion", "OnlineStationaryExpr", "bracket_operator", "finite_data_max_eta",
    "finite_data_stationary", "first_order_correction", "online_max_eta", "online_series", "online_stationary",
    "online_stationary_expr", "online_stationary_mp", "BalancedMinimum", "Block", "BottleneckPair", "BottleneckProblem",
    "LayerBlock", "LayerVariances", "balanced_minimum", "bottleneck_block", "bottleneck_problem", "conserved",
    "ivfr_exponent", "jacobian", "layer_variances", "population_loss", "range_projector", "second_layer_block",
    "Constant", "DriftPrediction", "GradientNoisePrediction", "IvfrExponent", "OnlineStationaryPrediction",
    "correlated_covariance"
]
