"""``junit.xml``: a run's verdicts as JUnit XML, the format CI systems show as a test view.

One ``<testsuite name="verify">`` inside ``<testsuites>``; its ``<properties>`` hold the
run's provenance (seed, budget, false-fail rate, git commit and dirty flag, machine,
package versions, claim files). Each claim is a ``<testcase>`` named by its id, with
``classname`` ``verify-claims`` (:data:`CLASSNAME`), as pytest's own JUnit XML names the plugin's items
(``verify-claims::<id>``), so a CI view groups a run's claims the same way from either:

* FAIL: ``<failure message="<reason>" type="FAIL">`` holding the evidence
  (:func:`verify.report._evidence.evidence_text`: prediction, estimate and interval);
* INCONCLUSIVE: ``<skipped message="<reason>"/>`` (neither passed nor failed);
* PASS: the evidence in ``<system-out>``.

No claim is an ``<error>``: a claim that raised is a FAIL with that reason.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from ._evidence import evidence_text
from .._result import RunResult
from .._verdict import FAIL, INCONCLUSIVE, PASS

__all__ = ["junit_xml", "write_junit", "CLASSNAME"]

#: every test case's classname: the pytest plugin's collector (``verify-claims::<claim id>``)
CLASSNAME = "verify-claims"

#: Characters XML 1.0 cannot hold (control characters other than tab, newline, carriage return).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(value: object) -> str:
    return _NOT_XML.sub("\N{REPLACEMENT CHARACTER}", str(value))


def _properties(run: dict) -> list[tuple[str, str]]:
    git = run.get("git") or {}
    props = [("seed", run["seed"]), ("budget", run["budget"]), ("false_fail_rate", run["false_fail_rate"]),
             ("false_fail_rate_per_claim", run.get("false_fail_rate_per_claim")),
             ("false_pass_rate", run.get("false_pass_rate")),
             ("git.commit", git.get("commit")), ("git.dirty", git.get("dirty")),
             ("hostname", run.get("hostname")), ("platform", run.get("platform")),
             ("machine", run.get("machine")), ("processor", run.get("processor")),
             ("cpu_count", run.get("cpu_count")), ("python", run.get("python")),
             ("started", run["started"]), ("seconds", run["seconds"]),
             ("selected", run.get("selected")), ("interrupted", run.get("interrupted"))]
    props += [(f"package.{name}", version) for name, version in (run.get("packages") or {}).items()]
    for k, f in enumerate(run.get("claims_files") or ()):
        props += [(f"claims_file.{k}.path", f.get("path")), (f"claims_file.{k}.sha256", f.get("sha256"))]
    return [(name, "" if value is None else _text(value).lower() if isinstance(value, bool) else _text(value))
            for name, value in props]


def _counts(result: RunResult, seconds: float, run: dict) -> dict[str, str]:
    counts = result.counts()
    return {"tests": str(len(result.verdicts)), "failures": str(counts[FAIL]), "errors": "0",
            "skipped": str(counts[INCONCLUSIVE]), "time": f"{seconds:.3f}", "timestamp": run["started"]}


def junit_xml(result: RunResult, data: dict) -> ET.ElementTree:
    """The JUnit tree of ``result``; ``data`` is its :func:`verify.report._report.report_dict` (for provenance)."""
    run = data["run"]
    seconds = float(run["seconds"])
    suites = ET.Element("testsuites", {"name": "verify", **_counts(result, seconds, run)})
    suite = ET.SubElement(suites, "testsuite", {"name": "verify", **_counts(result, seconds, run),
                                                "hostname": _text(run.get("hostname") or "unknown")})
    properties = ET.SubElement(suite, "properties")
    for name, value in _properties(run):
        ET.SubElement(properties, "property", {"name": name, "value": value})
    for v in result.verdicts:
        case = ET.SubElement(suite, "testcase", {"classname": CLASSNAME, "name": v.claim.id,
                                                 "time": f"{v.seconds:.3f}"})
        _case_properties(case, v.claim)
        reused = f"{v.reused.describe()} (not verified by this run)\n" if v.reused is not None else ""
        body = _text(reused + evidence_text(v))
        if v.outcome == FAIL:
            ET.SubElement(case, "failure", {"message": _text(v.reason), "type": FAIL}).text = body
        elif v.outcome == INCONCLUSIVE:
            ET.SubElement(case, "skipped", {"message": _text(v.reason)})
            ET.SubElement(case, "system-out").text = body
        elif v.outcome == PASS:
            ET.SubElement(case, "system-out").text = body
    ET.indent(suites)
    return ET.ElementTree(suites)


def _case_properties(case: ET.Element, claim) -> None:
    """The claim's provenance (with its note), the independence of its estimate and its chosen thresholds."""
    properties = ET.SubElement(case, "properties")
    items = [("provenance", claim.provenance.describe()), ("independence", claim.route or "not declared"),
             *((f"threshold.{name}", f"{claim.parameters[name].value} (ours: {why})")
               for name, why in claim.thresholds.items())]
    for name, value in items:
        ET.SubElement(properties, "property", {"name": name, "value": _text(str(value))})


def write_junit(result: RunResult, data: dict, path: Path) -> Path:
    """Write :func:`junit_xml` to ``path`` (UTF-8, with an XML declaration)."""
    junit_xml(result, data).write(path, encoding="utf-8", xml_declaration=True)
    return path
