"""Which series a function works on (stage 3): the one place where ``region`` and ``levels``
select series, and where the headline series of a level and region are chosen.

Every public function that selects, models or summarises series takes ``region`` (one name or
several) and, where it makes sense, ``levels``, with one meaning: keep the rows of these
regions and levels. :func:`selected` applies them, and a name the frame does not hold is an
error that names what does exist, never an empty result:

* a name outside the vocabulary (``data/mappings/region_names.csv``, ``level_names.csv``) is an
  :class:`~tpforecast.errors.UnknownNameError` with a did-you-mean;
* a known name without rows in the frame, or a region without rows of a requested level, is a
  :class:`~tpforecast.errors.MissingDataError` naming the regions or levels the frame holds.

:func:`headline_series` chooses, per level and region, the series that stands for it: NL's
canonical published monitor series, elsewhere the series ``data/mappings/series_roles.csv``
names (the DUO series benchmarked to the monitor's scale). Regional numbers are by institution
location (flag ``institution_location``): a student counts where the institution is.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from tpforecast.errors import MissingDataError, TpModelError, UnknownNameError
from tpforecast.forecasting.entrants import with_entrants

__all__ = ["HEADLINE_LEVELS", "NATIONAL", "as_names", "headline_mask", "headline_series",
           "role_indicators", "selected", "with_headline_entrants"]

#: The region whose headline series are the monitor's canonical published figures.
NATIONAL = "NL"

#: Levels of the headline tables, in reading order (vo first, then the intake levels).
HEADLINE_LEVELS: tuple[str, ...] = ("vmbo_bb", "vmbo_kb", "vmbo_gltl", "havo", "vwo",
                                    "havo_vwo", "mbo", "hbo", "wo", "ho")


def as_names(value: str | Sequence[str] | None, what: str) -> list[str] | None:
    """``region`` or ``levels`` as a list of names (a string is one name, never split); None
    stays None. An empty list or a name that is not text is an error."""
    if value is None:
        return None
    names = [value] if isinstance(value, str) else value
    if not isinstance(names, Sequence) or isinstance(names, bytes):
        raise TpModelError(f"{what} must be a name or a list of names; got {value!r}")
    names = list(names)
    if not names or not all(isinstance(n, str) and n for n in names):
        raise TpModelError(f"{what} must be a name or a non-empty list of names; got {value!r}")
    return list(dict.fromkeys(names))


def _vocabulary(what: str) -> list[str]:
    from tpforecast.data.mappings import known_regions, level_keys

    return known_regions() if what == "region" else level_keys()


def _check_names(names: list[str], present: set[str], what: str, caller: str) -> None:
    """Every name must be in the frame; otherwise say whether it is unknown or without data."""
    from tpforecast.data.checks import did_you_mean

    for name in names:
        if name in present:
            continue
        vocabulary = _vocabulary(what)
        prefix = f"{caller}: " if caller else ""
        if name not in vocabulary:
            hint = did_you_mean(name, sorted(set(vocabulary) | present)).partition("; ")[2]
            raise UnknownNameError(f"{prefix}unknown {what} {name!r}", what=what, asked=name,
                                   known=sorted(present), hint=hint)
        raise MissingDataError(f"{prefix}no data for {what} {name!r} in this frame", what=what,
                               asked=name, known=sorted(present))


def _mask(frame: pd.DataFrame, column: str, names: list[str] | None) -> np.ndarray:
    if names is None:
        return np.ones(len(frame), dtype=bool)
    return frame[column].isin(names).to_numpy(dtype=bool, na_value=False)


def selected(frame: pd.DataFrame, *, region: str | Sequence[str] | None = None,
             levels: str | Sequence[str] | None = None, what: str = "") -> pd.DataFrame:
    """The rows of ``frame`` in ``region`` and ``levels`` (None: all), checked.

    Parameters
    ----------
    frame
        Any frame with ``region`` and ``level`` columns (series, results of runners).
    region, levels
        Region and level names (one or several).
    what
        The caller's name, for messages.

    Returns
    -------
    pandas.DataFrame
        The rows kept, in their order (the frame itself when nothing is asked).

    Raises
    ------
    UnknownNameError
        A name outside the vocabulary and the frame (with a did-you-mean).
    MissingDataError
        A known region or level without rows, or a requested region without rows of a
        requested level (naming the levels that region has).
    """
    regions, lvls = as_names(region, "region"), as_names(levels, "levels")
    if regions is None and lvls is None:
        return frame
    for column, names, kind in (("region", regions, "region"), ("level", lvls, "level")):
        if names is not None:
            if column not in frame.columns:
                raise TpModelError(f"{what or 'selection'}: the frame has no {column!r} column "
                                   f"to select {kind} {names} from")
            _check_names(names, set(frame[column].dropna().astype(str)), kind, what)
    in_region = _mask(frame, "region", regions)
    if lvls is not None:
        for name in regions or []:
            here = frame.loc[_mask(frame, "region", [name]), "level"]
            missing = [lv for lv in lvls if lv not in set(here)]
            if missing:
                raise MissingDataError(
                    f"{what + ': ' if what else ''}region {name!r} has no data for level "
                    f"{missing[0]!r}", what="level", asked=missing[0],
                    known=sorted(set(here.dropna().astype(str))))
    return frame.loc[in_region & _mask(frame, "level", lvls)]


def role_indicators(role: str = "regional_headline") -> dict[str, str]:
    """Per level, the series of a role in ``data/mappings/series_roles.csv``.

    ``regional_headline``: the series that stands for a region other than NL (the DUO series
    benchmarked to the monitor's scale); ``duo_basis``: the DUO series computed the same way
    for every region and NL. Levels without a series of that role are absent.
    """
    from tpforecast.data.tables import load_series_roles

    roles = load_series_roles()
    return {str(r["level"]): str(r[role]) for _, r in roles.iterrows() if r[role]}


def _of_sex(sex: str | None) -> str:
    return "" if sex in (None, "all") else f" of sex {sex}"


def headline_mask(series: pd.DataFrame) -> np.ndarray:
    """Rows of headline series: NL's canonical published series, elsewhere the role's."""
    national = (series["region"] == NATIONAL).to_numpy(dtype=bool, na_value=False)
    canonical = series["canonical"].to_numpy(dtype=bool) & _mask(series, "origin", ["published"])
    regional = role_indicators("regional_headline")
    chosen = np.array([regional.get(lv) == ind for lv, ind
                       in zip(series["level"], series["indicator"], strict=True)], dtype=bool)
    return np.where(national, canonical, chosen)


def headline_series(
    series: pd.DataFrame,
    *,
    levels: str | Sequence[str] | None = HEADLINE_LEVELS,
    region: str | Sequence[str] | None = NATIONAL,
    sex: str | None = "all",
    with_share: bool = True,
) -> pd.DataFrame:
    """The headline series: per level the monitor's canonical published series for the
    Netherlands, and elsewhere the series named by ``data/mappings/series_roles.csv`` (the DUO
    series benchmarked to the monitor's scale, so a region is judged on the monitor's scale;
    regional numbers count students where the institution is).

    Parameters
    ----------
    series
        Series frame (:func:`~tpforecast.data.loaders.load_series`).
    levels
        Level keys to keep, in this order. The default (:data:`HEADLINE_LEVELS`) keeps those
        with a headline series in the region; levels named explicitly must each have one.
        None: every level.
    region
        Region name(s) to keep (None: all).
    sex
        ``all``, ``female`` or ``male`` (None: all).
    with_share
        Drop count-only rows (no share).

    Returns
    -------
    pandas.DataFrame
        The rows, sorted by the order of ``levels``, indicator, region and year, with two
        more columns: ``entrants`` (all entrants or pupils of the level, region, sex and year
        on the monitor's scale, NA where the data give none;
        :mod:`~tpforecast.forecasting.entrants`) and ``entrants_basis`` (how).

    Raises
    ------
    UnknownNameError, MissingDataError
        An unknown region or level, a region without data, an explicitly named level without
        a headline series in a region, or nothing left at all (naming what exists).
    """
    strict = levels is not None and levels is not HEADLINE_LEVELS
    lvls = as_names(levels, "levels")
    base = selected(series, region=region, what="headline_series")
    if strict:  # an unknown level is named with a did-you-mean before anything else
        _check_names(lvls, set(series["level"].dropna().astype(str)), "level",
                     "headline_series")
    m = headline_mask(base) & _mask(base, "sex", None if sex is None else [sex])
    if with_share:
        m &= base["share"].notna().to_numpy()
    chosen = base.loc[m]
    for name in as_names(region, "region") or []:
        have = set(chosen.loc[_mask(chosen, "region", [name]), "level"])
        missing = [lv for lv in lvls or [] if lv not in have]
        if (strict and missing) or not have & set(lvls or have) or not have:
            asked = (missing or lvls or ["any"])[0]
            # a region with series but none of them a headline series (Twente's own index):
            # name them, so "nothing" is not read as "no data"
            other = sorted({f"{i} ({lv})" for i, lv in base.loc[
                _mask(base, "region", [name]), ["indicator", "level"]].itertuples(index=False)})
            hint = ("" if have or not other else "its other series: " + ", ".join(other[:6])
                    + "; headline series are chosen by data/mappings/series_roles.csv")
            raise MissingDataError(
                f"headline_series: region {name!r} has no headline series{_of_sex(sex)} for "
                f"level {asked!r}", what="level", asked=asked, known=sorted(have), hint=hint)
    out = with_entrants(chosen.loc[_mask(chosen, "level", lvls)], series)
    if out.empty:
        raise MissingDataError(f"headline_series: no headline series{_of_sex(sex)} for levels "
                               f"{lvls}", what="level", asked=lvls,
                               known=sorted(set(chosen["level"])))
    order = {lv: i for i, lv in enumerate(lvls or pd.unique(out["level"]))}
    out["_o"] = out["level"].map(order)
    out = out.sort_values(["_o", "indicator", "region", "year"], kind="stable")
    return out.drop(columns="_o").reset_index(drop=True)


def with_headline_entrants(series: pd.DataFrame) -> pd.DataFrame:
    """``series`` with the ``entrants`` of its headline rows (the monitor's scale, computed
    from the frame itself), unless it has them already: a full series frame given to
    ``run_scenarios`` or ``acceleration_table`` turns a region's headline points into students
    just as the rows of :func:`headline_series` do. Other rows keep NA (their own totals
    count)."""
    if "entrants" in series.columns or not {"canonical", "origin"} <= set(series.columns):
        return series
    head = headline_mask(series)
    if not head.any():
        return series
    out = series.copy()
    filled = with_entrants(series.loc[head], series)
    out["entrants"] = pd.array([pd.NA] * len(out), dtype="Float64")
    out["entrants_basis"] = ""
    out.loc[head, "entrants"] = filled["entrants"].to_numpy()
    out.loc[head, "entrants_basis"] = filled["entrants_basis"].to_numpy()
    return out
