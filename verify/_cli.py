"""Command line: ``python -m verify list | show ID | run [options] | derive FAMILY | diff OLD NEW``.

Exit status: 0 when nothing FAILed, 1 when a claim FAILed, 2 for a usage error
(one line on stderr, never a traceback; an unexpected internal error is one
line too, with status 1), 130 when interrupted (Ctrl-C), 143 when terminated (SIGTERM), 129 on a closed
terminal (SIGHUP): what was decided is still reported; 141 when the reader of stdout
closed the pipe (the report of what was decided is still written); 74 when the report could not be
written (a full disk: the previous report in the directory is left whole, and the results are printed).
A report directory is written by one run at a time: a second is refused (status 2).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from typing import Sequence

from theory import InvalidArgument, VerifierError

from ._budget import BUDGETS
from ._check import DEFAULT_FALSE_FAIL_RATE
from ._claim import Claim
from ._claims_file import load_claims_file
from ._cli_list import add_filters, colour, filtered, list_json, list_text, paint
from ._derive_check import add_check_arguments, run_derivation
from ._diff import add_arguments as add_diff_arguments
from ._diff import run_diff
from ._executors import default_jobs, make_executor
from ._pack import derivation, derivations
from ._registry import get, select, select_with_files
from ._progress import RunProgress, WriteProgress
from ._protocols import maps_draws
from ._run import run
from ._session import Session, preload_modules
from ._signals import as_interrupt, exit_status, held
from .report._evidence import in_brief
from .report import ReportNotWritten, prepare_directory, recover, report_lock, write_report

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line (an argument's line breaks and control characters escaped), exit 2
        shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)
        self.exit(2, f"verify: error: {shown}\n")


def _option(option: str, convert, valid, what: str):
    """An argparse type for ``option``: ``convert`` the text, and refuse it, naming the option and ``what`` it must
    be, when it does not convert or is not ``valid``."""
    def parse(text: str):
        try:
            value = convert(text) if text.isascii() else None  # int("\u0663") would be 3
        except ValueError:
            value = None
        if value is None or not valid(value):
            raise argparse.ArgumentTypeError(f"{option} must be {what}, got {text!r}")
        return value
    return parse


_seed = _option("--seed", int, lambda v: v >= 0, "a non-negative integer")
_rate = _option("--false-fail-rate", float, lambda v: 0 < v < 1, "a probability in (0, 1)")
_jobs = _option("--jobs", int, lambda v: v >= 1, "a positive integer (worker processes)")
_seconds = _option("--claim-timeout", float, lambda v: 0 < v < float("inf"), "a positive number of seconds")


def _assignment(text: str) -> tuple[str, float | tuple[float, ...]]:
    name, sep, raw = text.partition("=")
    try:
        if not (sep and name and raw):
            raise ValueError
        values = tuple(float(v) for v in raw.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"--set takes NAME=NUMBER or NAME=N1,N2,..., got {text!r}") from None
    return name, values[0] if len(values) == 1 else values


_FILE_HELP = "user-defined claims in TOML (repeatable; format: README, 'Your own claims')"


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m verify", description="Verify closed-form claims against numerics.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    listing = sub.add_parser("list", help="list the claims, their kind and provenance")
    listing.add_argument("--match", metavar="PATTERN", help="glob over claim ids, or an id prefix")
    listing.add_argument("--json", action="store_true", help="a JSON array of the claims instead of a table")
    add_filters(listing)
    show = sub.add_parser("show", help="show one claim in full")
    show.add_argument("claim_id")
    for p in (listing, show):
        p.add_argument("--claims-file", metavar="FILE", action="append", default=[], help=_FILE_HELP)
    r = sub.add_parser("run", help="verify claims and write a report")
    r.add_argument("--match", metavar="PATTERN", help="glob over claim ids (gauss.*.mc), or an id prefix (gauss.relu)")
    r.add_argument("--seed", type=_seed, default=0, help="non-negative integer seed (default 0)")
    r.add_argument("--budget", choices=list(BUDGETS), default="standard", help="sampling budget (default standard)")
    r.add_argument("--report", metavar="DIR", default="verify-report", help="report directory (default verify-report/)")
    r.add_argument("--false-fail-rate", type=_rate, default=DEFAULT_FALSE_FAIL_RATE,
                   help=f"false-fail rate of the whole run (default {DEFAULT_FALSE_FAIL_RATE:g})")
    r.add_argument("--set", type=_assignment, action="append", default=[], metavar="NAME=VALUE",
                   help="override a parameter of every selected claim that has it (checked against its domain)")
    add_filters(r)
    r.add_argument("--quiet", action="store_true", help="no live progress; of the results, only the counts and the "
                   "claims that did not PASS")
    r.add_argument("--claims-file", metavar="FILE", action="append", default=[],
                   help=_FILE_HELP + "; with it, the files' claims run, or with --match those it selects among the "
                   "files' and the built-in claims")
    r.add_argument("--jobs", type=_jobs, default=None, metavar="N",
                   help="worker processes (default: every core, here %d); 1 checks the claims in this process"
                   % default_jobs())
    r.add_argument("--executor", choices=("processes", "dask"), default="processes",
                   help="a process pool on this machine (default), or a Dask cluster (README, 'Runs that scale')")
    r.add_argument("--scheduler", metavar="ADDRESS", help="with --executor dask: the scheduler (tcp://host:8786); "
                   "without it, a LocalCluster of --jobs workers is started and stopped")
    r.add_argument("--claim-timeout", type=_seconds, metavar="SECONDS",
                   help="a claim that runs longer is stopped and reported INCONCLUSIVE")
    r.add_argument("--resume", action="store_true",
                   help="continue the interrupted run in --report: verify only the claims it did not decide")
    r.add_argument("--cache", metavar="DIR", help="reuse verdicts decided with the same fingerprint, seed, budget "
                   "and rates (a result store in DIR, created if absent, updated with this run's verdicts)")
    d = sub.add_parser("derive", help="derive a family's regimes symbolically (exponents, boundaries)")
    families = d.add_subparsers(dest="family", required=True, metavar="family")
    for name, spec in derivations().items():
        family = families.add_parser(name, help=spec.help)
        spec.add_arguments(family)
        if spec.claims is not None:
            add_check_arguments(family, _seed, _rate, _jobs)
    docs = sub.add_parser("docs", help="write a Markdown page per family of claims (generated from the registry)")
    docs.add_argument("directory", help="where to write them (the repository keeps them in docs/claims)")
    add_diff_arguments(sub.add_parser("diff", help="compare two runs' reports: regressions first (exit 1 if any)"))
    return parser


def _derive(args: argparse.Namespace) -> int:
    return run_derivation(derivation(args.family), args)


def _apply(claims: tuple[Claim, ...], assignments: list[tuple[str, object]]) -> tuple[Claim, ...]:
    for name, value in assignments:
        if not any(name in c.parameters for c in claims):
            known = sorted({p for c in claims for p in c.parameters})
            raise InvalidArgument("--set parameter", name, f"a parameter of the selected claims ({', '.join(known)})")
        claims = tuple(c.with_values(**{name: value}) if name in c.parameters else c for c in claims)
    return claims


def _selected(pattern: str | None, files: list[str],
              records: list[dict[str, str]] | None = None) -> tuple[Claim, ...]:
    """The claims ``pattern`` selects: among the registered ones, or, with claims ``files``, as
    :func:`select_with_files` says. Each file's record (path, SHA-256 of the very bytes parsed: a pipe is read
    once) is appended to ``records``."""
    if not files:
        return select(pattern)
    by_file: dict[str, tuple[Claim, ...]] = {}
    for path in files:
        if path in by_file:
            raise InvalidArgument("--claims-file", path, "each file given once (its claim ids would be repeated)")
        by_file[path], record = load_claims_file(path)
        if records is not None:
            records.append(record)
    return select_with_files(pattern, by_file)


def _estimate_text(estimator: object) -> str:
    """How a claim estimates: the estimator's kind, and the formula it evaluates when it has one (a claims
    file's integrand or statistic)."""
    shown = type(estimator).__name__
    for field in ("integrand", "statistic"):
        formula = getattr(estimator, field, None)
        if formula is not None:
            shown += f" of {field} {getattr(formula, 'text', formula)}"
    return shown


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{version('theory-verifier')} (Python {sys.version.split()[0]})"
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "(not installed)"


def _list(args: argparse.Namespace) -> int:
    claims = filtered(_selected(args.match, args.claims_file), args, empty_ok=True)
    (list_json if args.json else list_text)(claims)
    return 0


def _show(claim_id: str, files: list[str]) -> int:
    pool = {c.id: c for c in _selected(None, files)} if files else {}
    c = pool[claim_id] if claim_id in pool else get(claim_id)
    print(f"{c.id}: {c.title}\n  kind: {c.kind.value}\n  provenance: {c.provenance.describe()}")
    for name, p in c.parameters.items():
        print(f"  parameter {name} = {p.value} in {p.domain.describe()}")
    print(f"  formula: {c.formula()}")
    print(f"  estimate: {_estimate_text(c.estimator)}")
    print(f"  resolution: {c.resolution:g}, dps: {c.dps}, first look: {c.n_start} samples")
    route = c.route or "not declared"
    print(f"  independence of the estimate: {route}"
          + (" (an implementation identity: it tests our code paths, not the mathematics)"
             if c.checks_implementation else ""))
    for name, why in c.thresholds.items():
        print(f"  threshold {name} = {c.parameters[name].value} (ours: {why})")
    for a in c.assumptions:
        print(f"  assumes: {a}")
    return 0


def _run(args: argparse.Namespace) -> int:
    if args.scheduler and args.executor != "dask":
        raise InvalidArgument("--scheduler", args.scheduler, "given only with --executor dask")
    sources: list[dict[str, str]] = []  # each file hashed from the bytes parsed, not read again to be reported
    claims = _apply(filtered(_selected(args.match, args.claims_file, sources), args, empty_ok=False), args.set)
    with report_lock(prepare_directory(args.report)) as out:  # one run at a time writes there
        recover(out)
        result, first, last_verdict_at = _checked(claims, args)
        shown, paths, failure = WriteProgress(args.report, args.quiet, last_verdict_at=last_verdict_at), None, None
        with held(deliver=False, notice=_finishing) as late:  # the report is written whole, or not at all
            try:
                paths = write_report(result, out, claims_files=sources, progress=shown)
            except ReportNotWritten as exc:
                failure = exc
            finally:
                shown.close(written=paths is not None)
    _print_table(result, paths, quiet=args.quiet)
    if failure is not None:
        print(f"verify: error: {failure}", file=sys.stderr)
        return EXIT_REPORT_NOT_WRITTEN
    if result.interrupted:
        print(f"interrupted after {len(result.verdicts)} of {result.selected} claims; "
              f"`--resume` continues it", file=sys.stderr)
    stopped = first or late
    if stopped:
        return exit_status(stopped[0])
    return 1 if result.failed else 0


#: exit status when the run's report could not be written (sysexits' EX_IOERR); the previous one stays whole
EXIT_REPORT_NOT_WRITTEN = 74


def _checked(claims: tuple[Claim, ...], args: argparse.Namespace):
    """Check ``claims`` as ``args`` say, recording each verdict in the directory's store; returns the run's
    result, the signal that stopped it (empty if none) and when the last verdict came (``time.perf_counter``)."""
    first: list[int] = []
    with Session(args.report, resume=args.resume, cache=args.cache) as session:
        decided = session.decided(claims, seed=args.seed, budget=args.budget, false_fail_rate=args.false_fail_rate)
        jobs = args.jobs or default_jobs()
        todo = [c for c in claims if c.id not in decided]
        if not any(maps_draws(c.estimator) for c in todo):
            jobs = min(jobs, max(len(todo), 1))  # no idle workers (unless a claim spreads its draws)
        executor = None
        if jobs > 1 or args.executor == "dask" or args.claim_timeout:
            executor = make_executor(args.executor, jobs, scheduler=args.scheduler, preload=preload_modules(claims))
        progress = RunProgress(len(claims), args.quiet)
        try:
            session.begin()
            for verdict in decided.values():
                progress.verdict(verdict)
            with as_interrupt(first):
                result = run(claims, seed=args.seed, budget=args.budget, false_fail_rate=args.false_fail_rate,
                             progress=progress.look, on_verdict=session.recorder(progress.verdict),
                             executor=executor, claim_timeout=args.claim_timeout, decided=decided,
                             order=session.order)
        finally:
            progress.close()
            if executor is not None:
                executor.close()
    return result, first, progress.last_verdict_at


def _finishing(signum: int) -> None:
    sys.stderr.write(f"verify: {signal.Signals(signum).name} received while the report is written; "
                     f"it is finished first\n")


def _print_table(result, paths, *, quiet: bool) -> None:
    """The results: one row per claim (with ``quiet``, only those that did not PASS; their reasons below them),
    then the counts."""
    rows = [v for v in result.verdicts if not quiet or v.outcome != "PASS"]
    on = colour(sys.stdout)
    width = max([len(v.claim.id) for v in rows] + [10])
    if rows:
        print(paint(f"{'claim':{width}s}  {'outcome':12s}  evidence", "bold", on))
    for v in rows:
        note = "  (reused)" if v.reused is not None else ""
        print(f"{v.claim.id:{width}s}  {paint(f'{v.outcome:12s}', v.outcome, on)}  {in_brief(v)}{note}")
        if v.outcome != "PASS":
            print(f"{'':{width}s}  {v.reason}")
    counts = ", ".join(f"{n} {o}" for o, n in result.counts().items())
    taken = "".join(f", {n} {what}" for n, what in ((result.resumed, "resumed"), (result.reused, "reused")) if n)
    where = f"report: {paths['markdown']}" if paths else "no new report written"
    print(f"{counts} in {result.seconds:.1f} s (seed {result.seed}, budget {result.budget}, {result.executor}"
          f"{taken}); {where}")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "list":
            return _list(args)
        if args.command == "show":
            return _show(args.claim_id, args.claims_file)
        if args.command == "derive":
            return _derive(args)
        if args.command == "diff":
            return run_diff(args)
        if args.command == "docs":
            from ._docs import write_pages

            print(f"wrote {len(write_pages(select(None), args.directory))} pages to {args.directory}")
            return 0
        return _run(args)
    except VerifierError as exc:
        print(f"verify: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # before or after the claims (their own interrupt is the run's): quietly
        print("verify: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`... | head`): stop quietly, as shells expect
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:  # noqa: BLE001  (a last resort: one line, never a traceback)
        print(f"verify: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
