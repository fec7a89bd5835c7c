"""Targets: checked, and matched to series (stage 3). The one target matcher of the library.

A target is a fraction for every series (``0.40``) or a targets frame (``load_targets()``
layout): a row applies to a series with its ``level`` and, where the row gives them, its
``region``, ``sex`` and ``indicator`` (an empty one matches any). Count targets
(``kind == "growth_count"``) are not share targets and never match a share series: they are
judged on counts (:func:`tpforecast.report.count_target_progress`), and a targets frame that
holds only count targets is a :class:`~tpforecast.errors.CountTargetError`.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import pandas as pd

from tpforecast.errors import CountTargetError, TargetYearError, TpModelError
from tpforecast.options import problem
from tpforecast.study import TARGET_YEAR

__all__ = ["Goal", "check_target", "goals_for", "own_target_series", "resolve_target",
           "target_years"]

#: Which target row wins when one is wanted (lower first): an ambition before a goal, a goal
#: before an interim point of a path.
_KIND_RANK = {"ambition": 0, "goal": 1, "path": 2}


class Goal(NamedTuple):
    """One target that applies to a series."""

    target: float
    year: int | None
    kind: str
    source: str


def check_target(target: Any, where: str = "target") -> float:
    """``target`` as a fraction in (0, 1); a :class:`TpModelError` naming ``where`` else."""
    expected = problem("target", target)
    if expected is not None:
        raise TpModelError(f"{where} must be {expected}; got {target!r}")
    return float(target)


def _prepare_frame(targets: pd.DataFrame) -> pd.DataFrame:
    need = ["level", "year", "target"]
    missing = [c for c in need if c not in targets.columns]
    if missing:
        raise TpModelError(f"targets frame lacks column(s) {', '.join(missing)}; expected "
                           "the load_targets() layout (level, region, sex, year, target, kind)")
    t = targets
    if "kind" in t.columns:
        counts = (t["kind"].astype("str") == "growth_count").to_numpy()
        if counts.all() and len(t):
            first = t.iloc[0]
            raise CountTargetError(
                f"the targets are count targets (kind growth_count, e.g. {first['level']} "
                f"{first.get('region', '')} {first.get('sex', '')}: x{float(first['target']):g} "
                "of a baseline count): they are judged on counts "
                "(tpforecast.report.count_target_progress), not on share series; pass share "
                "targets (goal, ambition or path)")
        t = t.loc[~counts]
    t = t.loc[t["target"].notna().to_numpy()]
    for i, row in t.iterrows():
        check_target(row["target"], where=f"targets row {i!r} (level {row['level']})")
        if pd.isna(row["year"]):
            raise TpModelError(f"targets row {i!r} (level {row['level']}): missing year")
    return t


def resolve_target(target: Any, *, year: int | None = None,
                   what: str = "") -> float | pd.DataFrame:
    """A checked target: a fraction, or the share-target rows of a targets frame;
    ``"targets"`` reads the bundled ``data/targets.csv``.

    With a frame each row keeps its own year; a ``year`` other than the study's target year
    asks for that year's targets only, and a year without targets is a
    :class:`~tpforecast.errors.TargetYearError` naming the years that exist (never the other
    years' targets in silence)."""
    if isinstance(target, str):
        if target != "targets":
            raise TpModelError(f"target must be a fraction, a targets frame or 'targets'; got "
                               f"{target!r}")
        from tpforecast.data.loaders import load_targets

        target = load_targets()
    if isinstance(target, pd.DataFrame):
        frame = _prepare_frame(target)
        if year is not None and int(year) != TARGET_YEAR:
            return target_years(frame, int(year), what=what)
        return frame
    return check_target(target)


def _text(value: Any) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def goals_for(target: float | pd.DataFrame, key: tuple[str, ...], *, year: int | None = None,
              one: bool = False, national: bool = True) -> list[Goal]:
    """The targets that apply to the series ``key`` (``indicator, level, region, sex``).

    Parameters
    ----------
    target
        A fraction (one goal for every series, in ``year``) or a frame from
        :func:`resolve_target`.
    key
        The series.
    year
        The target year; with a frame it replaces the rows' own years when given.
    one
        Only the most specific row: a region and sex match beats a wildcard, an ambition beats
        a goal (ties: file order).
    national
        Let the national level ambitions stand in where the region has no target of its own
        (False: the region's own targets only).

    Returns
    -------
    list of Goal
        In file order (or the one chosen); empty when nothing applies. A region other than NL
        without a target of its own for the level gets the national level ambitions (kind
        ``ambition``, the source starting "national ambition applied to <region>").
    """
    if not isinstance(target, pd.DataFrame):
        return [Goal(float(target), year, "", "")]
    found = _matching(target, key, key[2], year=year, one=one)
    if found or not national or key[2] == NATIONAL_REGION or "region" not in target.columns:
        return found
    # a region without a target of its own for the level: the national level ambition
    # (vmbo bb/kb 30%, havo/vwo 55%, ...) applies, and its source says so
    national = _matching(target, key, NATIONAL_REGION, year=year, one=one)
    return [g._replace(source=f"national ambition applied to {key[2]}: {g.source}")
            for g in national if g.kind == "ambition"]


#: The region whose level ambitions apply where a region has no target of its own.
NATIONAL_REGION = "NL"


def _matching(t: pd.DataFrame, key: tuple[str, ...], region: str, *, year: int | None,
              one: bool) -> list[Goal]:
    """The rows of ``t`` for the series ``key`` with its region read as ``region``."""
    _, level, _, sex = key
    m = (t["level"] == level).to_numpy(dtype=bool, na_value=False).copy()
    if "region" in t.columns:
        m &= (t["region"].isna() | (t["region"] == region)).to_numpy(dtype=bool, na_value=True)
    if "sex" in t.columns:
        m &= (t["sex"].isna() | (t["sex"] == sex)).to_numpy(dtype=bool, na_value=True)
    if "indicator" in t.columns:
        m &= (t["indicator"].isna() | (t["indicator"] == key[0])).to_numpy(dtype=bool,
                                                                            na_value=True)
    ranked = []
    for _, r in t.loc[m].iterrows():
        wildcards = int(pd.isna(r.get("region"))) + int(pd.isna(r.get("sex")))
        kind = _text(r.get("kind"))
        goal = Goal(float(r["target"]), int(r["year"]) if year is None else int(year), kind,
                    _text(r.get("source")))
        ranked.append(((wildcards, _KIND_RANK.get(kind, 2)), goal))
    if one and ranked:
        return [min(ranked, key=lambda g: g[0])[1]]
    return [g for _, g in ranked]


def target_years(targets: pd.DataFrame, year: int, *, what: str = "") -> pd.DataFrame:
    """The share-target rows of ``targets`` for ``year``; none is a
    :class:`~tpforecast.errors.TargetYearError` naming the years the targets have."""
    t = _prepare_frame(targets)
    rows = t.loc[(t["year"] == year).to_numpy(dtype=bool, na_value=False)]
    if rows.empty:
        years = sorted({int(y) for y in t["year"].dropna()})
        raise TargetYearError(f"{what + ': ' if what else ''}no share target for the target "
                              f"year {year}", what="target year", asked=year, known=years)
    return rows


def own_target_series(series: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """The rows of the series (``indicator, level, region, sex``) that at least one share
    target of ``targets`` applies to (possibly none)."""
    t = resolve_target(targets)
    keys = series[["indicator", "level", "region", "sex"]].drop_duplicates()
    keep = [tuple(k) for k in keys.itertuples(index=False) if goals_for(t, tuple(k))]
    index = pd.MultiIndex.from_frame(series[["indicator", "level", "region", "sex"]])
    return series.loc[index.isin(keep)]
