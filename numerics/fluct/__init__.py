"""Estimators of the SGD weight-fluctuation pack: gradient-noise Monte Carlo, noise-vs-Hessian gaps,
Lyapunov routes, stationary SGD chains and the variance-flatness fit, simulated single-layer and second-layer
fluctuations, and picture data.
"""

from ._ivfr_fit import (IvfrFitMC, VarianceFlatness, covariance_components_of, fit_exponent, flatness_along,
                        reference_hessian, variance_flatness)
from ._noise import (FourthMomentExact, GradientNoiseMC, MinibatchEnumeration, MinibatchPrediction,
                     integer_gradients, upper_triangle)
from ._noise_hessian import (DeviationExponent, DeviationTable, IsotropicLoss, NoiseHessianGap, design,
                             isotropic_loss_statistics)
from ._lyapunov import (BottleneckHessian, CurrentCheck, IsotropyCheck, LyapunovRoutes, SecondLayerCheck,
                        TraceIdentityCheck, random_pair, second_layer_picture)
from ._bottleneck import BottleneckNoiseMC
from ._second_layer import (SecondLayerExponentPrediction, SecondLayerSGD, coupling_exponents, log_slope,
                            second_layer_directions)
from ._single_layer import SimulatedAnisotropy, SimulatedNoiseGap, simulate_single_layer
from ._stationary import (ConservationIdentity, ConservedDriftMC, Extrapolated, FiniteDataStationary,
                          FiniteDataStationaryMC, OnlineStationaryMC, TwoLayerRangeMC, finite_dataset,
                          two_layer_problem)

__all__ = [
    "IvfrFitMC", "VarianceFlatness", "covariance_components_of", "fit_exponent", "flatness_along", "reference_hessian",
    "variance_flatness", "FourthMomentExact", "GradientNoiseMC", "MinibatchEnumeration", "MinibatchPrediction",
    "integer_gradients", "upper_triangle", "DeviationExponent", "IsotropicLoss", "NoiseHessianGap", "design",
    "isotropic_loss_statistics", "BottleneckHessian", "CurrentCheck", "IsotropyCheck", "LyapunovRoutes",
    "SecondLayerCheck", "TraceIdentityCheck", "random_pair", "second_layer_picture", "ConservationIdentity",
    "ConservedDriftMC", "Extrapolated", "FiniteDataStationary", "FiniteDataStationaryMC", "OnlineStationaryMC",
    "TwoLayerRangeMC", "finite_dataset", "two_layer_problem", "SecondLayerExponentPrediction", "SecondLayerSGD",
    "coupling_exponents", "log_slope", "second_layer_directions", "SimulatedAnisotropy", "SimulatedNoiseGap",
    "simulate_single_layer", "DeviationTable", "BottleneckNoiseMC"
]
