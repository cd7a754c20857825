"""Simulators and estimators of the low-rank-gradient pack: spiked data, two-layer networks, the gradient
decomposition G = S1 + S12 + S2 + E, regularizers, exact identities with rounding bounds, figure, scaling and
regularizer-effect estimators, the claims-file estimator ``GradientNorms``, and picture data.
"""

from ._decomposition import (MU_MODES, GradientDecomposition, GradientVectors, Preactivations, as_bulk,
                             gradient_decomposition, gradient_vectors, preactivations, top_singular_triplets)
from ._network import LOSSES, SCALINGS, Loss, Network, PowerScaling, loss, network, scaling_factor
from ._population import PopulationMoment, population_moment, population_scales
from ._spiked import BulkCovariance, SpikedData, bulk_covariance, spiked_data, unit_sphere
from ._targets import TARGETS, target
from ._weights import WEIGHTS, inner_weights, outer_weights
from ._reference import ReferenceDecomposition, reference_decomposition
from ._regularizers import input_noise_expected, input_noise_sampled, jacobian_penalty, weight_decay
from ._setup import Problem, Setup
from ._identities import IDENTITIES, IdentityCheck
from ._gradients import GRADIENTS, GradientCheck
from ._figures import CRITERIA, CUTS, USES, ActivationComparison, FigureFrequency, criterion_holds
from ._aligned import ALIGNED_CRITERIA, ALIGNED_USES, CriterionCurves, FrequencyAcrossNu, at_nu, criterion_curves
from ._illustrations import PhaseGrid, Spectrum, gradient_spectrum, phase_grid
from ._scaling import SCALING_QUANTITIES, ScalingSlope
from ._boundary import BoundaryRoot
from ._interpolant import InterpolantResponse
from ._coverage import BulkTraceMC, DriftRatio, NoiseSpikeRatio, s2_norm
from ._regularizer_effects import InputNoiseSpike, WeightDecaySpectrum
from ._gradient_norms import (GRADIENT_MAX_BYTES, GRADIENT_MAX_WORK, GRADIENT_NORMS, GRADIENT_PARAMETERS, GradientNorms,
                              gradient_norms_cost)
from ._mc import (MC_QUANTITIES, EmpiricalResidueSpike, EmpiricalResidueSpikeMC, GaussianMomentsMC,
                  PopulationMu, PopulationMuMC)

__all__ = [
    "MU_MODES", "GradientDecomposition", "GradientVectors", "Preactivations", "as_bulk", "gradient_decomposition",
    "gradient_vectors", "preactivations", "top_singular_triplets", "LOSSES",
    "SCALINGS", "Loss", "Network", "PowerScaling", "loss", "network", "scaling_factor", "PopulationMoment",
    "population_moment",
    "population_scales", "BulkCovariance", "SpikedData", "bulk_covariance", "spiked_data", "unit_sphere", "TARGETS",
    "target", "WEIGHTS", "inner_weights", "outer_weights", "ReferenceDecomposition", "reference_decomposition",
    "input_noise_expected", "input_noise_sampled", "jacobian_penalty", "weight_decay", "Problem", "Setup", "IDENTITIES",
    "IdentityCheck", "GRADIENTS", "GradientCheck", "CRITERIA", "ActivationComparison", "FigureFrequency",
    "criterion_holds", "CUTS", "USES", "ALIGNED_USES",
    "ALIGNED_CRITERIA", "CriterionCurves", "FrequencyAcrossNu", "at_nu", "criterion_curves",
    "PhaseGrid", "Spectrum", "gradient_spectrum", "phase_grid", "SCALING_QUANTITIES", "ScalingSlope",
    "BoundaryRoot", "InterpolantResponse", "BulkTraceMC", "DriftRatio", "NoiseSpikeRatio", "s2_norm",
    "InputNoiseSpike", "WeightDecaySpectrum", "GRADIENT_NORMS", "GRADIENT_PARAMETERS", "GradientNorms", "MC_QUANTITIES",
    "GRADIENT_MAX_WORK", "GRADIENT_MAX_BYTES", "gradient_norms_cost",
    "EmpiricalResidueSpike", "EmpiricalResidueSpikeMC", "GaussianMomentsMC", "PopulationMu", "PopulationMuMC"
]
