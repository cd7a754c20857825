"""Covers README.md: what it says about the registry is what the registry holds, and what it points at exists.

The README's counts ("The `fluct` family (26 claims", "`--match 'lowrank.*'`, 63 claims") and the activations
it names for the `gauss` family are read from its text and compared with ``verify.select``; every repository path
it mentions (``bench/...``, ``tests/README.md``, ``docs/...``) must exist in the repository, since a user's clone
has nothing else.
"""

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
    paths = set(re.findall(r"(?<![\w/.])((?:bench|tests|docs|examples)/[\w./-]+\.(?:md|py|toml))", README))
    assert paths, "expected the README to point at files in the repository"
    missing = sorted(p for p in paths if not (ROOT / p).exists())
    assert not missing, f"README points at files a clone does not have: {missing}"
    assert "../shared" not in README and "shared/papers" not in README
