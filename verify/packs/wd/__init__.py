"""Pack ``wd``: weight decay gives alignment, norm balance, low rank, and model merging (arXiv 2502.17340's
setting). Closed forms in :mod:`theory.wd`, trainers and bound-carrying checks in :mod:`numerics.wd`.

Claims: C1-C20 (``_claims``), and the squared-loss N1, its bound and rank <= K (``_coverage_claims``). Pictures:
singular values per layer, layer norms against N1 and N2, merge curves.
"""

from numerics.wd import LayerNorms, LayerSpectra, MergeCurve

from verify._pack import Pack

from . import _claims, _coverage_claims
from ._pictures import layer_norms_png, layer_spectra_png, merge_png

__all__ = ["PACK"]


def _all_claims() -> tuple:
    return (*_claims.claims(), *_coverage_claims.claims())


PACK = Pack(
    name="wd",
    title="Weight decay: alignment, norm balance, low rank and merging (arXiv 2502.17340)",
    families=("wd",),
    claims=_all_claims,
    pictures={LayerSpectra: layer_spectra_png, LayerNorms: layer_norms_png, MergeCurve: merge_png},
)
