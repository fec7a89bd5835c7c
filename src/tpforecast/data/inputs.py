"""One way to read an input file into header and records, shared by every reader.

:func:`read_text` turns the bytes of a file into text (missing, empty, binary, compressed,
UTF-16, mixed or wrong encodings are handled here and nowhere else) and
:func:`read_delimited` splits text into a header and records with the physical line of each
record (wrong separator, ragged lines, duplicate or empty header names and a cut-off last line
are checked here and nowhere else). The DUO reader, the published-figures reader, the series
and targets loaders and the mapping files all use them, so each kind of damage is caught once
and reported the same way: a :class:`~tpforecast.errors.TpDataError` naming the file, the
line, the column, the value and what was expected.

Side facts of a read (blank lines skipped, the encoding found, columns left out) are rows of a
*notes* frame (:data:`NOTE_COLUMNS`), never free text in ``DataFrame.attrs``.
"""

from __future__ import annotations

import csv
import gzip
import io
import re
import warnings
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pandas as pd

from tpforecast.errors import TpDataError, TpDataWarning, TpFileNotFoundError

__all__ = [
    "NOTE_COLUMNS",
    "Delimited",
    "ReadResult",
    "Text",
    "note",
    "notes_frame",
    "read_delimited",
    "read_text",
    "warn_notes",
]

NOTE_COLUMNS = ["file", "line", "column", "action", "rows", "message"]
_SEPARATOR_NAMES = {",": "','", ";": "';'", "\t": "tab", "|": "'|'"}
_BINARY_SAMPLE = 65536
# a valid UTF-8 multi-byte sequence: a file holding one is UTF-8, not latin-1
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


class ReadResult(NamedTuple):
    """What a reader returns when the caller wants more than the frame.

    Attributes
    ----------
    frame
        The data read.
    notes
        One row per thing left out, skipped or interpreted (:data:`NOTE_COLUMNS`:
        ``file, line, column, action, rows, message``); empty when nothing was.
    encoding
        The text encoding found (``utf-8``, ``utf-16``, ``latin-1``).
    """

    frame: pd.DataFrame
    notes: pd.DataFrame
    encoding: str


@dataclass(frozen=True)
class Text:
    """A decoded input file."""

    path: Path
    text: str
    encoding: str
    notes: tuple[dict, ...] = ()


@dataclass(frozen=True)
class Delimited:
    """Header and records of a delimited text file, each record with its physical line."""

    header: list[str]
    records: list[list[str]]
    lines: list[int]
    header_line: int
    notes: tuple[dict, ...] = ()


def note(file: object, line: int | None, column: str | None, action: str, rows: int,
         message: str) -> dict:
    """One row of a notes frame."""
    return {"file": str(file) if file is not None else "", "line": line, "column": column or "",
            "action": action, "rows": int(rows), "message": message}


def notes_frame(rows: Iterable[dict]) -> pd.DataFrame:
    """Notes as a typed frame (``line`` and ``rows`` nullable integers)."""
    frame = pd.DataFrame(list(rows), columns=NOTE_COLUMNS)
    return frame.astype({"file": "str", "line": "Int64", "column": "str", "action": "str",
                         "rows": "int64", "message": "str"})


def warn_notes(notes: pd.DataFrame, actions: Iterable[str], *, stacklevel: int = 3) -> None:
    """Emit a :class:`TpDataWarning` for each note whose action drops or changes data."""
    for row in notes[notes["action"].isin(list(actions))].itertuples(index=False):
        where = f"{row.file}" + (f", line {row.line}" if not pd.isna(row.line) else "")
        warnings.warn(f"{where}: {row.message}", TpDataWarning, stacklevel=stacklevel)


# ------------------------------------------------------------------------------ bytes -> text


def read_text(path: str | Path, *, what: str, allow_latin1: bool = False,
              missing_hint: str | None = None) -> Text:
    """Read a text file: gzip and UTF-16 (with BOM) are decoded, anything else must be UTF-8.

    Parameters
    ----------
    path
        The file.
    what
        What the file should be, for messages (``"a DUO CSV or JSON file"``).
    allow_latin1
        Accept a file without any UTF-8 multi-byte sequence as latin-1 (DUO's older files).
        A file that mixes UTF-8 and other bytes is refused either way (it would turn accents
        into mojibake).
    missing_hint
        Extra text for a missing file (e.g. run ``tpforecast data build`` for bundled data).

    Raises
    ------
    TpFileNotFoundError
        When the file does not exist.
    TpDataError
        Unreadable, empty, binary (or an Excel/ZIP file), a damaged gzip stream, or text in
        the wrong or a mixed encoding; naming the line and the byte.
    """
    path = Path(path)
    if not path.is_file():
        raise TpFileNotFoundError(
            "file not found" + (f"; {missing_hint}" if missing_hint else ""), file=path,
            expected=f"an existing file: {what}")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TpDataError(f"cannot read the file ({exc.strerror})", file=path, line=1,
                          column="(file)", expected=what) from exc
    notes: list[dict] = []
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data, path, what)
        notes.append(note(path, None, None, "read_as", 0, "gzip-compressed file decompressed"))
    if data[:4] == b"PK\x03\x04":
        raise TpDataError("the file is a ZIP archive or an Excel workbook, not text", file=path,
                          line=1, column="(file content)", value=data[:4],
                          expected=f"{what} saved as text (CSV UTF-8)")
    if not data.strip():
        raise TpDataError("empty file: no header line", file=path, line=1, column="(header)",
                          expected=what)
    content, encoding = _decode(data, path, what, allow_latin1)
    if "\r\r\n" in content and content.count("\r\r\n") == content.count("\n"):
        # every line ends in a doubled carriage return (a CRLF file saved again on Windows):
        # one line end, so that line numbers are those an editor or grep -n shows
        content = content.replace("\r\r\n", "\n")
        notes.append(note(path, None, None, "read_as", 0, "every line ends in a doubled "
                          "carriage return (\\r\\r\\n): read as one line end"))
    if encoding != "utf-8":
        notes.append(note(path, None, None, "read_as", 0, f"text decoded as {encoding}"))
    return Text(path, content, encoding, tuple(notes))


def _gunzip(data: bytes, path: Path, what: str) -> bytes:
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as exc:
        raise TpDataError(f"damaged or cut-off gzip file ({exc})", file=path, line=1,
                          column="(file content)", expected=f"{what}, whole") from exc


def _decode(data: bytes, path: Path, what: str, allow_latin1: bool) -> tuple[str, str]:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):  # Excel "Unicode text" and other UTF-16 exports
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            _raise_bad_byte(data, exc.start, path, "file is not valid UTF-16 text", what)
    if data[:3] == b"\xef\xbb\xbf":
        data = data[3:]
    _check_not_binary(data, path, what)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if _UTF8_SEQUENCE.search(data):
            _raise_bad_byte(data, exc.start, path, "mixed encodings: this byte is not UTF-8 "
                            "although the rest of the file is (it would garble accents)", what)
        if not allow_latin1:
            _raise_bad_byte(data, exc.start, path, "file is not UTF-8 text", what)
        return data.decode("latin-1"), "latin-1"


def _check_not_binary(data: bytes, path: Path, what: str) -> None:
    """A NUL byte, or many control characters, mean the file is not text."""
    sample = data[:_BINARY_SAMPLE]
    position = sample.find(b"\x00")
    if position < 0:
        controls = sum(sample.count(bytes([c])) for c in (*range(1, 9), *range(14, 32), 127))
        if controls <= 0.01 * len(sample):
            return
        position = next(i for i, b in enumerate(sample) if b < 9 or 13 < b < 32 or b == 127)
    try:  # report the first byte that is not text: e.g. the 0x89 of a PNG, before its NUL
        sample[:position].decode("utf-8")
    except UnicodeDecodeError as exc:
        position = exc.start
    _raise_bad_byte(data, position, path, f"the file is not text (binary byte "
                    f"0x{sample[position]:02x})", what)


def _raise_bad_byte(data: bytes, offset: int, path: Path, problem: str, what: str) -> None:
    """Raise for a byte, naming its line and the field it falls in (by the header's names)."""
    line = data.count(b"\n", 0, offset) + 1
    start = data.rfind(b"\n", 0, offset) + 1
    head = data.split(b"\n", 1)[0].decode("utf-8", errors="replace").strip()
    separator = max((",", ";", "\t"), key=head.count)
    names = head.split(separator)
    field = data.count(separator.encode(), start, offset)
    column = names[field].strip().strip('"') if line > 1 and field < len(names) else None
    raise TpDataError(problem, file=path, line=line,
                      column=column or f"field {field + 1}", value=data[offset:offset + 8],
                      expected=f"{what} as UTF-8 text (save the sheet as CSV UTF-8)")


# ----------------------------------------------------------------------- text -> records


def read_delimited(source: Text, *, separator: str, expected_header: str,
                   casefold_header: bool = False) -> Delimited:
    """Split text into header and records; every structural problem raises here.

    Parameters
    ----------
    source
        Text from :func:`read_text`.
    separator
        The one accepted separator; another one is reported, never guessed.
    expected_header
        An example header for messages.
    casefold_header
        Lower-case the header names (readers whose columns are lower-case names).

    Returns
    -------
    Delimited
        Header (stripped names; a trailing unnamed column is dropped when it is empty in every
        line), records (stripped fields, as many as header names) and the physical line of
        each record; blank lines are skipped (one note).

    Raises
    ------
    TpDataError
        Only blank lines, no data line, a wrong separator, an empty or repeated header name, a
        line with more or fewer fields than the header (or a value under an unnamed column), a
        quote that never closes, or a last line without line break (it may be cut off).
    """
    path, text = source.path, source.text
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator, strict=True)
    header: list[str] | None = None
    header_line = 1
    records: list[list[str]] = []
    lines: list[int] = []
    skipped: list[int] = []
    end = 0
    try:
        for fields in reader:
            line, end = end + 1, reader.line_num
            if not any(f.strip() for f in fields):
                skipped.append(line)
            elif header is None:
                header, header_line = _header(fields, line, path, separator, expected_header,
                                              casefold_header), line
            else:
                records.append(_fit(fields, header, line, path, separator))
                lines.append(line)
    except csv.Error as exc:
        _raise_malformed(exc, text, end, header, path, separator, expected_header)
    if header is None:
        raise TpDataError("empty file: only blank lines", file=path, line=1, column="(header)",
                          expected=f"a header line like {expected_header!r} and data lines")
    if not records:
        raise TpDataError("no data lines after the header", file=path, line=header_line + 1,
                          column=header[0], expected="at least one data line")
    _check_last_line(text, records[-1], lines[-1], header, path)
    notes = []
    if skipped:
        shown = ", ".join(map(str, skipped[:10])) + (", ..." if len(skipped) > 10 else "")
        notes.append(note(path, skipped[0], None, "skipped", len(skipped),
                          f"skipped {len(skipped)} empty line(s) (blank, only '\"\"' or only "
                          f"separators): line {shown}"))
    return Delimited(header, records, lines, header_line, (*source.notes, *notes))


def _raise_malformed(exc: csv.Error, text: str, end: int, header: list[str] | None, path: Path,
                     separator: str, expected: str) -> None:
    """A quote that never closes (a file cut inside a quoted field), or quoted fields that
    are separated by another character (the whole file or one line)."""
    broken = text.splitlines()[end:]
    first = broken[0] if broken else ""
    for other in _SEPARATOR_NAMES:
        fields = next(csv.reader([first], delimiter=other)) if first else []
        if other != separator and len(fields) > 1 and (header is None or len(fields) == len(
                header)):
            names = [f.strip() for f in fields]
            raise TpDataError(
                f"the {'header' if header is None else 'line'} is not "
                f"{_SEPARATOR_NAMES[separator]}-separated; it looks "
                f"{_SEPARATOR_NAMES[other]}-separated", file=path, line=end + 1,
                column=other.join(names)[:60] if header is None else header[0],
                value=first[:120], expected=f"{_SEPARATOR_NAMES[separator]} as separator, "
                f"e.g. {expected!r}") from exc
    partial = next(csv.reader(["\n".join(broken)], delimiter=separator)) if broken else []
    column = header[min(len(partial), len(header)) - 1] if header and partial else "(header)"
    raise TpDataError(f"malformed line ({exc}): a quote that never closes, as in a file cut "
                      "off inside a quoted cell", file=path, line=end + 1, column=column,
                      value=first[:120], expected=f"{_SEPARATOR_NAMES[separator]}-separated "
                      "fields, quotes in pairs, and the whole file") from exc


def _header(fields: list[str], line: int, path: Path, separator: str, expected: str,
            casefold: bool) -> list[str]:
    names = [f.strip().lstrip("\ufeff").strip() for f in fields]
    if casefold:
        names = [n.lower() for n in names]
    if len(names) == 1:
        found = next((s for s in _SEPARATOR_NAMES if s != separator and s in names[0]), None)
        hint = f"; it looks {_SEPARATOR_NAMES[found]}-separated" if found else ""
        raise TpDataError(
            f"the header has a single column, so the file is not "
            f"{_SEPARATOR_NAMES[separator]}-separated{hint}", file=path, line=line,
            column=names[0][:60], value=names[0][:120],
            expected=f"{_SEPARATOR_NAMES[separator]} as separator, e.g. {expected!r}")
    while names and not names[-1]:  # a trailing separator on every line: an unnamed column
        names.pop()
    seen: set[str] = set()
    for position, name in enumerate(names, start=1):
        if not name:
            raise TpDataError(f"empty column name (column {position} of the header)",
                              file=path, line=line, column=f"#{position}", value=name,
                              expected="a name for every column")
        if name in seen:
            raise TpDataError("duplicate column name in the header", file=path, line=line,
                              column=name, value=name, expected="each column name once")
        seen.add(name)
    return names


def _fit(fields: list[str], header: list[str], line: int, path: Path, separator: str
         ) -> list[str]:
    """The fields of one line, as many as header names (empty trailing fields may follow)."""
    width = len(header)
    if len(fields) == width:
        return [f.strip() for f in fields]
    extra = [i for i, f in enumerate(fields[width:], start=width) if f.strip()]
    if len(fields) > width and not extra:
        return [f.strip() for f in fields[:width]]
    other = _other_separator(fields, width, separator)
    if other is not None:
        problem = (f"the line is not {_SEPARATOR_NAMES[separator]}-separated (it looks "
                   f"{_SEPARATOR_NAMES[other]}-separated)")
        column = header[0]
    elif len(fields) < width:
        column, problem = header[len(fields)], f"the line has {len(fields)} field(s)"
    else:
        column = f"#{extra[0] + 1} (beyond the named header)"
        problem = f"the line has a value in field {extra[0] + 1}"
    raise TpDataError(f"{problem} but the header has {width}", file=path, line=line,
                      column=column, value=separator.join(fields)[:120],
                      expected=f"{width} {_SEPARATOR_NAMES[separator]}-separated fields like "
                      "the header; quote a cell that holds the separator")


def _other_separator(fields: list[str], width: int, separator: str) -> str | None:
    """The separator that splits this line into as many fields as the header has, if any."""
    line = separator.join(fields)
    for other in _SEPARATOR_NAMES:
        if other != separator and other in line:
            split = next(csv.reader([line], delimiter=other))
            while len(split) > width and not split[-1].strip():  # a trailing separator
                split.pop()
            if len(split) == width:
                return other
    return None


def _check_last_line(content: str, fields: list[str], line: int, header: list[str], path: Path
                     ) -> None:
    """A file whose last line has no line break may have been cut off inside that line."""
    if content.endswith(("\n", "\r")):
        return
    filled = [i for i, f in enumerate(fields) if f]
    column = header[filled[-1]] if filled else header[-1]
    raise TpDataError(
        "the file ends inside a line (no line break after the last line): it may be cut off, "
        "which would change the last value", file=path, line=line, column=column,
        value=fields[filled[-1]] if filled else "",
        expected="a whole file whose last line ends with a line break (if the line is "
                 "complete, add the line break)")


def _column_at(header: list[str] | None, index: int | None) -> str:
    if header is None:
        return "(header)"
    return header[index] if index is not None and index < len(header) else "(line)"
