"""Fuzzing the command line (issue 22): random argument lists over every subcommand and option, valid and hostile
values mixed; each ends in an exit status with at most one line of error (a usage error is status 2), never
a traceback or an "internal error", within a bounded time.

The default profile tries a few dozen lists; ``-m slow`` tries ``SLOW_EXAMPLES``. Runs are kept cheap: ``run``
always gets the example claims file and one process (a valid ``--jobs N`` > 1, ``--executor dask`` or a
``--claim-timeout``, which start workers, are drawn only among the invalid values).
"""

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
import pytest

from .commands import in_process

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = str(ROOT / "examples" / "claims.toml")
DEFAULT_EXAMPLES, SLOW_EXAMPLES = 30, 1500

_JUNK = st.sampled_from(["", " ", "-", "--", "=", "x", "\u0663", "1e308", "-1", "0", "nan", "inf", "5e-324",
                         "\x00", "../", "/dev/zero", "/", "*", "gauss.*", "lowrank", "NAME=", "=1", "s=1e308",
                         "s=-1", "s=1,2,x", "a" * 300, "\u202e", "quick", "standard", "1" * 40])
_TEXT = st.one_of(_JUNK, st.text(max_size=12))
_VALUES = {
    "--match": st.one_of(st.sampled_from(["user.*", "user.relu.mean", "nothing.*", "[", "**"]), _TEXT),
    "--seed": st.one_of(st.integers(-3, 2 ** 70).map(str), _TEXT),
    "--budget": st.one_of(st.sampled_from(["quick", "standard", "thorough"]), _TEXT),
    "--false-fail-rate": st.one_of(st.floats(allow_nan=True, allow_infinity=True).map(repr), _TEXT),
    "--set": st.one_of(st.builds(lambda n, v: f"{n}={v}", st.sampled_from(["s", "w", "t", "q", ""]),
                                 st.floats().map(repr)), _TEXT),
    "--jobs": st.sampled_from(["0", "1", "-1", "x", "1.5", "", "\u0661"]),
    "--executor": st.sampled_from(["processes", "threads", "", "DASK"]),
    "--scheduler": st.sampled_from(["tcp://127.0.0.1:1", "", "x"]),
    "--claim-timeout": st.sampled_from(["0", "-1", "nan", "inf", "x", ""]),
    "--claims-file": st.sampled_from([EXAMPLE, "/nonexistent.toml", "/dev/null", str(ROOT), str(ROOT / "README.md"),
                                      ""]),
    "--report": st.sampled_from(["REPORT", "", "/proc/nope", "REPORT/sub"]),
    "--cache": st.sampled_from(["CACHE", "REPORT", "", "/proc/nope"]),
}
_FLAGS = ["--quiet", "--resume", "--help", "--version"]


@st.composite
def _argv(draw):
    command = draw(st.sampled_from(["list", "show", "run", "derive", "diff", "frobnicate", ""]))
    args = [command] if command else []
    if command == "show":
        args.append(draw(st.one_of(st.sampled_from(["user.relu.mean", "gauss.relu.mean.mc"]), _TEXT)))
    if command == "derive":
        args.append(draw(st.one_of(st.sampled_from(["lowrank", "nope"]), _TEXT)))
    if command == "diff":
        args += draw(st.lists(st.sampled_from(["REPORT", "/nonexistent", EXAMPLE, ""]), max_size=3))
    options = draw(st.lists(st.sampled_from(sorted(_VALUES) + _FLAGS), max_size=5))
    for option in options:
        args.append(option)
        if option in _VALUES:
            args.append(draw(_VALUES[option]))
    if command == "run":
        args += ["--claims-file", EXAMPLE, "--jobs", "1", "--report", "REPORT"]
    if draw(st.booleans()):
        args += draw(st.lists(_TEXT, max_size=2))  # stray words
    return args


def _call(argv: list[str]) -> tuple[int, str]:
    with tempfile.TemporaryDirectory() as tmp:
        argv = [a.replace("REPORT", f"{tmp}/report").replace("CACHE", f"{tmp}/cache") for a in argv]
        status, _, err = in_process(*argv)
        return status, err


def _check(argv: list[str]) -> None:
    status, err = _call(argv)
    assert isinstance(status, int) and status in (0, 1, 2), (argv, status, err)
    assert "Traceback" not in err and "internal error" not in err, (argv, err)
    if status == 2:
        lines = [line for line in err.splitlines() if line.strip() and not line.startswith("usage:")
                 and not line.startswith(" ")]
        assert len(lines) == 1, (argv, err)


_SETTINGS = dict(deadline=None, database=None, suppress_health_check=list(HealthCheck))


@settings(max_examples=DEFAULT_EXAMPLES, **_SETTINGS)
@given(_argv())
def test_random_command_lines_end_in_a_status_and_one_line(argv):
    _check(argv)


@pytest.mark.slow
@settings(max_examples=SLOW_EXAMPLES, **_SETTINGS)
@given(_argv())
def test_many_random_command_lines_end_in_a_status_and_one_line(argv):
    _check(argv)


@pytest.mark.parametrize("argv,needle", [
    (["run", "--report", "", "--claims-file", EXAMPLE], "--report"),          # the current directory, by mistake
    (["run", "--seed", "\u0663", "--claims-file", EXAMPLE], "--seed"),       # an Arabic-Indic three
    (["run", "--false-fail-rate", "5e-324", "--claims-file", EXAMPLE], "false_fail_rate"),
    (["list", "\r0"], "unrecognized arguments: \\r0"),                # found by the slow profile: two lines
])
def test_edge_values_are_usage_errors(argv, needle):
    status, err = _call(argv)
    assert status == 2 and needle in err and err.count("\n") <= 2, err
