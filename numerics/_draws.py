"""Independent draws of an estimator, spread by whoever runs it.

An estimator whose work is many independent draws (a scaling law over seeds, a figure's frequency over
networks, an ensemble of SGD chains) hands them to :func:`map_draws` instead of looping itself. With no
mapper installed, as in a plain call, it is a plain loop. The verifier's engine installs one that sends
each draw to a worker process or a Dask worker (:func:`drawing_with`), so one expensive claim spreads
over the workers too. An estimator that does so declares ``maps_draws = True``, so the engine runs its
body where it can hand the draws out.

Each draw gets its own seed from :func:`numerics.draw_seeds` (drawn from the look's generator) and builds its
own generator from it: the numbers depend on the seed and the draw's index, never on which worker ran it or in
which order, so a loop and a map give the same estimate. ``fn`` and the items must be picklable by cloudpickle
(functions, ``functools.partial`` of them, plain data); a draw builds its large arrays itself from its seed
rather than receiving them.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Callable, Iterable, Iterator, Sequence, TypeVar

__all__ = ["map_draws", "map_width", "drawing_with", "Mapper"]

T = TypeVar("T")
R = TypeVar("R")

#: ``mapper(fn, items) -> results`` in the order of ``items``.
Mapper = Callable[[Callable[[T], R], Sequence[T]], Sequence[R]]

_MAPPER: ContextVar[Mapper | None] = ContextVar("numerics_draw_mapper", default=None)


def map_draws(fn: Callable[[T], R], items: Iterable[T]) -> list[R]:
    """``[fn(x) for x in items]``, computed by the installed mapper when there is one (results in order).

    >>> map_draws(abs, [-1, 2, -3])
    [1, 2, 3]
    """
    items = list(items)
    mapper = _MAPPER.get()
    if mapper is None or len(items) < 2:
        return [fn(x) for x in items]
    results = list(mapper(fn, items))
    if len(results) != len(items):
        raise RuntimeError(f"the draw mapper returned {len(results)} results for {len(items)} draws")
    return results


def map_width() -> int:
    """Into how many pieces work handed to :func:`map_draws` here is worth cutting: 1 when it is a plain loop (no
    mapper installed), else the number of cores this process may use (the verifier's default number of workers).

    For estimators whose draws can be grouped in any way without changing a number (the SGD chain blocks), so
    that a plain run keeps few large pieces and a spread one has work for every worker.
    """
    if _MAPPER.get() is None:
        return 1
    try:
        return max(len(os.sched_getaffinity(0)), 1)
    except AttributeError:  # not Linux
        return max(os.cpu_count() or 1, 1)


@contextmanager
def drawing_with(mapper: Mapper | None) -> Iterator[None]:
    """Within the block (and this thread or task only), :func:`map_draws` hands its draws to ``mapper``."""
    token = _MAPPER.set(mapper)
    try:
        yield
    finally:
        _MAPPER.reset(token)
