"""The expectation language: operators compiled once, evaluated many times.

A condition is a mapping.  A leaf names a ``path`` (JSONPath, relative to the
subject; default ``$``, the subject itself) and one operator::

    {path: securityContext.privileged, not_equals: true}

The operators are declared in :mod:`.operators`.  Compound conditions:
``all_of``, ``any_of``, ``none_of`` (lists), ``not`` (one condition) and
``for_each`` (``{path, where?, expect}``), nestable.  When a leaf's field is
not set, the leaf's own ``missing:`` decides, else the control's
``unknown:`` (``expect`` only), else the operator.  Evaluation returns
:class:`Finding` objects (path, found value, expected text); an empty list
means the condition holds.  Compilation errors raise
:class:`ConditionError` naming the offending key and its path; the
baseline loader adds file and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from .operators import OPERATORS, ConditionError, Operator, compile_regex
from .pathselect import Selector, SelectorCache, SelectorError

__all__ = [
    "COMPOUND", "MISSING", "OPERATORS", "Condition", "ConditionError", "Finding", "Leaf",
    "compile_condition", "compile_expectation", "compile_regex", "iter_leaves",
]

MISSING: Any = type("Missing", (), {"__repr__": lambda self: "<missing>"})()


@dataclass(frozen=True, slots=True)
class Finding:
    """One place where a condition does not hold."""

    path: tuple
    found: Any  # MISSING when the path matched nothing
    expected: str


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
    __slots__ = ("selector", "operator", "argument", "test", "description", "missing_passes", "any_match", "unknown_applied")

    def __init__(
        self, selector: Selector, operator: Operator, argument: Any, missing_passes: bool, any_match: bool,
        unknown_applied: bool = False,
    ) -> None:
        self.selector = selector
        self.operator = operator
        self.argument = argument
        self.test = operator.test
        self.description = operator.describe(argument)
        self.missing_passes = missing_passes
        self.any_match = any_match
        # True when the control's ``unknown:`` changed this leaf's missing rule.
        self.unknown_applied = unknown_applied

    def check(self, subject: Any, base: tuple) -> list[Finding]:
        # A key with no value (YAML "key:", a View's unknown field) is missing.
        matches = [(path, value) for path, value in self.selector.find(subject) if value is not None]
        if not matches:
            if self.missing_passes:
                return []
            return [Finding(base + self.selector.static_prefix, MISSING, self.description)]
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
        return [Finding(prefix, found, f"either {self.describe()}")]

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
# ``unknown`` is the control's rule for a field the file does not set
# (True: the leaf passes, False: it fails, None: the operator decides).  It
# is given for ``expect`` only and is about the control's verdict, so it
# flips under ``not`` and ``none_of``; ``where`` filters keep the operators'
# own rules, like ``when``.


def compile_condition(spec: Any, selectors: SelectorCache, unknown: bool | None = None) -> Condition:
    """Compile a condition mapping (or a list, meaning all_of)."""
    if isinstance(spec, list):
        return AllOf([_within((index,), compile_condition, item, selectors, unknown) for index, item in enumerate(spec)])
    if not isinstance(spec, dict):
        raise ConditionError(f"a condition must be a mapping, not {type(spec).__name__}")
    compound = [key for key in spec if key in COMPOUND]
    operators = [key for key in spec if key in OPERATORS]
    unknown_keys = [key for key in spec if key not in COMPOUND and key not in OPERATORS and key not in LEAF_OPTIONS and key not in ("where", "expect")]
    if unknown_keys:
        raise ConditionError(
            f"unknown operator {unknown_keys[0]!r}; use one of {', '.join(sorted(OPERATORS) + list(COMPOUND))}",
            key=str(unknown_keys[0]),
        )
    if len(compound) + len(operators) != 1:
        raise ConditionError(
            "a condition needs exactly one operator, found "
            + (", ".join(compound + operators) or "none"),
        )
    if compound:
        return _compile_compound(compound[0], spec, selectors, unknown)
    return _compile_leaf(OPERATORS[operators[0]], spec, selectors, unknown)


def compile_expectation(spec: Any, selectors: SelectorCache, unknown: str | None = None) -> Condition:
    """A control's ``expect`` with its ``unknown: pass | fail``, which must
    change at least one leaf: a rule that changes nothing only restates."""
    if unknown is None:
        return compile_condition(spec, selectors)
    if unknown not in ("pass", "fail"):
        raise ConditionError("unknown takes pass or fail", key="unknown")
    condition = compile_condition(spec, selectors, unknown == "pass")
    if not any(leaf.unknown_applied for leaf in iter_leaves(condition)):
        raise ConditionError(
            f"unknown: {unknown} changes nothing: every condition already {'passes' if unknown == 'pass' else 'fails'} when its field is not set "
            "(or says so with its own missing:); remove it",
            key="unknown",
        )
    return condition


def iter_leaves(condition: Condition) -> Iterator[Leaf]:
    """Every leaf of a compiled condition, in order (where filters included)."""
    if isinstance(condition, Leaf):
        yield condition
    elif isinstance(condition, (AllOf, AnyOf, NoneOf)):
        for child in condition.children:
            yield from iter_leaves(child)
    elif isinstance(condition, Not):
        yield from iter_leaves(condition.child)
    elif isinstance(condition, ForEach):
        if condition.where is not None:
            yield from iter_leaves(condition.where)
        yield from iter_leaves(condition.expect)


def _within(prefix: tuple, compile: Any, *args: Any) -> Any:
    """Compile a part; an error's path then starts at the enclosing condition."""
    try:
        return compile(*args)
    except ConditionError as exc:
        exc.path = prefix + exc.path
        raise


def _selector(spec: dict, selectors: SelectorCache, key: str = "path") -> Selector:
    text = spec.get(key, "$")
    if not isinstance(text, str):
        raise ConditionError(f"{key} must be a string JSONPath", key=key)
    try:
        return selectors.get(text)
    except SelectorError as exc:
        raise ConditionError(str(exc), key=key) from None


def _compile_compound(name: str, spec: dict, selectors: SelectorCache, unknown: bool | None) -> Condition:
    value = spec[name]
    flipped = None if unknown is None else not unknown
    if name == "not":
        return Not(_within((name,), compile_condition, value, selectors, flipped))
    if name == "for_each":
        if not isinstance(value, dict) or "expect" not in value:
            raise ConditionError("for_each needs a mapping with path and expect", key=name)
        extra = set(value) - {"path", "where", "expect"}
        if extra:
            raise ConditionError(f"for_each takes path, where and expect, not {sorted(extra)[0]!r}", key=name)
        where = _within((name, "where"), compile_condition, value["where"], selectors) if "where" in value else None
        expect = _within((name, "expect"), compile_condition, value["expect"], selectors, unknown)
        return ForEach(_within((name,), _selector, value, selectors), where, expect)
    if not isinstance(value, list) or not value:
        raise ConditionError(f"{name} needs a non-empty list of conditions", key=name)
    child_unknown = flipped if name == "none_of" else unknown
    children = [_within((name, index), compile_condition, item, selectors, child_unknown) for index, item in enumerate(value)]
    return {"all_of": AllOf, "any_of": AnyOf, "none_of": NoneOf}[name](children)


def _compile_leaf(operator: Operator, spec: dict, selectors: SelectorCache, unknown: bool | None) -> Condition:
    argument = operator.compile(spec[operator.name])
    own = operator.passes_when_missing(argument)
    default = own if unknown is None else unknown
    missing_passes = default
    missing = spec.get("missing")
    if missing is not None:
        if missing not in ("pass", "fail"):
            raise ConditionError("missing takes pass or fail", key="missing")
        missing_passes = missing == "pass"
        if missing_passes == default:
            why = (
                f"the control's unknown: {missing}" if unknown is not None
                else f"{operator.name} {'passes' if own else 'fails'} when its field is not set"
            )
            raise ConditionError(f"missing: {missing} restates the default ({why}); remove it", key="missing")
    match = spec.get("match", "all")
    if match not in ("all", "any"):
        raise ConditionError("match takes all or any", key="match")
    return Leaf(
        _selector(spec, selectors), operator, argument, missing_passes, match == "any",
        unknown_applied=missing is None and unknown is not None and unknown != own,
    )
