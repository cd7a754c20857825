"""Covers examples/external_pack: a third-party pack found through the entry-point group.

The example pack is installed with pip into a temporary ``--target`` folder, never into the test environment
(other tests run in parallel and count the built-in claims); the verifier then runs in subprocesses that see that
folder on ``PYTHONPATH``, after the checkout's root so that ``verify`` is the one under test.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACK_SOURCE = ROOT / "examples" / "external_pack"
CLAIM_ID = "example.gauss.second_moment_cos"
TIMEOUT = 120  # seconds per subprocess; the whole test takes about 17 s


def _env(*extra_path):
    env = dict(os.environ, MPLBACKEND="Agg", PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    path = [str(ROOT), *map(str, extra_path)]
    if env.get("PYTHONPATH"):
        path.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(path)
    return env


def _python(args, *, cwd, env):
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=TIMEOUT)


def _install(tmp_path):
    """Install the example pack into a fresh folder with pip (offline, no build isolation); return the folder."""
    source = tmp_path / "src"  # a copy: the build writes build/ and *.egg-info next to pyproject.toml
    shutil.copytree(PACK_SOURCE, source, ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"))
    target = tmp_path / "site"
    pip = _python(["-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index", "--no-cache-dir",
                   "--target", str(target), str(source)], cwd=tmp_path, env=_env())
    assert pip.returncode == 0, pip.stdout + pip.stderr
    assert (target / "example_pack" / "__init__.py").is_file()
    return target


def _listed_ids(result):
    assert result.returncode == 0, result.stdout + result.stderr
    return [record["id"] for record in json.loads(result.stdout)]


def test_external_pack_is_listed_and_its_claim_passes(tmp_path):
    site = _install(tmp_path)
    work = tmp_path / "work"  # the subprocesses' working directory: nothing is written into the checkout
    work.mkdir()

    builtin = _listed_ids(_python(["-m", "verify", "list", "--json"], cwd=work, env=_env()))
    assert builtin and CLAIM_ID not in builtin
    listed = _listed_ids(_python(["-m", "verify", "list", "--json"], cwd=work, env=_env(site)))
    assert CLAIM_ID in listed
    assert sorted(listed) == sorted([*builtin, CLAIM_ID])  # the built-in claims all still appear
    matched = _python(["-m", "verify", "list", "--json", "--match", "example"], cwd=work, env=_env(site))
    assert _listed_ids(matched) == [CLAIM_ID]

    report = tmp_path / "report"
    run = _python(["-m", "verify", "run", "--match", "example", "--jobs", "1", "--report", str(report), "--quiet"],
                  cwd=work, env=_env(site))
    assert run.returncode == 0, run.stdout + run.stderr
    claims = json.loads((report / "report.json").read_text())["claims"]
    assert [(c["id"], c["outcome"]) for c in claims] == [(CLAIM_ID, "PASS")]
