"""Read the bundled, committed data: the canonical series and the targets.

Neither function needs ``../shared``: ``tpforecast data build`` derives ``data/processed/``
from the sources once, and the result is committed with its provenance.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from tpforecast.data.validation import SERIES_KEY, validate
from tpforecast.errors import TpDataError
from tpforecast.paths import data_dir

__all__ = [
    "SERIES_COLUMNS",
    "SERIES_DTYPES",
    "load_series",
    "load_targets",
    "select_series",
    "series_keys",
]

SERIES_DTYPES: dict[str, str] = {
    "indicator": "str",
    "level": "str",
    "region": "str",
    "sex": "str",
    "year": "Int64",
    "share": "Float64",
    "share_lo": "Float64",
    "share_hi": "Float64",
    "n_tech": "Int64",
    "n_total": "Int64",
    "source": "str",
    "edition": "str",
    "origin": "str",
    "canonical": "bool",
    "flags": "str",
}
SERIES_COLUMNS = list(SERIES_DTYPES)

TARGET_DTYPES: dict[str, str] = {
    "level": "str",
    "region": "str",
    "sex": "str",
    "year": "Int64",
    "target": "Float64",
    "kind": "str",
    "baseline_year": "Int64",
    "source": "str",
    "note": "str",
}


def _read_checked(path: Path, dtypes: dict[str, str], kind: str) -> pd.DataFrame:
    if not path.exists():
        raise TpDataError(
            "bundled data file is missing; run `tpforecast data build`", file=path
        )
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    missing = [c for c in dtypes if c not in raw.columns]
    if missing:
        raise TpDataError("missing required column(s)", file=path, column=", ".join(missing))
    df = pd.DataFrame(index=raw.index)
    for col, dtype in dtypes.items():
        if dtype == "bool":
            df[col] = raw[col].map({"True": True, "False": False, "true": True, "false": False})
            if df[col].isna().any():
                bad = int(df[col].isna().to_numpy().nonzero()[0][0])
                raise TpDataError("not a boolean", file=path, line=bad + 2, column=col,
                                  value=raw[col].iloc[bad], expected="True or False")
            df[col] = df[col].astype(bool)
        elif dtype == "str":
            df[col] = raw[col].fillna("") if col in ("flags", "note") else raw[col]
        else:
            try:
                df[col] = pd.to_numeric(raw[col]).astype(dtype)
            except (ValueError, TypeError) as exc:
                raise TpDataError(f"not numeric ({exc})", file=path, column=col,
                                  expected=dtype) from exc
    failing = validate(df, kind)
    if not failing.empty:
        first = failing.iloc[0]
        idx = failing.index[0]
        line = int(idx) + 2 if isinstance(idx, int | float) and not pd.isna(idx) else None
        raise TpDataError(
            f"{len(failing)} value(s) break the {kind} schema ({first['failed_check']})",
            file=path, line=line, column=first["failed_column"] or None,
            value=first["failure_case"],
        )
    return df


def load_series(path: str | Path | None = None) -> pd.DataFrame:
    """The canonical enrolment series: published monitor figures and DUO-derived series.

    One row per (``indicator``, ``level``, ``region``, ``sex``, ``year``); a *series* is one
    (``indicator``, ``level``, ``region``, ``sex``). The monitor's national series and those
    computed from DUO files are separate series (other ``indicator``), side by side.

    Parameters
    ----------
    path
        A series CSV in the same layout; default the bundled ``data/processed/series.csv``.

    Returns
    -------
    pandas.DataFrame
        Columns ``indicator, level, region, sex, year, share, share_lo, share_hi, n_tech,
        n_total, source, edition, origin, canonical, flags``. ``year`` is the start year of
        the school year (2014 for 2014/15), ``share`` a fraction in [0, 1] (NA for count-only
        rows), counts nullable integers. ``flags`` holds ``;``-separated tokens on quality,
        breaks and proxies (see ``docs/design.md``); ``source`` and ``edition`` trace each row.

    Examples
    --------
    >>> import tpforecast as tp
    >>> s = tp.load_series()
    >>> s.query("canonical and level == 'havo' and region == 'NL' and sex == 'all'")[
    ...     ["year", "share"]].tail(2)  # doctest: +SKIP
    """
    path = Path(path) if path is not None else data_dir() / "processed" / "series.csv"
    df = _read_checked(path, SERIES_DTYPES, "series")
    df.attrs["source"] = str(path)
    return df


def load_targets(path: str | Path | None = None) -> pd.DataFrame:
    """Policy targets per level, region and sex.

    The national 40% "4 in 10" goal, the landsdeel Oost and Overijssel goals per level, the
    level ambitions (vmbo gl/tl 40% with NaSk, vmbo bb/kb 30% technical, havo/vwo 55%
    N-profile) and the Oost agreement of 20% more women in technical programmes by the end of
    2019 (``kind="growth_count"``: ``target`` is the ratio of the count in ``year`` to the count
    in ``baseline_year``). Curated by hand in ``data/targets.csv``; each row cites its source.

    Returns
    -------
    pandas.DataFrame
        Columns ``level, region, sex, year, target, kind, baseline_year, source, note``.
        ``target`` is a fraction for ``goal`` and ``ambition`` rows.
    """
    path = Path(path) if path is not None else data_dir() / "targets.csv"
    return _read_checked(path, TARGET_DTYPES, "targets")


def series_keys(series: pd.DataFrame) -> pd.DataFrame:
    """The distinct series (``indicator, level, region, sex``) in a series frame, sorted."""
    return series[SERIES_KEY].drop_duplicates().sort_values(SERIES_KEY).reset_index(drop=True)


def select_series(
    series: pd.DataFrame,
    *,
    indicators: list[str] | None = None,
    levels: list[str] | None = None,
    regions: list[str] | None = None,
    sexes: list[str] | None = None,
    origin: str | None = None,
    canonical: bool | None = None,
    with_share: bool = True,
) -> pd.DataFrame:
    """Rows of ``series`` that match every filter given; a name that matches nothing is an error.

    Parameters
    ----------
    series
        A series frame (:func:`load_series`).
    indicators, levels, regions, sexes
        Keep only these values (None keeps all).
    origin
        ``"published"`` or ``"duo"`` (None keeps both).
    canonical
        True keeps only headline indicators, False only the others, None both.
    with_share
        Drop count-only rows (share missing), which trend models cannot use.

    Raises
    ------
    TpDataError
        When a requested indicator, level, region or sex does not occur, listing the
        values that do.
    """
    out = series
    for column, wanted in [("indicator", indicators), ("level", levels), ("region", regions),
                           ("sex", sexes)]:
        if wanted is None:
            continue
        unknown = sorted(set(wanted) - set(series[column]))
        if unknown:
            known = ", ".join(sorted(map(str, series[column].unique())))
            raise TpDataError(f"unknown {column} {', '.join(unknown)}", column=column,
                              value=unknown[0], expected=f"one of: {known}")
        out = out[out[column].isin(wanted)]
    if origin is not None:
        out = out[out["origin"] == origin]
    if canonical is not None:
        out = out[out["canonical"] == canonical]
    if with_share:
        out = out[out["share"].notna()]
    return out.reset_index(drop=True)
