"""A small, safe expression language for strategy conditions.

Conditions such as ``rejected_russia and month >= 3`` or ``russia_strain < 0.4 or us_sanctions > 0.8``
are parsed with Python's own parser and then checked against a whitelist: names (from the
scenario's state variables), numbers, ``true``/``false``, arithmetic ``+ - * /``, comparisons,
``and``/``or``/``not`` and parentheses. Nothing is ever passed to ``eval``: attribute access, calls,
subscripts, imports, strings, lambdas and comprehensions are refused, and so are powers (``**``,
which could be made huge) and expressions longer than 400 characters or 100 nodes.

Conditions are type-checked when the scenario is loaded: every variable is either true/false
(``rejected_russia``) or a number (``month``); arithmetic and ordering apply to numbers, ``and``/
``or``/``not`` to true/false values, and the whole condition must be true/false. So ``month`` or
``-rejected_russia < 0`` is refused at load time rather than failing during a run.

Evaluation is vectorised: a name may stand for an array over worlds, so ``and`` becomes ``&``.
Division by zero gives an undefined number (``0 / 0``) or an infinite one; any comparison with an
undefined number is false.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

MAX_LENGTH = 400
MAX_NODES = 100

_BINARY = {ast.Add: np.add, ast.Sub: np.subtract, ast.Mult: np.multiply, ast.Div: np.divide}
_COMPARE = {ast.Lt: np.less, ast.LtE: np.less_equal, ast.Gt: np.greater, ast.GtE: np.greater_equal,
            ast.Eq: np.equal, ast.NotEq: np.not_equal}
_CONSTANT_NAMES = {"true": True, "false": False, "True": True, "False": False}


class ExpressionError(ValueError):
    """An expression that is not allowed or names an unknown variable."""


@dataclass(frozen=True)
class Expression:
    """A checked condition; call :meth:`evaluate` with the current state variables."""

    text: str
    tree: ast.Expression
    names: frozenset[str]

    def evaluate(self, env: Mapping[str, np.ndarray | float | bool]) -> np.ndarray | bool:
        """The value per world (an array, or a scalar when every name used is a scalar)."""
        return _evaluate(self.tree.body, env)


def _refuse(node: ast.AST, what: str) -> ExpressionError:
    return ExpressionError(f"{what} is not allowed in a condition (at column {getattr(node, 'col_offset', 0) + 1})")


BOOL, NUMBER, ANY = "true/false", "a number", "any"


def _need(node: ast.AST, found: str, wanted: str, where: str) -> None:
    if ANY not in (found, wanted) and found != wanted:
        raise ExpressionError(f"{where} needs {wanted}, but "
                              f"'{ast.unparse(node)}' is {found} (at column {getattr(node, 'col_offset', 0) + 1})")


def _check(node: ast.AST, known: Mapping[str, str], used: set[str]) -> str:
    """Check ``node`` against the whitelist and return its type: :data:`BOOL` or :data:`NUMBER`."""
    if isinstance(node, ast.BoolOp):
        for value in node.values:
            _need(value, _check(value, known, used), BOOL, "'and'/'or'")
        return BOOL
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, (ast.Not, ast.USub, ast.UAdd)):
            raise _refuse(node, f"the operator {type(node.op).__name__}")
        wanted = BOOL if isinstance(node.op, ast.Not) else NUMBER
        _need(node.operand, _check(node.operand, known, used), wanted,
              "'not'" if wanted == BOOL else "a sign")
        return wanted
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _BINARY:
            symbol = "**" if isinstance(node.op, ast.Pow) else type(node.op).__name__
            raise _refuse(node, f"the operator {symbol}")
        for side in (node.left, node.right):
            _need(side, _check(side, known, used), NUMBER, "arithmetic")
        return NUMBER
    if isinstance(node, ast.Compare):
        for op in node.ops:
            if type(op) not in _COMPARE:
                raise _refuse(node, f"the comparison {type(op).__name__}")
        operands = [node.left, *node.comparators]
        kinds = [_check(operand, known, used) for operand in operands]
        equality = all(isinstance(op, (ast.Eq, ast.NotEq)) for op in node.ops)
        for operand, kind in zip(operands, kinds, strict=True):
            if not equality:
                _need(operand, kind, NUMBER, "an ordering (<, <=, >, >=)")
            else:
                _need(operand, kind, next((k for k in kinds if k != ANY), ANY), "'=='/'!='")
        return BOOL
    if isinstance(node, ast.Name):
        if node.id in _CONSTANT_NAMES:
            return BOOL
        if node.id not in known:
            close = difflib.get_close_matches(node.id, sorted(known), n=1)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            raise ExpressionError(f"unknown variable '{node.id}'.{hint} Valid variables: "
                                  f"{', '.join(sorted(known))}.")
        used.add(node.id)
        return known[node.id] if known[node.id] in (BOOL, NUMBER) else ANY
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool):
            return BOOL
        if isinstance(node.value, (int, float)) and abs(node.value) < 1e12:
            return NUMBER
        raise _refuse(node, f"the constant {node.value!r}")
    else:
        raise _refuse(node, {ast.Attribute: "attribute access", ast.Call: "a function call",
                             ast.Subscript: "indexing", ast.Lambda: "lambda"}.get(
                                 type(node), f"'{type(node).__name__}'"))


def compile_expression(text: str, known: Iterable[str] | Mapping[str, str]) -> Expression:
    """Parse and check ``text``; raise :class:`ExpressionError` saying what is wrong.

    ``known`` maps each variable name to its type (:data:`BOOL` or :data:`NUMBER`; see
    :func:`sim.scenario.variables.variable_types`); a plain list of names leaves them untyped.
    """
    if not isinstance(text, str) or not text.strip():
        raise ExpressionError("a condition must be a non-empty expression, e.g. 'rejected_russia'")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"a condition may be at most {MAX_LENGTH} characters, found {len(text)}")
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExpressionError(f"cannot read the condition {text!r}: {exc.msg} "
                              f"(column {exc.offset})") from None
    except (RecursionError, MemoryError, ValueError):
        raise ExpressionError("the condition is nested too deeply") from None
    if sum(1 for _ in ast.walk(tree)) > MAX_NODES:
        raise ExpressionError(f"a condition may have at most {MAX_NODES} parts")
    used: set[str] = set()
    types = dict(known) if isinstance(known, Mapping) else dict.fromkeys(known, ANY)
    _need(tree.body, _check(tree.body, types, used), BOOL, "a condition")
    return Expression(text, tree, frozenset(used))


def _evaluate(node: ast.AST, env: Mapping[str, np.ndarray | float | bool]):
    if isinstance(node, ast.BoolOp):
        values = [np.asarray(_evaluate(v, env), dtype=bool) for v in node.values]
        out = values[0]
        for value in values[1:]:
            out = (out & value) if isinstance(node.op, ast.And) else (out | value)
        return out
    if isinstance(node, ast.UnaryOp):
        value = _evaluate(node.operand, env)
        if isinstance(node.op, ast.Not):
            return ~np.asarray(value, dtype=bool)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp):
        with np.errstate(divide="ignore", invalid="ignore"):
            return _BINARY[type(node.op)](_evaluate(node.left, env), _evaluate(node.right, env))
    if isinstance(node, ast.Compare):
        left = _evaluate(node.left, env)
        holds: np.ndarray | bool = True
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = _evaluate(comparator, env)
            holds = holds & _COMPARE[type(op)](left, right)
            left = right
        return holds
    if isinstance(node, ast.Name):
        return _CONSTANT_NAMES[node.id] if node.id in _CONSTANT_NAMES else env[node.id]
    if isinstance(node, ast.Constant):
        return node.value
    raise ExpressionError(f"cannot evaluate {type(node).__name__}")  # unreachable after _check
