"""The expectation language: operators compiled once, evaluated many times.

A condition is a mapping.  A leaf names a ``path`` (JSONPath, relative to the
subject; default ``$``, the subject itself) and one operator::

    {path: securityContext.privileged, not_equals: true}

Compound conditions: ``all_of``, ``any_of``, ``none_of`` (lists), ``not``
(one condition) and ``for_each`` (``{path, where?, expect}``), nestable.
Evaluation returns :class:`Finding` objects (path, found value, expected
text); an empty list means the condition holds.  Compilation errors raise
:class:`ConditionError` naming the offending key; the baseline loader adds
file and line.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Callable

from ..masking import looks_random
from ..model.quantity import parse_quantity
from .pathselect import Selector, SelectorCache, SelectorError

MISSING: Any = type("Missing", (), {"__repr__": lambda self: "<missing>"})()


@dataclass(frozen=True, slots=True)
class Finding:
    """One place where a condition does not hold."""

    path: tuple
    found: Any  # MISSING when the path matched nothing
    expected: str


class ConditionError(ValueError):
    """An invalid condition; ``key`` is the mapping key at fault, if known."""

    def __init__(self, message: str, key: str | None = None) -> None:
        self.key = key
        super().__init__(message)


def _show(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, default=str)


# --- leaf operators ----------------------------------------------------------
# Each operator: (test(found, argument) -> bool, describe(argument) -> str,
# passes_when_missing).  Negative operators pass when the field is absent.


def _is_equal(found: Any, expected: Any) -> bool:
    if isinstance(found, bool) or isinstance(expected, bool):
        return found is expected or (type(found) is type(expected) and found == expected)
    return found == expected


def _contains(found: Any, item: Any) -> bool:
    if isinstance(found, str):
        return isinstance(item, str) and item in found
    if isinstance(found, list):
        return any(_is_equal(element, item) for element in found)
    if isinstance(found, dict):
        try:
            return item in found
        except TypeError:  # an unhashable item is never a key
            return False
    return False


def _length(found: Any) -> int | None:
    return len(found) if isinstance(found, (str, list, dict)) else None


def _compare(op: Callable[[Decimal, Decimal], bool]) -> Callable[[Any, Decimal], bool]:
    def test(found: Any, limit: Decimal) -> bool:
        value = parse_quantity(found)
        return value is not None and op(value, limit)

    return test


def _matches(found: Any, pattern: re.Pattern[str]) -> bool:
    if isinstance(found, (dict, list)) or found is None:
        return False
    text = found if isinstance(found, str) else _show(found)
    return pattern.search(text) is not None


def _keys_match(found: Any, pattern: re.Pattern[str]) -> bool:
    return isinstance(found, dict) and any(pattern.search(str(key)) for key in found)


OPERATORS: dict[str, tuple[Callable[[Any, Any], bool], Callable[[Any], str], bool]] = {
    "exists": (lambda found, want: True, lambda want: "present", False),
    "absent": (lambda found, want: False, lambda want: "absent", True),
    "equals": (_is_equal, lambda want: f"== {_show(want)}", False),
    "not_equals": (lambda f, w: not _is_equal(f, w), lambda want: f"!= {_show(want)}", True),
    "one_of": (
        lambda f, w: any(_is_equal(f, x) for x in w),
        lambda want: f"one of {_show(want)}",
        False,
    ),
    "not_one_of": (
        lambda f, w: not any(_is_equal(f, x) for x in w),
        lambda want: f"not one of {_show(want)}",
        True,
    ),
    "matches": (_matches, lambda want: f"matches /{want.pattern}/", False),
    "not_matches": (
        lambda f, w: not _matches(f, w),
        lambda want: f"does not match /{want.pattern}/",
        True,
    ),
    "contains": (_contains, lambda want: f"contains {_show(want)}", False),
    "not_contains": (
        lambda f, w: not _contains(f, w),
        lambda want: f"does not contain {_show(want)}",
        True,
    ),
    "lt": (_compare(lambda a, b: a < b), None, False),  # type: ignore[dict-item]
    "le": (_compare(lambda a, b: a <= b), None, False),  # type: ignore[dict-item]
    "gt": (_compare(lambda a, b: a > b), None, False),  # type: ignore[dict-item]
    "ge": (_compare(lambda a, b: a >= b), None, False),  # type: ignore[dict-item]
    "key_matches": (_keys_match, lambda want: f"has a key matching /{want.pattern}/", False),
    "no_key_matches": (
        lambda f, w: not _keys_match(f, w),
        lambda want: f"has no key matching /{want.pattern}/",
        True,
    ),
    "looks_random": (
        lambda f, w: looks_random(f) is w,
        lambda want: "a generated token (high entropy)" if want else "not a generated token (high entropy)",
        False,
    ),
    "min_length": (
        lambda f, w: (n := _length(f)) is not None and n >= w,
        lambda want: f"length >= {want}",
        False,
    ),
    "max_length": (
        lambda f, w: (n := _length(f)) is not None and n <= w,
        lambda want: f"length <= {want}",
        True,
    ),
}
_COMPARISON_SYMBOLS = {"lt": "<", "le": "<=", "gt": ">", "ge": ">="}
COMPOUND = ("all_of", "any_of", "none_of", "not", "for_each")
LEAF_OPTIONS = ("path", "missing", "match")


class Condition:
    """Base: ``check(subject, base_path) -> [Finding]``; ``describe()`` for messages."""

    __slots__ = ()

    def check(self, subject: Any, base: tuple) -> list[Finding]:  # pragma: no cover
        raise NotImplementedError

    def holds(self, subject: Any) -> bool:
        return not self.check(subject, ())

    def describe(self) -> str:  # pragma: no cover
        raise NotImplementedError


class Leaf(Condition):
    __slots__ = ("selector", "operator", "argument", "test", "description", "missing_passes", "any_match")

    def __init__(
        self, selector: Selector, operator: str, argument: Any, missing_passes: bool, any_match: bool
    ) -> None:
        test, describe, _ = OPERATORS[operator]
        self.selector = selector
        self.operator = operator
        self.argument = argument
        self.test = test
        if describe is None:
            self.description = f"{_COMPARISON_SYMBOLS[operator]} {argument[1]}"
            self.argument = argument[0]
        else:
            self.description = describe(argument)
        self.missing_passes = missing_passes
        self.any_match = any_match

    def check(self, subject: Any, base: tuple) -> list[Finding]:
        # A key with no value (YAML "key:", a View's unknown field) is missing.
        matches = [(path, value) for path, value in self.selector.find(subject) if value is not None]
        if not matches:
            if self.missing_passes:
                return []
            return [Finding(base + self.selector.static_prefix, MISSING, self.description)]
        if self.operator == "absent":
            return [Finding(base + path, value, self.description) for path, value in matches]
        failed = [
            Finding(base + path, value, self.description)
            for path, value in matches
            if not self.test(value, self.argument)
        ]
        if self.any_match and len(failed) < len(matches):
            return []
        return failed

    def describe(self) -> str:
        path = self.selector.text or "$"
        return f"{path} {self.description}"


class AllOf(Condition):
    __slots__ = ("children",)

    def __init__(self, children: list[Condition]) -> None:
        self.children = children

    def check(self, subject: Any, base: tuple) -> list[Finding]:
        findings: list[Finding] = []
        for child in self.children:
            findings.extend(child.check(subject, base))
        return findings

    def describe(self) -> str:
        return " and ".join(f"({c.describe()})" for c in self.children)


class AnyOf(Condition):
    __slots__ = ("children",)

    def __init__(self, children: list[Condition]) -> None:
        self.children = children

    def check(self, subject: Any, base: tuple) -> list[Finding]:
        firsts = []
        for child in self.children:
            findings = child.check(subject, base)
            if not findings:
                return []
            firsts.append(findings[0])
        # Report where the alternatives meet (one field checked several
        # ways); when they only meet at a whole mapping or list, showing
        # that would say little, so show the first alternative's field.
        prefix = firsts[0].path
        for finding in firsts[1:]:
            size = 0
            while size < min(len(prefix), len(finding.path)) and prefix[size] == finding.path[size]:
                size += 1
            prefix = prefix[:size]
        found = _value_at(subject, prefix[len(base):])
        if isinstance(found, (dict, list)):
            prefix, found = firsts[0].path, firsts[0].found
        return [Finding(prefix, found, f"any of: {self.describe()}")]

    def describe(self) -> str:
        return " or ".join(f"({c.describe()})" for c in self.children)


class NoneOf(Condition):
    __slots__ = ("children",)

    def __init__(self, children: list[Condition]) -> None:
        self.children = children

    def check(self, subject: Any, base: tuple) -> list[Finding]:
        findings = []
        for child in self.children:
            if child.holds(subject):
                findings.append(_negated_finding(child, subject, base))
        return findings

    def describe(self) -> str:
        return "none of " + ", ".join(f"({c.describe()})" for c in self.children)


class Not(Condition):
    __slots__ = ("child",)

    def __init__(self, child: Condition) -> None:
        self.child = child

    def check(self, subject: Any, base: tuple) -> list[Finding]:
        if self.child.holds(subject):
            return [_negated_finding(self.child, subject, base)]
        return []

    def describe(self) -> str:
        return f"not ({self.child.describe()})"


def _value_at(subject: Any, path: tuple) -> Any:
    node = subject
    for step in path:
        try:
            node = node[step]
        except (KeyError, IndexError, TypeError):
            return MISSING
    return node


def _negated_finding(child: Condition, subject: Any, base: tuple) -> Finding:
    """Where a negated condition held: at the leaf's value when there is one."""
    if isinstance(child, Leaf):
        matches = [(path, value) for path, value in child.selector.find(subject) if value is not None]
        if matches:
            path, value = matches[0]
            return Finding(base + path, value, f"not ({child.description})")
        return Finding(base + child.selector.static_prefix, MISSING, f"not ({child.description})")
    return Finding(base, MISSING, f"not ({child.describe()})")


class ForEach(Condition):
    __slots__ = ("selector", "where", "expect")

    def __init__(self, selector: Selector, where: Condition | None, expect: Condition) -> None:
        self.selector = selector
        self.where = where
        self.expect = expect

    def check(self, subject: Any, base: tuple) -> list[Finding]:
        findings: list[Finding] = []
        for path, value in self.selector.find(subject):
            if self.where is not None and not self.where.holds(value):
                continue
            findings.extend(self.expect.check(value, base + path))
        return findings

    def describe(self) -> str:
        return f"each {self.selector.text}: {self.expect.describe()}"


# --- compilation --------------------------------------------------------------


def compile_condition(spec: Any, selectors: SelectorCache) -> Condition:
    """Compile a condition mapping (or a list, meaning all_of)."""
    if isinstance(spec, list):
        return AllOf([compile_condition(item, selectors) for item in spec])
    if not isinstance(spec, dict):
        raise ConditionError(f"a condition must be a mapping, not {type(spec).__name__}")
    compound = [key for key in spec if key in COMPOUND]
    operators = [key for key in spec if key in OPERATORS]
    unknown = [key for key in spec if key not in COMPOUND and key not in OPERATORS and key not in LEAF_OPTIONS and key not in ("where", "expect")]
    if unknown:
        raise ConditionError(
            f"unknown operator {unknown[0]!r}; use one of {', '.join(sorted(OPERATORS) + list(COMPOUND))}",
            key=str(unknown[0]),
        )
    if len(compound) + len(operators) != 1:
        raise ConditionError(
            "a condition needs exactly one operator, found "
            + (", ".join(compound + operators) or "none"),
        )
    if compound:
        return _compile_compound(compound[0], spec, selectors)
    return _compile_leaf(operators[0], spec, selectors)


def _selector(spec: dict, selectors: SelectorCache, key: str = "path") -> Selector:
    text = spec.get(key, "$")
    if not isinstance(text, str):
        raise ConditionError(f"{key} must be a string JSONPath", key=key)
    try:
        return selectors.get(text)
    except SelectorError as exc:
        raise ConditionError(str(exc), key=key) from None


def _compile_compound(name: str, spec: dict, selectors: SelectorCache) -> Condition:
    value = spec[name]
    if name == "not":
        return Not(compile_condition(value, selectors))
    if name == "for_each":
        if not isinstance(value, dict) or "expect" not in value:
            raise ConditionError("for_each needs a mapping with path and expect", key=name)
        extra = set(value) - {"path", "where", "expect"}
        if extra:
            raise ConditionError(f"for_each takes path, where and expect, not {sorted(extra)[0]!r}", key=name)
        where = compile_condition(value["where"], selectors) if "where" in value else None
        return ForEach(_selector(value, selectors), where, compile_condition(value["expect"], selectors))
    if not isinstance(value, list) or not value:
        raise ConditionError(f"{name} needs a non-empty list of conditions", key=name)
    children = [compile_condition(item, selectors) for item in value]
    return {"all_of": AllOf, "any_of": AnyOf, "none_of": NoneOf}[name](children)


# A regex whose group repeats a repeated or alternated piece can backtrack
# catastrophically; Python's re has no timeout, so such patterns are refused.
_NESTED_QUANTIFIER = re.compile(r"\((?:[^()\\]|\\.)*[+*}](?:[^()\\]|\\.)*\)[+*{]|\((?:[^()\\]|\\.)*\|(?:[^()\\]|\\.)*\)[+*{]")


def _nests_repetition(pattern: str) -> bool:
    """A repeat (max > 1) whose body holds another repeat or an alternation,
    at any depth of groups: (a+)+, ((a+))+, (?:(a|aa))+."""
    try:
        from re import _constants as C  # Python 3.11+
        from re import _parser as P
    except ImportError:  # pragma: no cover
        import sre_constants as C  # type: ignore[no-redef]
        import sre_parse as P  # type: ignore[no-redef]
    try:
        tree = P.parse(pattern)
    except Exception:
        return False
    repeats = {C.MAX_REPEAT, C.MIN_REPEAT, getattr(C, "POSSESSIVE_REPEAT", C.MAX_REPEAT)}

    def children(op: Any, av: Any) -> list:
        if op in repeats:
            return [av[2]]
        if op is C.SUBPATTERN:
            return [av[-1]]
        if op is C.BRANCH:
            return list(av[1])
        if op in (C.ASSERT, C.ASSERT_NOT):
            return [av[1]]
        return []

    def variable(items: Any) -> bool:
        for op, av in items:
            if (op in repeats and av[1] > 1) or op is C.BRANCH:
                return True
            if any(variable(child) for child in children(op, av)):
                return True
        return False

    def walk(items: Any) -> bool:
        for op, av in items:
            if op in repeats and av[1] > 1 and variable(av[2]):
                return True
            if any(walk(child) for child in children(op, av)):
                return True
        return False

    return walk(tree)


def compile_regex(pattern: Any) -> re.Pattern[str]:
    if not isinstance(pattern, str):
        raise ConditionError("a regular expression must be a string")
    if _NESTED_QUANTIFIER.search(pattern) or _nests_repetition(pattern):
        raise ConditionError(
            f"regular expression {pattern!r} nests repetition and can backtrack catastrophically; "
            "rewrite it without a repeated group that itself repeats"
        )
    try:
        return re.compile(pattern)
    except re.error as exc:
        raise ConditionError(f"invalid regular expression {pattern!r}: {exc}") from None


def _compile_leaf(operator: str, spec: dict, selectors: SelectorCache) -> Condition:
    argument = spec[operator]
    missing_passes = OPERATORS[operator][2]
    if operator == "exists":
        if argument is False:
            operator, missing_passes = "absent", True
        elif argument is not True:
            raise ConditionError("exists takes true or false", key=operator)
    elif operator == "absent" and argument is not True:
        raise ConditionError("absent takes true", key=operator)
    elif operator in ("one_of", "not_one_of") and not isinstance(argument, list):
        raise ConditionError(f"{operator} takes a list", key=operator)
    elif operator == "looks_random":
        if not isinstance(argument, bool):
            raise ConditionError("looks_random takes true or false", key=operator)
        missing_passes = not argument
    elif operator in ("matches", "not_matches", "key_matches", "no_key_matches"):
        try:
            argument = compile_regex(argument)
        except ConditionError as exc:
            raise ConditionError(str(exc), key=operator) from None
    elif operator in _COMPARISON_SYMBOLS:
        limit = parse_quantity(argument)
        if limit is None:
            raise ConditionError(
                f"{operator} takes a number or quantity such as 2Gi or 500m, not {argument!r}", key=operator
            )
        argument = (limit, argument)
    elif operator in ("min_length", "max_length"):
        if isinstance(argument, bool) or not isinstance(argument, int) or argument < 0:
            raise ConditionError(f"{operator} takes a whole number", key=operator)
    missing = spec.get("missing")
    if missing is not None:
        if missing not in ("pass", "fail"):
            raise ConditionError("missing takes pass or fail", key="missing")
        missing_passes = missing == "pass"
    match = spec.get("match", "all")
    if match not in ("all", "any"):
        raise ConditionError("match takes all or any", key="match")
    return Leaf(_selector(spec, selectors), operator, argument, missing_passes, match == "any")
