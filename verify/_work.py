"""What a worker runs: a claim's prediction, one look's estimate, one draw, the claim's pictures and plot.

These are plain module-level functions, so a process pool or a Dask worker can call them by reference.
The claim travels as a cloudpickle blob (claims hold closures and partials that plain pickle refuses) and is
unpickled once per worker process, then kept by the blob's digest. Nothing here decides.
"""

from __future__ import annotations

import hashlib
import pickle
from collections import OrderedDict
from dataclasses import replace

import cloudpickle

from ._check import estimate as _estimate
from ._check import one_blas_thread
from ._check import predict as _predict
from ._claim import Claim

__all__ = ["ClaimBlob", "WorkError", "predict", "estimate", "draw", "pictures", "plot"]

_KEEP = 256
_CLAIMS: OrderedDict[str, Claim] = OrderedDict()


class ClaimBlob:
    """A claim pickled once (cloudpickle), with the digest its workers keep it under."""

    __slots__ = ("digest", "data")

    def __init__(self, claim: Claim):
        self.data = cloudpickle.dumps(claim)
        self.digest = hashlib.sha256(self.data).hexdigest()

    def __getstate__(self):
        return self.digest, self.data

    def __setstate__(self, state):
        self.digest, self.data = state

    def claim(self) -> Claim:
        found = _CLAIMS.get(self.digest)
        if found is None:
            found = _CLAIMS[self.digest] = cloudpickle.loads(self.data)
            while len(_CLAIMS) > _KEEP:
                _CLAIMS.popitem(last=False)
        return found


class WorkError(RuntimeError):
    """An exception raised on a worker that could not travel back as itself (it does not pickle)."""


def _carried(work):
    """Run ``work()``; an exception that would not unpickle in the parent is sent as a :class:`WorkError` with its
    type and message (else the pool would take it for a dead worker)."""
    try:
        return work()
    except Exception as exc:
        try:
            pickle.loads(pickle.dumps(exc))
        except Exception:  # noqa: BLE001
            raise WorkError(f"{type(exc).__name__}: {exc}") from None
        raise


def predict(blob: ClaimBlob):
    """The claim's prediction and its own error bound."""
    return _carried(lambda: _predict(blob.claim()))


def estimate(blob: ClaimBlob, seed: int, look: int, n: int | None):
    """One look's estimate, from the look's own stream."""
    return _carried(lambda: _estimate(blob.claim(), seed, look, n))


def draw(fn_data: bytes, item: object):
    """One independent draw of an estimator that maps its draws (``fn`` pickled by cloudpickle)."""
    def work():
        with one_blas_thread():
            return cloudpickle.loads(fn_data)(item)
    return _carried(work)


def pictures(blob: ClaimBlob) -> tuple[tuple[str, bytes], ...]:
    """The claim's pictures (:func:`verify.report.claim_pictures`), drawn on a worker."""
    from .report import claim_pictures

    return _carried(lambda: claim_pictures(blob.claim()))


def plot(blob: ClaimBlob, verdict) -> bytes | None:
    """The report's plot of a verdict sent without its claim (:func:`verify.report.verdict_plot`)."""
    from .report import verdict_plot

    return _carried(lambda: verdict_plot(replace(verdict, claim=blob.claim())))
