"""Mutated inputs of the readers added for the regional series (issue 10): the vo exam file
2014-2019 (ONBEKEND sex group), hbo enrolment 2014-2018 (lines ending in ``\\r\\r\\n``), the
vo pupil file 2019 (year-in-school columns) and the Parquet star schema 2020-2024.
"""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
from mutation_sources import Duo, careful_cell
from mutations import (
    RAW,
    Read,
    Refused,
    Source,
    Variant,
    careful_csv,
    fields_of,
    head,
    join_lines,
    line_of,
    split_lines,
)

from tpforecast.data.duo import read_duo
from tpforecast.data.shares import technical_share
from tpforecast.paths import data_dir

STAR = RAW / "duo-hbo-2020-2024-star"
_PUPIL_SEX = {"MAN": "male", "VROUW": "female"}


class HboEnrolment(Duo):
    """hbo enrolment 2014-2018: every line of the real file ends in a doubled CR."""

    def variants(self) -> Iterator[Variant]:
        yield from super().variants()
        yield self.variant("doubled_carriage_returns", join_lines(split_lines(self.base),
                                                                   b"\r\r\n"), Read(self.base))
        lines = split_lines(self.base)
        totals = [""] * len(self.header_names)
        first = self.header_names.index(self.counts[0])
        sums = {c: 0 for c in self.counts}
        for record in lines[1:]:
            fields = record.decode().split(";")
            for c in self.counts:
                sums[c] += int(fields[self.header_names.index(c)] or 0)
        totals[first] = str(sum(sums.values()) - 1)  # the year total under the first sex
        totals[self.header_names.index("OPLEIDINGSFASE ACTUEEL")] = "Totalen"
        yield self.variant("year_total_wrong", join_lines([*lines, ";".join(totals).encode()]),
                           Refused(self.counts[0], line=len(lines) + 1, match="total disagrees"))


class Pupils(Duo):
    """The vo pupil file: counts per year in school (``LEER- OF VERBLIJFSJAAR 4 - MAN``); the
    school year comes from the file name (the variants are named ``..._2019.csv``)."""

    def __init__(self, kind: str, path: Path, records: int) -> None:
        super().__init__(kind, path, records)
        self.counts = [h for h in self.header_names if h.startswith("LEER- OF VERBLIJFSJAAR")]
        self.has_total = False

    def careful(self, content: bytes, lines: tuple[int, ...] | None) -> pd.DataFrame:
        frame = careful_csv(content, ";")
        rows = []
        for line, (_, record) in zip(lines or range(2, len(frame) + 2), frame.iterrows(),
                                     strict=True):
            for column in self.counts:
                lo, hi, hidden = careful_cell(record[column])
                grade, sex = column.removeprefix("LEER- OF VERBLIJFSJAAR ").split(" - ")
                rows.append({"first": record[frame.columns[0]], "measure": "pupils",
                             "sex": _PUPIL_SEX[sex], "year": 2019, "n_lo": lo, "n_hi": hi,
                             "suppressed": hidden, "line": line, "leerjaar": grade})
        return pd.DataFrame(rows)

    def assert_same(self, got: pd.DataFrame, want: pd.DataFrame) -> None:
        super().assert_same(got, want)
        assert got["leerjaar"].tolist() == want["leerjaar"].tolist()

    def header_variants(self) -> Iterator[Variant]:
        first = self.counts[0]
        for name, new in [("grade_typo", first.replace(" - MAN", " - MANN")),
                          ("grade_two_digits", first.replace(" 1 ", " 12 ")),
                          ("grade_word", first.replace(" 1 ", " een "))]:
            content = join_lines([self._renamed_header(self.header_names.index(first), new),
                                  *split_lines(self.base)[1:]])
            yield self.variant(f"header_{name}", content,
                               Refused(new, line=1, match="year-in-school count header"))
        content = self.base
        yield Variant(self.kind, "no_year_in_file_name", f"synthetic_{self.kind[:-5]}.csv",
                      content, Refused(first, line=1, match="file name"))


class StarFact(Source):
    """A fact table of the hbo star schema (Parquet); its dimensions are the real ones."""

    def __init__(self, kind: str, fact: str, rows: int) -> None:
        self.table = pd.read_parquet(STAR / fact).head(rows).reset_index(drop=True)
        self.fact = fact
        self.count = next(c for c in self.table.columns if c.startswith("aantal_"))
        super().__init__(kind, ";", b"a;b\n", suffix=".parquet")

    @staticmethod
    def parquet(table: pd.DataFrame) -> bytes:
        buffer = io.BytesIO()
        table.to_parquet(buffer, index=False)
        return buffer.getvalue()

    def read(self, path: Path) -> pd.DataFrame:
        for dim in STAR.glob("dim_*.parquet"):
            shutil.copyfile(dim, path.parent / dim.name)
        return read_duo(path)

    def careful(self, content: bytes, lines: tuple[int, ...] | None) -> pd.DataFrame:
        fact = pd.read_parquet(io.BytesIO(content))
        tijd = pd.read_parquet(STAR / "dim_tijd.parquet").set_index("tijd_key")["jaar"]
        hidden = fact["is_onderdrukt"].to_numpy(dtype=bool)
        counts = fact[self.count]
        return pd.DataFrame({
            "year": fact["tijd_key"].map(tijd).to_numpy(),
            "n_lo": [1 if h else int(c) for h, c in zip(hidden, counts, strict=True)],
            "n_hi": [4 if h else int(c) for h, c in zip(hidden, counts, strict=True)],
            "suppressed": hidden, "line": range(1, len(fact) + 1)})

    def assert_same(self, got: pd.DataFrame, want: pd.DataFrame) -> None:
        columns = ["year", "n_lo", "n_hi", "suppressed", "line"]
        mine = got[columns].astype({"year": int, "n_lo": int, "n_hi": int, "line": int})
        pd.testing.assert_frame_equal(mine.reset_index(drop=True), want[columns],
                                      check_dtype=False)
        assert got.loc[want["suppressed"].to_numpy(), "n"].isna().all()

    def changed(self, name: str, table: pd.DataFrame, expect: Read | Refused) -> Variant:
        content = self.parquet(table)
        return self.variant(name, content, Read(content) if isinstance(expect, Read) else expect)

    def variants(self) -> Iterator[Variant]:
        base = self.parquet(self.table)
        yield self.variant("as_is", base, Read(base))
        yield self.variant("cut_off", base[: len(base) // 2],
                           Refused("(file content)", match="cut-off|not a Parquet"))
        yield self.variant("csv_named_parquet", self.table.to_csv(index=False).encode(),
                           Refused("(file content)", match="not a Parquet"))
        yield self.variant("empty_file", b"", Refused("(file content)", match="Parquet"))
        key = self.table.columns[1]
        for row in (0, 3):
            for name, value, match in [("negative", -3, "negative"),
                                       ("huge", 10**11, "plausible size")]:
                table = self.table.copy()
                table.loc[row, self.count] = value
                table.loc[row, "is_onderdrukt"] = False
                yield self.changed(f"{name}_{row}", table,
                                   Refused(self.count, row=row + 1, match=match))
            table = self.table.copy()
            table.loc[row, key] = 999999
            yield self.changed(f"unknown_key_{row}", table,
                               Refused(key, row=row + 1, match="not found"))
            table = self.table.copy()
            table.loc[row, "is_onderdrukt"] = True
            table[self.count] = table[self.count].astype("Int64")
            yield self.changed(f"suppressed_with_count_{row}", table,
                               Refused(self.count, row=row + 1, match="still holds"))
            table.loc[row, self.count] = pd.NA
            yield self.changed(f"suppressed_{row}", table, Read(b""))
            table = self.table.copy()
            table[self.count] = table[self.count].astype("Int64")
            table.loc[row, self.count] = pd.NA
            table.loc[row, "is_onderdrukt"] = False
            yield self.changed(f"empty_count_{row}", table,
                               Refused(self.count, row=row + 1, match="empty count"))
        yield self.changed("missing_count_column", self.table.drop(columns=self.count),
                           Refused("aantal_*", row=1, match="aantal_"))
        yield self.changed("missing_suppression_flag", self.table.drop(columns="is_onderdrukt"),
                           Refused("is_onderdrukt", match="missing required column"))
        yield self.changed("flag_as_number", self.table.assign(is_onderdrukt=0),
                           Refused("is_onderdrukt", row=1, match="True/False"))
        doubled = pd.concat([self.table, self.table.iloc[[2]]], ignore_index=True)
        doubled.iloc[-1, 0] = doubled.iloc[:, 0].max() + 1
        yield self.changed("record_repeated", doubled,
                           Refused(key, row=len(doubled), match="duplicate"))


class Classified(Source):
    """A vo exam file classified by its level's listed definition (``vo_programmes.csv``): a
    programme name missing from the list is refused at its line, with a did-you-mean, for the
    vmbo leerwegen as for havo/vwo; a misspelt name of *another* leerweg is refused too, since
    it could belong to the level (never silently left out)."""

    def __init__(self, kind: str, path: Path, records: int, level: str, definition: str,
                 misspelt: list[tuple[str, str]]) -> None:
        super().__init__(kind, ";", head(path, records))
        self.level, self.definition, self.misspelt = level, definition, misspelt

    def read(self, path: Path) -> pd.DataFrame:
        return technical_share(read_duo(path), self.level, definition=self.definition)

    def careful(self, content: bytes, lines: tuple[int, ...] | None) -> pd.DataFrame:
        """n_tech and n_total per year with plain pandas: the list's programmes of the level,
        technical where the list says so (candidates: the TOTAAL columns)."""
        frame = careful_csv(content, ";")
        listed = pd.read_csv(data_dir() / "mappings" / "vo_programmes.csv", dtype=str)
        listed = listed[(listed["column"] == "OPLEIDINGSNAAM") & (listed["level"] == self.level)
                        & listed["role"].isin(["tech", "nontech"])]
        tech_names = set(listed.loc[listed[_TECH[self.definition]] == "true", "value"])
        member = frame[frame["OPLEIDINGSNAAM"].isin(set(listed["value"]))]
        rows = []
        for column in [c for c in frame.columns if c.startswith("EXAMENKANDIDATEN")
                       and c.endswith("- TOTAAL")]:
            counts = pd.to_numeric(member[column].replace("", "0"))
            tech = member["OPLEIDINGSNAAM"].isin(tech_names).to_numpy()
            rows.append({"year": int(column.split()[2][:4]), "n_tech": int(counts[tech].sum()),
                         "n_total": int(counts.sum())})
        return pd.DataFrame(rows)

    def assert_same(self, got: pd.DataFrame, want: pd.DataFrame) -> None:
        mine = got[["year", "n_tech", "n_total"]].astype(int).reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, want, check_dtype=False)

    def variants(self) -> Iterator[Variant]:
        yield self.variant("as_is", self.base, Read(self.base))
        lines = split_lines(self.base)
        column = self.header_names.index("OPLEIDINGSNAAM")
        for name, wrong in self.misspelt:
            index = next(i for i, line in enumerate(lines)
                         if i and fields_of(line, ";")[column] == name)
            fields = fields_of(lines[index], ";")
            fields[column] = wrong
            changed = [*lines[:index], line_of(fields, ";"), *lines[index + 1:]]
            yield self.variant(f"unlisted_{wrong}", join_lines(changed),
                               Refused("opleidingsnaam", line=index + 1,
                                       match=f"did you mean {re.escape(name)}"))


_TECH = {"exam_techsector": "technical", "exam_nprofile": "n_profile", "exam_nt": "nt_profile"}


def regional_sources() -> list[Source]:
    return [
        Duo("duo_vo_2014", RAW / "duo-vo-cito" / "examenkandidaten-en-geslaagden-2014-2019.csv",
            10),
        HboEnrolment("duo_hbo_enrolment",
                     RAW / "duo-hbo-ingeschrevenen-2014-2018" / "01-ingeschrevenen-hbo-2018.csv",
                     10),
        Pupils("duo_pupils_2019",
               RAW / "duo-vo-cito" / "leerlingen-vo-per-vestiging-naar-onderwijstype-2019.csv",
               12),
        StarFact("duo_star_first_years", "feit_eerstejaars.parquet", 12),
        StarFact("duo_star_by_sex", "feit_eerstejaars_geslacht.parquet", 12),
        *[Classified(f"duo_vo_listed_{level}", RAW / "duo-vo-cito"
                     / "examenkandidaten-en-geslaagden-2014-2019.csv", 60, level, definition,
                     misspelt)
          for level, definition, misspelt in [
              ("vmbo_bb", "exam_techsector", [("VMBO LWT - techniek", "VMBO LWT - techniekk"),
                                              ("VMBO B - intersectoraal", "VMBO B - intersectoral"),
                                              ("VMBO K - intersectoraal", "VMBO K intersectoraal"),
                                              ("VMBO T", "VMBO T -")]),
              ("vmbo_tl", "exam_techsector", [("VMBO T - techniek", "VMBO T - techneik")]),
              ("havo", "exam_nprofile", [("HAVO - N&T / N&G", "HAVO - N&T/ N&G")]),
              ("vwo", "exam_nt", [("VWO - N&T", "VWO - N & T")])]],
    ]
