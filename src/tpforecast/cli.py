"""The ``tpforecast`` command line.

User errors (a bad file, an unknown level, a bad option) print one clear line on stderr and
exit with status 2, without a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pandas as pd

from tpforecast.errors import TpError

__all__ = ["main"]


def _emit(df: pd.DataFrame, fmt: str, out: str | None) -> None:
    text = df.to_json(orient="records", indent=1) + "\n" if fmt == "json" else df.to_csv(
        index=False, lineterminator="\n")
    if out:
        Path(out).parent.mkdir(parents=True, exist_ok=True)
        Path(out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def _cmd_data_build(args: argparse.Namespace) -> int:
    from tpforecast.build import build_data

    summary = build_data(args.shared, args.out)
    with pd.option_context("display.width", 120, "display.max_rows", 200):
        print(summary.to_string(index=False))
    print(f"\n{int(summary['series'].sum())} series, {int(summary['rows'].sum())} rows written.")
    return 0


def _add_output(p: argparse.ArgumentParser) -> None:
    p.add_argument("--format", choices=["csv", "json"], default="csv", help="output format")
    p.add_argument("--out", help="write to this file instead of stdout")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser (exposed for tests and docs)."""
    parser = argparse.ArgumentParser(
        prog="tpforecast",
        description="Techniekpact forecasts: is 40%% beta/technical choice reachable?",
    )
    sub = parser.add_subparsers(dest="command", required=True)

    data = sub.add_parser("data", help="rebuild or inspect the bundled data")
    data_sub = data.add_subparsers(dest="data_command", required=True)
    build = data_sub.add_parser("build", help="rebuild data/ from ../shared and print a summary")
    build.add_argument("--shared", help="the shared folder (default ../shared)")
    build.add_argument("--out", help="output data directory (default the project's data/)")
    build.set_defaults(func=_cmd_data_build)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except TpError as exc:
        print(f"tpforecast: error: {exc}", file=sys.stderr)
        return 2
    except FileNotFoundError as exc:
        print(f"tpforecast: error: file not found: {exc.filename}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
