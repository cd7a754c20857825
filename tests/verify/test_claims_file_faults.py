"""Covers verify/_claims_file_read.py and the type checks of verify/_claims_file.py: files that are not what a
claims file should be (too large, a stream, a directory, not UTF-8) and fields of the wrong TOML type, each one
ClaimsFileError at FILE:LINE (issue 22)."""

import hashlib
import os
import textwrap
import threading

import pytest

from verify import _claims_file as claims_file
from verify._claims_file import ClaimsFileError, claims_file_record, load_claims
from verify._claims_file_read import MAX_BYTES

from .test_claims_file import EXAMPLE, GOOD

STREAM = 50 * 10**6  # the bytes a writer offers through a pipe: far over the cap


def _error(path) -> ClaimsFileError:
    with pytest.raises(ClaimsFileError) as info:
        load_claims(path)
    assert str(info.value).startswith(f"{path}:{info.value.line}: ") and "\n" not in str(info.value)
    return info.value


def _write(tmp_path, data: bytes | str, name="claims.toml"):
    path = tmp_path / name
    path.write_bytes(data if isinstance(data, bytes) else textwrap.dedent(data).encode())
    return path


def _line_of(text: str, fragment: str) -> int:
    return text[:text.index(fragment)].count("\n") + 1


class _Writer(threading.Thread):
    """Writes ``data`` to the FIFO at ``path`` (once a reader opens it), counting what the reader took."""

    def __init__(self, path, data: bytes):
        super().__init__(daemon=True)
        self.path, self.data, self.written = path, data, 0

    def run(self):
        with open(self.path, "wb", buffering=0) as stream:
            try:
                for start in range(0, len(self.data), 1 << 16):
                    self.written += stream.write(self.data[start:start + (1 << 16)])
            except BrokenPipeError:  # the reader stopped at its cap and closed its end
                pass


def _fifo(tmp_path, data: bytes):
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    path = tmp_path / "claims.fifo"
    os.mkfifo(path)
    writer = _Writer(path, data)
    writer.start()
    return path, writer


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_an_endless_device_is_refused_by_its_size_not_by_exhausting_memory(device):
    if not os.path.exists(device):
        pytest.skip(f"no {device} here")
    err = _error(device)
    assert err.line == 1 and f"file is larger than {MAX_BYTES} bytes" in str(err)


def test_a_large_stream_through_a_fifo_is_refused_after_reading_at_most_the_cap(tmp_path):
    padding = b"# a comment line that keeps the document valid TOML\n"
    path, writer = _fifo(tmp_path, GOOD.encode() + padding * (STREAM // len(padding)))
    err = _error(path)
    writer.join(timeout=30)
    assert f"file is larger than {MAX_BYTES} bytes" in str(err)
    assert writer.written < 4 * MAX_BYTES  # the cap, what the pipe buffers and a chunk: not the 50 MB offered


def test_a_regular_file_at_the_cap_is_read_and_one_byte_more_is_refused(tmp_path):
    text = GOOD + "#" * (MAX_BYTES - len(GOOD) - 1) + "\n"
    assert len(load_claims(_write(tmp_path, text))) == 1
    err = _error(_write(tmp_path, text + "\n"))
    assert f"file is larger than {MAX_BYTES} bytes" in str(err)


def test_a_directory_a_missing_file_and_a_nul_in_the_path_are_claims_file_errors(tmp_path):
    for path, words in ((tmp_path, "Is a directory"), (tmp_path / "absent.toml", "No such file"),
                        (f"{tmp_path}/a\0b.toml", "null")):
        err = _error(path)
        assert err.line == 1 and words in str(err) and "--claims-file takes a readable UTF-8 TOML file" in str(err)


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads a file of mode 000")
def test_an_unreadable_file_is_a_claims_file_error(tmp_path):
    path = _write(tmp_path, GOOD)
    path.chmod(0)
    assert "Permission denied" in str(_error(path))


def test_the_record_of_a_fifo_hashes_the_bytes_that_were_parsed(tmp_path):
    path, writer = _fifo(tmp_path, GOOD.encode())
    claims, record = claims_file.load_claims_file(path)
    writer.join(timeout=30)
    assert [c.id for c in claims] == ["user.relu.mean"]
    assert record == {"path": str(path), "sha256": hashlib.sha256(GOOD.encode()).hexdigest()}


def test_the_record_of_a_regular_file_is_the_same_from_one_read_or_two(tmp_path):
    path = _write(tmp_path, GOOD)
    claims, record = claims_file.load_claims_file(path)
    assert claims == load_claims(path) and record == claims_file_record(path)
    assert record["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_utf8_byte_order_mark_is_accepted_and_hashed_with_the_file(tmp_path):
    path = _write(tmp_path, b"\xef\xbb\xbf" + GOOD.encode())
    claims, record = claims_file.load_claims_file(path)
    assert [c.id for c in claims] == ["user.relu.mean"]
    assert record["sha256"] == hashlib.sha256(path.read_bytes()).hexdigest()
    err = _error(_write(tmp_path, b"\xef\xbb\xbf" + GOOD.replace("resolution = 0.02", "resolution = ").encode()))
    assert err.line == 8  # a BOM moves no line


@pytest.mark.parametrize("data, line, column, byte", [
    (GOOD.encode().replace(b"E[relu(sZ)]", b"E[relu(s\xb6)]"), 3, 18, "0xb6"),
    (GOOD.encode() + b"# caf\xe9\n", 13, 6, "0xe9"),
    (b"\xff" + GOOD.encode(), 1, 1, "0xff"),
])
def test_bytes_that_are_not_utf8_name_the_line_of_the_first_bad_byte(tmp_path, data, line, column, byte):
    err = _error(_write(tmp_path, data))
    assert err.line == line and f"not UTF-8 text: byte {byte} at column {column}" in str(err)


def test_a_utf16_file_is_named_as_such(tmp_path):
    err = _error(_write(tmp_path, GOOD.encode("utf-16")))
    assert err.line == 1 and "UTF-16" in str(err)


SETUP_VALUES = ["5", "1.5", "true", "1979-05-27", '["relu"]', '{ name = "relu" }']


@pytest.mark.parametrize("field", ["activation", "weights", "target", "scaling", "loss", "mu"])
@pytest.mark.parametrize("value", SETUP_VALUES)
def test_every_setup_field_of_a_wrong_type_is_an_error_at_its_key(tmp_path, field, value):
    base = EXAMPLE.read_text()
    text = base.replace('scaling = "ntk"', f'scaling = "ntk"\n{field} = {value}' if field != "scaling"
                        else f"scaling = {value}").replace('activation = "relu"\n', "" if field == "activation"
                                                           else 'activation = "relu"\n')
    err = _error(_write(tmp_path, text))
    assert err.line == _line_of(text, f"{field} = {value}"), str(err)
    assert f"field 'setup.{field}': must be a name (a string), got" in str(err)


# (old text in GOOD, new text, the key the error names); the error's line is that of the new text
WRONG_TYPES = [
    ('id = "user.relu.mean"', "id = 5", "id"),
    ('title = "E[relu(sZ)] = s / sqrt(2 pi)"', "title = 1979-05-27T07:32:00Z", "title"),
    ('kind = "statistical"', 'kind = ["statistical"]', "kind"),
    ('estimator = "gaussian_expectation"', "estimator = { name = 1 }", "estimator"),
    ('integrand = "max(s*Z, 0)"', "integrand = 3", "integrand"),
    ('prediction = "s/sqrt(2*pi)"', "prediction = true", "prediction"),
    ("resolution = 0.02", 'resolution = "0.02"', "resolution"),
    ("resolution = 0.02", "resolution = 07:32:00", "resolution"),
    ('provenance = { source = "derived" }', 'provenance = "derived"', "provenance"),
    ('provenance = { source = "derived" }', "provenance = { source = 5 }", "provenance"),
    ("resolution = 0.02", 'resolution = 0.02\nassumptions = "Z ~ N(0, 1)"', "assumptions"),
    ("resolution = 0.02", 'resolution = 0.02\nassumptions = ["Z ~ N(0, 1)", 1]', "assumptions"),
    ("resolution = 0.02", "resolution = 0.02\ndps = 30.5", "dps"),
    ("resolution = 0.02", 'resolution = 0.02\ndps = "30"', "dps"),
    ("resolution = 0.02", "resolution = 0.02\nn_start = true", "n_start"),
    ("resolution = 0.02", 'resolution = 0.02\nscale_floor = "0"', "scale_floor"),
    ("[claim.parameters]\ns = { values = [1.0, 2.0], domain = [0, inf] }", "parameters = [1.0, 2.0]",
     "parameters"),
    ("values = [1.0, 2.0]", 'values = [1.0, "2.0"]', "s"),
    ("values = [1.0, 2.0]", "values = [1.0, [2.0]]", "s"),
    ("values = [1.0, 2.0]", "values = { a = 1.0 }", "s"),
    ("values = [1.0, 2.0]", "values = 1.0", "s"),
    ("values = [1.0, 2.0]", "value = 1979-05-27", "s"),
    ("values = [1.0, 2.0]", "value = 1" + "0" * 400, "s"),
    ("values = [1.0, 2.0]", 'from = "0.5", to = 2, num = 3', "s"),
    ("values = [1.0, 2.0]", "from = 0.5, to = 2, num = 3.0", "s"),
    ("values = [1.0, 2.0]", "from = 0.5, to = 2, num = 3, spacing = 1", "s"),
    ("domain = [0, inf]", 'domain = [0, "inf"]', "s"),
    ("domain = [0, inf]", "domain = { lo = 0 }", "s"),
    ("s = { values = [1.0, 2.0], domain = [0, inf] }", 's = "1.0"', "s"),
    ("s = { values = [1.0, 2.0], domain = [0, inf] }", "s = true", "s"),
]


@pytest.mark.parametrize("old, new, key", WRONG_TYPES)
def test_a_field_of_the_wrong_toml_type_is_an_error_at_its_key(tmp_path, old, new, key):
    assert old in GOOD
    text = GOOD.replace(old, new)
    err = _error(_write(tmp_path, text))
    assert err.line == _line_of(text, new.split("\n")[-1]), str(err)
    assert f"field '{key}'" in str(err) or f"field 'parameters.{key}'" in str(err), str(err)


@pytest.mark.parametrize("old, new", [
    ('prediction = "s/sqrt(2*pi)"', 'range = ["s/3", true]'),
    ('prediction = "s/sqrt(2*pi)"', "range = [0, 1979-05-27]"),
    ('prediction = "s/sqrt(2*pi)"', "range = { lo = 0, hi = 1 }"),
])
def test_an_interval_range_of_the_wrong_type_is_an_error_at_its_key(tmp_path, old, new):
    text = GOOD.replace('kind = "statistical"', 'kind = "interval"').replace(old, new)
    err = _error(_write(tmp_path, text))
    assert err.line == _line_of(text, new) and "field 'range'" in str(err), str(err)


@pytest.mark.parametrize("breakpoints", ['"0"', "[0, true]", '[0, "1"]', "[0, [1]]", "{ a = 0 }"])
def test_quadrature_breakpoints_of_the_wrong_type_are_an_error_at_their_key(tmp_path, breakpoints):
    text = EXAMPLE.read_text().replace("dps = 30", f"dps = 30\nbreakpoints = {breakpoints}")
    err = _error(_write(tmp_path, text))
    assert err.line == _line_of(text, "breakpoints =") and "field 'breakpoints'" in str(err), str(err)


def test_swept_parameters_of_unequal_lengths_are_an_error_at_the_parameter(tmp_path):
    text = GOOD + "t = { values = [1.0, 2.0, 3.0] }\n"
    err = _error(_write(tmp_path, text))
    assert err.line == _line_of(text, "t = {") and "field 'parameters.t'" in str(err)
    assert "s has 2 values, t has 3" in str(err)


@pytest.mark.parametrize("value", ["[" * 5000 + "]" * 5000, "{ a = " * 3000 + "1" + " }" * 3000, "1" * 5000])
def test_a_value_nested_too_deep_or_too_long_to_read_is_a_claims_file_error(tmp_path, value):
    text = GOOD.replace("resolution = 0.02", f"resolution = 0.02\nnote = {value}")
    err = _error(_write(tmp_path, text))
    assert err.line in (1, 9)


def test_a_deep_table_and_a_long_key_give_short_messages(tmp_path):
    deep = "a." * 3000 + "a = 1"
    err = _error(_write(tmp_path, GOOD.replace('provenance = { source = "derived" }',
                                               f'provenance = {{ source = "derived", {deep} }}')))
    assert "unknown key 'a'" in str(err) and len(str(err)) < 500
    err = _error(_write(tmp_path, GOOD.replace("resolution = 0.02", f"resolution = 0.02\n{'k' * 10**5} = 1")))
    assert err.line == 9 and "unknown field 'kkkk" in str(err) and len(str(err)) < 1000


@pytest.mark.parametrize("old, new, key", [
    ("resolution = 0.02", 'resolution = 0.02\n"a\\nb" = 1', "'a\\nb'"),  # a quoted key holding a newline
    ("s = {", '"s\\n" = {', "'parameters.s\\n'"),  # not a name, though re.match("^s$", "s\n") matches
    ('title = "E[relu(sZ)] = s / sqrt(2 pi)"', 'title = "a\\nb"', "'title'"),
    ("resolution = 0.02", 'resolution = 0.02\nassumptions = ["a\\rb"]', "'assumptions'"),
])
def test_text_with_line_breaks_is_refused_and_every_message_stays_on_one_line(tmp_path, old, new, key):
    text = GOOD.replace(old, new)
    err = _error(_write(tmp_path, text))  # _error checks the message has no line break
    assert err.line == _line_of(text, new.split("\n")[-1]) and f"field {key}" in str(err), str(err)
