"""Editions of the published figures: date each one, and keep the newest value of a figure.

Steps ``editions`` and ``resolve`` of :func:`tpforecast.clean_figures`. Every superseded value
is a row of the clean log with the kept and the superseded value and edition as columns.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from tpforecast.data.cleanlog import CleanLog
from tpforecast.data.mappings import mapping_path
from tpforecast.errors import TpDataError

__all__ = ["attach_editions", "resolve_editions"]

KEY = ["indicator", "level", "region", "sex", "year"]
# better quality first: breaks ties between editions of the same date
_QUALITY_RANK = {"reported": 0, "derived": 1, "approximate": 2, "inferred": 3, "proxy": 4}
_KIND_RANK = {"primary": 0, "secondary": 1}
_MONTHS = {m: i for i, m in enumerate(
    ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1)}


def attach_editions(work: pd.DataFrame, editions: pd.DataFrame, log: CleanLog) -> pd.DataFrame:
    """Date, kind and document of each row's edition; ``source`` = URL or that document."""
    table = editions.set_index("source_edition")
    known = work["source_edition"].isin(table.index)
    entry = table.reindex(work["source_edition"])
    work = work.assign(
        edition_date=pd.to_datetime(entry["edition_date"].to_numpy()),
        kind=np.where(known, entry["kind"].fillna("primary").to_numpy(dtype=object), "primary"),
        document=np.where(known, entry["document"].fillna("").to_numpy(dtype=object), ""),
    )
    work = _date_unknown_editions(work, log)
    return _fill_sources(work, log.file)


def _date_unknown_editions(work: pd.DataFrame, log: CleanLog) -> pd.DataFrame:
    """Editions missing from editions.csv: a date parsed from the name, or an error."""
    work = work.copy()
    missing = work["edition_date"].isna()
    for edition, group in work[missing].groupby("source_edition", sort=True):
        date = _date_from_name(str(edition))
        if date is None:
            raise TpDataError(
                "edition has no date: it is not in data/mappings/editions.csv and its name "
                "holds no date", file=mapping_path("editions.csv"), column="source_edition",
                value=edition, expected=f"a row '{edition},YYYY-MM-DD,primary,,' "
                f"(first used on line {int(group['line'].iloc[0])} of the figures)")
        work.loc[group.index, "edition_date"] = date
        log.add("editions", "changed", len(group),
                f"edition {edition!r} is not in editions.csv; dated {date.date()} from its name "
                "(add it to editions.csv to confirm)", group.iloc[0], old=str(edition),
                new=str(date.date()))
    return work


def _date_from_name(name: str) -> pd.Timestamp | None:
    """A date in an edition name: ISO date, '8 Apr 2022', 'Jan 2018', or a bare year (1 July)."""
    iso = re.search(r"\b(\d{4})-(\d{2})-(\d{2})\b", name)
    if iso:
        return pd.Timestamp(int(iso[1]), int(iso[2]), int(iso[3]))
    for day in re.finditer(r"\b(\d{1,2}) ([A-Za-z]{3})[a-z]* (\d{4})\b", name):
        if day[2].lower() in _MONTHS:
            return pd.Timestamp(int(day[3]), _MONTHS[day[2].lower()], int(day[1]))
    for month in re.finditer(r"\b([A-Za-z]{3})[a-z]* (\d{4})\b", name):
        if month[1].lower() in _MONTHS:
            return pd.Timestamp(int(month[2]), _MONTHS[month[1].lower()], 1)
    years = re.findall(r"\b(19\d{2}|20\d{2})\b", name)
    if years:
        return pd.Timestamp(int(max(years)), 7, 1)
    return None


def _fill_sources(work: pd.DataFrame, origin: str) -> pd.DataFrame:
    """``source`` is the URL, else the edition's document from editions.csv."""
    source = work["source_url"].where(work["source_url"].fillna("") != "", work["document"])
    missing = source.fillna("") == ""
    if missing.any():
        row = work[missing].iloc[0]
        raise TpDataError(
            "row has no source: empty source_url and no document for its edition",
            file=origin, line=int(row["line"]), column="source_url",
            expected=f"a URL, or a document for {row['source_edition']!r} in editions.csv")
    return work.assign(source=source.astype("str"))


def resolve_editions(work: pd.DataFrame, log: CleanLog) -> pd.DataFrame:
    """Keep one row per figure: the newest edition wins; log every value it supersedes."""
    work = work.assign(
        _kind=work["kind"].map(_KIND_RANK).fillna(0).astype(int),
        _quality=work["quality"].map(_QUALITY_RANK).astype(int),
    ).sort_values(
        [*KEY, "measure", "edition_date", "_kind", "_quality", "source_edition", "line"],
        ascending=[True] * 6 + [False, True, True, True, True], kind="mergesort",
    )
    group_key = [*KEY, "measure"]
    rank = work.groupby(group_key, sort=False).cumcount()
    winners = work[rank == 0].copy()
    agreeing: list[pd.Series] = []
    disputed: list[Any] = []
    repeated = work.groupby(group_key, sort=False)["line"].transform("size") > 1
    for _, group in work[repeated].groupby(group_key, sort=True):
        winner, losers = group.iloc[0], group.iloc[1:]
        same = np.isclose(losers["value"], winner["value"])
        agreeing.extend(row for _, row in losers[same].iterrows())
        if same.all():
            continue
        disputed.append(group.index[0])
        rule = _rule(winner, losers)
        for _, loser in losers[~same].iterrows():
            log.add("resolve", "resolved", 1, _conflict_reason(winner, loser, rule), loser,
                    kept_value=winner["value"], kept_edition=winner["source_edition"],
                    superseded_value=loser["value"], superseded_edition=loser["source_edition"])
    if agreeing:
        first = agreeing[0]
        log.add("resolve", "resolved", len(agreeing),
                f"{len(agreeing)} row(s) repeat the value of a newer edition for the same "
                "figure; kept the row of the newest edition, the others are duplicates", first,
                superseded_value=first["value"], superseded_edition=first["source_edition"])
    winners["superseded"] = winners.index.isin(disputed)
    return winners.drop(columns=["_kind", "_quality"]).reset_index(drop=True)


def _rule(winner: pd.Series, losers: pd.DataFrame) -> str:
    tie = losers["edition_date"].eq(winner["edition_date"]) & ~np.isclose(
        losers["value"], winner["value"])
    rule = "newest edition wins"
    if tie.any():
        rule += ("; equal dates broken by primary over secondary source, then quality, "
                 "then edition name")
    return rule


def _conflict_reason(winner: pd.Series, loser: pd.Series, rule: str) -> str:
    def describe(row: pd.Series) -> str:
        return (f"{row['value']:g} from {row['source_edition']!r} "
                f"({row['edition_date'].date()}, {row['kind']}, {row['quality']}, "
                f"line {row['line']})")

    return (f"editions disagree on {winner['measure']} ({rule}): kept {describe(winner)}; "
            f"superseded {describe(loser)}")
