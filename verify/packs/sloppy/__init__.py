"""Pack ``sloppy``: gradient-descent trajectories of linear models lie on low-dimensional hyper-ribbons
(arXiv 2505.08915's setting). Closed forms in :mod:`theory.sloppy`, trajectory ensembles, inPCA and estimators in
:mod:`numerics.sloppy`.

Claims: the sloppy.a1-a12 statements, and two checked on simulated GD ensembles only: the ribbon-versus-plateau
criterion and the plateau count (``_claims``). Pictures: the inPCA embedding spectrum and the ribbon.
"""

from numerics.sloppy import EmbeddingSpectrum, Ribbon

from verify._pack import Pack

from . import _claims
from ._pictures import embedding_spectrum_png, ribbon_png

__all__ = ["PACK"]

PACK = Pack(
    name="sloppy",
    title="Sloppiness: hyper-ribbons of gradient-descent trajectories (arXiv 2505.08915)",
    families=("sloppy",),
    claims=_claims.claims,
    pictures={EmbeddingSpectrum: embedding_spectrum_png, Ribbon: ribbon_png},
)
