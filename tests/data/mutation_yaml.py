"""The mutated YAML inputs: the scenario file (``data/scenarios.yml``) and the study file
(``data/study.yml``), each read by its loader (see :mod:`mutations` for the framework).

A careful reading is plain ``yaml.safe_load`` of the intended content with the documented
defaults of the format (the comments at the top of each file); a refusal must be a
``TpDataError`` (a scenario file's error is also a ``TpScenarioError``) naming the file, the
line and the field.
"""

from __future__ import annotations

import gzip
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml
from mutations import Read, Refused, Source, Variant, join_lines, project_file, split_lines

from tpforecast.scenarios import load_scenarios
from tpforecast.study import load_study

#: The defaults of a scenario field left out, as data/scenarios.yml documents them.
SCENARIO_DEFAULTS: dict[str, Any] = {
    "description": "", "start": None, "extra_pp_per_year": 0.0, "levels": None,
    "regions": None, "ramp_years": 0, "end": None, "path": None, "base": "trend",
    "solve": None, "as_of": None}


class YamlSource(Source):
    """A YAML settings file: the shared mutations of bytes, line ends and YAML syntax."""

    def __init__(self, kind: str, path: Path) -> None:
        super().__init__(kind, ":", path.read_bytes(), suffix=".yml")

    def __post_init__(self) -> None:  # a YAML file has no header line
        self.header_names = []

    def line_of(self, pattern: str, content: bytes | None = None) -> int:
        """The physical line (1-based) of the first line matching ``pattern``."""
        lines = split_lines(self.base if content is None else content)
        return next(i + 1 for i, line in enumerate(lines)
                    if re.search(pattern, line.decode("utf-8")))

    def replace_line(self, pattern: str, new: str) -> tuple[bytes, int]:
        """The base with the first line matching ``pattern`` replaced, and that line."""
        line = self.line_of(pattern)
        lines = split_lines(self.base)
        lines[line - 1] = new.encode("utf-8")
        return join_lines(lines), line

    def refused_line(self, name: str, pattern: str, new: str, column: str, match: str = ""
                     ) -> Variant:
        content, line = self.replace_line(pattern, new)
        return self.variant(name, content, Refused(column, line=line, match=match))

    def generic(self, text_key: str) -> Iterator[Variant]:
        """Mutations every YAML file shares; ``text_key`` is a key whose line may hold text."""
        base, lines = self.base, split_lines(self.base)
        yield self.variant("utf8_bom", b"\xef\xbb\xbf" + base, Read(base))
        yield self.variant("crlf", join_lines(lines, b"\r\n"), Read(base))
        yield self.variant("utf16", base.decode("utf-8").encode("utf-16"), Read(base))
        yield self.variant("gzip", gzip.compress(base), Read(base), ".yml.gz")
        yield self.variant("trailing_blank_lines", base + b"\n\n", Read(base))
        yield self.variant("comment_lines_added", b"# edited by hand\n\n" + base.replace(
            b"\n\n", b"\n# a note\n\n", 1), Read(base))
        yield self.variant("comments_removed", join_lines(
            [ln for ln in lines if not ln.lstrip().startswith(b"#")]), Read(base))
        n = len(lines)
        last_key = re.match(r"\s*(?:-\s+)?([^:#\s]+)\s*:", lines[-1].decode()).group(1)
        for name, cut in (("cut_line_break", base[:-1]), ("cut_last_char", base[:-2])):
            yield self.variant(name, cut, Refused(last_key, line=n, match="ends inside a line"))
        yield self.variant("empty_file", b"", Refused("(header)", line=1, match="empty"))
        yield self.variant("only_spaces", b"   \n\n", Refused("(header)", line=1, match="empty"))
        yield self.variant("xlsx", b"PK\x03\x04" + b"\x00" * 40,
                           Refused("(file content)", line=1, match="ZIP archive"), ".xlsx")
        yield self.variant("damaged_gzip", gzip.compress(base)[:30],
                           Refused("(file content)", line=1, match="gzip"))
        line = self.line_of(rf"^\s*(- )?{text_key}:")
        key_line = lines[line - 1].decode()
        mixed = list(lines)
        mixed[line - 1] = (key_line + " # caf\u00e9").encode("utf-8")
        mixed[-1] = lines[-1] + b" # na\xefve"
        yield self.variant("latin1_byte_in_utf8", join_lines(mixed),
                           Refused(last_key, line=n, match="mixed encodings"))
        latin = list(lines)
        latin[line - 1] = key_line.encode() + b" # caf\xe9"
        yield self.variant("latin1_file", join_lines(latin),
                           Refused(text_key, line=line, match="not UTF-8"))
        nul = list(lines)
        nul[line - 1] = key_line.encode() + b" # \x00"
        yield self.variant("nul_byte", join_lines(nul),
                           Refused(text_key, line=line, match="not text"))
        tab = list(lines)
        tab[line - 1] = b"\t" + lines[line - 1]
        yield self.variant("tab_indent", join_lines(tab),
                           Refused(text_key, line=line, match="not valid YAML"))


# --------------------------------------------------------------------------------- scenarios


def careful_scenarios(content: bytes) -> list[dict[str, Any]]:
    """The scenarios a careful person reads: each field as written, defaults for the rest."""
    out = []
    for item in yaml.safe_load(content.decode("utf-8-sig"))["scenarios"]:
        scn = {**SCENARIO_DEFAULTS, **item}
        for key in ("levels", "regions"):
            scn[key] = None if scn[key] is None else tuple(scn[key])
        if scn["solve"] is not None:
            scn["solve"] = (scn["solve"]["target"], scn["solve"].get("year"),
                            scn["solve"].get("probability", 0.5))
        out.append(scn)
    return out


class ScenarioFile(YamlSource):
    """The scenario file (read by ``load_scenarios``)."""

    def __init__(self) -> None:
        super().__init__("scenarios", project_file("scenarios.yml"))

    def read(self, path: Path) -> Any:
        return load_scenarios(path)

    def careful(self, content: bytes, lines: tuple[int, ...] | None) -> Any:
        return careful_scenarios(content)

    def assert_same(self, got: Any, want: Any) -> None:
        assert len(got) == len(want)
        for scn, expected in zip(got, want, strict=True):
            mine = {f: getattr(scn, f) for f in expected}
            if scn.solve is not None:
                mine["solve"] = (scn.solve.target, scn.solve.year, scn.solve.probability)
            if scn.path is not None:
                mine["path"] = dict(scn.path)
            assert mine == expected, (mine, expected)

    def variants(self) -> Iterator[Variant]:
        yield from self.generic("description")
        yield from self.field_variants()
        yield from self.structure_variants()
        yield from self.read_variants()

    def field_variants(self) -> Iterator[Variant]:
        start = r"^    start: 2016"
        yield self.refused_line("start_text", start, "    start: '2016'", "start", "year")
        yield self.refused_line("start_decimal", start, "    start: 2016.5", "start", "year")
        yield self.refused_line("start_date", start, "    start: 2016-09-01", "start", "year")
        required = self.base.replace(b"    start: 2016\n    solve: {target: 0.40",
                                     b"    start: 2024\n    solve: {target: 0.40")
        yield self.variant("start_after_target", required, Refused(
            "start", line=self.line_of(r"^    start: 2024", required), match="after the target"))
        extra = r"^    extra_pp_per_year: 1.0"
        yield self.refused_line("extra_text", extra, "    extra_pp_per_year: lots",
                                "extra_pp_per_year", "not a number")
        yield self.refused_line("extra_fraction_as_percent", extra,
                                "    extra_pp_per_year: 150", "extra_pp_per_year", "implausible")
        yield self.refused_line("extra_level_text", extra, "    extra_pp_per_year: {havo: x}",
                                "extra_pp_per_year", "not a number")
        yield self.refused_line("base_typo", r"^    base: last", "    base: lst", "base",
                                "unknown base")
        yield self.refused_line("base_empty", r"^    base: last", "    base:", "base",
                                "unknown base")
        solve = r"^    solve: \{target: 0.40"
        yield self.refused_line("solve_target_percent", solve,
                                "    solve: {target: 40, year: 2020, probability: 0.5}",
                                "solve.target", "not a fraction")
        yield self.refused_line("solve_probability_key_typo", solve,
                                "    solve: {target: 0.40, year: 2020, probabilty: 0.5}",
                                "solve.probabilty", "unknown field")
        yield self.refused_line("solve_target_word", r"^    solve: \{target: targets",
                                "    solve: {target: targest, probability: 0.5}",
                                "solve.target", "unknown target")
        yield self.refused_line("levels_text", r"^    base: trend", "    levels: havo",
                                "levels", "must be a list")
        yield self.refused_line("levels_twice", r"^    base: trend", "    levels: [havo, havo]",
                                "levels", "listed twice")
        yield self.refused_line("ramp_negative", r"^    base: trend", "    ramp_years: -1",
                                "ramp_years", "negative")
        yield self.refused_line("path_percent", r"^    base: trend",
                                "    path: {2024: 38, 2025: 39}", "path", "outside")
        yield self.refused_line("path_gap", r"^    base: trend",
                                "    path: {2024: 0.38, 2026: 0.40}", "path", "missing year")
        yield self.refused_line("path_and_extra", r"^    base: last$",
                                "    path: {2024: 0.38}", "path", "excludes extra growth")

    def structure_variants(self) -> Iterator[Variant]:
        yield self.refused_line("field_typo", r"^    base: trend", "    bsae: trend", "bsae",
                                "did you mean 'base'")
        content, line = self.replace_line(r"^  - name: stagnation", "  - name: baseline")
        yield self.variant("name_twice", content, Refused("name", line=line, match="used twice"))
        content, line = self.replace_line(r"^  - name: stagnation", "  - nmae: stagnation")
        yield self.variant("name_missing", content, Refused("nmae", line=line,
                                                            match="did you mean 'name'"))
        lines = split_lines(self.base)
        at = self.line_of(r"^    base: trend")
        twice = [*lines[:at], b"    base: last", *lines[at:]]
        yield self.variant("field_twice", join_lines(twice),
                           Refused("base", line=at + 1, match="key given twice"))
        yield self.variant("unknown_top_key", self.base + b"version: 2\n",
                           Refused("version", line=len(lines) + 1, match="top-level"))
        top = self.line_of(r"^scenarios:")
        yield self.variant("no_scenarios_key", self.base.replace(b"\nscenarios:", b"\nscenario:"),
                           Refused("(file)", line=1, match="the key 'scenarios'"))
        flat = [*lines[:top], b"  name: baseline", b""]
        yield self.variant("scenarios_not_a_list", join_lines(flat),
                           Refused("scenarios", line=top, match="must be a list"))
        item = [*lines[:top], b"  - just text"]
        yield self.variant("scenario_not_a_mapping", join_lines(item),
                           Refused("(scenario)", line=top + 1, match="expected a mapping"))
        content, line = self.replace_line(r"^    base: trend", "    base: [trend")
        yield self.variant("unclosed_bracket", content,
                           Refused("name", line=line + 2, match="not valid YAML"))

    def read_variants(self) -> Iterator[Variant]:
        extra = (b"  - name: fixed\n    levels: [havo]\n    path: {2024: 0.38, 2025: 0.39}\n"
                 b"  - name: push\n    start: 2024\n    ramp_years: 2\n"
                 b"    extra_pp_per_year: {havo: 2.0, vwo: 1.0}\n    regions: [NL]\n")
        yield self.variant("scenarios_added", self.base + extra, Read(self.base + extra))
        quoted = self.base.replace(b"  - name: baseline", b'  - "name": "baseline"')
        yield self.variant("quoted_key_and_value", quoted, Read(self.base))
        moved = self.base.replace(b"    base: last\n    extra_pp_per_year: 1.0\n",
                                  b"    extra_pp_per_year: 1.0\n    base: last\n")
        yield self.variant("fields_reordered", moved, Read(self.base))
        solve = self.base.replace(b"    solve: {target: 0.40, year: 2020, probability: 0.5}\n",
                                  b"    solve:\n      target: 0.40\n      year: 2020\n"
                                  b"      probability: 0.5\n")
        yield self.variant("flow_to_block_mapping", solve, Read(self.base))
        anchored = self.base.replace(b"    base: last\n    extra_pp_per_year: 1.0",
                                     b"    base: &flat last\n    extra_pp_per_year: 1.0", 1)
        anchored = anchored.replace(b"    base: last\n", b"    base: *flat\n", 1)
        yield self.variant("anchor_and_alias", anchored, Read(self.base))


# ------------------------------------------------------------------------------------- study


class StudyFile(YamlSource):
    """The study settings (read by ``load_study``)."""

    def __init__(self) -> None:
        super().__init__("study", project_file("study.yml"))

    def read(self, path: Path) -> Any:
        return load_study(path)

    def careful(self, content: bytes, lines: tuple[int, ...] | None) -> Any:
        return yaml.safe_load(content.decode("utf-8-sig"))

    def assert_same(self, got: Any, want: Any) -> None:
        assert got.as_dict() == want

    def variants(self) -> Iterator[Variant]:
        yield from self.generic("seed")
        bad = [("target", "40", "fraction"), ("target", "40%", "fraction"),
               ("target", "0", "fraction"), ("target_year", "'2020'", "start year"),
               ("target_year", "2020/21", "start year"), ("as_of", "2015.5", "start year"),
               ("as_of", "1850", "start year"), ("starts", "2016", "list"),
               ("starts", "[2016, 2016]", "different"), ("pace", "lots", "points"),
               ("pace_window", "1", ">= 2"), ("seed", "-1", "non-negative"),
               ("seed", "yes", "non-negative"), ("n_paths", "0", "paths"),
               ("n_paths", "2000.5", "paths"), ("intervals", "[80, 80]", "different"),
               ("intervals", "[0.8, 0.95]", "coverages"), ("horizon", "2025", "horizon"),
               ("until", "abc", "start year")]
        for key, value, match in bad:
            yield self.refused_line(f"{key}_{value}", rf"^{key}:", f"{key}: {value}", key,
                                    match)
        yield self.refused_line("setting_typo", r"^n_paths:", "n_pahts: 2000", "n_pahts",
                                "did you mean 'n_paths'")
        lines = split_lines(self.base)
        seed = self.line_of(r"^seed:")
        yield self.variant("setting_missing", join_lines(lines[:seed - 1] + lines[seed:]),
                           Refused("seed", line=None, match="missing study setting"))
        yield self.variant("setting_twice", self.base + b"seed: 3\n",
                           Refused("seed", line=len(lines) + 1, match="given twice"))
        yield self.variant("not_a_mapping", b"- target\n- seed\n",
                           Refused("(file)", line=1, match="expected a mapping"))
        settings = [ln for ln in lines if re.match(rb"^[a-z_]+:", ln)]
        yield self.variant("settings_reordered", join_lines(settings[::-1]), Read(self.base))
        block = self.base.replace(b"intervals: [80, 95]", b"intervals:\n  - 80\n  - 95")
        yield self.variant("flow_to_block_list", block, Read(self.base))
        yield self.variant("underscore_digits", self.base.replace(b"n_paths: 2000",
                                                                  b"n_paths: 2_000"),
                           Read(self.base))
        yield self.variant("exponent_fraction", self.base.replace(b"target: 0.40",
                                                                  b"target: 4.0e-1"),
                           Read(self.base))


def yaml_sources() -> list[Source]:
    return [ScenarioFile(), StudyFile()]
