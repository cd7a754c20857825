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

Spreading: each chunk (consecutive blocks, their generators and starting states) is one draw of
:func:`numerics.map_draws`, returning its chains' time averages, which are joined in block order
(nothing is summed across chunks). Where the verifier installed a mapper the chunks run on its
workers, the default chunking then cutting the chains into at least one chunk per core.
"""

from __future__ import annotations

from functools import partial
from typing import Callable

import numpy as np

from theory import COUNT, INDEX, POSITIVE, InvalidArgument, NoConvergence

from ._arrays import check_rng
from ._chain_stats import ChainMoments
from ._draws import map_draws, map_width
from ._estimate import seed_of

__all__ = ["CHAIN_BLOCK", "MEMORY_BUDGET", "Chains", "run_chains", "check_eta", "initial_states"]

#: Chains per random stream (one spawned generator each); fixed, so results never depend on chunking.
CHAIN_BLOCK = 256
#: Working memory (bytes) that a default chunk of chains may use.
MEMORY_BUDGET = 200e6
_RECORD_BUFFER = 32   # records buffered per flush; v v^T then accumulates as one batched matmul
_CHECK_EVERY = 64     # steps between finiteness checks of the state
_PREFETCH = 32        # steps of random numbers drawn per generator call


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
        progress : called as ``progress(done_steps, total_steps)``; the chunks then run in this process.
        chunk : chains simulated together (rounded up to whole blocks); default from a
            ~200 MB working-memory budget per chunk (so per worker, when the chunks are spread
            over workers by :func:`numerics.map_draws`). Results do not depend on it.

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


def _fill(kind: str, gen: np.random.Generator, out: np.ndarray, *arg) -> None:
    """Fill the C-contiguous ``out`` with ``gen``'s next numbers of ``kind`` (standard normal, uniform on [0, 1),
    integers in [0, arg)), in C order; the normal and uniform ones are written into it directly."""
    if kind == "normal":
        gen.standard_normal(out=out)
    elif kind == "uniform":
        gen.random(out=out)
    else:
        out[...] = gen.integers(0, *arg, size=out.shape)


def _drawer(spec: list, gens: list, total: int) -> Callable[[], None]:
    """A callable that fills the model's random buffers (``spec`` = ``model._draws(ws)``, chains last) for the next
    step, the chains of block b from ``gens[b]``.

    When every buffer is of one kind, each block's numbers for :data:`_PREFETCH` steps (fewer at the end of the
    ``total`` steps) come from one call of its generator, laid out step by step and buffer by buffer: the very
    numbers that a call per step and buffer would give, since numpy's Generators (normal, uniform, bounded integers)
    draw a sequence that does not depend on how it is cut into calls. Otherwise one call per step, block and buffer.
    """
    if not spec:
        return lambda: None
    nb, (kind, _, *arg) = len(gens), spec[0]
    bufs = [buf for _, buf, *_ in spec]
    # each buffer with its chains axis split into (block, chain in block): splitting one axis always gives a view
    blocked = [buf.reshape(buf.shape[:-1] + (nb, CHAIN_BLOCK)) for buf in bufs]
    if len({(k, *a) for k, _, *a in spec}) > 1:
        scratch = [np.empty(buf.shape[:-1] + (CHAIN_BLOCK,), dtype=buf.dtype) for buf in bufs]

        def each_step() -> None:
            for b, gen in enumerate(gens):
                for (k, _, *a), tmp, view in zip(spec, scratch, blocked):
                    _fill(k, gen, tmp, *a)
                    view[..., b, :] = tmp
        return each_step
    offsets = np.cumsum([0, *(buf[..., 0].size for buf in bufs)])
    pre = np.empty((nb, min(_PREFETCH, total), offsets[-1], CHAIN_BLOCK), dtype=bufs[0].dtype)
    # per buffer, pre seen as (step, buffer's own axes..., block, chain in block)
    sources = [np.moveaxis(pre[:, :, lo:hi].reshape(pre.shape[:2] + buf.shape[:-1] + (CHAIN_BLOCK,)), 0, -2)
               for buf, lo, hi in zip(bufs, offsets, offsets[1:])]
    state = {"k": 0, "left": total}

    def prefetched() -> None:
        k = state["k"] % _PREFETCH
        if k == 0:
            steps = min(_PREFETCH, state["left"])
            for b, gen in enumerate(gens):
                _fill(kind, gen, pre[b, :steps], *arg)
            state["left"] -= steps
        for view, source in zip(blocked, sources):
            view[...] = source[k]
        state["k"] += 1

    return prefetched


def _groups(n_blocks: int, most: int, pieces: int) -> list[tuple[int, int]]:
    """Consecutive runs of blocks [b0, b1), each at most ``most`` long, as few and as even as possible, their count a
    multiple of ``pieces`` when there are enough blocks (so that ``pieces`` workers get equal shares)."""
    count = -(-n_blocks // most)
    count = min(n_blocks, -(-count // pieces) * pieces)
    size = -(-n_blocks // count)
    return [(b0, min(b0 + size, n_blocks)) for b0 in range(0, n_blocks, size)]


def run_chains(model, n_chains: int, *, rng: np.random.Generator, seed, burn_in: int, steps: int, thin: int,
               start: object, record: Callable | None, project: object, progress: Callable | None,
               chunk: int | None, options: dict | None = None) -> ChainMoments:
    """Simulate chunk by chunk and return the per-chain time averages (see :meth:`Chains.run`).

    Each chunk (a run of consecutive blocks with their generators and starting states) is one draw of
    :func:`numerics.map_draws`, so an installed mapper spreads the chunks over its workers; by default the chains are
    then cut into at least :func:`numerics._draws.map_width` chunks. Every chain's numbers depend on neither, and the
    chunks' per-chain results are joined in block order. With ``progress`` the chunks run here, in order.
    """
    n, steps, burn_in, thin = (_count("n_chains", n_chains), _count("steps", steps),
                               _count("burn_in", burn_in, INDEX), _count("thin", thin))
    if thin > steps:
        raise InvalidArgument("thin", thin, f"integers in [1, steps = {steps}] (at least one record)")
    if progress is not None and not callable(progress):
        raise InvalidArgument("progress", type(progress).__name__, "None or a callable (done_steps, total_steps)")
    options = options or {}
    u0 = initial_states(model, start, n)
    _, q, P = _recorder(model, record, project, u0)
    n_blocks = -(-n // CHAIN_BLOCK)
    if chunk is None:
        probe = model._workspace(CHAIN_BLOCK, **options)
        per_chain = (2 * sum(a.nbytes for a in _arrays(probe)) / CHAIN_BLOCK
                     + _PREFETCH * sum(buf.nbytes for _, buf, *_ in model._draws(probe)) / CHAIN_BLOCK
                     + 8 * (q * (_RECORD_BUFFER + 2) + 4 * u0.shape[1]))
        most = max(1, int(MEMORY_BUDGET // (per_chain * CHAIN_BLOCK)))
        groups = _groups(n_blocks, most, 1 if progress else map_width())
    else:
        most = -(-_count("chunk", chunk) // CHAIN_BLOCK)
        groups = [(b0, min(b0 + most, n_blocks)) for b0 in range(0, n_blocks, most)]
    gens = rng.spawn(n_blocks)
    items = [(gens[b0:b1], u0[b0 * CHAIN_BLOCK:b1 * CHAIN_BLOCK]) for b0, b1 in groups]
    simulate = partial(_simulate, model, record, (burn_in, steps, thin), options)
    if progress is None:
        parts = map_draws(simulate, items)
    else:
        span = burn_in + steps
        parts = [simulate(item, lambda k, off=i * span: progress(off + k, len(items) * span))
                 for i, item in enumerate(items)]
    # joined into arrays of one layout (C order; extras chains-last underneath, as the workspace keeps them), whether
    # the parts are views made here or copies a worker sent back: later sums may round by layout
    mean, second, final = (np.concatenate([part[i] for part in parts], out=np.empty((n, *parts[0][i].shape[1:])))
                           for i in range(3))
    extras = {name: np.moveaxis(np.concatenate([part[3][name] for part in parts], axis=-1), -1, 0)
              for name in parts[0][3]}
    if P is not None:
        mean, second = mean @ P.T, np.matmul(np.matmul(P, second), P.T)
    second = (second + second.transpose(0, 2, 1)) / 2
    return ChainMoments(mean, second, n, burn_in, steps, thin, model.eta, model.batch, seed, final, extras)


def _simulate(model, record: Callable | None, window: tuple, options: dict, item: tuple,
              done: Callable | None = None) -> tuple:
    """One chunk: the blocks of generators ``gens`` (chains from ``u0``, (chains, p), padded to whole blocks)
    simulated together; returns their time averages of v and v v^T (unprojected, unsymmetrised) and final states, one
    row per chain, and the extra accumulators, chains last."""
    gens, u0 = item
    burn_in, steps, thin = window
    nv, width = u0.shape[0], len(gens) * CHAIN_BLOCK
    rec, q, _ = _recorder(model, record, None, u0)
    ws = model._workspace(width, **options)
    draw = _drawer(model._draws(ws), gens, burn_in + steps)
    u = np.repeat(model._origin[:, None], width, axis=1)
    u[:, :nv] = u0.T
    mean, second = np.empty((nv, q)), np.empty((nv, q, q))
    _run_chunk(model, u, ws, draw, rec, (burn_in, steps, thin, nv), mean, second, done)
    extras = {name: acc[..., :nv] for name, acc in ws.get("extras", {}).items()}
    return mean, second, model._state(u[:, :nv]).T, extras


def _arrays(ws: dict) -> list[np.ndarray]:
    out = [a for a in ws.values() if isinstance(a, np.ndarray) and a.base is None]
    return out + list(ws.get("extras", {}).values())


def _run_chunk(model, u, ws, draw, rec, window, mean, second, done) -> None:
    burn_in, steps, thin, nv = window
    total, n_rec = burn_in + steps, steps // thin
    size = min(_RECORD_BUFFER, n_rec)
    buf, tmp, j = np.empty((nv, size, mean.shape[1])), np.empty(second.shape), 0
    mean[...], second[...] = 0.0, 0.0
    every, checked = max(1, total // 100), 0
    with np.errstate(over="ignore", invalid="ignore"):
        for k in range(1, total + 1):
            draw()
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
