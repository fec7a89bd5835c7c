"""Technical share per level from DUO counts, with bounds for privacy-suppressed cells.

Which rows belong to a level and which of them count as beta-technical is the data file
``data/mappings/tech_classification.csv`` (one rule per row):

``level, definition, default, role, column, pattern, required, group, note``

* ``role = member``: a row belongs to the level when it matches *all* member rules;
* ``role = tech``: a member row is technical when it matches *all* tech rules;
* ``group``: rules of one role are AND-ed within a group and the groups are OR-ed (``ho`` is
  technical when *hbo and techniek* or *wo and natuur|techniek*); empty = one group;
* ``role = covers``: at least one member row must match each covers rule (``ho`` requires rows
  from both the hbo and the wo file);
* ``pattern``: a case-insensitive regular expression that must match the *whole* stripped cell
  (``re.fullmatch``; write ``.*N&T.*`` for "contains N&T"), or a *lookup* into a classification
  list of ``data/mappings/``: ``lookup:croho_programmes.csv?level=wo&beta_technical=true#croho_code``
  matches the cells listed in column ``croho_code`` of the rows with ``level == wo`` and
  ``beta_technical == true`` (``a|b`` lists alternatives; case-insensitive). The lists keep the
  judgement per programme, with a reason per row (``croho_programmes.csv``,
  ``vo_programmes.csv``);
* ``role = listed``: every cell of the rule's column must be in the lookup, on the rows that
  the member rules on *other* columns select (a programme missing from the list is an error
  with a did-you-mean, never silently non-technical or left out of its level);
* ``required = no``: the rule is skipped when the counts lack the column (``ho_sector`` exists
  only in counts stacked by :func:`stack_counts`);
* ``default = yes`` marks the definition used when ``definition`` is not given.

Shares use known counts only (suppressed cells left out, as in the MANIFEST's reference
computation). ``share_lo``/``share_hi`` are the smallest/largest shares possible when every
suppressed cell takes any value in its bounds (1..4 for ``<5``), widened where needed to include
``share``: the known-counts share treats suppressed cells as 0, which is not a possible value, so
it can lie just outside the exact range when the suppressed cells fall mostly on one side.
``share_lo <= share <= share_hi`` therefore always holds (the series schema checks it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from tpforecast.data.checks import at, check_vocabulary, did_you_mean, require_columns
from tpforecast.data.mappings import mapping_path, read_mapping
from tpforecast.errors import TpDataError
from tpforecast.paths import data_dir

__all__ = ["known_levels", "load_classification", "shares_from_sums", "stack_counts",
           "technical_share", "technical_sums"]

CLASSIFICATION_FILE = "tech_classification.csv"
HO_SECTOR = "ho_sector"
# Used when counts hold several measures and none is asked for: the vo exam file has
# exam_candidates and graduates; candidates stand in for profile choice.
PREFERRED_MEASURES = ("exam_candidates",)
_COUNT_COLUMNS = ("sex", "n", "suppressed", "n_lo", "n_hi")
_RECORD = ("source", HO_SECTOR, "record", "measure", "year")  # one record's counts
_ROLES = ("member", "tech", "covers", "listed")
LOOKUP = "lookup:"
_LOOKUP_FORM = re.compile(r"lookup:(?P<file>[\w.-]+\.csv)(?:\?(?P<query>[^#]*))?#(?P<key>\w+)")
_SEXES = ("all", "female", "male", "unknown")
_PARTS = ("female", "male", "unknown")
_OUTPUT = ["n_tech", "n_total", "n_suppressed", "share", "share_lo", "share_hi"]


def load_classification(path: str | Path | None = None) -> pd.DataFrame:
    """Read and check the level / technical classification.

    Parameters
    ----------
    path
        Default ``data/mappings/tech_classification.csv``.

    Returns
    -------
    pandas.DataFrame
        Columns ``level, definition, default, role, column, pattern, required, group, note``.

    Raises
    ------
    TpDataError
        Missing column, unknown role, invalid regex, or a level without exactly one default
        definition.
    """
    path = Path(path) if path is not None else data_dir() / "mappings" / CLASSIFICATION_FILE
    return _load_classification(path).copy()


@lru_cache(maxsize=4)
def _load_classification(path: Path) -> pd.DataFrame:
    required = ["level", "definition", "default", "role", "column", "pattern", "required", "group"]
    table = read_mapping(path, required=required)
    for column, allowed in (("role", _ROLES), ("default", ("yes", "no")),
                            ("required", ("yes", "no"))):
        check_vocabulary(table[column], allowed, file=path, lines=table["line"], column=column,
                         what=f"{column} of a classification rule")
    for row in table.itertuples(index=False):
        _check_rule(row, int(row.line), path)
    table = table.drop(columns="line")
    defaults = table.drop_duplicates(["level", "definition"])
    for level, group in defaults.groupby("level"):
        if (group["default"] == "yes").sum() != 1:
            raise TpDataError(
                "a level needs exactly one default definition",
                file=path,
                column="default",
                value=level,
                expected="default = yes on the rules of one definition per level",
            )
    return table


def _check_rule(row: tuple, line: int, path: Path) -> None:
    if not row.column:
        raise TpDataError("bad classification rule: no column", file=path, line=line,
                          column="column", value=row.column, expected="a counts column name")
    if row.pattern.startswith(LOOKUP):
        _lookup_values(row.pattern, file=path, line=line)
        return
    try:
        re.compile(row.pattern)
    except re.error as exc:
        raise TpDataError(
            f"invalid regular expression ({exc})",
            file=path,
            line=line,
            column="pattern",
            value=row.pattern,
            expected="a Python regular expression",
        ) from exc


def known_levels() -> list[str]:
    """Levels that ``data/mappings/tech_classification.csv`` defines."""
    return sorted(set(load_classification()["level"]))


def stack_counts(frames: Mapping[str, pd.DataFrame], column: str = HO_SECTOR) -> pd.DataFrame:
    """Stack DUO counts frames of several files, labelling each row with its file's key.

    ``stack_counts({"hbo": read_duo(hbo_file), "wo": read_duo(wo_file)})`` gives the counts
    that ``technical_share(..., "ho")`` needs.

    Parameters
    ----------
    frames
        Key (e.g. ``"hbo"``) -> counts frame from :func:`tpforecast.data.duo.read_duo`.
    column
        Name of the new label column, placed first.

    Returns
    -------
    pandas.DataFrame
        The frames concatenated in the mapping's order (each row keeps its ``source``).

    Raises
    ------
    TpDataError
        When the frames have different columns, or already have ``column``.
    """
    items = list(frames.items())
    if not items:
        raise TpDataError("no counts to stack", column=column, expected="at least one frame")
    first_columns = list(items[0][1].columns)
    parts = []
    for key, frame in items:
        if list(frame.columns) != first_columns or column in frame.columns:
            raise TpDataError(
                "counts frames to stack must have the same columns and no label column",
                file=_source(frame),
                column=column,
                value=key,
                expected=f"columns {first_columns}",
            )
        parts.append(frame.assign(**{column: key})[[column, *first_columns]])
    stacked = pd.concat(parts, ignore_index=True)
    stacked[column] = stacked[column].astype("str")
    return stacked


def _source(counts: pd.DataFrame) -> str | None:
    """The file(s) of a counts frame, for messages (`` | ``-joined, as in the series)."""
    if "source" not in counts.columns or counts.empty:
        return None
    return " | ".join(map(str, pd.unique(counts["source"])))


def technical_share(
    counts: pd.DataFrame,
    level: str,
    by: Sequence[str] = ("year",),
    *,
    definition: str | None = None,
    measure: str | None = None,
) -> pd.DataFrame:
    """Share of technical programmes per group, with bounds for suppressed cells.

    Parameters
    ----------
    counts
        A DUO counts frame (:func:`tpforecast.data.duo.read_duo`, or :func:`stack_counts` for
        ``ho``), possibly with extra grouping columns such as ``region``.
    level
        Level key in ``data/mappings/tech_classification.csv`` (``mbo``, ``hbo``, ``wo``,
        ``ho``, ``havo``, ``vwo``, ``vmbo_bb``, ``vmbo_gltl``, ...).
    by
        Grouping columns. The total of each record (one ``record`` of one file, measure and
        year) is its ``sex == "all"`` count when the file gives one, else the sum of its
        female, male and unknown counts (the hbo/wo files have no totals); this is decided per
        record, never for the whole frame. Without ``sex`` in ``by`` the totals are summed; with
        ``sex``: one group per sex (``all`` from the totals, ``female`` and ``male`` from
        their own counts; students of unknown sex count in ``all`` only).
    definition
        Which definition of the level (``nt`` or ``nprofile`` for havo/vwo); default: the
        level's default definition.
    measure
        Which measure to count when the counts hold several; default: the only one, else
        ``exam_candidates`` when present, else an error.

    Returns
    -------
    pandas.DataFrame
        The ``by`` columns, then ``n_tech, n_total`` (known counts, suppressed cells left out;
        Int64), ``n_suppressed`` (number of suppressed cells in the group), ``share``
        (``n_tech / n_total``), ``share_lo``, ``share_hi`` (Float64; min/max share when every
        suppressed cell takes any value in its bounds, widened to include ``share``), and
        ``level``, ``definition``, ``measure`` (what was counted; measure empty when the
        counts name none). Sorted by ``by``.

    Raises
    ------
    TpDataError
        Unknown level (listing the known levels) or definition, missing columns, ambiguous or
        unknown measure, no rows of the level, or a covers rule that no row meets.
    """
    by = list(by)
    sums = technical_sums(counts, level, by, definition=definition, measure=measure)
    labels = sums[["level", "definition", "measure"]]
    return shares_from_sums(sums, by).join(labels)


def technical_sums(counts: pd.DataFrame, level: str, by: Sequence[str] = ("year",), *,
                   definition: str | None = None, measure: str | None = None) -> pd.DataFrame:
    """The sums behind :func:`technical_share`, to be added up over groups before the share.

    Same parameters as :func:`technical_share`. Returns the ``by`` columns, then ``n_tech,
    n_total, n_suppressed`` (known counts) and ``lo_tech, hi_tech, lo_other, hi_other`` (the
    bounds of the suppressed technical and other cells), and ``level, definition, measure``.
    Sums of several groups (provinces into a landsdeel) give the shares of the union with
    :func:`shares_from_sums`.
    """
    rules, definition = _rules(level, definition)
    by = list(by)
    source = _source(counts)
    _require_columns(counts, [*by, *_COUNT_COLUMNS], source)
    if "record" not in counts.columns:  # counts built by hand: a record is its classification
        classes = [c for c in counts.columns if c not in (*_COUNT_COLUMNS, "measure", "year")]
        counts = counts.assign(record=counts.groupby(classes, sort=False, dropna=False).ngroup()
                               if classes else np.arange(len(counts)))
    data = counts[_needed_columns(counts, rules, by)]  # narrow first: filtering is then cheap
    keep, measure = _measure_rows(data, measure, source)
    _check_listed(data[keep], rules, source)
    keep &= _matches(data, rules, "member", source)
    members = data[keep]
    if members.empty:
        raise TpDataError(
            f"no rows of level {level!r} ({definition}) in the counts",
            file=source,
            column=", ".join(rules.loc[rules["role"] == "member", "column"]) or None,
            value=level,
            expected="counts from a DUO file that covers this level",
        )
    _check_covers(members, rules, level, source)
    tech = _matches(members, rules, "tech", source)
    members, tech = _select_sex(members.assign(_tech=tech), by, source)
    sums = _aggregate(members, tech, by)
    return sums.assign(level=level, definition=definition, measure=measure or "").astype(
        {"level": "str", "definition": "str", "measure": "str"})


# ----------------------------------------------------------------------------------------------
# rules
# ----------------------------------------------------------------------------------------------


def _rules(level: str, definition: str | None) -> tuple[pd.DataFrame, str]:
    table = load_classification()
    rules = table[table["level"] == level]
    if rules.empty:
        raise TpDataError(
            "unknown level",
            file=f"data/mappings/{CLASSIFICATION_FILE}",
            column="level",
            value=level,
            expected=f"one of {known_levels()}",
        )
    if definition is None:
        definition = str(rules.loc[rules["default"] == "yes", "definition"].iloc[0])
    chosen = rules[rules["definition"] == definition]
    if chosen.empty:
        raise TpDataError(
            f"unknown definition for level {level!r}",
            file=f"data/mappings/{CLASSIFICATION_FILE}",
            column="definition",
            value=definition,
            expected=f"one of {sorted(set(rules['definition']))}",
        )
    return chosen, definition


def _matches(data: pd.DataFrame, rules: pd.DataFrame, role: str, source: str | None) -> np.ndarray:
    """Rows that match all rules of some group of a role (all rows when the role has none)."""
    role_rules = rules[rules["role"] == role]
    if role_rules.empty:
        return np.ones(len(data), dtype=bool)
    hits = np.zeros(len(data), dtype=bool)
    for _, group in role_rules.groupby("group", sort=True):
        keep = np.ones(len(data), dtype=bool)
        for rule in group.itertuples(index=False):
            if rule.column not in data.columns:
                if rule.required == "no":
                    continue
                _require_columns(data, [rule.column], source)
            keep &= _full_match(data[rule.column], rule.pattern)
        hits |= keep
    return hits


def _full_match(values: pd.Series, pattern: str) -> np.ndarray:
    """Case-insensitive full match (or lookup), once per distinct value (fast on long frames)."""
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    if pattern.startswith(LOOKUP):
        listed = _lookup_values(pattern)
        hits = np.array([str(u).strip().casefold() in listed for u in uniques], dtype=bool)
    else:
        regex = re.compile(pattern, re.IGNORECASE)
        hits = np.array([regex.fullmatch(str(u).strip()) is not None for u in uniques],
                        dtype=bool)
    return hits[codes] if len(codes) else np.zeros(0, dtype=bool)


def _lookup_values(pattern: str, *, file: object = None, line: int | None = None
                   ) -> frozenset[str]:
    """The (case-folded) cells a ``lookup:`` pattern lists; checked against its file."""
    return frozenset(v.casefold() for v in _lookup_listed(pattern, file=file, line=line))


@lru_cache(maxsize=64)
def _lookup_listed(pattern: str, *, file: object = None, line: int | None = None
                   ) -> tuple[str, ...]:
    """The cells a ``lookup:`` pattern lists, as written in its file, sorted and distinct."""
    where = {"file": file or f"data/mappings/{CLASSIFICATION_FILE}", "line": line,
             "column": "pattern", "value": pattern}
    form = _LOOKUP_FORM.fullmatch(pattern)
    if form is None:
        raise TpDataError("malformed lookup", **where,
                          expected="lookup:<file>.csv?<column>=<a|b>&...#<key column>")
    table = read_mapping(mapping_path(form["file"]), required=[form["key"]])
    keep = np.ones(len(table), dtype=bool)
    for condition in filter(None, (form["query"] or "").split("&")):
        column, _, wanted = condition.partition("=")
        if column not in table.columns:
            raise TpDataError(f"lookup column {column!r} is not in {form['file']}", **where,
                              expected=did_you_mean(column, list(table.columns)))
        keep &= table[column].isin(wanted.split("|")).to_numpy()
    if not keep.any():
        raise TpDataError(f"lookup selects no row of {form['file']}", **where,
                          expected="conditions that some rows meet")
    return tuple(sorted(set(table.loc[keep, form["key"]])))


def _check_listed(rows: pd.DataFrame, rules: pd.DataFrame, source: str | None) -> None:
    """Every cell of a ``listed`` rule's column must be in its list, on the rows of the level
    as the member rules on *other* columns select them (vmbo exam rows: ``ONDERWIJSTYPE VO``
    is VMBO, whatever the programme name), so a name missing from the list is refused with a
    did-you-mean, never silently left out of the level."""
    for rule in rules[rules["role"] == "listed"].itertuples(index=False):
        scope = rows[_matches(rows, rules[rules["column"] != rule.column], "member", source)]
        hits = _full_match(scope[rule.column], rule.pattern)
        if not hits.all():
            first = int(np.flatnonzero(~hits)[0])
            value = scope[rule.column].iloc[first]
            where = at(pd.Series(scope["line"].to_numpy(), name="line"), first) if (
                "line" in scope.columns and pd.notna(scope["line"].iloc[first])) else {}
            raise TpDataError(
                "value missing from the classification list: it cannot be classified",
                file=source, column=rule.column, value=value, **where,
                expected=f"{did_you_mean(value, list(_lookup_listed(rule.pattern)))} (a value "
                         f"listed by {rule.pattern}; add it to the list, with a reason)")


def _check_covers(members: pd.DataFrame, rules: pd.DataFrame, level: str, source: str | None):
    for rule in rules[rules["role"] == "covers"].itertuples(index=False):
        if not _full_match(members[rule.column], rule.pattern).any():
            raise TpDataError(
                f"level {level!r} needs rows matching {rule.pattern!r}",
                file=source,
                column=rule.column,
                value=sorted(set(members[rule.column])),
                expected=rule.note or f"a value matching {rule.pattern!r}",
            )


# ----------------------------------------------------------------------------------------------
# selecting measure and sex
# ----------------------------------------------------------------------------------------------


def _needed_columns(counts: pd.DataFrame, rules: pd.DataFrame, by: list[str]) -> list[str]:
    wanted = [*by, *_COUNT_COLUMNS, *_RECORD, *rules["column"], "line"]
    return [c for c in dict.fromkeys(wanted) if c in counts.columns]


def _measure_rows(
    counts: pd.DataFrame, measure: str | None, source: str | None
) -> tuple[np.ndarray, str | None]:
    """Rows of the chosen measure (all rows when the counts have no measure column)."""
    if "measure" not in counts.columns:
        if measure is not None:
            _require_columns(counts, ["measure"], source)
        return np.ones(len(counts), dtype=bool), None
    codes, uniques = pd.factorize(counts["measure"])
    available = sorted(str(u) for u in uniques)
    if measure is None:
        preferred = [m for m in PREFERRED_MEASURES if m in available]
        if len(available) == 1:
            measure = available[0]
        elif preferred:
            measure = preferred[0]
        else:
            raise TpDataError(
                "the counts hold several measures; choose one with measure=",
                file=source,
                column="measure",
                value=available,
                expected="measure= one of these",
            )
    if measure not in available:
        raise TpDataError(
            "unknown measure",
            file=source,
            column="measure",
            value=measure,
            expected=f"one of {available}",
        )
    return codes == list(uniques).index(measure), measure


def _select_sex(
    data: pd.DataFrame, by: list[str], source: str | None
) -> tuple[pd.DataFrame, np.ndarray]:
    """The rows to sum: per record its total (the ``all`` count, else the sum of its parts),
    plus the female and male rows when ``sex`` is a group."""
    sexes = set(data["sex"])
    if not sexes <= set(_SEXES):
        raise TpDataError(
            "unknown sex in the counts",
            file=source,
            column="sex",
            value=sorted(sexes - set(_SEXES)),
            expected=f"values in {_SEXES}",
        )
    is_all = data["sex"].eq("all").to_numpy()
    record = [c for c in (*by, *_RECORD) if c in data.columns and c != "sex"]
    if is_all.any() and not is_all.all():
        codes = data.groupby(record, sort=False, dropna=False).ngroup().to_numpy()
        has_total = np.bincount(codes, weights=is_all)[codes] > 0
    else:
        has_total = np.full(len(data), is_all.any())
    totals = data[is_all | (~has_total & data["sex"].isin(_PARTS).to_numpy())]
    totals = totals.assign(sex="all")
    if "sex" in by:
        data = pd.concat([totals, data[data["sex"].isin(["female", "male"])]], ignore_index=True)
    else:
        data = totals
    return data, data["_tech"].to_numpy(dtype=bool)


# ----------------------------------------------------------------------------------------------
# aggregation
# ----------------------------------------------------------------------------------------------


def _aggregate(data: pd.DataFrame, tech: np.ndarray, by: list[str]) -> pd.DataFrame:
    hidden = data["suppressed"].to_numpy(dtype=bool)
    lo = data["n_lo"].to_numpy(dtype=np.int64)  # n_lo is the count itself for known cells
    hi = data["n_hi"].to_numpy(dtype=np.int64)
    known = np.where(hidden, 0, lo)
    parts = pd.DataFrame(
        {
            "n_tech": known * tech,
            "n_total": known,
            "n_suppressed": hidden.astype(np.int64),
            "lo_tech": np.where(hidden & tech, lo, 0),
            "hi_tech": np.where(hidden & tech, hi, 0),
            "lo_other": np.where(hidden & ~tech, lo, 0),
            "hi_other": np.where(hidden & ~tech, hi, 0),
        }
    )
    if by:
        for column in by:
            parts[column] = data[column].to_numpy()
        return parts.groupby(by, sort=True, dropna=False).sum().reset_index()
    return parts.sum().to_frame().T


def shares_from_sums(sums: pd.DataFrame, by: Sequence[str]) -> pd.DataFrame:
    """Shares and bounds from the sums of :func:`technical_sums` (added up over groups)."""
    by = list(by)

    def ratio(num: pd.Series, den: pd.Series) -> pd.Series:
        num, den = num.astype("Float64"), den.astype("Float64")
        return (num / den.where(den > 0)).astype("Float64")

    t, total = sums["n_tech"], sums["n_total"]
    out = sums[by].copy()
    out["n_tech"] = t.astype("Int64")
    out["n_total"] = total.astype("Int64")
    out["n_suppressed"] = sums["n_suppressed"].astype("Int64")
    share = ratio(t, total)
    lowest = ratio(t + sums["lo_tech"], total + sums["lo_tech"] + sums["hi_other"])
    highest = ratio(t + sums["hi_tech"], total + sums["hi_tech"] + sums["lo_other"])
    out["share"] = share
    # the known-counts share need not be a possible value (see the module docstring)
    out["share_lo"] = lowest.where(share.isna() | (lowest <= share), share).astype("Float64")
    out["share_hi"] = highest.where(share.isna() | (highest >= share), share).astype("Float64")
    return out.reset_index(drop=True)


def _require_columns(data: pd.DataFrame, columns: list[str], source: str | None) -> None:
    require_columns(data.columns, columns, file=source)
