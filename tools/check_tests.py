"""Every test must be able to fail: find tests whose assertions an empty input would skip.

    python tools/check_tests.py [tests/]        # exit 1 and `file:line: test: why` per finding

A test function (`test_*`) passes this check when some assertion is reached on every path
through its body: an `assert`, a `with pytest.raises/warns(...)`, `pytest.fail(...)`, a
call of a function named `assert*` (a mock's `assert_called_once`, a shared helper), or a
call of a function of the same file that itself passes this check. An assertion only
inside a `for`/`while` loop or an `if` does not count: an empty list or a false condition
skips it and the test passes having checked nothing. Put `assert items` (or the expected
count) before the loop.

It also refuses `... or True` anywhere in a test file: a filter or an assertion that is
always true.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

# blocks that run their body whenever they are reached (unlike loops and ifs)
_ALWAYS = (ast.With, ast.AsyncWith, ast.Try)
_RAISES = {"raises", "warns", "deprecated_call", "assertRaises", "assertRaisesRegex"}


def _name(func: ast.expr) -> str | None:
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def _calls(node: ast.AST) -> Iterator[ast.Call]:
    for sub in ast.walk(node):
        if isinstance(sub, ast.Call):
            yield sub


class _Checker:
    def __init__(self, tree: ast.Module) -> None:
        # functions of the file (module level and methods) by name, for helpers that assert
        self.functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                self.functions.setdefault(node.name, node)
        self._asserting: dict[str, bool] = {}

    def _is_assertion_call(self, call: ast.Call) -> bool:
        name = _name(call.func)
        if name is None:
            return False
        if name.startswith("assert") or name == "fail" or name in _RAISES:
            return True
        if name in self.functions and not name.startswith("test_"):
            return self.asserts(name)
        return False

    def asserts(self, name: str) -> bool:
        if name not in self._asserting:
            self._asserting[name] = False  # recursion guard
            self._asserting[name] = self._reaches(self.functions[name].body)
        return self._asserting[name]

    def _reaches(self, body: Iterable[ast.stmt]) -> bool:
        """Some statement of `body`, run unconditionally, asserts."""
        for stmt in body:
            if isinstance(stmt, ast.Assert):
                return True
            if isinstance(stmt, ast.With | ast.AsyncWith):
                for item in stmt.items:
                    if any(self._is_assertion_call(c) for c in _calls(item.context_expr)):
                        return True
            if isinstance(stmt, _ALWAYS):
                parts: list[ast.stmt] = list(stmt.body)
                if isinstance(stmt, ast.Try):
                    parts += stmt.finalbody
                if self._reaches(parts):
                    return True
                continue
            if isinstance(stmt, ast.If):
                # both branches assert: reached either way
                if stmt.orelse and self._reaches(stmt.body) and self._reaches(stmt.orelse):
                    return True
                continue
            if isinstance(stmt, ast.For | ast.AsyncFor | ast.While):
                continue
            if isinstance(stmt, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            if any(self._is_assertion_call(c) for c in _calls(stmt)):
                return True
        return False


def _or_true(tree: ast.AST) -> Iterator[ast.BoolOp]:
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.BoolOp)
            and isinstance(node.op, ast.Or)
            and any(isinstance(v, ast.Constant) and v.value is True for v in node.values)
        ):
            yield node


def check_file(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    checker = _Checker(tree)
    found = []
    tests: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            tests.append(node)
        elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
            tests += [n for n in node.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)]
    for fn in tests:
        if fn.name.startswith("test") and not checker._reaches(fn.body):
            found.append(
                f"{path}:{fn.lineno}: {fn.name}: no assertion is reached on every path"
                " (each sits in a loop or an if that empty input skips)"
            )
    for node in _or_true(tree):
        found.append(f"{path}:{node.lineno}: `or True` makes the expression always true")
    return found


def main(argv: list[str]) -> int:
    roots = [Path(a) for a in argv] or [Path("tests")]
    files = sorted(
        f for root in roots for f in ([root] if root.is_file() else root.rglob("test_*.py"))
    )
    found = [line for f in files for line in check_file(f)]
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} tests cannot fail on empty input", file=sys.stderr)
        return 1
    print(f"checked {len(files)} test files: every test reaches an assertion")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
