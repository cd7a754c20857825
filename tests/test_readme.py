"""Covers README.md: what it says about the registry is what the registry holds, its times are measured ones, and
what it points at exists.

The README's counts ("The `fluct` family (26 claims", "`--match 'lowrank.*'`, 63 claims") and the activations
it names for the `gauss` family are read from its text and compared with ``verify.select``; its times ("about 90 s
on 2 cores" per family, the total in minutes) are compared with ``docs/timings.json``, which
``bench/family_timings.py`` writes and whose claim counts must be the registry's (a changed family must be timed
again); every repository path it mentions (``bench/...``, ``tests/README.md``, ``docs/...``) must exist in the
repository, since a user's clone has nothing else.
"""

import json
import re
from pathlib import Path

import pytest

import verify

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")

COUNTS = [(a or b, int(n), text) for a, b, n, text in
          ((m.group(1), m.group(2), m.group(3), m.group(0)) for m in re.finditer(
              r"(?:The `(\w+)` family \(|--match '(\w+)\.\*'`, )(\d+) claims", README))]


def test_the_readme_states_counts_for_the_families():
    assert {f for f, _, _ in COUNTS} >= {"lowrank", "fluct", "sloppy", "wd"}, COUNTS


@pytest.mark.parametrize(("family", "count", "text"), COUNTS, ids=[f"{f}:{n}" for f, n, _ in COUNTS])
def test_a_stated_count_is_the_registry_count(family, count, text):
    assert len(verify.select(f"{family}.*")) == count, f"README says {text!r}"


def test_the_gauss_paragraph_names_every_activation_of_the_family():
    paragraph = README[README.index("The first family, `gauss.*`"):]
    paragraph = paragraph[:paragraph.index("\n\n")]
    named = set(re.findall(r"`(\w+)`", paragraph))
    covered = {c.id.split(".")[1] for c in verify.select("gauss.*")}
    assert covered <= named, f"activations of gauss.* the README does not name: {sorted(covered - named)}"


def test_every_repository_path_in_the_readme_exists():
    pattern = r"(?<![\w/.])((?:bench|tests|docs|examples)/[\w./-]+\.(?:md|py|toml|json|png|html))"
    paths = set(re.findall(pattern, README))
    assert paths, "expected the README to point at files in the repository"
    missing = sorted(p for p in paths if not (ROOT / p).exists())
    assert not missing, f"README points at files a clone does not have: {missing}"
    assert "../shared" not in README and "shared/papers" not in README


# --- times: the README's "about N s on 2 cores" per family is docs/timings.json's measurement, rounded -------------

def _timings_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location("family_timings", ROOT / "bench" / "family_timings.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


TIMINGS = json.loads((ROOT / "docs" / "timings.json").read_text(encoding="utf-8"))
STATED_TIMES = [(f, int(s)) for f, s in re.findall(r"--match '(\w+)\.\*'`[^()]*?, about (\d+) s on 2\s+cores", README)]


def test_the_readme_states_times_for_the_families():
    assert {f for f, _ in STATED_TIMES} == set(TIMINGS["families"]), STATED_TIMES
    assert len(STATED_TIMES) == len(TIMINGS["families"]), "one stated time per family"
    assert TIMINGS["jobs"] == 2, "the README speaks of 2 cores: measure with --jobs 2"
    total = int(re.search(r"all families add up to about (\d+) min", README).group(1))
    assert total == round(sum(t["seconds"] for t in TIMINGS["families"].values()) / 60)


@pytest.mark.parametrize(("family", "stated"), STATED_TIMES, ids=[f"{f}:{s}s" for f, s in STATED_TIMES])
def test_a_stated_time_is_the_measured_one(family, stated):
    measured = TIMINGS["families"][family]["seconds"]
    assert stated == _timings_module().about(measured), (
        f"README says about {stated} s for {family}.*; docs/timings.json measured {measured} s")


def test_the_measured_families_are_the_registry_as_it_is():
    """A family whose claims changed since it was timed fails here until `python bench/family_timings.py` is rerun."""
    stale = {f: (t["claims"], len(verify.select(f"{f}.*"))) for f, t in TIMINGS["families"].items()
             if t["claims"] != len(verify.select(f"{f}.*"))}
    families = {c.id.split(".")[0] for c in verify.select("*")}
    assert not stale, f"docs/timings.json counts (timed, now) differ: {stale}; rerun bench/family_timings.py"
    assert set(TIMINGS["families"]) == families, "docs/timings.json must time every family"


def test_the_rounding_is_the_stated_one():
    about = _timings_module().about
    assert [about(x) for x in (0.2, 4.4, 9.6, 12.4, 67.4, 97.6, 104.9, 555)] == [1, 4, 10, 10, 65, 100, 100, 560]
