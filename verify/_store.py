"""The result store: each decided verdict, written the moment it is decided, in an SQLite file.

A record is keyed by the claim's id, its :func:`fingerprint` (its parameters, resolution, kind, precision and
the pickled claim, the source of the code it runs, the versions of the libraries it runs on), the run's seed and
budget, and the false-fail and false-pass rates the claim was allotted: a record is taken over only by a claim
that would be checked exactly as it was. Each record carries a SHA-256 checksum of its payload, the git commit
and the time it was decided. The file lives in the report directory (``verdicts.sqlite``): ``--resume`` takes
over what an interrupted run decided, ``--cache DIR`` what any earlier run decided.

The payload is a pickled :class:`verify.Verdict` (without its claim, which the run supplies); like the code it
comes from, a store is to be trusted: load only stores you or your CI wrote.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import pickle
import sqlite3
import sys
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import cloudpickle

from theory import InvalidArgument

from ._claim import Claim
from ._verdict import Reused, Verdict

__all__ = ["Store", "STORE_NAME", "fingerprint"]

STORE_NAME = "verdicts.sqlite"
_PROJECT, _SCHEMA = "theory-verifier", "1"
_LIBRARIES = ("numpy", "scipy", "mpmath", "sympy", "gmpy2", "cloudpickle")
_LAYERS = ("theory", "numerics", "verify")


def _digest_files(paths) -> str:
    h = hashlib.sha256()
    for path in sorted(paths):
        h.update(str(path.name).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


_SOURCES: dict[str, str] = {}


def _source_digest(directory: Path, recursive: bool) -> str:
    key = f"{directory}:{recursive}"
    if key not in _SOURCES:
        files = directory.rglob("*.py") if recursive else directory.glob("*.py")
        _SOURCES[key] = _digest_files([p for p in files if "__pycache__" not in p.parts])
    return _SOURCES[key]


def _modules(claim: Claim) -> set[str]:
    found = set()
    for obj in (claim.prediction, claim.estimator, *claim.illustrations):
        obj = getattr(obj, "func", obj)              # functools.partial
        obj = getattr(obj, "__func__", obj)          # bound method
        found.add(getattr(obj, "__module__", None) or type(obj).__module__)
    return found


def _code_digest(claim: Claim) -> str:
    """The source the claim runs: the cores of the three layers, and each package its callables come from (a
    built-in pack in every layer: by the project's layering, a pack imports only the cores and itself)."""
    root = Path(__file__).resolve().parent.parent
    parts = [_source_digest(root / layer, recursive=False) for layer in _LAYERS]
    parts.append(_source_digest(root / "verify" / "report", recursive=False))
    for name in sorted(_modules(claim)):
        pieces = name.split(".")
        if pieces[0] in _LAYERS:
            pack = pieces[2] if pieces[:2] == ["verify", "packs"] and len(pieces) > 2 else pieces[1]
            if pack.startswith("_"):
                continue  # a core module, hashed above
            for folder in (root / "theory" / pack, root / "numerics" / pack, root / "verify" / "packs" / pack):
                if folder.is_dir():
                    parts.append(_source_digest(folder, recursive=True))
            continue
        module = sys.modules.get(pieces[0])
        where = getattr(module, "__file__", None)
        if where:  # another distribution's package: all of it
            path = Path(where)
            parts.append(_source_digest(path.parent, recursive=True) if path.name == "__init__.py"
                         else _digest_files([path]))
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


@functools.lru_cache(maxsize=None)  # read from the installed metadata once per process (it parses files)
def _version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "-"


def fingerprint(claim: Claim) -> str:
    """A digest of everything a claim's verdict depends on apart from the run's settings.

    The pickled claim (its id, kind, parameters, resolution, precision, first look and the data its callables
    hold), the source of the code it runs and the versions of Python and the numerical libraries.
    """
    root = str(Path(__file__).resolve().parent.parent).encode()
    # a function pickled by value records its file's absolute path: the same code in another checkout is the same
    h = hashlib.sha256(cloudpickle.dumps(claim).replace(root, b"<root>"))
    h.update(_code_digest(claim).encode())
    h.update(sys.version.encode())
    for name in _LIBRARIES:
        h.update(f"{name}={_version(name)}".encode())
    return h.hexdigest()


_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS verdicts (
    claim_id TEXT NOT NULL, fingerprint TEXT NOT NULL, seed INTEGER NOT NULL, budget TEXT NOT NULL,
    rate TEXT NOT NULL, beta TEXT NOT NULL, outcome TEXT NOT NULL, seconds REAL NOT NULL,
    decided TEXT NOT NULL, git_commit TEXT, payload BLOB NOT NULL, checksum TEXT NOT NULL,
    PRIMARY KEY (claim_id, fingerprint, seed, budget, rate, beta));
"""


class Store:
    """The verdicts store at ``path`` (a file, or a directory holding ``verdicts.sqlite``).

    ``option`` names the command-line option the path came from, for error messages; ``create`` allows a new
    file. A file that is not an SQLite database, one written by another program, or a record whose checksum
    fails is an :class:`InvalidArgument`, and nothing in it is changed.
    """

    def __init__(self, path: str | Path, *, option: str, create: bool = True):
        path = Path(path)
        self.path = path / STORE_NAME if path.is_dir() or not path.suffix else path
        self.option = option
        if not create and not self.path.is_file():
            raise InvalidArgument(option, str(path), f"a directory holding a result store ({STORE_NAME})")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            tables = {r[0] for r in self._db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if tables and "meta" not in tables:
                self._refuse("a result store of theory-verifier (this SQLite file belongs to something else)")
            with self._db:
                self._db.executescript(_TABLES)
                meta = dict(self._db.execute("SELECT key, value FROM meta"))
                if not meta:
                    self._db.executemany("INSERT INTO meta VALUES (?, ?)",
                                         [("project", _PROJECT), ("schema", _SCHEMA)])
                elif meta.get("project") != _PROJECT or meta.get("schema") != _SCHEMA:
                    self._refuse(f"a result store of theory-verifier, schema {_SCHEMA} "
                                 f"(found {meta.get('project')!r}, schema {meta.get('schema')!r})")
        except sqlite3.DatabaseError as exc:
            self._refuse(f"an intact SQLite result store ({exc})")
        except OSError as exc:
            self._refuse(f"a writable place for the result store ({exc.strerror or exc})")

    def _refuse(self, expected: str):
        raise InvalidArgument(self.option, str(self.path), expected) from None

    @staticmethod
    def _key(claim: Claim, verdict_or_settings) -> tuple:
        s = verdict_or_settings
        return claim.id, fingerprint(claim), int(s.seed), s.budget, repr(float(s.false_fail_rate)), repr(float(s.beta))

    def put(self, verdict: Verdict, *, beta: float, commit: str | None) -> None:
        """Record ``verdict`` (in one transaction: a crash leaves it whole or absent)."""
        payload = pickle.dumps(replace(verdict, claim=None, reused=None), protocol=pickle.HIGHEST_PROTOCOL)
        key = self._key(verdict.claim, _Settings(verdict.seed, verdict.budget, verdict.false_fail_rate, beta))
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        try:
            with self._db:
                self._db.execute("INSERT OR REPLACE INTO verdicts VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                                 (*key, verdict.outcome, verdict.seconds, now, commit, payload,
                                  hashlib.sha256(payload).hexdigest()))
        except sqlite3.Error as exc:
            self._refuse(f"a writable result store ({exc})")

    def get(self, claim: Claim, *, seed: int, budget: str, rate: float, beta: float,
            reused: bool) -> Verdict | None:
        """The verdict recorded for ``claim`` checked with these settings, or None; ``reused`` marks it so."""
        key = self._key(claim, _Settings(seed, budget, rate, beta))
        try:
            row = self._db.execute("SELECT payload, checksum, decided, git_commit FROM verdicts WHERE claim_id=? "
                                   "AND fingerprint=? AND seed=? AND budget=? AND rate=? AND beta=?", key).fetchone()
        except sqlite3.Error as exc:
            self._refuse(f"a readable result store ({exc})")
        if row is None:
            return None
        payload, checksum, decided, commit = row
        if hashlib.sha256(payload).hexdigest() != checksum:
            self._refuse(f"an intact result store (the record of {claim.id} fails its checksum; delete the file)")
        try:
            verdict = pickle.loads(payload)
        except Exception as exc:  # noqa: BLE001  (any unpickling failure means the record is unusable)
            self._refuse(f"a readable result store (the record of {claim.id}: {type(exc).__name__})")
        return replace(verdict, claim=claim, reused=Reused(commit, decided, str(self.path)) if reused else None)

    def timings(self) -> dict[str, float]:
        """Seconds each claim took when last recorded (to start the long claims first)."""
        try:
            return dict(self._db.execute("SELECT claim_id, seconds FROM verdicts ORDER BY decided"))
        except sqlite3.Error as exc:
            self._refuse(f"a readable result store ({exc})")

    def clear(self) -> None:
        """Forget every record (a new run into the same directory)."""
        try:
            with self._db:
                self._db.execute("DELETE FROM verdicts")
        except sqlite3.Error as exc:
            self._refuse(f"a writable result store ({exc})")

    def close(self) -> None:
        self._db.close()


class _Settings:
    __slots__ = ("seed", "budget", "false_fail_rate", "beta")

    def __init__(self, seed, budget, false_fail_rate, beta):
        self.seed, self.budget, self.false_fail_rate, self.beta = seed, budget, false_fail_rate, beta
