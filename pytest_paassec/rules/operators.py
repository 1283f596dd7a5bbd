"""The leaf operators of the baseline language, each declared once.

An operator validates its argument once (``compile``, raising
:class:`ConditionError`), then tests found values against the compiled
argument (``test``, the hot path: no validation there) and says in words
what it expects (``describe``, used in failure text).  Negative operators
pass when their field is not set, the others fail; for the true/false
operators it depends on the argument (``exists: false`` passes).
:data:`OPERATORS` is the registry; ``docs/baselines.md`` shows
:func:`operator_table`.
"""

from __future__ import annotations

import json
import operator
import re
from dataclasses import dataclass
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Callable, Mapping

from ..model.quantity import parse_quantity
from ..secrets import credential_kind, is_secret_name, looks_random


class ConditionError(ValueError):
    """An invalid condition.

    ``key`` is the mapping key at fault, if known; ``path`` leads from the
    condition's root to it (keys and list indexes), so the loader can name
    its line.
    """

    def __init__(self, message: str, key: str | None = None) -> None:
        self.key = key
        self.path: tuple = () if key is None else (key,)
        super().__init__(message)


def show(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, default=str)


def _listed(values: Any) -> str:
    """A list argument in words: ``a, b or c``."""
    shown = [json.dumps(v, default=str) for v in (values if isinstance(values, list) else [values])]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " or " + shown[-1]


def _entries(count: int) -> str:
    return "one entry" if count == 1 else f"{count} entries"


def is_equal(found: Any, expected: Any) -> bool:
    """YAML types compare as written: true is not "true", 1 is not true."""
    if isinstance(found, bool) or isinstance(expected, bool):
        return found is expected or (type(found) is type(expected) and found == expected)
    return found == expected


@dataclass(frozen=True)
class Operator:
    """One leaf operator.

    ``compile(argument)`` validates the argument once and returns what
    ``test(found, compiled)`` and ``describe(compiled)`` take; it raises
    :class:`ConditionError` naming what the operator takes.  ``test`` is a
    plain function, called directly on the hot path.  ``negative``
    operators pass when their field is not set; ``flag`` operators take
    true or false and pass then only with false.
    """

    name: str
    takes: str  # the argument, in words (docs and errors)
    meaning: str  # when a found value meets it (docs)
    test: Callable[[Any, Any], bool]
    describe: Callable[[Any], str]
    check_argument: Callable[[Any], Any] | None = None  # returns the compiled argument or None if invalid
    negative: bool = False
    flag: bool = False

    def compile(self, argument: Any) -> Any:
        if self.check_argument is None:
            return argument
        try:
            compiled = self.check_argument(argument)
        except ConditionError as exc:  # a regular expression says what is wrong with it
            raise ConditionError(str(exc), key=self.name) from None
        if compiled is None:
            raise ConditionError(f"{self.name} takes {self.takes}, not {argument!r}", key=self.name)
        return compiled

    def passes_when_missing(self, compiled: Any) -> bool:
        return (not compiled) if self.flag else self.negative


# --- argument checks: the compiled argument, or None when it is invalid -------


def _boolean(argument: Any) -> bool | None:
    return argument if isinstance(argument, bool) else None


def _true(argument: Any) -> bool | None:
    return True if argument is True else None


def _list(argument: Any) -> list | None:
    return argument if isinstance(argument, list) else None


def _whole(argument: Any) -> int | None:
    return argument if isinstance(argument, int) and not isinstance(argument, bool) and argument >= 0 else None


def _regex(argument: Any) -> re.Pattern[str]:
    return compile_regex(argument)  # raises with what is wrong with the pattern


def _limit(argument: Any) -> tuple[Decimal, Any] | None:
    """(limit, as written): failures show the limit as the file wrote it."""
    limit = parse_quantity(argument)
    return None if limit is None else (limit, argument)


# --- tests -----------------------------------------------------------------------


def _search(found: Any, pattern: re.Pattern[str]) -> bool:
    if isinstance(found, (dict, list)) or found is None:
        return False
    text = found if isinstance(found, str) else show(found)
    return pattern.search(text) is not None


def _key_search(found: Any, pattern: re.Pattern[str]) -> bool:
    return isinstance(found, dict) and any(pattern.search(str(key)) for key in found)


def _contains(found: Any, item: Any) -> bool:
    if isinstance(found, str):
        return isinstance(item, str) and item in found
    if isinstance(found, list):
        return any(is_equal(element, item) for element in found)
    if isinstance(found, dict):
        try:
            return item in found
        except TypeError:  # an unhashable item is never a key
            return False
    return False


def _length(found: Any) -> int:
    return len(found) if isinstance(found, (str, list, dict)) else -1


def _compare(name: str, words: str, meaning: str, op: Callable[[Decimal, Decimal], bool]) -> Operator:
    def test(found: Any, compiled: tuple[Decimal, Any]) -> bool:
        value = parse_quantity(found)
        return value is not None and op(value, compiled[0])

    return Operator(name, "a number or quantity (2Gi, 500m)", meaning, test, lambda c: f"{words} {c[1]}", _limit)


_REGEX = "a regular expression"

OPERATORS: Mapping[str, Operator] = MappingProxyType(
    {
        op.name: op
        for op in (
            Operator(
                "exists", "true or false", "`true`: the field is set; `false`: it is not (same as `absent`)",
                lambda f, c: c, lambda c: "set" if c else "not set", _boolean, flag=True,
            ),
            Operator("absent", "true", "the field is not set", lambda f, c: False, lambda c: "not set", _true, negative=True),
            Operator("equals", "a value", "the value equals the argument, YAML type included", is_equal, lambda c: show(c)),
            Operator(
                "not_equals", "a value", "the value differs from the argument",
                lambda f, c: not is_equal(f, c), lambda c: f"not {show(c)}", negative=True,
            ),
            Operator(
                "one_of", "a list of values", "the value equals one of the list",
                lambda f, c: any(is_equal(f, x) for x in c), lambda c: f"one of {_listed(c)}", _list,
            ),
            Operator(
                "not_one_of", "a list of values", "the value equals none of the list",
                lambda f, c: not any(is_equal(f, x) for x in c), lambda c: f"none of {_listed(c)}", _list, negative=True,
            ),
            Operator("matches", _REGEX, "the value (a scalar, as text) contains a match", _search, lambda c: f"text matching /{c.pattern}/", _regex),
            Operator(
                "not_matches", _REGEX, "the value contains no match",
                lambda f, c: not _search(f, c), lambda c: f"text not matching /{c.pattern}/", _regex, negative=True,
            ),
            Operator(
                "contains", "a value", "a string holds the substring, a list the element, a mapping the key",
                _contains, lambda c: f"containing {show(c)}",
            ),
            Operator(
                "not_contains", "a value", "a string, list or mapping does not hold it",
                lambda f, c: not _contains(f, c), lambda c: f"without {show(c)}", negative=True,
            ),
            Operator(
                "key_matches", _REGEX, "the value is a mapping with a key that matches",
                _key_search, lambda c: f"a key matching /{c.pattern}/", _regex,
            ),
            Operator(
                "no_key_matches", _REGEX, "the value has no key that matches",
                lambda f, c: not _key_search(f, c), lambda c: f"no key matching /{c.pattern}/", _regex, negative=True,
            ),
            _compare("lt", "below", "the value is below the limit", operator.lt),
            _compare("le", "at most", "the value is at most the limit", operator.le),
            _compare("gt", "above", "the value is above the limit", operator.gt),
            _compare("ge", "at least", "the value is at least the limit", operator.ge),
            Operator(
                "min_length", "a whole number", "a string, list or mapping has at least that many elements",
                lambda f, c: _length(f) >= c, lambda c: f"at least {_entries(c)}", _whole,
            ),
            Operator(
                "max_length", "a whole number", "a string, list or mapping has at most that many elements",
                lambda f, c: 0 <= _length(f) <= c, lambda c: "none" if c == 0 else f"at most {_entries(c)}", _whole, negative=True,
            ),
            Operator(
                "looks_random", "true or false", "a long token-like string with high entropy: a generated secret",
                lambda f, c: looks_random(f) is c,
                lambda c: "a generated token (high entropy)" if c else "not a generated token (high entropy)", _boolean, flag=True,
            ),
            Operator(
                "secret_name", "true or false",
                "a setting name that holds a secret (`DB_PASSWORD`, `API_KEY`, `SENTRY_DSN`, `WEBHOOK_URL`...), "
                "not one that configures its handling (`_FILE`, `_PATH`, `_TTL`...)",
                lambda f, c: is_secret_name(f) is c,
                lambda c: "a secret-holding name" if c else "not a secret-holding name", _boolean, flag=True,
            ),
            Operator(
                "credential", "true or false",
                "a string holding a credential in a known format (cloud keys, tokens, private keys, a password in a URL)",
                lambda f, c: (credential_kind(f) is not None) is c,
                lambda c: "a credential in a known format" if c else "not a credential in a known format", _boolean, flag=True,
            ),
        )
    }
)


def operator_table() -> str:
    """The operator reference for docs/baselines.md, from the registry."""
    rows = ["| operator | argument | holds when | field not set |", "| --- | --- | --- | --- |"]
    for op in OPERATORS.values():
        if op.flag:
            missing = "`false` passes, `true` fails"
        else:
            missing = "passes" if op.negative else "fails"
        rows.append(f"| `{op.name}` | {op.takes} | {op.meaning} | {missing} |")
    return "\n".join(rows) + "\n"


# --- regular expressions -------------------------------------------------------
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
