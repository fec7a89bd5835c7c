"""Mutated copies of the real input files, each with what a careful reader must get.

A *source* is one kind of input: it knows its reader, a small slice of a real file (from
``../shared`` or the project's own ``data/``), a plain and careful pandas reading of some
content, and a list of mutations. Every mutation yields a :class:`Variant` whose expectation
is either :class:`Read` (the reader must return exactly the careful reading of the intended
content) or :class:`Refused` (a ``TpDataError`` naming this line or JSON row and column).

Adding a reader: subclass :class:`Source` (``kind``, ``read``, ``careful``, ``assert_same``
and ``variants``) and add an instance to :func:`sources`. Generic mutations that every
delimited file shares (encodings, compression, line ends, blank lines, cut-off files, wrong
separators, ragged lines, binary bytes, mixed encodings) are in :class:`Delimited`.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from tpforecast.paths import data_dir, shared_dir

RAW = shared_dir() / "data" / "raw"
PUBLISHED = shared_dir() / "data" / "published" / "techniekpact_figures.csv"


@dataclass(frozen=True)
class Read:
    """The reader must return the careful reading of ``content`` (the intended input)."""

    content: bytes
    lines: tuple[int, ...] | None = None  # physical lines of the records, when they moved


@dataclass(frozen=True)
class Refused:
    """The reader must raise a TpDataError naming this line (or JSON row) and column."""

    column: str
    line: int | None = None
    row: int | None = None
    match: str = ""


@dataclass(frozen=True)
class Variant:
    source: str
    name: str
    filename: str
    content: bytes
    expect: Read | Refused

    @property
    def id(self) -> str:
        return f"{self.source}:{self.name}"


# ------------------------------------------------------------------------------- text helpers


def split_lines(content: bytes) -> list[bytes]:
    """Lines without their ends (the content uses one kind of line end)."""
    return content.replace(b"\r\n", b"\n").split(b"\n")[:-1]


def join_lines(lines: list[bytes], end: bytes = b"\n") -> bytes:
    return end.join(lines) + end


def fields_of(line: bytes, sep: str) -> list[str]:
    return next(csv.reader([line.decode("utf-8")], delimiter=sep))


def set_field(line: bytes, sep: str, index: int, value: str, quoted: bool = False) -> bytes:
    fields = fields_of(line, sep)
    fields[index] = value
    return line_of(fields, sep, quoted)


def line_of(fields: list[str], sep: str, quoted: bool = False) -> bytes:
    if quoted:
        return sep.join(f'"{f}"' for f in fields).encode("utf-8")
    out = io.StringIO()
    csv.writer(out, delimiter=sep, lineterminator="").writerow(fields)
    return out.getvalue().encode("utf-8")


def head(path: Path, records: int) -> bytes:
    """Header and the first ``records`` lines of a real file, with LF line ends."""
    with path.open("rb") as handle:
        lines = [handle.readline() for _ in range(records + 1)]
    return b"".join(line.rstrip(b"\r\n") + b"\n" for line in lines if line.strip())


# ---------------------------------------------------------------------------------- sources


@dataclass
class Source:
    """One kind of input. Subclasses fill ``variants``."""

    kind: str
    sep: str
    base: bytes
    suffix: str = ".csv"
    quoted: bool = False  # the real file quotes every field
    header_names: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        names = fields_of(split_lines(self.base)[0], self.sep)
        while names and not names[-1]:  # a trailing separator: an unnamed, empty column
            names.pop()
        self.header_names = names

    # -- to be provided by each kind
    def read(self, path: Path) -> Any:
        raise NotImplementedError

    def careful(self, content: bytes, lines: tuple[int, ...] | None) -> Any:
        raise NotImplementedError

    def assert_same(self, got: Any, want: Any) -> None:
        raise NotImplementedError

    def variants(self) -> Iterator[Variant]:
        raise NotImplementedError

    # -- helpers for variants
    def variant(self, name: str, content: bytes, expect: Read | Refused,
                suffix: str | None = None) -> Variant:
        return Variant(self.kind, name, f"synthetic_{self.kind}{suffix or self.suffix}",
                       content, expect)

    def records(self) -> list[bytes]:
        return split_lines(self.base)[1:]

    def with_record(self, index: int, line: bytes) -> bytes:
        lines = split_lines(self.base)
        lines[index + 1] = line
        return join_lines(lines)

    def cell_refused(self, name: str, index: int, column: str, value: str, match: str = ""
                     ) -> Variant:
        """Record ``index`` (0-based) gets ``value`` in ``column``: refused at its line."""
        line = set_field(self.records()[index], self.sep, self.header_names.index(column), value,
                         self.quoted)
        return self.variant(name, self.with_record(index, line),
                            Refused(column, line=index + 2, match=match))


class Delimited(Source):
    """Mutations every delimited text input shares."""

    def generic(self) -> Iterator[Variant]:
        base, lines = self.base, split_lines(self.base)
        n = len(lines) - 1
        yield self.variant("utf8_bom", b"\xef\xbb\xbf" + base, Read(base))
        yield self.variant("crlf", join_lines(lines, b"\r\n"), Read(base))
        yield self.variant("utf16", base.decode("utf-8").encode("utf-16"), Read(base))
        yield self.variant("gzip", gzip.compress(base), Read(base), self.suffix + ".gz")
        blank = [*lines[:3], b"", *lines[3:]]
        yield self.variant("blank_line", join_lines(blank),
                           Read(base, (*range(2, 4), *range(5, n + 3))))
        yield self.variant("trailing_blank_lines", base + b"\n\n", Read(base))
        # a cut-off last line: the last value loses its last character, or the line break
        for name, cut in (("cut_last_char", join_lines(lines)[:-2]),
                          ("cut_line_break", join_lines(lines)[:-1])):
            last = fields_of(cut.rsplit(b"\n", 1)[-1], self.sep)
            filled = [i for i, f in enumerate(last[:len(self.header_names)]) if f]
            yield self.variant(name, cut, Refused(self.header_names[filled[-1]], line=n + 1,
                                                  match="ends inside|never closes"))
        other = "," if self.sep == ";" else ";"
        yield self.variant("wrong_separator", base.replace(self.sep.encode(), other.encode()),
                           Refused(self._joined_header(other), line=1, match="separated"))
        yield self.variant("one_line_other_separator", self.with_record(
            2, line_of(fields_of(lines[3], self.sep), other)),
            Refused(self.header_names[0], line=4, match="separated"))
        short = fields_of(lines[2], self.sep)[:len(self.header_names) - 1]
        yield self.variant("ragged_line", self.with_record(1, line_of(short, self.sep,
                                                                       self.quoted)),
                           Refused(self.header_names[len(short)], line=3, match="field"))
        extra = [*fields_of(lines[2], self.sep)[:len(self.header_names)], "", "7"]
        yield self.variant("value_beyond_header", self.with_record(1, line_of(
            extra, self.sep, self.quoted)), Refused(
            f"#{len(extra)} (beyond the named header)", line=3, match="value in field"))
        yield self.variant("empty_file", b"", Refused("(header)", line=1, match="empty"))
        yield self.variant("header_only", join_lines(lines[:1]),
                           Refused(self.header_names[0], line=2, match="no data lines"))
        yield self.variant("duplicate_header_name", join_lines([self._renamed_header(
            1, self.header_names[0]), *lines[1:]]), Refused(self.header_names[0], line=1,
                                                             match="duplicate column name"))
        yield from self._bad_bytes(lines)

    def _bad_bytes(self, lines: list[bytes]) -> Iterator[Variant]:
        column = self.text_column()
        index = self.header_names.index(column)
        first = set_field(lines[1], self.sep, index, "Caf\u00e9", self.quoted)
        bad = set_field(lines[3], self.sep, index, "CafX", self.quoted).replace(b"CafX",
                                                                              b"Caf\xe9")
        mixed = [lines[0], first, lines[2], bad, *lines[4:]]
        yield self.variant("latin1_byte_in_utf8", join_lines(mixed),
                           Refused(column, line=4, match="mixed encodings"))
        nul = set_field(lines[2], self.sep, index, "AB", self.quoted).replace(b"AB", b"A\x00B")
        yield self.variant("nul_byte", self.with_record(1, nul),
                           Refused(column, line=3, match="not text"))
        yield self.variant("xlsx", b"PK\x03\x04" + b"\x00" * 40,
                           Refused("(file content)", line=1, match="ZIP archive"), ".xlsx")

    def text_column(self) -> str:
        """A text column whose cells end up unchanged in the output."""
        raise NotImplementedError

    def _joined_header(self, other: str) -> str:
        return other.join(self.header_names)[:60]

    def _renamed_header(self, index: int, name: str) -> bytes:
        names = list(self.header_names)
        names[index] = name
        return line_of(names, self.sep, self.quoted)


def sources() -> list[Source]:
    """Every source with a mutation list (DUO and published need ../shared)."""
    from mutation_sources import all_sources  # beside this module (tests/data on sys.path)

    return all_sources()


def variants_of(kinds: list[Source]) -> list[Variant]:
    out: list[Variant] = []
    for source in kinds:
        out.extend(source.variants())
    return out


def careful_csv(content: bytes, sep: str) -> pd.DataFrame:
    """Plain pandas: every cell as stripped text, empty cells as ''."""
    frame = pd.read_csv(io.BytesIO(content), sep=sep, dtype=str, keep_default_na=False,
                        skip_blank_lines=True, encoding="utf-8")
    frame.columns = [c.strip() for c in frame.columns]
    return frame.apply(lambda c: c.str.strip())


def json_records(frame: pd.DataFrame, numbers: Callable[[str], bool]) -> list[dict[str, Any]]:
    """Records for JSON: numbers as numbers, empty cells as null, other text as text."""
    def value(column: str, text: str) -> Any:
        if text == "":
            return None
        if numbers(column) and re.fullmatch(r"[0-9]+", text):
            return int(text)
        return text

    return [{c: value(c, row[c]) for c in frame.columns} for _, row in frame.iterrows()]


def json_bytes(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")


def project_file(name: str) -> Path:
    return data_dir() / name


def shared_available() -> bool:
    return RAW.is_dir() and PUBLISHED.is_file()
