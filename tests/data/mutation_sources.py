"""The mutated inputs per reader: DUO CSV and JSON, published figures, series, targets and
mapping files (see :mod:`mutations` for the framework and the shared mutations).

Slices are small (a dozen records) so that hundreds of variants read in seconds.
"""

from __future__ import annotations

import gzip
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from mutations import (
    PUBLISHED,
    RAW,
    Delimited,
    Read,
    Refused,
    Source,
    Variant,
    careful_csv,
    fields_of,
    head,
    join_lines,
    json_bytes,
    json_records,
    line_of,
    project_file,
    set_field,
    shared_available,
    split_lines,
)

from tpforecast.data import tables
from tpforecast.data.duo import read_duo
from tpforecast.data.loaders import (
    SERIES_DTYPES,
    TARGET_DTYPES,
    TARGET_OPTIONAL,
    load_series,
    load_targets,
)
from tpforecast.data.published import FIGURES_COLUMNS, load_figures

_YEAR = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})(?![0-9])")
_SEX = {"MAN": "male", "VROUW": "female", "TOTAAL": "all", "ONBEKEND": "unknown", "X": "unknown"}
_MEASURE = {"EXAMENKANDIDATEN": "exam_candidates", "GESLAAGDEN": "graduates"}


# ------------------------------------------------------------------------------------- DUO


def careful_cell(text: str) -> tuple[int, int, bool]:
    """A DUO count cell as a person reads it: empty = none enrolled, '<5' = 1..4."""
    if text == "":
        return 0, 0, False
    if text.startswith("<"):
        return 1, int(text[1:].strip()) - 1, True
    return int(text), int(text), False


def careful_duo(frame: pd.DataFrame, lines: list[int]) -> pd.DataFrame:
    """The DUO counts a careful person reads from a wide table of text (one row a record)."""
    frame = frame.loc[:, [c for c in frame.columns
                          if not (c.startswith("Unnamed") and (frame[c] == "").all())]]
    counts = [c for c in frame.columns if _YEAR.search(c) and "SLAAGPERC" not in c.upper()]
    sex_column = next((c for c in frame.columns if c.upper() == "GESLACHT"), None)
    rows = []
    for line, (_, record) in zip(lines, frame.iterrows(), strict=True):
        for column in counts:
            lo, hi, hidden = careful_cell(record[column])
            word = re.search(r"(ONBEKEND|TOTAAL|VROUW|MAN|\bX\b)", column.upper())
            sex = _SEX[word.group(1)] if word else (
                _SEX[record[sex_column].upper()] if sex_column else "all")
            measure = next((m for w, m in _MEASURE.items() if w in column.upper()), "count")
            rows.append({"first": record[frame.columns[0]], "measure": measure, "sex": sex,
                         "year": int(_YEAR.search(column).group(1)), "n_lo": lo, "n_hi": hi,
                         "suppressed": hidden, "line": line})
    return pd.DataFrame(rows)


class Duo(Delimited):
    """A DUO CSV: wide (MAN2015, 2019 MAN, exam headers) or long (GESLACHT)."""

    def __init__(self, kind: str, path: Path, records: int, quoted: bool = False) -> None:
        super().__init__(kind, ";", head(path, records), quoted=quoted)
        self.counts = [c for c in self.header_names
                       if _YEAR.search(c) and "SLAAGPERC" not in c.upper()]
        self.has_total = any("TOTAAL" in c.upper() for c in self.counts)

    def read(self, path: Path) -> pd.DataFrame:
        return read_duo(path)

    def careful(self, content: bytes, lines: tuple[int, ...] | None) -> pd.DataFrame:
        frame = careful_csv(content, ";")
        return careful_duo(frame, list(lines or range(2, len(frame) + 2)))

    def assert_same(self, got: pd.DataFrame, want: pd.DataFrame) -> None:
        columns = ["measure", "sex", "year", "n_lo", "n_hi", "suppressed", "line"]
        mine = got[columns].astype({"year": int, "n_lo": int, "n_hi": int, "line": int})
        pd.testing.assert_frame_equal(mine.reset_index(drop=True), want[columns],
                                      check_dtype=False)
        assert got.iloc[:, 0].tolist() == want["first"].tolist()
        known = ~want["suppressed"].to_numpy()
        assert (got["n"].to_numpy()[known] == want["n_lo"].to_numpy()[known]).all()
        assert got["n"].isna().to_numpy()[~known].all()

    def text_column(self) -> str:
        return self.header_names[0]

    def variants(self) -> Iterator[Variant]:
        yield from self.generic()
        yield from self.layout_variants()
        yield from self.count_cell_variants()
        yield from self.header_variants()
        yield from self.duplicate_variants()

    def layout_variants(self) -> Iterator[Variant]:
        lines = split_lines(self.base)
        n = len(lines) - 1
        rows = [fields_of(line, ";") for line in lines]
        swapped = join_lines([line_of(r, ";", not self.quoted) for r in rows])
        yield self.variant("quoting_swapped", swapped, Read(self.base))
        padded = join_lines([line_of([f" {f} " if f else f for f in r], ";") for r in rows])
        yield self.variant("space_padded", padded, Read(self.base))
        yield self.variant("trailing_separator", join_lines([line + b";" for line in lines]),
                           Read(self.base))
        quotes = [*lines[:4], b'""', *lines[4:]]
        yield self.variant("empty_quotes_line", join_lines(quotes),
                           Read(self.base, (*range(2, 5), *range(6, n + 3))))
        reversed_ = join_lines([lines[0], *lines[1:][::-1]])
        yield self.variant("records_reversed", reversed_, Read(reversed_))
        lower = join_lines([line_of([h.lower() for h in rows[0]], ";"), *lines[1:]])
        yield self.variant("lower_case_header", lower, Read(self.base))

    def count_cell_variants(self) -> Iterator[Variant]:
        columns = [self.counts[0], self.counts[-1]]
        bad = [("text", "veel", "text in a count column"), ("thousands", "1.234", "thousands"),
               ("decimal", "12.5", "not a whole number"), ("negative", "-3", "negative"),
               ("huge", "99999999999", "plausible size"), ("exponent", "1e30", "plausible"),
               ("int64", "99999999999999999999", "plausible size"),
               ("suppress_below_2", "<1", "below 2")]
        for position, column in enumerate(columns):
            for name, value, match in bad:
                yield self.cell_refused(f"{name}_{position}", 2 + position, column, value, match)
        # a small count hidden as '<5' is read as 1..4 (the totals still fit)
        for index, record in enumerate(self.records()):
            fields = fields_of(record, ";")
            small = [i for i, h in enumerate(self.header_names)
                     if h in self.counts and fields[i].isdigit() and 1 <= int(fields[i]) <= 4
                     and "TOTAAL" not in h.upper()]
            if small:
                content = self.with_record(index, set_field(record, ";", small[0], "<5",
                                                            self.quoted))
                yield self.variant("suppressed_small_count", content, Read(content))
                break

    def header_variants(self) -> Iterator[Variant]:
        first = self.counts[0]
        year = _YEAR.search(first).group(1)
        for name, new in [("star", f"{year}*"), ("decimal", f"{year}.0"),
                          ("provisional", f"{year} (voorlopig)"), ("apostrophe", f"'{year}"),
                          ("english_total", f"TOTAL{year}"), ("suffix", f"{first} (x)")]:
            content = join_lines([self._renamed_header(self.header_names.index(first), new),
                                  *split_lines(self.base)[1:]])
            yield self.variant(f"year_header_{name}", content,
                               Refused(new, line=1, match="holds a year"))
        span = re.search(rf"{year}-(?:19|20)[0-9]{{2}}", first)
        renamed = (first.replace(span.group(0), f"{year}-{int(year) + 2}") if span
                   else first.replace(year, f"{year}-{int(year) + 2}", 1))
        content = join_lines([self._renamed_header(self.header_names.index(first), renamed),
                              *split_lines(self.base)[1:]])
        yield self.variant("school_year_two_long", content,
                           Refused(renamed, line=1, match="school year"))
        if self.has_total:
            yield from self.total_variants()

    def total_variants(self) -> Iterator[Variant]:
        total = next(c for c in self.counts if "TOTAAL" in c.upper())
        man = self.header_names.index(total.replace("TOTAAL", "MAN"))
        index = self.header_names.index(total)
        for record_index, record in enumerate(self.records()):
            fields = fields_of(record, ";")
            if fields[man].isdigit() and int(fields[man]) > 0:
                # a total below one of its parts, whatever the other parts hide
                wrong = set_field(record, ";", index, str(int(fields[man]) - 1), self.quoted)
                yield self.variant("total_below_sexes", self.with_record(record_index, wrong),
                                   Refused(total, line=record_index + 2, match="total disagrees"))
                return

    def duplicate_variants(self) -> Iterator[Variant]:
        lines = split_lines(self.base)
        n = len(lines) - 1
        column = self.header_names[0]
        yield self.variant("line_repeated_at_end", join_lines([*lines, lines[3]]),
                           Refused(column, line=n + 2, match="duplicate record"))
        block = [*lines, *lines[1:5]]  # a repeated block, as in the hbo case of issue 9
        yield self.variant("block_repeated", join_lines(block),
                           Refused(column, line=n + 2, match="duplicate record"))


class DuoLong(Duo):
    """The hbo/wo files: one line per sex (GESLACHT)."""

    def variants(self) -> Iterator[Variant]:
        yield from super().variants()
        index = self.header_names.index("GESLACHT")
        records = self.records()
        female = next(i for i, r in enumerate(records) if fields_of(r, ";")[index] == "vrouw")
        for word in ("onbekend", "X"):
            content = self.with_record(female, set_field(records[female], ";", index, word))
            yield self.variant(f"sex_{word}", content, Read(content))
        content = self.with_record(female, set_field(records[female], ";", index, "vrow"))
        yield self.variant("sex_unknown_word", content,
                           Refused("GESLACHT", line=female + 2, match="did you mean VROUW"))
        renamed = self.base.replace(b"CROHO ONDERDEEL", b"ONDERDEEL").replace(
            b"BRIN NUMMER ACTUEEL", b"INSTELLINGSCODE ACTUEEL")
        yield self.variant("later_release_header_names", renamed, Read(renamed))
        lines = split_lines(self.base)
        totals = ["" if h not in self.counts else "1" for h in self.header_names]
        totals[self.header_names.index("CROHO ONDERDEEL")] = "Totalen"
        yield self.variant("totals_line_disagrees", join_lines([*lines, line_of(totals, ";")]),
                           Refused(self.counts[0], line=len(lines) + 1, match="total disagrees"))


class DuoJson(Source):
    """A DUO CSV converted to JSON records or columns (in code, from the real slice)."""

    def __init__(self, kind: str, csv_source: Duo, orient: str) -> None:
        self.csv_source = csv_source
        self.orient = orient
        self.table = careful_csv(csv_source.base, ";")
        super().__init__(kind, ";", csv_source.base, suffix=".json")
        self.header_names = list(self.table.columns)

    def data(self, table: pd.DataFrame) -> Any:
        records = json_records(table, lambda c: c in self.csv_source.counts)
        if self.orient == "records":
            return records
        return {c: {str(i): r[c] for i, r in enumerate(records)} for c in table.columns}

    def read(self, path: Path) -> pd.DataFrame:
        return read_duo(path)

    def careful(self, content: bytes, lines: tuple[int, ...] | None) -> pd.DataFrame:
        table = careful_csv(content, ";")
        return careful_duo(table, list(lines or range(1, len(table) + 1)))

    def assert_same(self, got: pd.DataFrame, want: pd.DataFrame) -> None:
        self.csv_source.assert_same(got, want)

    def variants(self) -> Iterator[Variant]:
        table, counts = self.table, self.csv_source.counts
        yield self.variant("json", json_bytes(self.data(table)), Read(self.base))
        yield self.variant("json_gzip", gzip.compress(json_bytes(self.data(table))),
                           Read(self.base), ".json.gz")
        for name, value, match in [("text", "veel", "text in a count column"),
                                   ("decimal", 12.5, "not a whole number"),
                                   ("huge", 10**20, "plausible size"),
                                   ("negative", -3, "negative"), ("bool", True, "not text"),
                                   ("list", [1], "not text")]:
            data = self.data(table)
            _set_json(data, self.orient, 2, counts[0], value)
            yield self.variant(f"json_{name}", json_bytes(data),
                               Refused(counts[0], row=3, match=match))
        data = self.data(table)
        if self.orient == "records":
            del data[1][counts[-1]]
            yield self.variant("json_missing_key", json_bytes(data),
                               Refused(counts[-1], row=2, match="other keys"))
        else:
            del data[counts[-1]]["1"]
            yield self.variant("json_missing_entry", json_bytes(data),
                               Refused(counts[-1], row=2, match="lacks an entry"))
        doubled = pd.concat([table, table.iloc[[1]]], ignore_index=True)
        yield self.variant("json_duplicate_record", json_bytes(self.data(doubled)),
                           Refused(self.header_names[0], row=len(doubled), match="duplicate"))
        text = json_bytes(self.data(table))
        yield self.variant("json_cut_off", text[: len(text) // 2],
                           refused_json_cut(text[: len(text) // 2]))
        yield self.variant("json_empty_list", b"[]", Refused("(json)", row=1, match="no records"))


def refused_json_cut(text: bytes) -> Refused:
    """Where json.loads says a cut-off text ends: its last line, as 'char N'."""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return Refused(f"char {exc.colno}", line=exc.lineno, match="malformed JSON")
    raise AssertionError("the cut text is still valid JSON")


def _set_json(data: Any, orient: str, index: int, column: str, value: Any) -> None:
    if orient == "records":
        data[index][column] = value
    else:
        data[column][str(index)] = value


# ------------------------------------------------------------------------------ published


class Figures(Delimited):
    """The published-figures table: a slice with shares, counts and a count_tech/total pair."""

    def __init__(self) -> None:
        lines = split_lines(PUBLISHED.read_bytes())
        header, body = lines[0], lines[1:]
        rows = [dict(zip(FIGURES_COLUMNS, fields_of(b, ","), strict=True)) for b in body]
        pick = list(range(10))
        pair = next(i for i, r in enumerate(rows) if r["measure"] == "count_tech" and any(
            o["measure"] == "count_total" and all(o[k] == r[k] for k in (
                "indicator", "level", "region", "sex", "school_year", "source_edition"))
            for o in rows))
        total = next(i for i, o in enumerate(rows) if o["measure"] == "count_total" and all(
            o[k] == rows[pair][k] for k in ("indicator", "level", "region", "sex",
                                            "school_year", "source_edition")))
        pick += [pair, total]
        super().__init__("figures", ",", join_lines([header, *[body[i] for i in pick]]))
        self.pct = [i for i, p in enumerate(pick) if rows[p]["unit"] == "pct"]
        self.persons = [i for i, p in enumerate(pick) if rows[p]["unit"] == "persons"]
        self.tech_index, self.total_index = len(pick) - 2, len(pick) - 1

    def read(self, path: Path) -> pd.DataFrame:
        return load_figures(path)

    def careful(self, content: bytes, lines: tuple[int, ...] | None) -> pd.DataFrame:
        frame = careful_csv(content, ",")
        frame.columns = [c.lower() for c in frame.columns]
        if "note" not in frame.columns:
            frame["note"] = ""
        frame = frame[list(FIGURES_COLUMNS)].copy()
        frame["value"] = frame["value"].astype(float)
        frame["school_year"] = frame["school_year"].where(frame["school_year"] != "", pd.NA)
        frame["line"] = list(lines or range(2, len(frame) + 2))
        return frame

    def assert_same(self, got: pd.DataFrame, want: pd.DataFrame) -> None:
        columns = [*FIGURES_COLUMNS, "line"]
        pd.testing.assert_frame_equal(got[columns].astype(object).where(got[columns].notna()),
                                      want[columns].astype(object).where(want[columns].notna()),
                                      check_dtype=False)

    def text_column(self) -> str:
        return "note"

    def variants(self) -> Iterator[Variant]:
        yield from self.generic()
        rows = [fields_of(line, ",") for line in split_lines(self.base)]
        upper = join_lines([line_of([h.upper() for h in rows[0]], ","),
                            *split_lines(self.base)[1:]])
        yield self.variant("upper_case_header", upper, Read(self.base))
        order = [*FIGURES_COLUMNS[::-1]]
        moved = join_lines([line_of([dict(zip(rows[0], r, strict=True))[c] for c in order], ",")
                            for r in rows])
        yield self.variant("columns_reversed", moved, Read(self.base))
        without = join_lines([line_of(r[:-1], ",") for r in rows])
        yield self.variant("no_note_column", without, Read(without))
        yield from self.value_variants()
        yield from self.vocabulary_variants()

    def value_variants(self) -> Iterator[Variant]:
        pct, persons = self.pct[:3], self.persons[:2]
        cases = [("fraction_in_pct", pct, "0.37", "fraction"),
                 ("tiny_in_pct", pct, "0.00001", "fraction"),
                 ("exponent", pct, "1e30", "plain number"),
                 ("above_100", pct, "150", "above 100"),
                 ("negative", pct, "-5", "negative"),
                 ("decimal_comma", pct, "27,4", "decimal comma"),
                 ("text", pct, "about 40", "plain number"),
                 ("thousands_dot", persons, "34.000", "thousands separator"),
                 ("fractional_count", persons, "12.5", "whole number"),
                 ("huge_count", persons, "99999999999", "plausible size"),
                 ("exponent_count", persons, "1e30", "plain number")]
        for name, where, value, match in cases:
            for index in where:
                yield self.cell_refused(f"{name}_{index}", index, "value", value, match)
        total = fields_of(self.records()[self.total_index], ",")[6]
        line = set_field(self.records()[self.tech_index], ",", 6, str(int(float(total)) + 1))
        yield self.variant("tech_above_total", self.with_record(self.tech_index, line),
                           Refused("value", line=self.total_index + 2, match="total disagrees"))

    def vocabulary_variants(self) -> Iterator[Variant]:
        for index in (0, 4):
            for column, value, match in [
                ("region", "Overijsel", "did you mean Overijssel"),
                ("region", "nl", "did you mean NL"), ("school_year", "'69/70", "out of range"),
                ("school_year", "2014/16", "end year must follow"),
                ("measure", "shares", "did you mean share"), ("unit", "pcts", "unknown unit"),
                ("quality", "reportd", "did you mean reported"),
                ("level", "hovo", "unknown level name"), ("sex", "vrow", "unknown sex"),
                ("indicator", "", "empty cell")]:
                yield self.cell_refused(f"{column}_{value or 'empty'}_{index}", index, column,
                                        value, match)
        for index, text in ((1, "schooljaar 2031/32"), (2, "2032-2033")):
            content = self.with_record(index, set_field(self.records()[index], ",", 4, text))
            yield self.variant(f"school_year_style_{index}", content, Read(content))
        lines = split_lines(self.base)
        yield self.variant("line_repeated", join_lines([*lines, lines[2]]),
                           Refused("value", line=len(lines) + 1, match="duplicate figure"))


# ------------------------------------------------------------------- series and targets


class Typed(Delimited):
    """A CSV read into a typed frame (the series or the targets)."""

    def __init__(self, kind: str, path: Path, dtypes: dict[str, str], reader: Callable,
                 rows: int, sort: list[str] | None) -> None:
        super().__init__(kind, ",", head(path, rows))
        self.dtypes, self.reader, self.sort = dtypes, reader, sort

    def read(self, path: Path) -> pd.DataFrame:
        return self.reader(path)

    def careful(self, content: bytes, lines: tuple[int, ...] | None) -> pd.DataFrame:
        raw = careful_csv(content, ",")
        raw.columns = [c.lower() for c in raw.columns]
        out = pd.DataFrame(index=raw.index)
        for column, dtype in self.dtypes.items():
            text = raw[column]
            if dtype == "bool":
                out[column] = text.str.lower().eq("true")
            elif dtype == "str":
                out[column] = text if column in ("flags", "note") else text.replace("", np.nan)
            else:
                out[column] = pd.to_numeric(text.replace("", np.nan)).astype(dtype)
        out = out.astype({c: d for c, d in self.dtypes.items() if d != "str"})
        if self.sort:
            out = out.sort_values(self.sort, kind="mergesort")
        return out.reset_index(drop=True)

    def assert_same(self, got: pd.DataFrame, want: pd.DataFrame) -> None:
        if "vintage" in got.columns and "vintage" not in want.columns:
            assert got["vintage"].isna().all()  # a user's series file has no vintage
            got = got.drop(columns="vintage")
        pd.testing.assert_frame_equal(got.astype(object).where(got.notna()),
                                      want.astype(object).where(want.notna()),
                                      check_dtype=False)

    def text_column(self) -> str:
        return "source"

    def variants(self) -> Iterator[Variant]:
        yield from self.generic()
        lines = split_lines(self.base)
        rng = np.random.default_rng(9)
        shuffled = join_lines([lines[0], *[lines[1:][i] for i in rng.permutation(
            len(lines) - 1)]])
        yield self.variant("rows_shuffled", shuffled, Read(shuffled))
        rows = [fields_of(line, ",") for line in lines]
        upper = join_lines([line_of([h.upper() for h in rows[0]], ","), *lines[1:]])
        yield self.variant("upper_case_header", upper, Read(self.base))
        reversed_columns = join_lines([line_of(r[::-1], ",") for r in rows])
        yield self.variant("columns_reversed", reversed_columns, Read(self.base))
        yield self.variant("duplicate_row", join_lines([*lines, lines[3]]),
                           Refused(self.key_column(), line=len(lines) + 1, match="duplicate"))
        dropped = [h for h in self.header_names if h not in ("note", "flags")][-1]
        keep = [i for i, h in enumerate(self.header_names) if h != dropped]
        yield self.variant("missing_column", join_lines([line_of([r[i] for i in keep], ",")
                                                         for r in rows]),
                           Refused(dropped, line=1, match="missing required column"))
        for column, value, match in self.bad_cells():
            for index in (1, 4):
                yield self.cell_refused(f"{column}_{value or 'empty'}_{index}", index, column,
                                        value, match)

    def key_column(self) -> str:
        return self.header_names[0]

    def bad_cells(self) -> list[tuple[str, str, str]]:
        raise NotImplementedError


class SeriesFile(Typed):
    def __init__(self) -> None:
        super().__init__("series", project_file("processed/series.csv"), SERIES_DTYPES,
                         load_series, 30, ["indicator", "level", "region", "sex", "year"])

    def bad_cells(self) -> list[tuple[str, str, str]]:
        return [("share", "1.7", "out of range"), ("share", "abc", "not a number"),
                ("share", "0,43", "not a number"), ("year", "2014.5", "not a whole number"),
                ("year", "1969", "out of range"), ("n_total", "-4", "negative"),
                ("canonical", "yes", "not a boolean"), ("flags", "bogus", "flag"),
                ("sex", "vrouw", "isin"), ("origin", "monitor", "isin"),
                ("indicator", "", "empty cell")]


class TargetsFile(Typed):
    def __init__(self) -> None:
        path = project_file("targets.csv")
        rows = len(split_lines(path.read_bytes())) - 1
        super().__init__("targets", path, {**TARGET_DTYPES, **TARGET_OPTIONAL}, load_targets,
                         rows, None)

    def key_column(self) -> str:
        return "level"

    def bad_cells(self) -> list[tuple[str, str, str]]:
        return [("target", "40", "not a fraction"), ("target", "40%", "not a number"),
                ("year", "2020/21", "not a whole number"), ("kind", "aim", "isin"),
                ("sex", "F", "isin"), ("source", "", "empty cell"),
                ("target", "-0.4", "above 0")]


# -------------------------------------------------------------------------------- mappings


class Mapping(Delimited):
    """A rule table of data/mappings (read by tpforecast.data.tables)."""

    def __init__(self, name: str, reader: Callable[[Path], pd.DataFrame],
                 bad: list[tuple[str, str, str]], key: str) -> None:
        super().__init__(f"mapping_{name.removesuffix('.csv')}", ",",
                         head(project_file(f"mappings/{name}"), 8))
        self.reader, self.bad, self.key = reader, bad, key

    def read(self, path: Path) -> pd.DataFrame:
        return self.reader(path)

    def careful(self, content: bytes, lines: tuple[int, ...] | None) -> pd.DataFrame:
        frame = careful_csv(content, ",")
        frame["line"] = list(lines or range(2, len(frame) + 2))
        return frame

    def assert_same(self, got: pd.DataFrame, want: pd.DataFrame) -> None:
        for column in want.columns:
            mine = got[column]
            if column == "line":
                assert mine.tolist() == want[column].tolist()
            elif mine.dtype == bool:
                assert mine.tolist() == want[column].str.lower().eq("true").tolist(), column
            elif str(mine.dtype).startswith(("datetime", "Int")):
                continue  # typed by the reader: checked by its own tests
            elif column in got.columns:
                assert mine.tolist() == want[column].tolist(), column

    def text_column(self) -> str:
        return self.header_names[-1]

    def variants(self) -> Iterator[Variant]:
        yield from self.generic()
        lines = split_lines(self.base)
        yield self.variant("duplicate_key", join_lines([*lines, lines[2]]),
                           Refused(self.key, line=len(lines) + 1, match="duplicate"))
        for column, value, match in self.bad:
            yield self.cell_refused(f"{column}_{value or 'empty'}", 2, column, value, match)


def all_sources() -> list[Source]:
    """Every source; those built from ../shared only when it is there."""
    from mutation_yaml import yaml_sources

    kinds: list[Source] = [SeriesFile(), TargetsFile(), *mapping_sources(), *yaml_sources()]
    if shared_available():
        mbo = Duo("duo_mbo", RAW / "duo-tekkieworden" / "mbo_inscriptions_2019.csv", 12)
        hbo = DuoLong("duo_hbo", RAW / "duo-tekkieworden" / "hbo_inscriptions_2019.csv", 12)
        vo = Duo("duo_vo", RAW / "duo-vo-examens-alleschools" / "duo_examen_raw_all.csv", 10,
                 quoted=True)
        wo = Duo("duo_wo_2013", RAW / "duo-wo-eerstejaars-2013-2017" / "eerstejaars.csv", 10)
        kinds += [mbo, hbo, vo, wo, DuoJson("duo_json_records", hbo, "records"),
                  DuoJson("duo_json_columns", mbo, "columns"), Figures()]
        from mutation_sources_regional import regional_sources  # the issue-10 readers

        kinds += regional_sources()
    return kinds


def mapping_sources() -> list[Mapping]:
    return [
        Mapping("indicators.csv", tables.load_indicators,
                [("level", "havo_x", "not a level key"), ("canonical", "yes", "unknown value"),
                 ("flags", "bogus", "unknown flag token"), ("description", "", "empty cell")],
                "indicator,source_level"),
        Mapping("editions.csv", tables.load_editions,
                [("edition_date", "2020-13-01", "not an ISO date"),
                 ("kind", "primry", "did you mean primary")], "source_edition"),
        Mapping("breaks.csv", tables.load_breaks,
                [("action", "flagg", "did you mean flag"), ("first_year", "20x6", "not a year"),
                 ("effective", "2018-6-1", "not an ISO date"), ("effective", "", "empty cell")],
                "break_id,indicator,level,region"),
    ]

