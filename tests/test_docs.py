"""Covers verify/_docs.py and docs/claims/: the pages describing the claims are the registry's, regenerated."""

from pathlib import Path

import verify
from verify._docs import family_pages

ROOT = Path(__file__).resolve().parents[1]


def test_the_committed_claim_pages_are_what_the_registry_generates():
    pages = family_pages(verify.claims())
    stale = [name for name, text in pages.items()
             if not (ROOT / "docs" / "claims" / name).exists()
             or (ROOT / "docs" / "claims" / name).read_text(encoding="utf-8") != text]
    extra = sorted(p.name for p in (ROOT / "docs" / "claims").glob("*.md") if p.name not in pages)
    assert not stale and not extra, (f"docs/claims is out of date ({stale or extra}): "
                                     "run `python -m verify docs docs/claims`")


def test_every_claim_has_its_row_on_its_family_page():
    pages = family_pages(verify.claims())
    for claim in verify.claims():
        assert f"| `{claim.id}` |" in pages[f"{claim.id.split('.')[0]}.md"]


def test_the_docs_command_writes_the_pages(tmp_path, capsys):
    from verify._cli import main

    assert main(["docs", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(family_pages(verify.claims()))
