"""Covers verify/_claims_file.py and verify/_claims_file_read.py by fuzzing (Hypothesis): whatever bytes a claims
file holds, loading it returns claims or raises ClaimsFileError at FILE:LINE, never another exception, and never
through the loader's last-resort net (which chains the exception it caught as ``__cause__``).

Two sources of files: (a) random bytes, and edits of real claims files; (b) TOML documents of plausible
``[[claim]]`` tables (real and junk keys, values of every TOML type, the real estimators, formulas from a small
grammar with hostile ones). The default run is short; the ``slow`` tests run 6000 examples in all
(``python -m pytest -m slow -n 0 tests/verify/test_fuzz_claims_file.py``).
"""

import datetime
import json
import re

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from theory import VerifierError, components
from verify._claims_file import CLAIM_FIELDS, ClaimsFileError, load_claims
from verify._claims_file_read import MAX_BYTES

from .test_claims_file import EXAMPLE, GOOD

_COMMON = dict(deadline=5000, database=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FAST = settings(max_examples=60, **_COMMON)
SLOW = settings(max_examples=3000, **_COMMON)  # two slow tests: 6000 examples

# ---------------------------------------------------------------- the law


def _loads_or_names_its_line(path, evaluate: bool = False) -> None:
    """``load_claims(path)`` returns claims or raises ClaimsFileError at a line of the file, not via the net."""
    lines = path.read_bytes().count(b"\n") + 1
    try:
        claims = load_claims(path)
    except ClaimsFileError as err:
        assert err.path == str(path) and 1 <= err.line <= lines, (err.line, lines, str(err))
        assert str(err).startswith(f"{path}:{err.line}: ") and "\n" not in str(err)
        assert err.__cause__ is None, f"the loader's net caught {err.__cause__!r}"
        event(f"ClaimsFileError: {_gist(err.message)}")
        return
    event(f"loaded {len(claims)} claim(s)")
    assert claims and all(isinstance(c.formula(), str) for c in claims)
    if evaluate:
        for claim in claims:
            if len(components(claim.values)) <= 20:
                try:
                    claim.prediction(claim.values, dps=15)
                except VerifierError:  # a pole or a non-real value at a position the load did not check
                    pass


def _gist(message: str) -> str:
    """The kind of a message, for Hypothesis's statistics (``--hypothesis-show-statistics``)."""
    gist = re.sub(r"^claim (#\d+|'[^']*')( field '[^']*')?: ", "", message)
    return re.split(r"['\"(\[{]|got |\d", gist)[0][:40]


# ---------------------------------------------------------------- (a) bytes

_SEEDS = [GOOD.encode(), EXAMPLE.read_bytes(), b"", b"\xef\xbb\xbf" + GOOD.encode()]
_SNIPPETS = st.sampled_from([b"[", b"]", b"{", b"}", b"=", b'"', b"'", b"\n", b"\r\n", b"#", b"\x00", b"\xff",
                             b"\xef\xbb\xbf", b"\xc3", b"[[claim]]\n", b"[claim.setup]\n", b"inf", b"nan", b"1e999",
                             b"9" * 5000, b"[" * 3000, b"a." * 500, b"\\u0000", b"1979-05-27"]) | st.binary(max_size=8)


@st.composite
def byte_files(draw) -> bytes:
    """Random bytes, or a real claims file with random insertions, deletions and replacements."""
    if draw(st.integers(0, 3)) == 0:
        return draw(st.binary(max_size=2000))
    data = draw(st.sampled_from(_SEEDS))
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(data)))
        cut = draw(st.integers(0, 8))
        data = data[:at] + draw(_SNIPPETS) + data[at + cut:]
    return data


def _check_bytes(tmp_path_factory, data: bytes) -> None:
    path = tmp_path_factory.getbasetemp() / "fuzz_bytes.toml"
    path.write_bytes(data)
    _loads_or_names_its_line(path)


@FAST
@given(data=byte_files())
def test_any_bytes_load_or_raise_a_claims_file_error_at_a_line(tmp_path_factory, data):
    _check_bytes(tmp_path_factory, data)


@pytest.mark.slow
@SLOW
@given(data=byte_files())
def test_any_bytes_load_or_raise_a_claims_file_error_at_a_line_long(tmp_path_factory, data):
    _check_bytes(tmp_path_factory, data)


# ---------------------------------------------------------------- (b) TOML documents

_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
_NUMBERS = st.one_of(st.integers(-3, 400), st.floats(), st.sampled_from([0.5, 1.0, 2.0, 0.02, 1e-300, 1e300, 2**63]),
                     st.integers(-2**70, 2**70))
_SCALARS = st.one_of(_NUMBERS, st.booleans(), _TEXT, st.datetimes(timezones=st.none() | st.just(datetime.UTC)),
                     st.dates(), st.times())
_KEYS = st.sampled_from(list(CLAIM_FIELDS) + ["source", "value", "values", "from", "to", "num", "domain",
                                              "activation", "x", "id ", "é", ""]) | _TEXT
_VALUES = st.recursive(_SCALARS, lambda kids: st.lists(kids, max_size=4) | st.dictionaries(_KEYS, kids, max_size=3),
                       max_leaves=8)

def _maybe(plausible, junk=_VALUES, one_in: int = 12):
    """Mostly a plausible value, one time in ``one_in`` any TOML value (or ``junk``); the junk is not at 0, which
    Hypothesis draws often (its simplest choice is the plausible one)."""
    return st.integers(0, one_in - 1).flatmap(lambda k: junk if k == one_in // 2 else plausible)


_JUNK_ATOMS = ["t", "w", "n", "nu", "Z", "G", "S1", "pi", "1e308", "1e-308", "q", "inf", "nan", "e", "_", "1_000"]
_FUNCTIONS = _maybe(st.sampled_from(["abs", "sqrt", "exp", "log", "sin", "cos", "tan", "sinh", "cosh", "tanh",
                                      "asin", "acos", "atan", "erf", "erfc", "gamma"]),
                    st.sampled_from(["max", "min", "relu", "__import__", "eval"]), 6)
_HOSTILE = st.sampled_from([
    "__import__('os').system('true')", "s.real", "(lambda: s)()", "9^9^9^9", "exp(exp(exp(1000)))",
    "gamma(1e300)", "(" * 300 + "1" + ")" * 300, "1" * 3000, "s**s", "10^400", "2^(2^(2^20))", "s;s", "\x00",
    "sqrt(-1)", "log(0)", "1/0", "max(" + ", ".join(["s"] * 20) + ")", "-" * 500 + "s", "Z^1000000",
    "exp(Z^2)", "1/(s - s)", "tan(pi/2)", "erfc(1e10)", "S2/S1", "G^0.5", "s" * 200, "", " ", "0^-1",
])


def _binary(parts) -> str:
    left, op, right = parts
    return f"({left} {op} {right})"


def formulas(symbols: tuple[str, ...]):
    """Formulas from a small grammar over ``symbols`` and numbers (now and then a symbol not declared, an unknown
    function, or a hostile text)."""
    atoms = _maybe(st.sampled_from([*symbols, "pi", "1", "0", "2.5", "0.5"]), st.sampled_from(_JUNK_ATOMS), 8)
    grammar = st.recursive(
        atoms, lambda f: st.one_of(st.tuples(f, st.sampled_from(["+", "-", "*", "/", "^", "**"]), f).map(_binary),
                                   st.tuples(_FUNCTIONS, _maybe(st.lists(f, min_size=1, max_size=1),
                                                                st.lists(f, min_size=2, max_size=3), 6))
                                   .map(lambda p: f"{p[0]}({', '.join(p[1])})"),
                                   f.map(lambda x: f"-{x}")), max_leaves=6)
    return _maybe(grammar, _HOSTILE | _VALUES)


_SMALL = st.one_of(st.sampled_from([0.5, 1.0, 2.0, 3]), st.floats(-10, 10))
_PARAMETER = st.one_of(
    _SMALL, st.lists(_SMALL, min_size=1, max_size=3),
    st.fixed_dictionaries({"values": st.lists(_maybe(_SMALL, _NUMBERS), min_size=1, max_size=3)},
                          optional={"domain": st.sampled_from([[0, float("inf")], [-1, 1], [float("-inf"), 0]])}),
    st.fixed_dictionaries({"from": _maybe(_SMALL, _NUMBERS), "to": _maybe(_SMALL, _NUMBERS),
                           "num": st.integers(1, 12)},
                          optional={"spacing": st.sampled_from(["linear", "log", "cubic"]),
                                    "domain": st.lists(_maybe(_SMALL, _NUMBERS), min_size=2, max_size=2)}),
)
_NAMES = _maybe(st.sampled_from(["s", "t", "w", "alpha", "x_1"]), st.sampled_from(["Z", "pi", "sqrt", "1a", "é", "G"]))
_GRADIENT = st.fixed_dictionaries({"n": st.integers(1, 12), "d": st.integers(1, 12), "m": st.integers(1, 12),
                                   "nu": st.sampled_from([0.0, 0.25, 0.5])}, optional={"alpha": st.just(0.0)})
_SETUP = st.dictionaries(st.sampled_from(["activation", "weights", "target", "scaling", "loss", "mu", "spike"]),
                         _maybe(st.sampled_from(["relu", "tanh", "erf", "sphere", "ntk", "mf", "mse", "logistic",
                                                 "population", "empirical", "triple_index", "relux", ""])),
                         max_size=3)
_PROVENANCE = st.fixed_dictionaries(
    {"source": _maybe(st.sampled_from(["derived", "observed"]), st.sampled_from(["paper", "a book"]), 6)},
    optional={"arxiv": st.sampled_from(["2510.01303", "x"]), "version": st.sampled_from(["v1", "1"]),
              "locator": st.sampled_from(["Theorem 1", ""]), "note": _TEXT,
              "trust": _maybe(st.sampled_from(["primary", "secondary"]), _TEXT, 4)})
_ESTIMATORS = {"gaussian_expectation": ("integrand", ("Z",), ("statistical", "interval")),
               "gaussian_expectation_quad": ("integrand", ("Z",), ("exact",)),
               "gradient_norms": ("statistic", ("G", "sigma2", "S1", "S12", "S2", "E"), ("statistical", "interval"))}
_OPTIONAL = {"setup": _SETUP, "breakpoints": st.lists(_maybe(_SMALL, _NUMBERS), max_size=3),
             "dps": st.integers(-5, 60) | st.just(2000), "n_start": st.integers(-5, 64) | st.just(2**21),
             "scale_floor": _maybe(_SMALL, _NUMBERS), "assumptions": st.lists(_TEXT, max_size=2)}


@st.composite
def claim_tables(draw) -> dict:
    """A plausible ``[[claim]]`` table: the real fields, mostly with fitting values (an estimator and a kind it
    supports, formulas in the declared symbols), then now and then a field deleted, added, or of any TOML value."""
    estimator = draw(_maybe(st.sampled_from(sorted(_ESTIMATORS)), st.just("gaussian")))
    field, variables, kinds = _ESTIMATORS.get(estimator, ("integrand", ("Z",), ("statistical",)))
    parameters = draw(_GRADIENT) if estimator == "gradient_norms" else {}
    parameters.update(draw(st.dictionaries(_NAMES, _maybe(_PARAMETER), max_size=2)))
    symbols = tuple(parameters)
    table = {"id": draw(_maybe(st.sampled_from(["user.a", "user.b.c"]),
                               st.sampled_from(["User Claim", "gauss.relu.mean_derivative.mc"]) | _VALUES)),
             "title": draw(_maybe(st.sampled_from(["E[f(Z)] = p", "a title"]), _TEXT | _VALUES)),
             "kind": draw(_maybe(st.sampled_from(kinds), st.sampled_from(["statistical", "exact", "interval", "x"]))),
             "estimator": estimator,
             "resolution": draw(_maybe(st.sampled_from([0.02, 1e-20, 0.5]), st.sampled_from([2, 0, -1, float("nan")]))),
             "provenance": draw(_maybe(_PROVENANCE)),
             "parameters": draw(_maybe(st.just(parameters))),
             field: draw(formulas(symbols + variables))}
    if table["kind"] == "interval":
        table["range"] = draw(_maybe(st.lists(formulas(symbols) | _SMALL, min_size=2, max_size=2)))
    else:
        table["prediction"] = draw(formulas(symbols))
    for key in draw(st.lists(st.sampled_from(sorted(_OPTIONAL)), max_size=2, unique=True)):
        table[key] = draw(_maybe(_OPTIONAL[key]))
    if draw(st.integers(0, 9)) == 5:
        del table[draw(st.sampled_from(sorted(table)))]
    if draw(st.integers(0, 9)) == 5:
        table[draw(_KEYS)] = draw(_VALUES)
    return table


_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(key: str) -> str:
    return key if _BARE.match(key) else _string(key)


def _string(text: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's; DEL must be escaped too)."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _value(value) -> str:
    """``value`` as an inline TOML value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return "nan" if value != value else ("inf" if value > 0 else "-inf") if abs(value) == float("inf") \
            else repr(value)
    if isinstance(value, (int, datetime.date, datetime.time)):
        return value.isoformat() if not isinstance(value, int) else str(value)
    if isinstance(value, str):
        return _string(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"


def _document(tables: list[dict], subtables: list[bool]) -> str:
    """``[[claim]]`` tables as TOML; a table-valued field becomes a ``[claim.KEY]`` section when asked."""
    out = []
    for table, sections in zip(tables, subtables):
        out.append("[[claim]]")
        later = {k: v for k, v in table.items() if sections and isinstance(v, dict)}
        out += [f"{_key(k)} = {_value(v)}" for k, v in table.items() if k not in later]
        for key, sub in later.items():
            out += ["", f"[claim.{_key(key)}]"] + [f"{_key(k)} = {_value(v)}" for k, v in sub.items()]
        out.append("")
    return "\n".join(out)


@st.composite
def toml_files(draw) -> tuple[str, bool]:
    tables = draw(st.lists(claim_tables(), min_size=1, max_size=3))
    text = _document(tables, draw(st.lists(st.booleans(), min_size=len(tables), max_size=len(tables))))
    return text, draw(st.integers(0, 9)) == 5


def _check_toml(tmp_path_factory, document: tuple[str, bool]) -> None:
    text, evaluate = document
    path = tmp_path_factory.getbasetemp() / "fuzz_claims.toml"
    path.write_text(text, encoding="utf-8")
    assert len(text.encode()) <= MAX_BYTES
    _loads_or_names_its_line(path, evaluate)


@FAST
@given(document=toml_files())
def test_plausible_claim_tables_load_or_raise_a_claims_file_error_at_a_line(tmp_path_factory, document):
    _check_toml(tmp_path_factory, document)


@pytest.mark.slow
@SLOW
@given(document=toml_files())
def test_plausible_claim_tables_load_or_raise_a_claims_file_error_at_a_line_long(tmp_path_factory, document):
    _check_toml(tmp_path_factory, document)


def test_the_generator_writes_the_toml_it_means():
    """The serializer above is right: a valid table through it loads (so the fuzzing reaches past the parser)."""
    import tomllib

    table = {"id": "user.a", "title": "t \x7f é", "kind": "statistical", "estimator": "gaussian_expectation",
             "integrand": "max(s*Z, 0)", "prediction": "s/sqrt(2*pi)", "resolution": 0.02,
             "provenance": {"source": "derived"}, "parameters": {"s": {"values": [1.0, 2.0], "domain": [0, 1e300]}}}
    for sections in (False, True):
        text = _document([table], [sections])
        assert tomllib.loads(text) == {"claim": [table]}
