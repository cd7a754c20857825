r"""User-defined claims from a TOML file: ``python -m verify run --claims-file FILE``.

A file holds ``[[claim]]`` tables (format and example: README, "Your own
claims"; ``examples/claims.toml``)::

    [[claim]]
    id = "user.relu.second_moment"
    title = "E[relu(sZ)^2] = s^2/2"
    kind = "statistical"                 # statistical | exact | interval
    estimator = "gaussian_expectation"   # the estimators are listed below
    integrand = "max(s*Z, 0)^2"
    prediction = "s^2/2"
    resolution = 0.01
    parameters = { s = { values = [0.5, 1.0, 2.0], domain = [0, inf] } }
    provenance = { source = "derived", note = "Gaussian integral" }

Formulas are parsed by :func:`theory.parse_formula`, a whitelist parser
(numbers, declared symbols, + - * / ^, a fixed list of functions): the file's
text is never evaluated as Python. Any mistake (TOML syntax, a missing or
unknown field, an unknown symbol or function, a value outside its domain) is
a :class:`ClaimsFileError`, one line ``FILE:LINE: what; allowed: ...``, and the
command exits with status 2 before anything runs; so is a field of the wrong TOML
type (a number for a name, a table for a list, a date), at the line of its key.

The file is read once, at most 1 MiB, as UTF-8 (a leading byte-order mark is
dropped): a pipe or a device works, and :func:`load_claims_file` returns the
SHA-256 of the very bytes that were parsed (:mod:`verify._claims_file_read`).
"""

from __future__ import annotations

import hashlib
import math
import re
import sys
from pathlib import Path
from typing import Mapping

from numerics import FormulaExpectationQuad
from theory import (REAL, FormulaPrediction, FormulaRange, Interval, InvalidArgument, VerifierError, components,
                    parse_formula)

from ._claim import Claim, Kind, Parameter, Provenance

from ._claims_file_estimators import EstimatorSpec, QuadraturePrediction
from ._claims_file_read import ClaimsFileError, Document, Lines, read_bytes, read_document, shown
from ._pack import estimators
from ._interval import check_ranges
from ._registry import claims as registered

__all__ = ["ClaimsFileError", "load_claims", "load_claims_file", "claims_file_record", "CLAIM_FIELDS"]

_REQUIRED = ("id", "title", "kind", "estimator", "resolution", "provenance")
_OPTIONAL = ("prediction", "prediction_by", "range", "parameters", "assumptions", "dps", "n_start", "scale_floor",
             "integrand", "statistic", "breakpoints", "setup")
#: Every field a ``[[claim]]`` table may have.
CLAIM_FIELDS = _REQUIRED + _OPTIONAL
_PROVENANCE_FIELDS = ("source", "arxiv", "version", "locator", "note", "trust")
_PARAMETER_FIELDS = ("value", "values", "from", "to", "num", "spacing", "domain")
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")  # fullmatch: "s\n" is no name
_MAX_SWEEP = 10_000
_MAX_DPS = 1000
_MAX_N_START = 1 << 20
_MAX_ENTRIES = 10**7  # of one gradient-problem matrix (n d or d m)
_MAX_FLOAT = int(sys.float_info.max)
_BREAKS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
_CHECKED_POSITIONS = 5  # sweep positions at which a prediction is evaluated when the file is read


class _Table:
    """One ``[[claim]]`` table with its index, so every error names its line."""

    def __init__(self, path: str, lines: Lines, index: int, table: Mapping[str, object]):
        self.path, self.lines, self.index, self.table = path, lines, index, table
        named = isinstance(table.get("id"), str)
        self.label = f"claim {shown(table.get('id'))}" if named else f"claim #{index + 1}"

    def error(self, message: str, *keys: str) -> ClaimsFileError:
        where = f" field {shown('.'.join(keys))}" if keys else ""  # a quoted key may hold a newline
        return ClaimsFileError(self.path, self.lines.of(self.index, *keys), f"{self.label}{where}: {message}")

    def get(self, key: str, kind: type | tuple[type, ...], what: str, default: object = None) -> object:
        if key not in self.table:
            if key in _REQUIRED:
                raise self.error(f"missing field '{key}' ({what}); required fields: {', '.join(_REQUIRED)}")
            return default
        value, kinds = self.table[key], (kind if isinstance(kind, tuple) else (kind,))
        if (isinstance(value, bool) and bool not in kinds) or not isinstance(value, kinds):
            raise self.error(f"must be {what}, got {shown(value)}", key)
        return value


def _number(t: _Table, value: object, keys: tuple[str, ...], finite: bool = True) -> float:
    """``value`` if it is a number (an int that fits a float, a float; not nan, and finite unless ``finite`` is
    false): a bool, a string, a date, an array or a table is an error at ``keys``."""
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if number and isinstance(value, int) and not -_MAX_FLOAT <= value <= _MAX_FLOAT:
        number = False  # TOML integers are 64-bit; tomllib reads longer ones, which float() cannot convert
    if not number or math.isnan(value) or (finite and math.isinf(value)):
        raise t.error(f"must be a {'finite ' if finite else ''}number, got {shown(value)}", *keys)
    return value


def _sweep(t: _Table, name: str, spec: Mapping[str, object]) -> tuple[float, ...]:
    keys = ("parameters", name)
    for k in ("from", "to", "num"):
        if k not in spec:
            raise t.error(f"a range needs from, to and num (got {sorted(spec)})", *keys)
    lo, hi = _number(t, spec["from"], keys), _number(t, spec["to"], keys)
    num = spec["num"]
    if isinstance(num, bool) or not isinstance(num, int) or not 2 <= num <= _MAX_SWEEP:
        raise t.error(f"num must be an integer in [2, {_MAX_SWEEP}], got {shown(num)}", *keys)
    spacing = spec.get("spacing", "linear")
    if spacing == "linear":
        inner = [lo + (hi - lo) * k / (num - 1) for k in range(1, num - 1)]
    elif spacing == "log" and lo > 0 and hi > 0:
        inner = [lo * (hi / lo) ** (k / (num - 1)) for k in range(1, num - 1)]
    else:
        inner = None
    if inner is not None:
        return (lo, *inner, hi)  # the ends exactly as written: rounding must not step outside a domain
    raise t.error(f"spacing must be 'linear' or 'log' (log needs from, to > 0), got {shown(spacing)}", *keys)


def _parameter(t: _Table, name: str, raw: object) -> Parameter:
    keys = ("parameters", name)
    spec = raw if isinstance(raw, dict) else {"values" if isinstance(raw, list) else "value": raw}
    unknown = sorted(set(spec) - set(_PARAMETER_FIELDS))
    if unknown:
        raise t.error(f"unknown key {shown(unknown[0])}; allowed: {', '.join(_PARAMETER_FIELDS)}", *keys)
    given = [k for k in ("value", "values", "from") if k in spec]
    if len(given) != 1:
        raise t.error("give exactly one of value = x, values = [x, ...] or from/to/num", *keys)
    if "from" in spec:
        value = _sweep(t, name, spec)
    elif "values" in spec:
        if not isinstance(spec["values"], list) or not 1 <= len(spec["values"]) <= _MAX_SWEEP:
            raise t.error(f"values must be a list of 1 to {_MAX_SWEEP} numbers", *keys)
        value = tuple(_number(t, v, keys) for v in spec["values"])
    else:
        value = _number(t, spec["value"], keys)
    domain = REAL
    if "domain" in spec:
        ends = spec["domain"]
        if not (isinstance(ends, list) and len(ends) == 2):
            raise t.error(f"domain must be [lo, hi] (inf allowed), got {shown(ends)}", *keys)
        lo, hi = (_number(t, e, keys, finite=False) for e in ends)
        if lo > hi:
            raise t.error(f"domain [{lo}, {hi}] is empty", *keys)
        domain = Interval(lo, hi)
    try:
        return Parameter(value, domain, vector=isinstance(value, tuple))
    except InvalidArgument:
        raise t.error(f"value {shown(value)} lies outside its domain {domain.describe()}", *keys) from None


def _parameters(t: _Table, spec: EstimatorSpec) -> dict[str, Parameter]:
    raw = t.get("parameters", dict, "a table of name = value", {})
    reserved = set(spec.variables) | {"pi"}
    params = {}
    for name, value in raw.items():
        if not _NAME.fullmatch(name) or name in reserved:
            raise t.error(f"parameter name {shown(name)} is not allowed (a letter then letters, digits or _; "
                          f"not {', '.join(sorted(reserved))})", "parameters", name)
        params[name] = _parameter(t, name, value)
    missing = [p for p in spec.parameters if p not in params]
    if missing:
        raise t.error(f"estimator {shown(spec.name)} needs parameters {', '.join(spec.parameters)}; missing "
                      f"{', '.join(missing)}", "parameters")
    _common_length(t, params)
    for name in spec.integer_parameters:
        values = params[name].value if isinstance(params[name].value, tuple) else (params[name].value,)
        if not all(float(v).is_integer() and v >= 1 for v in values):
            raise t.error(f"must be integers >= 1, got {shown(params[name].value)}", "parameters", name)
    if spec.integer_parameters:
        sizes = {k: max(params[k].value) if isinstance(params[k].value, tuple) else params[k].value for k in "ndm"}
        if max(sizes["n"] * sizes["d"], sizes["d"] * sizes["m"]) > _MAX_ENTRIES:
            raise t.error(f"n d and d m must be at most {_MAX_ENTRIES:.0e} (the problem's matrices), got {sizes}",
                          "parameters")
    return params


def _common_length(t: _Table, params: Mapping[str, Parameter]) -> None:
    """Swept parameters are read side by side (one component per position): they must have one length."""
    swept = [(name, len(p.value)) for name, p in params.items() if isinstance(p.value, tuple)]
    for name, length in swept[1:]:
        if length != swept[0][1]:
            raise t.error(f"swept parameters are read side by side, so they need one common length: "
                          f"{swept[0][0]} has {swept[0][1]} values, {name} has {length}", "parameters", name)


def _formula(t: _Table, key: str, symbols: tuple[str, ...]):
    text = t.get(key, str, "a formula (a string)")
    if text is None:
        raise t.error(f"missing field '{key}' (a formula in {', '.join(symbols) or 'numbers only'})")
    try:
        return parse_formula(text, symbols)
    except InvalidArgument as exc:
        raise t.error(str(exc), key) from None


def _range_end(t: _Table, value: object, symbols: tuple[str, ...]):
    if isinstance(value, str):
        try:
            return parse_formula(value, symbols)
        except InvalidArgument as exc:
            raise t.error(str(exc), "range") from None
    return float(_number(t, value, ("range",), finite=False))


def _prediction(t: _Table, kind: str, symbols: tuple[str, ...]):
    if kind == "interval":
        ends = t.get("range", list, "[lo, hi]: formulas or numbers (inf allowed)")
        if "prediction" in t.table or ends is None or len(ends) != 2:
            raise t.error("an interval claim states range = [lo, hi] (formulas or numbers) instead of a prediction",
                          "range")
        return FormulaRange(*(_range_end(t, e, symbols) for e in ends))
    if "range" in t.table:
        raise t.error(f"only interval claims take a range; a {kind} claim states a prediction", "range")
    return FormulaPrediction(_formula(t, "prediction", symbols))


def _by_quadrature(t: _Table, spec: EstimatorSpec, kind: str, symbols: tuple[str, ...]) -> QuadraturePrediction:
    """``prediction_by = "quadrature"``: the quadrature of the Monte Carlo estimator's own integrand."""
    by = t.get("prediction_by", str, '"quadrature"')
    if by != "quadrature" or kind != "statistical" or spec.variables != ("Z",):
        raise t.error('prediction_by = "quadrature" is for a statistical claim of an estimator over Z ~ N(0, 1) '
                      f'(gaussian_expectation), got {shown(by)} with estimator {shown(spec.name)}, kind '
                      f"{shown(kind)}", "prediction_by")
    if "prediction" in t.table:
        raise t.error("a claim states a prediction or prediction_by, not both", "prediction")
    breakpoints = t.get("breakpoints", list, "a list of numbers (Z values)", [])
    integrand = _formula(t, spec.formula_field, symbols + spec.variables)
    return QuadraturePrediction(FormulaExpectationQuad(integrand, tuple(float(_number(t, b, ("breakpoints",)))
                                                                        for b in breakpoints)))


def _claim(t: _Table) -> Claim:
    unknown = sorted(set(t.table) - set(CLAIM_FIELDS))
    if unknown:
        raise t.error(f"unknown field {shown(unknown[0])}; allowed: {', '.join(CLAIM_FIELDS)}", unknown[0])
    known = estimators()
    name = t.get("estimator", str, f"one of {', '.join(known)}")
    if name not in known:
        raise t.error(f"unknown estimator {shown(name)}; allowed: {', '.join(known)}", "estimator")
    spec = known[name]
    kind = t.get("kind", str, "a kind")
    if kind not in spec.kinds:
        raise t.error(f"estimator {shown(name)} supports kind {' or '.join(spec.kinds)}, got {shown(kind)}", "kind")
    for key in ("integrand", "statistic", "breakpoints", "setup"):
        by_quadrature = key == "breakpoints" and "prediction_by" in t.table  # the prediction's quadrature's
        if key in t.table and key != spec.formula_field and key not in spec.optional and not by_quadrature:
            raise t.error(f"estimator {shown(name)} takes no field '{key}'", key)
    params = _parameters(t, spec)
    symbols = tuple(params)
    prediction = (_by_quadrature(t, spec, kind, symbols) if "prediction_by" in t.table
                  else _prediction(t, kind, symbols))
    estimator = _estimator(t, spec, symbols)
    provenance = _provenance(t)
    fields = dict(id=t.get("id", str, "a dotted id"), title=t.get("title", str, "a one-line statement"),
                  resolution=t.get("resolution", (int, float), "a number in (0, 1)"),
                  assumptions=tuple(t.get("assumptions", list, "a list of strings", [])),
                  dps=t.get("dps", int, f"an integer in [5, {_MAX_DPS}]", 30),
                  n_start=t.get("n_start", int, f"an integer in [2, {_MAX_N_START}]", spec.n_start),
                  scale_floor=t.get("scale_floor", (int, float), "a number >= 0", 0.0))
    for key, top in (("dps", _MAX_DPS), ("n_start", _MAX_N_START)):
        if fields[key] > top:
            raise t.error(f"must be at most {top} (the work a file may ask for), got {fields[key]}", key)
    if not all(isinstance(a, str) for a in fields["assumptions"]):
        raise t.error("must be a list of strings", "assumptions")
    for key, texts in (("title", [fields["title"]]), ("assumptions", fields["assumptions"])):
        broken = next((text for text in texts if _BREAKS.search(text)), None)
        if broken is not None:  # a listing, a report table or a terminal line would break at it
            raise t.error(f"must be one line of text (no line breaks or control characters), got {shown(broken)}",
                          key)
    try:
        claim = Claim(provenance=provenance, parameters=params, prediction=prediction, estimator=estimator,
                      kind=Kind(kind), **fields)
    except InvalidArgument as exc:
        raise t.error(str(exc), *([exc.name] if exc.name in CLAIM_FIELDS else [])) from None
    _evaluate_prediction(t, claim)
    return claim


def _estimator(t: _Table, spec: EstimatorSpec, symbols: tuple[str, ...]):
    formula = _formula(t, spec.formula_field, symbols + spec.variables)
    setup = t.get("setup", dict, "a table", {})
    unknown = sorted(set(setup) - set(spec.setup_fields))
    if unknown:
        raise t.error(f"unknown key {shown(unknown[0])}; allowed: {', '.join(spec.setup_fields)}",
                      "setup", unknown[0])
    for key, value in setup.items():  # the setup's fields are names (non-numeric choices)
        if not isinstance(value, str):
            raise t.error(f"must be a name (a string), got {shown(value)}", "setup", key)
    breakpoints = t.get("breakpoints", list, "a list of numbers (Z values)", [])
    for b in breakpoints:
        _number(t, b, ("breakpoints",))
    try:
        return spec.build(formula, t.table)
    except VerifierError as exc:  # an unknown activation is an UnknownName, a bad weights name an InvalidArgument
        key = getattr(exc, "name", None) or getattr(exc, "what", None)
        keys = ((spec.formula_field,) if key == spec.formula_field else ("setup", key) if key in spec.setup_fields
                else ("setup",))
        raise t.error(str(exc), *keys) from None


def _provenance(t: _Table) -> Provenance:
    raw = t.get("provenance", dict, "a table with source = paper | derived | observed")
    unknown = sorted(set(raw) - set(_PROVENANCE_FIELDS))
    if unknown:
        raise t.error(f"unknown key {shown(unknown[0])}; allowed: {', '.join(_PROVENANCE_FIELDS)}", "provenance")
    if "source" not in raw or not all(isinstance(v, str) for v in raw.values()):
        raise t.error("needs source = \"paper\" | \"derived\" | \"observed\" (all values strings)", "provenance")
    try:
        return Provenance(**raw)
    except InvalidArgument as exc:
        raise t.error(str(exc), "provenance") from None


def _evaluate_prediction(t: _Table, claim: Claim) -> None:
    """Evaluate the prediction once at load, so a formula that is not real there fails before the run."""
    key = "range" if claim.kind is Kind.INTERVAL else "prediction"
    values = claim.values
    count = len(components(values))
    if count > _CHECKED_POSITIONS:  # the run evaluates every position; reading the file checks a spread of them
        picks = sorted({round(k * (count - 1) / (_CHECKED_POSITIONS - 1)) for k in range(_CHECKED_POSITIONS)})
        values = {k: tuple(v[i] for i in picks) if isinstance(v, tuple) else v for k, v in values.items()}
    try:
        predicted = claim.prediction(values, dps=15)
        if claim.kind is Kind.INTERVAL:
            check_ranges(predicted)
    except VerifierError as exc:  # a pole, a non-real value, or digits that never settle (NoConvergence)
        raise t.error(str(exc), key) from None


def _claims(document: Document) -> tuple[Claim, ...]:
    path, lines, data = document.path, document.lines, document.data
    extra = sorted(set(data) - {"claim"})
    if extra:
        raise ClaimsFileError(path, lines.starting(extra[0]),
                              f"unknown top-level key {shown(extra[0])}; a claims file holds [[claim]] tables")
    tables = data.get("claim")
    if not isinstance(tables, list) or not tables:
        raise ClaimsFileError(path, lines.starting("claim") if "claim" in data else 1,
                              "no [[claim]] tables; see examples/claims.toml")
    builtin = {c.id for c in registered()}
    loaded: dict[str, Claim] = {}
    for index, table in enumerate(tables):
        if not isinstance(table, dict):
            raise ClaimsFileError(path, lines.of(index),
                                  f"claim #{index + 1} must be a [[claim]] table, got {shown(table)}")
        t = _Table(path, lines, index, table)
        claim = _checked(t)
        if claim.id in loaded or claim.id in builtin:
            raise t.error(f"id {shown(claim.id)} is already "
                          f"{'declared above' if claim.id in loaded else 'a built-in claim'}",
                          "id")
        loaded[claim.id] = claim
    return tuple(loaded.values())


def _checked(t: _Table) -> Claim:
    """:func:`_claim`, with a last-resort net: an exception that is not a :class:`VerifierError` is a bug in
    the checks above (each mistake should be named where it is read), reported at the claim's line, with the
    exception chained (``__cause__``) so a test can tell the net from a real check."""
    try:
        return _claim(t)
    except (VerifierError, MemoryError):
        raise
    except Exception as exc:
        raise t.error(f"could not be read ({type(exc).__name__}: {shown(str(exc))}; a bug in the "
                      "verifier: please report it with this file)") from exc


def load_claims_file(path: str | Path) -> tuple[tuple[Claim, ...], dict[str, str]]:
    """The claims declared in the TOML file at ``path`` and the file's record for reports (``{"path": ...,
    "sha256": ...}``), both from one read of the file: the hash is that of the very bytes that were parsed, also
    for a pipe (``--claims-file <(...)``) or a FIFO, which cannot be read twice. :class:`ClaimsFileError`
    (``FILE:LINE: message``) if the file cannot be read or any claim in it is wrong."""
    document = read_document(path)
    return _claims(document), document.record


def load_claims(path: str | Path) -> tuple[Claim, ...]:
    """The claims declared in the TOML file at ``path`` (not registered); :class:`ClaimsFileError` if any is wrong.

    :func:`load_claims_file` gives the file's record for reports from the same read."""
    return load_claims_file(path)[0]


def claims_file_record(path: str | Path) -> dict[str, str]:
    """A claims file's provenance for reports: its path and the SHA-256 of its bytes, from a second read.

    Right for a regular file that has not changed since it was loaded; a pipe or FIFO yields its bytes once, so
    use the record :func:`load_claims_file` returns with the claims."""
    return {"path": str(path), "sha256": hashlib.sha256(read_bytes(path)).hexdigest()}
