"""Reading a claims file: its bytes (capped while read), their UTF-8 text, the TOML document and its line numbers.

A claims file may be a regular file, a pipe (``--claims-file <(...)``), a FIFO or a character device: it is read
once, at most ``MAX_BYTES + 1`` bytes, so ``/dev/zero`` is refused as quickly as a file that is too large on disk,
and the SHA-256 a report records is that of the very bytes that were parsed (:func:`read_document`). Every
mistake is a :class:`ClaimsFileError`, ``FILE:LINE: message`` on one line.
"""

from __future__ import annotations

import hashlib
import json
import re
import reprlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

from theory import VerifierError

__all__ = ["ClaimsFileError", "Document", "Lines", "MAX_BYTES", "read_document", "shown"]

#: The most bytes a claims file may hold (1 MiB).
MAX_BYTES = 1 << 20
_BOM = "\ufeff"
_HINT = "--claims-file takes a readable UTF-8 TOML file"
_SHOWN = reprlib.Repr()
_SHOWN.maxstring = _SHOWN.maxother = 60
_SHOWN.maxlist = _SHOWN.maxtuple = _SHOWN.maxdict = _SHOWN.maxset = 6
_SHOWN.maxlevel = 3


class ClaimsFileError(VerifierError, ValueError):
    """A claims file that cannot be read: ``str(err)`` is ``FILE:LINE: message``."""

    def __init__(self, path: str, line: int, message: str):
        self.path, self.line, self.message = path, line, message
        super().__init__(f"{path}:{line}: {message}")


def shown(value: object) -> str:
    """``repr(value)`` cut short (a few items, a few levels, 60 characters a string), for one-line messages."""
    return _SHOWN.repr(value)


class Lines:
    """Line numbers of ``[[claim]]`` tables and of the fields inside them (tomllib keeps no positions).

    Lines are split at ``\\n`` only, as TOML counts them (a U+2028 inside a string starts no line).
    """

    def __init__(self, text: str):
        self.lines = text.split("\n")
        self.headers = [i + 1 for i, line in enumerate(self.lines) if re.match(r"^\s*\[\[\s*claim\s*\]\]", line)]

    def of(self, index: int, *keys: str) -> int:
        """The line of ``keys`` (a path like parameters, s) in claim ``index``; each key is searched after its
        parent."""
        line = self.headers[index] if index < len(self.headers) else 1
        end = self.headers[index + 1] if index + 1 < len(self.headers) else len(self.lines) + 1
        for key in keys:
            bare, quoted = _key_pattern(re.escape(key)), _key_pattern("|".join(map(re.escape, _quoted(key))))
            found = next((n for n in range(line, end) if bare.search(_code(self.lines[n - 1]))
                          or quoted.search(self.lines[n - 1])), None)
            if found is None:
                break
            line = found
        return line

    def starting(self, prefix: str) -> int:
        """The first line that starts with ``prefix`` (1 if none)."""
        return next((i + 1 for i, s in enumerate(self.lines) if s.lstrip().startswith(prefix)), 1)


def _key_pattern(key: str) -> re.Pattern:
    """A key where TOML may write it: starting a line (``key =``, ``[claim.key]``, ``key.sub =``) or in an
    inline table (``{ key =``, ``, key =``)."""
    return re.compile(rf"^\s*(\[\s*claim\.)?(?:{key})\s*(=|\]|\.)|[{{,]\s*(?:{key})\s*=")


def _quoted(key: str) -> list[str]:
    """The ways a quoted key is commonly written: a basic string (JSON's escapes are TOML's) and a literal one."""
    return [json.dumps(key), json.dumps(key, ensure_ascii=False)] + ([f"'{key}'"] if "'" not in key else [])


def _code(line: str) -> str:
    """A TOML line without its strings and comment, so a key is not found inside a title or a formula."""
    return re.sub(r'"(\\.|[^"\\])*"|\'[^\']*\'', '""', line).split("#", 1)[0]


@dataclass(frozen=True)
class Document:
    """A claims file read once: its parsed TOML, its line numbers, and the provenance of its bytes."""

    path: str
    data: dict
    lines: Lines
    sha256: str

    @property
    def record(self) -> dict[str, str]:
        """The file's provenance for reports: its path and the SHA-256 of the bytes that were parsed."""
        return {"path": self.path, "sha256": self.sha256}


def read_bytes(path: str | Path) -> bytes:
    """At most :data:`MAX_BYTES` bytes of ``path``, read once (a pipe or a device too); more is an error."""
    try:
        with open(path, "rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except OSError as exc:  # missing, a directory, no permission, an I/O error
        raise ClaimsFileError(str(path), 1, f"cannot read the file: {exc.strerror or exc}; {_HINT}") from None
    except ValueError as exc:  # a path with a NUL character
        raise ClaimsFileError(str(path), 1, f"cannot open the file: {exc}; {_HINT}") from None
    if len(data) > MAX_BYTES:
        raise ClaimsFileError(str(path), 1, f"file is larger than {MAX_BYTES} bytes (the most a claims file may "
                                            f"hold); is it the right file?")
    return data


def _text(path: str, data: bytes) -> str:
    """``data`` as UTF-8 without a leading byte-order mark; a bad byte is an error at its line."""
    try:
        return data.decode("utf-8").removeprefix(_BOM)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        hint = " (a UTF-16 file? save it as UTF-8)" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ""
        raise ClaimsFileError(path, line, f"not UTF-8 text: byte 0x{data[exc.start]:02x} at column {column}{hint}; "
                                          f"{_HINT}") from None


def _toml(path: str, text: str) -> dict:
    """The TOML document in ``text``; a syntax error, nesting too deep or a number too long is an error."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        raise ClaimsFileError(path, int(found.group(1)) if found else 1, f"TOML syntax error: {exc}") from None
    except RecursionError:  # tomllib parses arrays and inline tables inside each other by recursion
        raise ClaimsFileError(path, 1, "arrays or inline tables nested too deeply to read (a claims file needs a "
                                       "few levels)") from None
    except ValueError as exc:  # an integer with more digits than Python converts (sys.get_int_max_str_digits)
        found = re.search(r"\d{1000,}", text)
        line = text.count("\n", 0, found.start()) + 1 if found else 1
        raise ClaimsFileError(path, line, f"a number too long to read ({str(exc).split(':')[0]})") from None


def read_document(path: str | Path) -> Document:
    """The TOML document in ``path``, read once; :class:`ClaimsFileError` if it cannot be read or parsed."""
    data = read_bytes(path)
    text = _text(str(path), data)
    return Document(str(path), _toml(str(path), text), Lines(text), hashlib.sha256(data).hexdigest())
