"""Regression check of two runs: ``python -m verify diff OLD NEW``.

OLD and NEW are ``report.json`` files (or report directories holding one) written by ``python -m verify run``;
claims are matched by id. A *regression* is a claim present in both runs whose outcome got worse: PASS -> FAIL,
PASS -> INCONCLUSIVE or INCONCLUSIVE -> FAIL; the other direction is an *improvement*. A claim only in NEW has
*appeared*, one only in OLD has *disappeared*: both are listed, neither is a regression (a selection may differ on
purpose). An estimate component has *moved* when it shifted by more than its combined uncertainty (see
:data:`DEFAULT_Z`); a move is listed, not a regression either. Only regressions make the exit status 1.
"""

from __future__ import annotations

import argparse
import json
import math
from dataclasses import dataclass
from pathlib import Path

import mpmath

from theory import InvalidArgument

__all__ = ["DEFAULT_Z", "Change", "Move", "Diff", "load_report", "diff_reports", "format_diff", "add_arguments",
           "run_diff"]

#: Number of combined standard errors, ``sqrt(se_old**2 + se_new**2)``, beyond which a shift of a statistical
#: estimate is listed as moved. A listing threshold fixed in advance, not a test: it carries no false-fail
#: guarantee (no correction over components or claims), and a move listed is never a regression.
DEFAULT_Z = 4.0

_RANK = {"PASS": 0, "INCONCLUSIVE": 1, "FAIL": 2}  # worse is higher
_SHAPE = "a verifier report: a JSON object whose 'claims' is a list of records with a string 'id' and an 'outcome'"


@dataclass(frozen=True)
class Change:
    """A claim's outcome in OLD and NEW; ``None`` where the claim is absent from that run."""

    id: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class Move:
    """Component ``component`` of claim ``id``'s estimate moved from ``old`` to ``new`` (values as the reports hold
    them: numbers or decimal strings); ``shift = new - old`` exceeds the combined ``uncertainty`` in size."""

    id: str
    component: int
    old: float | str
    new: float | str
    shift: float
    uncertainty: float


@dataclass(frozen=True)
class Diff:
    """What changed from OLD to NEW; each field is in OLD/NEW report order, regressions worst first."""

    regressions: tuple[Change, ...] = ()
    improvements: tuple[Change, ...] = ()
    appeared: tuple[Change, ...] = ()
    disappeared: tuple[Change, ...] = ()
    moved: tuple[Move, ...] = ()

    @property
    def regressed(self) -> bool:
        """True when some claim's outcome got worse (a disappeared claim is not a regression)."""
        return bool(self.regressions)

    @property
    def empty(self) -> bool:
        """True when nothing changed."""
        return not (self.regressions or self.improvements or self.appeared or self.disappeared or self.moved)


def load_report(path: str, *, name: str = "report") -> dict:
    """The report in ``path``: a ``report.json`` file or a directory holding one.

    A missing or unreadable file, invalid JSON or JSON that is not a verifier report raises
    :class:`~theory.InvalidArgument` naming ``name`` (the parameter that gave the path).
    """
    file = Path(path)
    if file.is_dir():
        file = file / "report.json"
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidArgument(name, str(path), "a report.json file or a report directory holding one "
                                               f"({file} does not exist)") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or exc
        raise InvalidArgument(name, str(path), f"a readable report.json file ({reason})") from None
    try:
        data = json.loads(text)
    except ValueError as exc:  # json.JSONDecodeError is a ValueError
        raise InvalidArgument(name, str(path), f"a JSON file ({exc})") from None
    _claims(data, name, str(path))
    return data


def _claims(report: object, name: str, shown: object) -> dict[str, dict]:
    """The claim records of ``report`` by id, after checking the report's shape."""
    claims = report.get("claims") if isinstance(report, dict) else None
    if not isinstance(claims, list):
        raise InvalidArgument(name, shown, _SHAPE)
    out: dict[str, dict] = {}
    for record in claims:
        if not (isinstance(record, dict) and isinstance(record.get("id"), str) and record.get("outcome") in _RANK):
            raise InvalidArgument(name, shown, _SHAPE + " (outcome PASS, FAIL or INCONCLUSIVE)")
        if record["id"] in out:
            raise InvalidArgument(name, shown, f"a report whose claim ids differ ({record['id']!r} is repeated)")
        out[record["id"]] = record
    return out


def _value(x: object, what: str) -> mpmath.mpf:
    """A finite report value (a number or a decimal string) at the working precision; never parsed as code."""
    try:
        if isinstance(x, bool) or not isinstance(x, (int, float, str)):
            raise ValueError
        v = mpmath.mpf(x)
    except (ValueError, TypeError):
        v = None
    if v is None or not mpmath.isfinite(v):
        raise InvalidArgument(what, x, "a finite number or a decimal string")
    return v


def _list(record: dict, key: str, n: int) -> list | None:
    values = record.get(key)
    return values if isinstance(values, list) and len(values) == n else None


def _moves(cid: str, old: dict, new: dict, z: float) -> list[Move]:
    """Components of the estimate that moved by more than ``z * sqrt(se_old**2 + se_new**2) + bound_old + bound_new``.

    Only the error terms a side has count (a statistical side its standard error, a bounded side its bound);
    a component with no error on either side, or estimates missing or of different lengths, is not compared.
    """
    a, b = old.get("estimate"), new.get("estimate")
    if not (isinstance(a, list) and isinstance(b, list) and len(a) == len(b)):
        return []
    n = len(a)
    digits = max([len(x) for x in a + b if isinstance(x, str)], default=0)
    out = []
    with mpmath.workdps(max(30, digits + 10)):
        for k in range(n):
            variance, bound, known = mpmath.mpf(0), mpmath.mpf(0), False
            for record in (old, new):
                what = f"{record['id']} error[{k}]"
                if (se := _list(record, "std_error", n)) is not None:
                    variance, known = variance + _value(se[k], what) ** 2, True
                elif (bd := _list(record, "bound", n)) is not None:
                    bound, known = bound + abs(_value(bd[k], what)), True
            if not known:
                continue
            uncertainty = z * mpmath.sqrt(variance) + bound
            shift = _value(b[k], f"{cid} estimate[{k}]") - _value(a[k], f"{cid} estimate[{k}]")
            if abs(shift) > uncertainty:
                out.append(Move(cid, k, a[k], b[k], float(shift), float(uncertainty)))
    return out


def diff_reports(old: dict, new: dict, *, z: float = DEFAULT_Z) -> Diff:
    """What changed from report ``old`` to report ``new`` (both as :func:`load_report` returns them).

    ``z``: the number of combined standard errors beyond which a statistical estimate's shift is listed
    (:data:`DEFAULT_Z`); a bounded estimate's shift is listed beyond the sum of its two bounds.
    """
    if isinstance(z, bool) or not isinstance(z, (int, float)) or not (math.isfinite(z) and z > 0):
        raise InvalidArgument("z", z, "a positive finite number")
    before, after = _claims(old, "old", "(old report)"), _claims(new, "new", "(new report)")
    worse, better, moved = [], [], []
    for cid, record in after.items():
        if cid not in before:
            continue
        change = Change(cid, before[cid]["outcome"], record["outcome"])
        if _RANK[change.new] > _RANK[change.old]:
            worse.append(change)
        elif _RANK[change.new] < _RANK[change.old]:
            better.append(change)
        moved += _moves(cid, before[cid], record, z)
    worse.sort(key=lambda c: (_RANK[c.old] - _RANK[c.new], -_RANK[c.new]))  # stable: PASS->FAIL, I->FAIL, P->I
    return Diff(regressions=tuple(worse), improvements=tuple(better),
                appeared=tuple(Change(c, None, r["outcome"]) for c, r in after.items() if c not in before),
                disappeared=tuple(Change(c, r["outcome"], None) for c, r in before.items() if c not in after),
                moved=tuple(moved))


def _show(x: float | str) -> str:
    return x if isinstance(x, str) else f"{x:.12g}"


def format_diff(diff: Diff, old_label: str, new_label: str) -> str:
    """The diff as text: regressions (PASS -> FAIL first), appeared, disappeared, moved estimates,
    improvements, then a one-line count summary; "no differences" when nothing changed."""
    lines = [f"verify diff: {old_label} -> {new_label}"]
    if diff.empty:
        return "\n".join(lines + ["no differences"])
    width = max([len(f"{c.old} -> {c.new}") for c in diff.regressions + diff.improvements], default=0)
    sections = [
        (f"regressions ({len(diff.regressions)}):", [f"  {f'{c.old} -> {c.new}':{width}s}  {c.id}"
                                                    for c in diff.regressions]),
        (f"appeared in {new_label} ({len(diff.appeared)}):", [f"  + {c.id} ({c.new})" for c in diff.appeared]),
        (f"disappeared from {new_label} ({len(diff.disappeared)}):",
         [f"  - {c.id} (was {c.old})" for c in diff.disappeared]),
        (f"moved estimates ({len(diff.moved)}, shift beyond the combined uncertainty):",
         [f"  {m.id}[{m.component}]: {_show(m.old)} -> {_show(m.new)} (shift {m.shift:+.3g}, combined uncertainty "
          f"{m.uncertainty:.3g})" for m in diff.moved]),
        (f"improvements ({len(diff.improvements)}):", [f"  {f'{c.old} -> {c.new}':{width}s}  {c.id}"
                                                      for c in diff.improvements]),
    ]
    for title, rows in sections:
        if rows:
            lines += ["", title, *rows]
    counts = (f"{len(diff.regressions)} regressed, {len(diff.appeared)} appeared, {len(diff.disappeared)} disappeared, "
              f"{len(diff.moved)} moved, {len(diff.improvements)} improved")
    return "\n".join(lines + ["", counts])


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"--z must be a positive number, got {text!r}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``OLD``, ``NEW`` and ``--z`` to the ``diff`` subcommand's parser."""
    parser.add_argument("old", metavar="OLD", help="the earlier run: report.json or its report directory")
    parser.add_argument("new", metavar="NEW", help="the later run: report.json or its report directory")
    parser.add_argument("--z", type=_positive, default=DEFAULT_Z,
                        help=f"list an estimate as moved beyond this many combined standard errors (default "
                             f"{DEFAULT_Z:g}; a listing threshold, not a test)")


def run_diff(args: argparse.Namespace) -> int:
    """Print the diff of ``args.old`` and ``args.new``; 1 when a claim regressed, else 0.

    A bad input raises :class:`~theory.InvalidArgument` (the CLI prints it as one line, exit status 2).
    """
    old, new = load_report(args.old, name="OLD"), load_report(args.new, name="NEW")
    diff = diff_reports(old, new, z=args.z)
    print(format_diff(diff, args.old, args.new))
    return 1 if diff.regressed else 0
