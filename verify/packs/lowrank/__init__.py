"""Pack ``lowrank``: the gradient of a two-layer network on spiked data is dominated by two rank-one terms
(arXiv 2510.01303). Its closed forms are in :mod:`theory.lowrank`, its simulators and estimators in
:mod:`numerics.lowrank`.

Claims: the exact identities of the decomposition G = S1 + S12 + S2 + E, the gradients of the regularizers, the
Gaussian moments behind the residue spike (``_claims``); the paper's figure statements and regularizer effects
(``_regimes``); the derived regimes' scaling laws, built from the symbolic derivation (``_regime_claims``);
the bulk trace, the input-noise law and the size of S2 against simulation (``_coverage_claims``); spike-aligned
weights and odd activations over a range of nu (``_aligned_claims``). Pictures: gradient spectra, alignment phase
grids, and criterion frequencies against nu. Claims files get the ``gradient_norms`` estimator;
``python -m verify derive lowrank`` prints the derived regimes (``--check`` verifies them).
"""

from numerics.lowrank import CriterionCurves, PhaseGrid, Spectrum

from verify._pack import Pack

from . import _aligned_claims, _claims, _coverage_claims, _regime_claims, _regimes
from ._aligned_pictures import curves_png
from ._derive import DERIVATION
from ._estimators import GRADIENT_NORMS_SPEC
from ._pictures import phase_pair_png, spectrum_png

__all__ = ["PACK"]

PACK = Pack(
    name="lowrank",
    title="Low-rank gradients of two-layer networks on spiked data (arXiv 2510.01303)",
    families=("lowrank",),
    claims=lambda: (*_claims.claims(), *_regimes.claims(), *_regime_claims.claims(),
                    *_coverage_claims.claims(), *_aligned_claims.claims()),
    pictures={Spectrum: spectrum_png, PhaseGrid: phase_pair_png, CriterionCurves: curves_png},
    estimators=(GRADIENT_NORMS_SPEC,),
    derivation=DERIVATION,
)
