"""What a report records about the machine and the code that produced it."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path

__all__ = ["environment", "machine_text", "verifier_text"]

_PACKAGES = ("theory-verifier", "numpy", "scipy", "sympy", "mpmath", "matplotlib")


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def _git(root: Path) -> dict[str, object]:
    """The commit and dirty flag of the git repository holding ``root`` (None, None outside one)."""
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10)
        status = subprocess.run(["git", "status", "--porcelain"], cwd=root, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    if commit.returncode != 0:
        return {"commit": None, "dirty": None}
    return {"commit": commit.stdout.strip(), "dirty": bool(status.stdout.strip())}


def environment() -> dict[str, object]:
    """Package versions, Python, platform, machine (hostname, architecture, processor, CPU count) and git state:
    ``git`` is the repository of the working directory (the project whose claims ran: a user's, or ours), and
    ``verifier`` this package's version and, for a source checkout, its own commit."""
    return {
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "machine": platform.machine(),
        "hostname": platform.node() or None,
        "processor": platform.processor() or None,
        "cpu_count": os.cpu_count(),
        "packages": {name: _version(name) for name in _PACKAGES},
        "git": _git(Path.cwd()),
        "verifier": {"version": _version("theory-verifier"), "git": _git(Path(__file__).resolve().parents[2])},
    }


def machine_text(run: dict) -> str:
    """The machine of a report's run dict in one line: hostname, platform, processor, CPUs, Python."""
    cpus = run.get("cpu_count")
    parts = [run.get("hostname") or "unknown host", run.get("platform"), run.get("processor"),
             f"{cpus} CPU{'s' if cpus != 1 else ''}" if cpus else None,
             f"Python {run['python']}" if run.get("python") else None]
    return ", ".join(str(p) for p in parts if p)


def verifier_text(run: dict) -> str:
    """The verifier that made a report: its version and, for a source checkout, its commit (when it is not the
    working directory's own)."""
    v = run.get("verifier") or {}
    commit = (v.get("git") or {}).get("commit")
    own = commit and commit == (run.get("git") or {}).get("commit")
    return f"theory-verifier {v.get('version', 'unknown')}" + (f" at commit {commit[:12]}" if commit and not own
                                                                 else "")
