"""A pytest plugin: ``pytest --claims [PATTERN]`` runs registered claims as test items.

Installed with the package (entry point ``verify-claims`` in ``pyproject.toml``),
so it is loaded by every pytest run; it collects and checks nothing unless
``--claims`` or ``--claims-file`` is given. Usage::

    pytest --claims -m claim                      # every registered claim, and nothing else
    pytest --claims gauss.relu -m claim           # an id prefix, or a glob: --claims 'gauss.*.mc'
    pytest --claims -m claim -k "relu and not quad" --claims-budget quick --claims-seed 7
    pytest --claims-file my_claims.toml -m claim  # the file's claims (repeatable); without -m, next to the tests
    pytest --claims 'user.*' --claims-file my_claims.toml   # PATTERN selects among built-in and file claims
    pytest --claims=gauss.relu tests/verify       # claims next to ordinary tests

With the package installed, this works from any directory. Where plugin
autoloading is off (``PYTEST_DISABLE_PLUGIN_AUTOLOAD=1``), add ``-p verify-claims``;
where the package is only on ``sys.path``, not installed, add ``-p verify._pytest_plugin``
(not both ways at once: pytest refuses to register the module twice).

Each selected claim becomes one item ``verify-claims::<claim id>`` with marker
``claim``, run by :func:`verify.check` with the given seed (default 0), budget
(default ``standard``) and false-fail rate. ``--claims-false-fail-rate`` is the
rate of the whole selection, split over its statistical and interval claims by
:func:`verify.per_claim_rate`, exactly as ``python -m verify run`` does; so
``pytest --claims X`` reaches the verdicts of ``python -m verify run --match X``.
``-k`` and ``-m`` narrow what runs, not the split (a conservative rate).

Outcomes: PASS passes; FAIL fails, and the failure shows the evidence
(prediction, estimate and confidence interval per component, samples, seed,
rates; :func:`verify.report._evidence.evidence_text`) instead of a traceback;
INCONCLUSIVE is a skip with the verdict's reason; a claim whose check raises a
:class:`verify.VerifierError` fails with that one line. Passing and skipped
items carry the evidence as a report section (``pytest -rA`` shows it).

A bad pattern, budget, seed, rate or claims file is a usage error (exit
status 4, one line). Put ``--claims`` last or write ``--claims=PATTERN``: a
bare ``--claims`` takes the next word as its pattern.
"""

from __future__ import annotations

import pytest

__all__ = ["ClaimItem", "ClaimsCollector"]

_ROOT = "verify-claims"
_BUDGET_NAMES = ("quick", "standard", "thorough")  # the names of verify.BUDGETS, for --help without importing it
_SETTINGS = pytest.StashKey["_Settings"]()


class _Settings:
    """What the options asked for: the selected claims and how to check them."""

    def __init__(self, claims, seed: int, budget: str, rate: float, per_claim: float, source: str):
        self.claims, self.seed, self.budget = claims, seed, budget
        self.rate, self.per_claim, self.source = rate, per_claim, source


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("verify claims", "verify: registered claims as tests (verify._pytest_plugin)")
    group.addoption("--claims", nargs="?", const="*", default=None, metavar="PATTERN",
                    help="collect the registered claims whose id matches PATTERN (a glob, or an id prefix; "
                         "no PATTERN: all) as tests marked 'claim'")
    group.addoption("--claims-budget", default=None, metavar="{" + ",".join(_BUDGET_NAMES) + "}",
                    help="sampling budget of each claim (default standard)")
    group.addoption("--claims-seed", default=None, metavar="N", help="non-negative integer seed (default 0)")
    group.addoption("--claims-false-fail-rate", default=None, metavar="P",
                    help="false-fail rate of the whole selection, split over its claims "
                         "(default verify.DEFAULT_FALSE_FAIL_RATE)")
    group.addoption("--claims-file", action="append", default=[], metavar="FILE",
                    help="user-defined claims in TOML (repeatable); without --claims, only these run")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "claim: a registered verify claim (collected by --claims / --claims-file)")
    if config.getoption("claims") is None and not config.getoption("claims_file"):
        return  # inert: nothing imported, nothing collected
    config.stash[_SETTINGS] = _settings(config)


def _usage(option: str, value: object, expected: str) -> pytest.UsageError:
    return pytest.UsageError(f"{option} must be {expected}, got {value!r}")


def _seed(text: str | None) -> int:
    if text is None:
        return 0
    try:
        value = int(text)
    except ValueError:
        raise _usage("--claims-seed", text, "a non-negative integer") from None
    if value < 0:
        raise _usage("--claims-seed", text, "a non-negative integer")
    return value


def _rate(text: str | None, default: float) -> float:
    if text is None:
        return default
    try:
        value = float(text)
    except ValueError:
        value = float("nan")
    if not 0 < value < 1:
        raise _usage("--claims-false-fail-rate", text, "a probability in (0, 1)")
    return value


def _settings(config: pytest.Config) -> _Settings:
    import verify  # deferred: costs about 1.5 s, paid only when claims are asked for

    pattern, files = config.getoption("claims"), config.getoption("claims_file")
    budget = config.getoption("claims_budget") or "standard"
    if budget not in verify.BUDGETS:
        raise _usage("--claims-budget", budget, f"one of {', '.join(verify.BUDGETS)}")
    seed = _seed(config.getoption("claims_seed"))
    rate = _rate(config.getoption("claims_false_fail_rate"), verify.DEFAULT_FALSE_FAIL_RATE)
    by_file = _load(verify, files)
    if files:  # the pattern selects among the files' claims and the built-in ones, as `python -m verify run` does
        from verify._registry import select_with_files

        try:
            claims = select_with_files(pattern, by_file)
        except verify.VerifierError as exc:
            raise pytest.UsageError(f"--claims: {exc}") from None
    else:
        claims = tuple(_select(verify, pattern, verify.claims()))
    source = " and ".join(([f"--claims {pattern!r}"] if pattern is not None else [])
                          + [f"--claims-file {f}" for f in files])
    try:
        per_claim = verify.per_claim_rate(claims, rate, budget=budget)
    except verify.VerifierError as exc:  # a rate too small to split over the selection
        raise pytest.UsageError(f"--claims-false-fail-rate: {exc}") from None
    return _Settings(claims, seed, budget, rate, per_claim, source)


def _select(verify, pattern: str, among):
    try:
        return verify.select(pattern, among=among)
    except verify.VerifierError as exc:
        hint = " (a path? write --claims=PATTERN, or put --claims last)" if "/" in pattern else ""
        raise pytest.UsageError(f"--claims: {exc}{hint}") from None


def _load(verify, files: list[str]) -> dict:
    if not files:
        return {}
    from verify._claims_file import load_claims

    if len(set(files)) < len(files):
        raise pytest.UsageError("--claims-file: each file given once (its claim ids would be repeated)")
    try:
        return {path: tuple(load_claims(path)) for path in files}
    except verify.VerifierError as exc:
        raise pytest.UsageError(f"--claims-file: {exc}") from None


def pytest_report_header(config: pytest.Config) -> str | None:
    s = config.stash.get(_SETTINGS, None)
    if s is None:
        return None
    return (f"verify claims: {len(s.claims)} from {s.source}; seed {s.seed}, budget {s.budget}, "
            f"false-fail rate {s.rate:g} ({s.per_claim:.3g} per claim)")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """Add the claims' items before ``-k``, ``-m`` and ``--deselect`` filter the list (hence ``tryfirst``).

    The items hang under one :class:`ClaimsCollector` child of the session, and
    ``session.genitems`` expands it with the usual collection hooks (counts,
    ``pytest_itemcollected``), as it does for files.
    """
    s = config.stash.get(_SETTINGS, None)
    if s is None or not s.claims:
        return
    collector = ClaimsCollector.from_parent(session, name=_ROOT, nodeid=_ROOT)
    items.extend(session.genitems(collector))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    """Locate an INCONCLUSIVE skip at its claim (``SKIPPED [1] verify-claims::<id>: ...``), not in this module."""
    report = yield
    if isinstance(item, ClaimItem) and report.skipped and isinstance(report.longrepr, tuple):
        report.longrepr = (item.nodeid, None, report.longrepr[2])
    return report


class ClaimsCollector(pytest.Collector):
    """The collector ``verify-claims``: one :class:`ClaimItem` per selected claim."""

    def collect(self):
        s = self.config.stash[_SETTINGS]
        return [ClaimItem.from_parent(self, name=c.id, claim=c) for c in s.claims]


class _ClaimFailed(Exception):
    """A FAIL verdict, or a check that raised a VerifierError: ``args[0]`` is what the failure shows."""


class ClaimItem(pytest.Item):
    """One claim checked by :func:`verify.check` at the session's seed, budget and per-claim rate."""

    def __init__(self, *, claim, **kwargs):
        super().__init__(**kwargs)
        self.claim = claim
        self.add_marker("claim")

    def runtest(self) -> None:
        import verify
        from .report._evidence import evidence_text

        s = self.config.stash[_SETTINGS]
        try:
            verdict = verify.check(self.claim, seed=s.seed, budget=s.budget, false_fail_rate=s.per_claim)
        except verify.VerifierError as exc:
            raise _ClaimFailed(f"{self.claim.id}: {type(exc).__name__}: {exc}") from None
        text = evidence_text(verdict)
        if verdict.outcome == verify.FAIL:
            raise _ClaimFailed(text)  # shown by repr_failure; no section, so it is not printed twice
        self.add_report_section("call", "evidence", text)
        if verdict.outcome == verify.INCONCLUSIVE:
            pytest.skip(f"INCONCLUSIVE: {verdict.reason}")

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, _ClaimFailed):
            return excinfo.value.args[0]
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        p = self.claim.provenance
        where = "".join([p.source, f", arXiv:{p.arxiv}{p.version or ''}" if p.arxiv else "",
                         f", {p.locator}" if p.locator else ""])
        return self.path, None, f"claim {self.claim.id} ({where})"
