"""Sampling budgets: how many sequential looks a statistical claim may take."""

from __future__ import annotations

from dataclasses import dataclass

from theory import InvalidArgument, UnknownName

__all__ = ["Budget", "BUDGETS", "budget"]


@dataclass(frozen=True)
class Budget:
    """``looks`` sequential looks; the sample size doubles at each, from the claim's ``n_start``.

    The largest look uses ``n_start * 2**(looks - 1)`` samples and the whole
    schedule costs less than twice that.
    """

    name: str
    looks: int

    def sample_sizes(self, n_start: int) -> tuple[int, ...]:
        return tuple(n_start << k for k in range(self.looks))


BUDGETS = {b.name: b for b in (Budget("quick", 5), Budget("standard", 9), Budget("thorough", 13))}


def budget(name: str | Budget) -> Budget:
    """The budget called ``name`` (``quick``, ``standard`` or ``thorough``)."""
    if isinstance(name, Budget):
        return name
    if not isinstance(name, str):
        raise InvalidArgument("budget", name, f"a budget name ({', '.join(BUDGETS)})")
    if name not in BUDGETS:
        raise UnknownName("budget", name, list(BUDGETS))
    return BUDGETS[name]
