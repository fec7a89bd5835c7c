"""The layout contract of docs/design.md, checked on the code: stages, sizes, no attrs, no
branching on message text, one vocabulary in the runners' signatures."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest

import tpforecast as tp
from tpforecast import study

SRC = Path(tp.__file__).resolve().parent
#: stage of each top-level part of the package (a module imports only from its stage or earlier)
STAGES = {"errors": 0, "paths": 0, "options": 0, "formatting": 0, "data": 1, "study": 1, "models": 2,
          "forecasting": 3, "scenarios": 4, "plotting": 5, "report": 6, "cli": 7}
#: the layers this contract is enforced on: the whole package
LAYERS = (*STAGES, "__init__.py")
MAX_LINES, MAX_STATEMENTS = 600, 60


def _modules(layers: tuple[str, ...] = tuple(STAGES) + ("__init__.py",)) -> list[Path]:
    out = []
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC)
        if rel.parts[0] in layers or rel.parts[0].removesuffix(".py") in layers:
            out.append(path)
    return out


def _stage(parts: tuple[str, ...]) -> int | None:
    return STAGES.get(parts[0].removesuffix(".py")) if parts else None


def _imports(tree: ast.AST) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("tpforecast"):
            found.append((node.lineno, node.module))
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("tpforecast")]
    return found


def test_no_module_imports_from_a_later_stage():
    bad = []
    for path in _modules():
        rel = path.relative_to(SRC)
        own = _stage(rel.parts)
        if own is None:  # the package's lazy export table may name anything
            continue
        for line, module in _imports(ast.parse(path.read_text())):
            other = _stage(tuple(module.split(".")[1:]))
            if other is not None and other > own:
                bad.append(f"{rel}:{line} imports {module} (stage {other} > {own})")
    assert not bad, "\n".join(bad)


def test_modules_and_functions_are_small():
    too_long, too_big = [], []
    for path in _modules(LAYERS):
        text = path.read_text()
        if text.count("\n") > MAX_LINES:
            too_long.append(f"{path.relative_to(SRC)}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                n = sum(isinstance(s, ast.stmt) for s in ast.walk(node)) - 1
                if n > MAX_STATEMENTS:
                    too_big.append(f"{path.relative_to(SRC)}:{node.lineno} {node.name}: {n}")
    assert not too_long and not too_big, too_long + too_big


def test_no_dataframe_attrs_in_the_layers():
    found = [f"{p.relative_to(SRC)}:{n.lineno}" for p in _modules(LAYERS)
             for n in ast.walk(ast.parse(p.read_text()))
             if isinstance(n, ast.Attribute) and n.attr == "attrs"]
    assert not found, found


_PROSE = ("note", "reason", "msg", "message", "text", "how", "exc", "err")


def _is_prose(node: ast.AST) -> bool:
    """An expression that holds free text: str(...), or a name like note/reason/exc."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "str":
        return True
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(
        node, ast.Attribute) else node.slice.value if isinstance(node, ast.Subscript) and \
        isinstance(node.slice, ast.Constant) else ""
    return isinstance(name, str) and any(w in name.lower() for w in _PROSE)


def test_no_branching_on_message_text():
    found = []
    for path in _modules(LAYERS):
        for node in ast.walk(ast.parse(path.read_text())):
            hit = (isinstance(node, ast.Compare) and isinstance(node.left, ast.Constant)
                   and isinstance(node.left.value, str)
                   and any(isinstance(op, ast.In | ast.NotIn) for op in node.ops)
                   and any(_is_prose(c) for c in node.comparators))
            hit |= (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in ("startswith", "endswith")
                    and _is_prose(node.func.value))
            if hit:
                found.append(f"{path.relative_to(SRC)}:{node.lineno}")
    assert not found, found


RUNNERS = [tp.forecast, tp.reachability, tp.reachability_combined, tp.backtest, tp.hindcast,
           tp.required_acceleration, tp.years_to_target, tp.run_scenarios,
           tp.acceleration_table, tp.probability_by_year, tp.two_set_evaluation]
TABLES = [tp.headline_table, tp.report.own_target_reachability, tp.report.when_reached,
          tp.report.vintage_comparison]
SAME_DEFAULT = {"seed": study.SEED, "n_paths": study.N_PATHS, "intervals": study.INTERVALS,
                "target": study.TARGET, "year": study.TARGET_YEAR, "horizon": study.HORIZON,
                "progress": None, "until": study.UNTIL}
#: A table per year up to the first-passage horizon (issue 11: ``until=2040``), not the
#: forecast tables' last year.
OWN_DEFAULT = {"probability_by_year": {"until": study.HORIZON}}


@pytest.mark.parametrize("fn", RUNNERS + TABLES, ids=lambda f: f.__name__)
def test_runner_signature(fn):
    params = list(inspect.signature(fn).parameters.values())
    assert params[0].name == "series" and params[0].kind is params[0].POSITIONAL_OR_KEYWORD
    rest = params[1:]
    assert all(p.kind is p.KEYWORD_ONLY for p in rest), "fn(series, *, ...)"
    assert not [p.name for p in rest if p.name.startswith("_")]
    assert "model" not in {p.name for p in rest}, "the keyword is `models`"
    for p in rest:
        own = OWN_DEFAULT.get(fn.__name__, {})
        if p.name in own:
            assert p.default == own[p.name], p.name
        elif p.name in SAME_DEFAULT:
            assert p.default == SAME_DEFAULT[p.name], p.name
        if p.name == "levels":  # education levels, never interval coverage
            assert "str" in str(p.annotation), p.annotation
    if fn in TABLES:
        assert "study" in {p.name for p in rest}


def test_one_default_number_of_paths_everywhere():
    defaults = set()
    for path in _modules(LAYERS):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.arguments):
                names = [a.arg for a in [*node.args, *node.kwonlyargs]]
                vals = [*([None] * (len(node.args) - len(node.defaults)) + node.defaults),
                        *node.kw_defaults]
                defaults |= {ast.unparse(v) for n, v in zip(names, vals, strict=True)
                             if n == "n_paths" and v is not None}
    assert defaults <= {"N_PATHS"}, defaults
