"""The chunked chain loop shared by the SGD simulators of ``_sgd``: randomness, recording, memory.

Layout: inside a chunk, every per-chain array keeps the chains on its LAST axis (the state u
is (p, chains)), so a step's contractions over the few weights run as long vector loops.
A model supplies ``_shift`` (state = u + shift), ``_origin`` (the reference point in u; the default
start, and the recorded deviation is u - origin),
``_workspace(n, **options)`` (preallocated buffers; an ``"extras"`` dict of per-chain
accumulators, chains last), ``_draws(ws)`` (the random buffers to fill each step, in order)
and ``_step(u, ws)`` (one in-place update of u).

Reproducibility: chains are cut into blocks of :data:`CHAIN_BLOCK`; block b draws from
``rng.spawn(n_blocks)[b]`` (a chunk's last block is padded to full size and the padding
discarded), so chain i's numbers depend neither on the chunk size nor on ``n_chains``.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

from theory import COUNT, INDEX, POSITIVE, InvalidArgument, NoConvergence

from ._arrays import check_rng
from ._chain_stats import ChainMoments
from ._estimate import seed_of

__all__ = ["CHAIN_BLOCK", "MEMORY_BUDGET", "Chains", "run_chains", "check_eta", "initial_states"]

#: Chains per random stream (one spawned generator each); fixed, so results never depend on chunking.
CHAIN_BLOCK = 256
#: Working memory (bytes) that a default chunk of chains may use.
MEMORY_BUDGET = 200e6
_RECORD_BUFFER = 32   # records buffered per flush; v v^T then accumulates as one batched matmul
_CHECK_EVERY = 64     # steps between finiteness checks of the state


def check_eta(eta: object, lmax: float) -> float:
    """``eta`` in (0, inf) with eta * lmax < 2 (a necessary condition for a stable step), as a float."""
    POSITIVE.validate("eta", eta)
    if lmax > 0 and eta * lmax >= 2:
        raise InvalidArgument("eta", eta, f"in (0, {2 / lmax:.4g}) for stability (eta * largest curvature < 2)")
    return float(eta)


class Chains:
    """Base of the simulators: the shared ``run`` (validation and the chunked loop: :func:`run_chains`)."""

    def run(self, n_chains: int, *, rng: np.random.Generator, burn_in: int, steps: int, thin: int = 1,
            start: object = None, record: Callable | None = None, project: object = None,
            progress: Callable[[int, int], None] | None = None, chunk: int | None = None) -> ChainMoments:
        """Run ``n_chains`` independent chains for ``burn_in + steps`` steps; time averages over the window.

        Parameters
        ----------
        n_chains, burn_in, steps, thin : chains; discarded steps; window length; record every
            ``thin``-th step of the window (``steps // thin`` records per chain).
        rng : the generator; block b of :data:`CHAIN_BLOCK` chains uses ``rng.spawn(...)[b]`` (spawning
            advances ``rng``: a second run with the same generator gets fresh, independent streams).
        start : the starting state, (p,) or (n_chains, p); default the reference point.
        record : None records the deviation from the reference point; else a callable
            state (chains, p) -> (chains, q).
        project : a (q, p) matrix; the recorded vector becomes ``project @ deviation``.
        progress : called as ``progress(done_steps, total_steps)``.
        chunk : chains simulated together (rounded up to whole blocks); default from a
            ~200 MB working-memory budget. Results do not depend on it.

        Returns
        -------
        ChainMoments : per chain, the time averages of v and v v^T over the ``steps // thin``
        records, and the final states. (The (n_chains, q, q) second moments are the one output
        that grows with n_chains q^2 and is not chunked.) A state that turns non-finite raises
        ``NoConvergence`` naming eta and the steps.
        """
        return self._run(n_chains, rng=rng, burn_in=burn_in, steps=steps, thin=thin, start=start, record=record,
                         project=project, progress=progress, chunk=chunk)

    def _run(self, n_chains: int, *, rng: np.random.Generator, options: dict | None = None, **kw) -> ChainMoments:
        return run_chains(self, n_chains, rng=check_rng(rng), seed=seed_of(rng), options=options, **kw)

    def _state(self, u: np.ndarray) -> np.ndarray:
        return u + self._shift[:, None]

    @property
    def _origin(self) -> np.ndarray:
        return np.zeros(self._shift.size)


def _count(name: str, value: object, domain=COUNT) -> int:
    domain.validate(name, value)
    return int(value)


def initial_states(model, start: object, n_chains: int) -> np.ndarray:
    """The starting u of every chain, (n_chains, p): ``start - shift``, or the model's origin."""
    p = model._origin.size
    if start is None:
        return np.broadcast_to(model._origin, (n_chains, p))
    a = np.asarray(start, dtype=float)
    if a.shape not in ((p,), (n_chains, p)):
        raise InvalidArgument("start.shape", a.shape, f"({p},) or (n_chains, p) = ({n_chains}, {p})")
    if not np.all(np.isfinite(a)):
        raise InvalidArgument("start", "non-finite entries", "finite entries (no NaN or inf)")
    return np.broadcast_to(a - model._shift, (n_chains, p))


def _recorder(model, record: Callable | None, project: object, u0: np.ndarray) -> tuple[Callable, int, object]:
    """(rec, q, P): rec(u, n) -> (n, q), the recorded vector of the first n chains of u (p, chains), possibly a
    transposed view; P, when not None, is applied to the time averages at the end (projection commutes with
    averaging, and keeps matrix products out of the step loop)."""
    p, center = model._origin.size, model._origin[:, None]
    if record is not None and project is not None:
        raise InvalidArgument("project", "a matrix", "None when `record` is given (project inside `record`)")
    P = None
    if project is not None:
        P = np.asarray(project, dtype=float)
        if P.ndim != 2 or P.shape[1] != p or not np.all(np.isfinite(P)):
            raise InvalidArgument("project.shape", P.shape, f"a finite (q, p = {p}) matrix")
    if record is None:
        if not np.any(center):
            return (lambda u, n: u[:, :n].T), p, P
        tmp = {}

        def deviation(u: np.ndarray, n: int) -> np.ndarray:
            out = _scratch(tmp, u.shape)
            return np.subtract(u, center, out=out)[:, :n].T

        return deviation, p, P
    if not callable(record):
        raise InvalidArgument("record", type(record).__name__, "None or a callable state (chains, p) -> (chains, q)")

    def recorded(u: np.ndarray, n: int) -> np.ndarray:
        v = np.asarray(record(model._state(u[:, :n]).T), dtype=float)
        if v.ndim != 2 or v.shape[0] != n:
            raise InvalidArgument("record", f"a callable returning shape {v.shape}", f"a callable returning ({n}, q)")
        return v

    return recorded, recorded(np.array(u0[:1].T), 1).shape[1], None


def _scratch(cache: dict, shape: tuple) -> np.ndarray:
    """A reusable buffer of ``shape`` (reallocated when a chunk of another width comes)."""
    if cache.get("out") is None or cache["out"].shape != shape:
        cache["out"] = np.empty(shape)
    return cache["out"]


def _filler(kind: str, buf: np.ndarray, gen: np.random.Generator, lo: int, arg: int = 0) -> Callable[[], None]:
    part, shape = buf[..., lo:lo + CHAIN_BLOCK], buf.shape[:-1] + (CHAIN_BLOCK,)
    if kind == "normal":
        return lambda: part.__setitem__(Ellipsis, gen.standard_normal(shape))
    if kind == "uniform":
        return lambda: part.__setitem__(Ellipsis, gen.random(shape))
    return lambda: part.__setitem__(Ellipsis, gen.integers(0, arg, size=shape))


def run_chains(model, n_chains: int, *, rng: np.random.Generator, seed, burn_in: int, steps: int, thin: int,
               start: object, record: Callable | None, project: object, progress: Callable | None,
               chunk: int | None, options: dict | None = None) -> ChainMoments:
    """Simulate, chunk by chunk, and return the per-chain time averages (see :meth:`Chains.run`)."""
    n, steps, burn_in, thin = (_count("n_chains", n_chains), _count("steps", steps),
                               _count("burn_in", burn_in, INDEX), _count("thin", thin))
    if thin > steps:
        raise InvalidArgument("thin", thin, f"integers in [1, steps = {steps}] (at least one record)")
    if progress is not None and not callable(progress):
        raise InvalidArgument("progress", type(progress).__name__, "None or a callable (done_steps, total_steps)")
    options = options or {}
    u0 = initial_states(model, start, n)
    rec, q, P = _recorder(model, record, project, u0)
    n_blocks = -(-n // CHAIN_BLOCK)
    if chunk is None:
        probe = model._workspace(CHAIN_BLOCK, **options)
        per_chain = (2 * sum(a.nbytes for a in _arrays(probe)) / CHAIN_BLOCK
                     + 8 * (q * (_RECORD_BUFFER + 2) + 4 * u0.shape[1]))
        blocks = max(1, int(MEMORY_BUDGET // (per_chain * CHAIN_BLOCK)))
    else:
        blocks = -(-_count("chunk", chunk) // CHAIN_BLOCK)
    gens = rng.spawn(n_blocks)
    mean, second, final = np.empty((n, q)), np.empty((n, q, q)), np.empty((n, u0.shape[1]))
    extras: dict[str, list] = {}
    firsts = range(0, n_blocks, blocks)
    total = len(firsts) * (burn_in + steps)
    for i, b0 in enumerate(firsts):
        b1 = min(b0 + blocks, n_blocks)
        lo, hi = b0 * CHAIN_BLOCK, min(n, b1 * CHAIN_BLOCK)
        ws = model._workspace((b1 - b0) * CHAIN_BLOCK, **options)
        fill = [_filler(kind, buf, gens[b], (b - b0) * CHAIN_BLOCK, *arg)
                for b in range(b0, b1) for kind, buf, *arg in model._draws(ws)]
        u = np.repeat(model._origin[:, None], (b1 - b0) * CHAIN_BLOCK, axis=1)
        u[:, : hi - lo] = u0[lo:hi].T
        done = (lambda k, off=i * (burn_in + steps): progress(off + k, total)) if progress else None
        _run_chunk(model, u, ws, fill, rec, (burn_in, steps, thin, hi - lo), mean[lo:hi], second[lo:hi], done)
        final[lo:hi] = model._state(u[:, : hi - lo]).T
        for name, acc in ws.get("extras", {}).items():
            extras.setdefault(name, []).append(np.moveaxis(acc, -1, 0)[: hi - lo])
    if P is not None:
        mean, second = mean @ P.T, np.matmul(np.matmul(P, second), P.T)
    second = (second + second.transpose(0, 2, 1)) / 2
    return ChainMoments(mean, second, n, burn_in, steps, thin, model.eta, model.batch, seed, final,
                        {k: np.concatenate(v) for k, v in extras.items()})


def _arrays(ws: dict) -> list[np.ndarray]:
    out = [a for a in ws.values() if isinstance(a, np.ndarray) and a.base is None]
    return out + list(ws.get("extras", {}).values())


def _run_chunk(model, u, ws, fill, rec, window, mean, second, done) -> None:
    burn_in, steps, thin, nv = window
    total, n_rec = burn_in + steps, steps // thin
    size = min(_RECORD_BUFFER, n_rec)
    buf, tmp, j = np.empty((nv, size, mean.shape[1])), np.empty(second.shape), 0
    mean[...], second[...] = 0.0, 0.0
    every, checked = max(1, total // 100), 0
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, total + 1):
            for f in fill:
                f()
            model._step(u, ws)
            if k > burn_in and (k - burn_in) % thin == 0:
                buf[:, j] = rec(u, nv)
                j += 1
                if j == size:
                    _flush(buf, j, mean, second, tmp)
                    j = 0
            if k % _CHECK_EVERY == 0 or k == total:
                if not np.all(np.isfinite(u[:, :nv])):
                    raise NoConvergence(f"SGD state became non-finite between steps {checked + 1} and {k} "
                                        f"(eta = {model.eta}): the step size is too large for this problem")
                checked = k
            if done is not None and (k % every == 0 or k == total):
                done(k)
        _flush(buf, j, mean, second, tmp)
        mean /= n_rec
        second /= n_rec
    if not (np.all(np.isfinite(mean)) and np.all(np.isfinite(second))):
        raise NoConvergence(f"time averages overflowed (eta = {model.eta}): recorded values too large")


def _flush(buf: np.ndarray, j: int, mean: np.ndarray, second: np.ndarray, tmp: np.ndarray) -> None:
    if j:
        part = buf[:, :j]
        mean += part.sum(axis=1)
        second += np.matmul(part.transpose(0, 2, 1), part, out=tmp)
