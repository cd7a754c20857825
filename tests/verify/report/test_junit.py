"""Covers verify/report/_junit.py: junit.xml validates against our schema (tests/verify/report/data/junit.xsd) and
holds the evidence."""

import dataclasses
import math
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import xmlschema

import verify
from verify.report._junit import junit_xml

from ..synthetic import Coin, exact, interval, statistical

SCHEMA = Path(__file__).parent / "data" / "junit.xsd"


@pytest.fixture(scope="module")
def schema():
    return xmlschema.XMLSchema(SCHEMA)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    claims = [statistical(), statistical(predicted=(1.5,), id="synthetic.wrong"), exact(),
              statistical(sigma=100.0, id="synthetic.noisy"),
              interval(((0.5, math.inf),), Coin((0.95,)), id="other.interval")]
    result = verify.run(claims, seed=4)
    paths = verify.write_report(result, tmp_path_factory.mktemp("report"))
    return result, paths["junit"]


def test_junit_xml_validates_against_our_schema(report, schema):
    _, path = report
    assert path.read_bytes().startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    schema.validate(str(path))


def test_the_schema_rejects_what_junit_readers_would(schema):
    bad = ('<testsuites name="v" tests="1" failures="0" errors="0" skipped="0" time="1" '
           'timestamp="2024-01-01T00:00:00">'
           '<testsuite name="v" tests="-1" failures="0" errors="0" skipped="0" time="1" '
           'timestamp="2024-01-01T00:00:00"/>'
           "</testsuites>")
    assert not schema.is_valid(bad)
    two_outcomes = bad.replace('tests="-1"', 'tests="1"').replace(
        "/></testsuites>", '><testcase classname="a" name="a.b" time="0"><failure message="x"/><skipped/></testcase>'
                           "</testsuite></testsuites>")
    assert not schema.is_valid(two_outcomes)
    assert schema.is_valid(two_outcomes.replace("<skipped/>", ""))


def test_counts_match_the_verdicts(report):
    result, path = report
    root = ET.parse(path).getroot()
    suite = root.find("testsuite")
    counts = result.counts()
    for element in (root, suite):
        assert element.get("tests") == str(len(result.verdicts))
        assert element.get("failures") == str(counts[verify.FAIL]) == "1"
        assert element.get("skipped") == str(counts[verify.INCONCLUSIVE]) == "1"
        assert element.get("errors") == "0"
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == [v.claim.id for v in result.verdicts]
    assert [c.get("classname") for c in cases] == ["verify-claims"] * 5  # as pytest's JUnit names the plugin's
    assert len(suite.findall("testcase/failure")) == 1 and len(suite.findall("testcase/skipped")) == 1


def test_a_failure_carries_its_evidence_and_inconclusive_is_skipped(report):
    result, path = report
    cases = {c.get("name"): c for c in ET.parse(path).getroot().iter("testcase")}
    verdicts = {v.claim.id: v for v in result.verdicts}
    failure = cases["synthetic.wrong"].find("failure")
    assert failure.get("type") == "FAIL" and failure.get("message") == verdicts["synthetic.wrong"].reason
    assert "predicted 1.5" in failure.text and "estimate" in failure.text and "confidence interval [" in failure.text
    skipped = cases["synthetic.noisy"].find("skipped")
    assert skipped.get("message") == verdicts["synthetic.noisy"].reason
    assert (cases["synthetic.normal.mean"].find("failure") is None
            and cases["synthetic.normal.mean"].find("skipped") is None)


def test_properties_hold_the_provenance(report):
    result, path = report
    props = {p.get("name"): p.get("value") for p in ET.parse(path).getroot().iter("property")}
    assert props["seed"] == "4" and props["budget"] == "standard" and props["false_fail_rate"] == "0.001"
    for name in ("git.commit", "git.dirty", "hostname", "platform", "python", "started", "seconds", "package.sympy"):
        assert name in props


def test_claim_files_and_odd_characters_survive(report, schema):
    result, _ = report
    data = verify.report_dict(result)
    data["run"]["claims_files"] = [{"path": "claims <1>.toml", "sha256": "ab" * 32}]

    def control_characters(values, *, rng, n, dps=None):
        raise ValueError("bell \x07 and <tag> & more")

    odd = verify.run([dataclasses.replace(statistical(id="synthetic.odd"), estimator=control_characters)], seed=0)
    tree = junit_xml(odd, {"run": data["run"]})
    text = ET.tostring(tree.getroot(), encoding="unicode")
    schema.validate(text)
    props = {p.get("name"): p.get("value") for p in tree.getroot().iter("property")}
    assert props["claims_file.0.path"] == "claims <1>.toml" and props["claims_file.0.sha256"] == "ab" * 32
    failure = ET.fromstring(text).find("testsuite/testcase/failure")
    assert "\x07" not in failure.get("message") and "<tag> & more" in failure.get("message")
    assert "no look completed" in failure.text or "raised ValueError" in failure.text
