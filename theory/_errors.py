"""The one exception family of the project.

Every error raised on purpose by ``theory``, ``numerics`` or ``verify`` derives
from :class:`VerifierError` and also from the built-in exception a caller would
expect (``InvalidArgument`` is a ``ValueError``, ``UnknownName`` a ``KeyError``,
``NoConvergence`` an ``ArithmeticError``), so ``except ValueError`` keeps working.
Messages speak with one voice: what was wrong, the value received, what is allowed.
"""

from __future__ import annotations

__all__ = ["VerifierError", "InvalidArgument", "UnknownName", "NoConvergence", "ResourceLimit"]


class VerifierError(Exception):
    """Base class of every error this project raises on purpose."""


class InvalidArgument(VerifierError, ValueError):
    """An argument is outside its valid domain.

    Examples
    --------
    >>> raise InvalidArgument("s", -1.0, "in (0, inf)")
    Traceback (most recent call last):
    ...
    theory._errors.InvalidArgument: `s` must be in (0, inf), got -1.0
    """

    def __init__(self, name: str, value: object, allowed: str, hint: str = ""):
        self.name, self.value, self.allowed, self.hint = name, value, allowed, hint
        message = f"`{name}` must be {allowed}, got {value!r}"
        super().__init__(message + (f" ({hint})" if hint else ""))

    def __reduce__(self):  # picklable, so it crosses from a worker process intact
        return type(self), (self.name, self.value, self.allowed, self.hint)


class UnknownName(VerifierError, KeyError):
    """A name (claim id, activation, budget, ...) is not registered."""

    def __init__(self, what: str, value: str, known: list[str] | tuple[str, ...]):
        import difflib

        self.what, self.value, self.known = what, value, tuple(known)
        close = difflib.get_close_matches(value, list(known), n=3)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        shown = ", ".join(sorted(known)[:12]) + (", ..." if len(known) > 12 else "")
        self.message = f"unknown {what} {value!r}{hint} (known: {shown})"
        super().__init__(self.message)

    def __str__(self) -> str:  # KeyError would otherwise print the repr
        return self.message

    def __reduce__(self):
        return type(self), (self.what, self.value, self.known)


class NoConvergence(VerifierError, ArithmeticError):
    """A numerical method could not reach the requested accuracy."""


class ResourceLimit(VerifierError, MemoryError):
    """A computation would exceed a resource bound the project sets (memory, work): its claim is INCONCLUSIVE,
    with this message as the reason, never FAIL (the evidence was not gathered, it did not disagree).

    >>> str(ResourceLimit("a look of 2**40 samples", "needs 8 TiB", "at most 1 GiB per call"))
    'a look of 2**40 samples needs 8 TiB, over the bound of at most 1 GiB per call'
    """

    def __init__(self, what: str, needs: str, bound: str):
        self.what, self.needs, self.bound = what, needs, bound
        super().__init__(f"{what} {needs}, over the bound of {bound}")

    def __reduce__(self):
        return type(self), (self.what, self.needs, self.bound)
