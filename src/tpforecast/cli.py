"""The ``tpforecast`` command line.

Subcommands: ``data build``, ``calibrate``, ``forecast``, ``reach``, ``probability``,
``backtest``, ``evaluate``, ``scenarios``, ``headline``, ``combined``, ``accel``, ``counts``,
``women``, ``report``. Every subcommand that takes series has ``--region`` (one name or
several, comma-separated).
Results go to stdout as CSV (or JSON with ``--format json``), or to a file with ``--out``.
User errors (a bad file, an unknown level, a bad option) print one clear line on stderr and exit
with status 2, without a traceback.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

import pandas as pd

from tpforecast.errors import TpError
from tpforecast.study import HORIZON, INTERVALS, SEED, TARGET, TARGET_YEAR, UNTIL

__all__ = ["build_parser", "main"]


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line (and points to --help)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _csv_list(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def _int_list(text: str) -> list[int]:
    try:
        return [int(v) for v in _csv_list(text)]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, got {text!r}") from exc


def _horizons(option: str) -> list[int]:
    if "-" in option and "," not in option:
        lo, _, hi = option.partition("-")
        try:
            return list(range(int(lo), int(hi) + 1))
        except ValueError as exc:
            raise argparse.ArgumentTypeError(f"expected a range like 1-6, got {option!r}") \
                from exc
    return _int_list(option)


def _as_of_list(text: str) -> list[int | None]:
    """``2015,now``: information sets (a start year, or ``now`` for all data)."""
    try:
        return [None if v.lower() == "now" else int(v) for v in _csv_list(text)]
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected start years or 'now', comma-separated, "
                                         f"e.g. 2015,now; got {text!r}") from exc


def _fraction(option: str) -> float:
    try:
        value = float(option.rstrip("%")) / (100 if option.endswith("%") else 1)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"expected a fraction like 0.40 or 40%, got "
                                         f"{option!r}") from exc
    return value


def _emit(df: pd.DataFrame, args: argparse.Namespace) -> None:
    if args.format == "json":
        text = df.to_json(orient="records", indent=1, force_ascii=False) + "\n"
    else:
        text = df.to_csv(index=False, lineterminator="\n")
    if args.out:
        from tpforecast.report.output import write_text

        write_text(args.out, text)
        print(f"wrote {len(df)} rows to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)


def _selected(args: argparse.Namespace) -> pd.DataFrame:
    """The series chosen by the selection options (headline series by default).

    ``--region`` and ``--level`` go through the library's one selection
    (:func:`~tpforecast.forecasting.selection.selected`: an unknown name gets a did-you-mean,
    a name without data names what exists); the headline series are chosen from the whole
    frame, so they carry their entrants (``headline_series``)."""
    from tpforecast.data.loaders import load_series, select_series
    from tpforecast.forecasting.selection import headline_series, selected

    series = load_series(args.series)
    if args.indicator is None and args.origin is None and not args.all_indicators:
        chosen = headline_series(series, levels=args.level, region=args.region, sex=None)
        return select_series(chosen, sexes=args.sex).reset_index(drop=True)
    chosen = selected(series, region=args.region, levels=args.level, what="selection")
    chosen = select_series(chosen, indicators=args.indicator, sexes=args.sex,
                           origin=args.origin)
    return chosen.reset_index(drop=True)


def _models(args: argparse.Namespace) -> list[str] | str:
    """The --models option, or the default model."""
    from tpforecast.models import DEFAULT_MODEL

    return args.models or DEFAULT_MODEL


def _target(args: argparse.Namespace) -> float | pd.DataFrame:
    if args.targets:
        from tpforecast.data.loaders import load_targets

        return load_targets(None if args.targets == "bundled" else args.targets)
    return args.target


def _cmd_data_build(args: argparse.Namespace) -> int:
    from tpforecast.data.build import build_data
    from tpforecast.report.output import ensure_folder

    if args.out:
        ensure_folder(args.out)  # a file in the way is named before the build
    try:
        summary = build_data(args.shared, args.out)
    except TpError as exc:
        # the build ran in a temporary copy: say so, in the same line as the error
        raise TpError(f"data build failed, {args.out or 'data/'} is left unchanged: {exc}") \
            from exc
    with pd.option_context("display.width", 120, "display.max_rows", 500):
        print(summary.to_string(index=False))
    print(f"\n{int(summary['series'].sum())} series, {int(summary['rows'].sum())} rows written.")
    if args.out is None:  # the default model's calibration follows the project's data
        _print_calibration()
    else:
        print(f"(the default model's calibration was not refreshed: run `tpforecast calibrate` "
              f"on the project's data after copying {args.out} there)")
    return 0


def _print_calibration(folder: str | None = None) -> None:
    from tpforecast.forecasting.calibration import calibrate

    files = calibrate(folder=folder)
    with pd.option_context("display.width", 120):
        print(files.table[["kind", "horizon", "q80", "q95", "n_scores", "n_series"]].to_string(
            index=False))
    print("wrote " + ", ".join(str(p) for p in files.paths))


def _cmd_calibrate(args: argparse.Namespace) -> int:
    if args.out:
        from tpforecast.report.output import ensure_folder

        ensure_folder(args.out)
    _print_calibration(args.out)
    return 0


def _cmd_probability(args: argparse.Namespace) -> int:
    from tpforecast.forecasting import probability_by_year

    _emit(probability_by_year(_selected(args), target=_target(args), until=args.until,
                              as_of=args.as_of, models=_models(args), seed=args.seed), args)
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from tpforecast.forecasting import two_set_evaluation

    if args.models is None:  # every model: stored when built from the same inputs
        from tpforecast.forecasting import stored_evaluation

        _emit(stored_evaluation(seed=args.seed), args)
    else:
        _emit(two_set_evaluation(models=args.models, seed=args.seed), args)
    return 0


def _cmd_forecast(args: argparse.Namespace) -> int:
    from tpforecast.forecasting import forecast

    _emit(forecast(_selected(args), models=_models(args), until=args.until,
                   intervals=args.intervals, seed=args.seed, as_of=args.as_of), args)
    return 0


def _cmd_reach(args: argparse.Namespace) -> int:
    from tpforecast.forecasting import reachability

    _emit(reachability(_selected(args), target=_target(args), year=args.year,
                       as_of=args.as_of, models=_models(args), seed=args.seed), args)
    return 0


def _cmd_backtest(args: argparse.Namespace) -> int:
    from tpforecast.forecasting.backtesting import backtest, score

    result = backtest(_selected(args), models=args.models, horizons=args.horizons,
                      min_train=args.min_train, seed=args.seed)
    _emit(score(result) if args.score else result, args)
    return 0


def _cmd_scenarios(args: argparse.Namespace) -> int:
    from tpforecast.scenarios import load_scenarios, run_scenarios

    scenarios = load_scenarios(args.file)
    if args.names:
        unknown = sorted(set(args.names) - {s.name for s in scenarios})
        if unknown:
            raise TpError(f"unknown scenario {', '.join(unknown)}; known: "
                          f"{', '.join(s.name for s in scenarios)}")
        scenarios = [s for s in scenarios if s.name in args.names]
    _emit(run_scenarios(_selected(args), scenarios=scenarios, until=args.until, seed=args.seed,
                        models=_models(args), as_of=args.as_of), args)
    return 0


def _study(args: argparse.Namespace) -> Any:
    """The study settings of a table command (``--study``, ``--seed``, ``--n-paths``)."""
    from tpforecast.study import load_study

    study = load_study(args.study)
    changes = {k: v for k, v in (("seed", args.seed), ("n_paths", args.n_paths)) if v is not None}
    return study.replace(**changes) if changes else study


def _cmd_headline(args: argparse.Namespace) -> int:
    from tpforecast.data.loaders import load_series, load_targets
    from tpforecast.report.headline import HEADLINE_LEVELS, headline_table

    study = _study(args)  # a bad setting is named before any work
    series = load_series(args.series)
    _emit(headline_table(series, targets=load_targets(), study=study,
                         levels=args.level or HEADLINE_LEVELS, region=args.region,
                         models=_models(args)), args)
    return 0


def _cmd_combined(args: argparse.Namespace) -> int:
    from tpforecast.data.loaders import load_series
    from tpforecast.forecasting.combined import COMBINED_LEVELS, reachability_combined

    study = _study(args)
    as_of = args.as_of or [study.as_of, None]
    _emit(reachability_combined(load_series(args.series), region=args.region,
                                levels=args.level or COMBINED_LEVELS,
                                target="targets" if args.targets else study.target,
                                year=study.target_year, as_of=as_of, seed=study.seed,
                                n_paths=study.n_paths, horizon=study.horizon), args)
    return 0


def _cmd_accel(args: argparse.Namespace) -> int:
    from tpforecast.data.loaders import load_series, load_targets
    from tpforecast.forecasting.selection import HEADLINE_LEVELS, headline_series
    from tpforecast.scenarios import acceleration_table

    study = _study(args)
    levels = args.level or HEADLINE_LEVELS
    chosen = headline_series(load_series(args.series), levels=levels, region=args.region)
    target = load_targets() if args.targets else study.target
    _emit(acceleration_table(chosen, target=target, year=study.target_year, starts=study.starts,
                             pace=study.pace, levels=[lv for lv in levels
                                                      if lv in set(chosen["level"])],
                             seed=study.seed, n_paths=study.n_paths, horizon=study.horizon),
          args)
    return 0


def _cmd_counts(args: argparse.Namespace) -> int:
    from tpforecast.data.loaders import load_series, load_targets
    from tpforecast.report.outcomes import count_target_progress

    _emit(count_target_progress(load_series(args.series), targets=load_targets(),
                                region=args.region), args)
    return 0


def _cmd_women(args: argparse.Namespace) -> int:
    from tpforecast.data.loaders import load_series
    from tpforecast.report.women import share_change_decomposition, women_shares

    series = load_series(args.series)
    if args.decompose:
        _emit(share_change_decomposition(series, region=args.region, levels=args.level,
                                         sex=args.sex, years=args.years), args)
    else:
        _emit(women_shares(series, region=args.region, levels=args.level, sex=args.sex), args)
    return 0


def _cmd_report(args: argparse.Namespace) -> int:
    from tpforecast.report.build import build_report
    from tpforecast.study import load_study

    study = load_study(args.study)
    if args.seed is not None:
        study = study.replace(seed=args.seed)
    region = args.region or "NL"
    out = args.out or ("reports" if region == "NL" else f"reports/{region}")
    paths = build_report(out, study=study, readme=args.readme, region=region, lang=args.lang,
                         xlsx=args.xlsx)
    for path in paths:
        print(path)
    return 0


def _add_selection(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group(
        "series selection",
        "Default: the headline series (the canonical monitor indicator per level for NL, the "
        "DUO-derived series for other regions), sex 'all', region NL.")
    g.add_argument("--level", type=_csv_list, help="levels, e.g. mbo,hbo,wo")
    g.add_argument("--region", type=_csv_list, default=["NL"],
                   help="regions, e.g. NL,Oost,Overijssel,Gelderland (default NL)")
    g.add_argument("--sex", type=_csv_list, default=["all"], help="all, female, male")
    g.add_argument("--indicator", type=_csv_list, help="indicator codes (see data/mappings)")
    g.add_argument("--origin", choices=["published", "duo"], help="published or duo series only")
    g.add_argument("--all-indicators", action="store_true",
                   help="every indicator, not only the headline ones")
    g.add_argument("--series", help="a series CSV in the load_series layout (default: bundled)")


def _table(sub: Any, name: str, help: str, func: Callable[[argparse.Namespace], int],
           *, region: str = "NL", models: bool = False, targets: str = ""
           ) -> argparse.ArgumentParser:
    """A subcommand that builds a table for regions (``--region``, default NL) with the study
    settings (``--study``, ``--seed``, ``--n-paths``); ``targets``: the help of a
    ``--targets`` flag (own targets from data/targets.csv)."""
    p = sub.add_parser(name, help=help)
    p.add_argument("--region", type=_csv_list, default=[region] if region else None,
                   help="regions, e.g. Oost or NL,Oost,Overijssel,Gelderland (default "
                        f"{region or 'all'}); regional numbers count students where the "
                        "institution is")
    p.add_argument("--level", type=_csv_list, help="levels, e.g. mbo,hbo,wo")
    p.add_argument("--series", help="a series CSV in the load_series layout (default: bundled)")
    p.add_argument("--study", help="study settings file (default data/study.yml)")
    p.add_argument("--seed", type=int, help="random seed (default: the study's)")
    p.add_argument("--n-paths", type=int, help="simulated paths (default: the study's)")
    if models:
        p.add_argument("--models", type=_csv_list, help="one model name (default: the "
                                                        "documented default model)")
    if targets:
        p.add_argument("--targets", action="store_true", help=targets)
    _add_output(p)
    p.set_defaults(func=func)
    return p


def _add_models(p: argparse.ArgumentParser, seed: bool = True) -> None:
    p.add_argument("--models", type=_csv_list,
                   help="model names, comma-separated (default: the documented default model)")
    if seed:
        p.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")


def _add_output(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=["csv", "json"], default="csv", help="output format")
    p.add_argument("--out", help="write to this file instead of stdout")


def _runner(sub: Any, name: str, help: str,
            func: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
    """A subcommand that runs the library on selected series: selection, models, output."""
    p = sub.add_parser(name, help=help)
    _add_selection(p)
    _add_models(p)
    _add_output(p)
    p.set_defaults(func=func)
    return p


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and docs)."""
    parser = _Parser(
        prog="tpforecast",
        description="Techniekpact forecasts: is 40%% beta/technical choice reachable, per level "
                    "and region, and what acceleration would it take?",
    )
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    data = sub.add_parser("data", help="rebuild the bundled data")
    data_sub = data.add_subparsers(dest="data_command", required=True, parser_class=_Parser)
    build = data_sub.add_parser("build", help="rebuild data/ from ../shared and print a summary")
    build.add_argument("--shared", help="the shared folder (default ../shared)")
    build.add_argument("--out", help="output data directory (default the project's data/)")
    build.set_defaults(func=_cmd_data_build)

    cal = sub.add_parser("calibrate", help="recompute the default model's calibration from the "
                         "bundled series (data/calibration.csv, data/calibration_scores.csv) "
                         "and store the evaluation of every model (data/evaluation.csv)")
    cal.add_argument("--out", help="write the two files here (default the project's data/, "
                     "which also refreshes data/datapackage.json)")
    cal.set_defaults(func=_cmd_calibrate)

    fc = _runner(sub, "forecast", "forecast shares with prediction intervals", _cmd_forecast)
    fc.add_argument("--until", type=int, default=UNTIL, help=f"last year to forecast ({UNTIL})")
    fc.add_argument("--intervals", type=_int_list, default=list(INTERVALS),
                    help="interval coverages in percent (default "
                         f"{','.join(map(str, INTERVALS))})")
    fc.add_argument("--as-of", type=int, help="use only data up to this school year (start year)")

    reach = _runner(sub, "reach", "probability and timing of reaching a target", _cmd_reach)
    reach.add_argument("--target", type=_fraction, default=TARGET,
                       help=f"target share, e.g. 0.40 or 40%% (default {TARGET:g})")
    reach.add_argument("--targets", nargs="?", const="bundled",
                       help="judge each level against its own target from a targets CSV "
                            "(no value: the bundled data/targets.csv)")
    reach.add_argument("--year", type=int, default=TARGET_YEAR,
                       help=f"target school year (start year; default {TARGET_YEAR})")
    reach.add_argument("--as-of", type=int,
                       help="use only data up to this year (2015: what 2016 could know)")

    pr = _runner(sub, "probability", "P(share at or above a target) per series and year",
                 _cmd_probability)
    pr.add_argument("--target", type=_fraction, default=TARGET,
                    help=f"target share, e.g. 0.40 or 40%% (default {TARGET:g})")
    pr.add_argument("--targets", nargs="?", const="bundled",
                    help="each level's own targets from a targets CSV (no value: the bundled "
                         "data/targets.csv)")
    pr.add_argument("--until", type=int, default=HORIZON, help=f"last year ({HORIZON})")
    pr.add_argument("--as-of", type=int, help="use only data up to this year")

    ev = sub.add_parser("evaluate", help="the two-set evaluation of the models (national and "
                        "regional series, horizons 1-5)")
    ev.add_argument("--models", type=_csv_list,
                    help="model names, comma-separated (default: every model; naive is added)")
    ev.add_argument("--seed", type=int, default=SEED, help=f"random seed (default {SEED})")
    _add_output(ev)
    ev.set_defaults(func=_cmd_evaluate)

    bt = _runner(sub, "backtest", "rolling-origin backtest (and its scores)", _cmd_backtest)
    bt.add_argument("--horizons", type=_horizons, default=list(range(1, 7)),
                    help="forecast horizons, e.g. 1-6 or 3,4,5 (default 1-6)")
    bt.add_argument("--min-train", type=int, default=6, help="minimum training points (6)")
    bt.add_argument("--score", action="store_true",
                    help="print the scores per model and horizon instead of the forecasts")

    sc = _runner(sub, "scenarios", "acceleration scenarios side by side", _cmd_scenarios)
    sc.add_argument("--file", help="scenario YAML (default data/scenarios.yml)")
    sc.add_argument("--names", type=_csv_list, help="only these scenarios, comma-separated")
    sc.add_argument("--until", type=int, default=UNTIL, help=f"last year ({UNTIL})")
    sc.add_argument("--as-of", type=int, help="use only data up to this year")

    _table(sub, "headline", "the headline table per level of a region, against its own "
           "target, P as of the study's as-of and now", _cmd_headline, models=True)
    comb = _table(sub, "combined", "the combined 4 in 10 (mbo+hbo+wo weighted by entrants) "
                  "per region: observed, projected, P, extra points and the gap in students",
                  _cmd_combined, targets="each region's own target for all young people "
                                         "(data/targets.csv) instead of the study's")
    comb.add_argument("--as-of", type=_as_of_list,
                      help="information sets, e.g. 2015,now (default: the study's as-of and "
                           "now)")
    _table(sub, "accel", "extra points a year (and students) a target needed, by start year, "
           "per level of a region", _cmd_accel,
           targets="each level's own target (data/targets.csv) instead of the study's")
    _table(sub, "counts", "count targets (women in Oost, Zwolle) on technical entrants",
           _cmd_counts, region="")
    women = _table(sub, "women", "the share of girls choosing technique per level (DUO basis) "
                   "and its trend; --decompose: why it changed", _cmd_women)
    women.add_argument("--sex", type=_csv_list, default=["female"],
                       help="female (default), male, all, or several")
    women.add_argument("--decompose", action="store_true",
                       help="split each change into more or fewer technical entrants and more "
                            "or fewer entrants overall")
    women.add_argument("--years", type=_int_list,
                       help="with --decompose: the years compared in order, e.g. 2015,2019 "
                            "(default: consecutive years)")

    rep = sub.add_parser("report", help="build the report (figures, HTML, Markdown)")
    rep.add_argument("--out", help="output directory (default reports/, or reports/<region>/ "
                     "with --region)")
    rep.add_argument("--region", help="one region: NL (default, the national report), Oost, "
                     "Overijssel, Gelderland or any region with data")
    rep.add_argument("--lang", choices=["en", "nl"], default="en",
                     help="language of the one-page summary one_page_<lang>.md/.html (default "
                          "en; nl: Dutch, for a deputy)")
    rep.add_argument("--xlsx", action="store_true",
                     help="also write every table to tables.xlsx (Excel)")
    rep.add_argument("--study", help="study settings file (default data/study.yml)")
    rep.add_argument("--seed", type=int, help="random seed (default: the study's)")
    rep.add_argument("--readme", help="also refresh the headline, acceleration and evaluation "
                     "tables in this README (between <!-- NAME:start --> and <!-- NAME:end -->)")
    rep.set_defaults(func=_cmd_report)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = build_parser().parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        if getattr(args, "format", None) and args.out:  # a result file: checked before the work
            from tpforecast.report.output import check_output_file

            check_output_file(args.out)
        with warnings.catch_warnings():
            # library warnings (skipped series, clipping) go to stderr as one line each
            warnings.simplefilter("always")
            warnings.showwarning = _one_line_warning
            return func(args)
    except TpError as exc:
        print(f"tpforecast: error: {_one_line(exc)}{_hint(exc, args)}", file=sys.stderr)
        return 2
    except OSError as exc:  # a file or folder the library could not open or write
        print(f"tpforecast: error: {exc.filename or ''}: {exc.strerror or exc}", file=sys.stderr)
        return 2


def _one_line_warning(message, category, filename, lineno, file=None, line=None) -> None:
    print(f"tpforecast: warning: {_one_line(message)}", file=sys.stderr)


def _hint(exc: TpError, args: argparse.Namespace) -> str:
    """A hint that fits the error (none when the message already says what to do)."""
    from tpforecast.errors import TpFileNotFoundError, TpScenarioError
    from tpforecast.options import OptionError

    if isinstance(exc, TpFileNotFoundError):
        return ""
    if isinstance(exc, TpScenarioError) and getattr(exc, "line", None) is not None:
        return " (the format is described at the top of data/scenarios.yml)"
    if isinstance(exc, OptionError):
        return f" (see tpforecast {args.command} --help)"
    return ""


def _one_line(message: object) -> str:
    return " ".join(str(message).split())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
