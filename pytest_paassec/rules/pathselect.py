"""JSONPath selectors, compiled once, with a fast path for plain paths.

Most selectors in baselines are plain paths (``$.spec.containers[*].image``).
Those compile to a tuple of steps walked directly (well under a microsecond);
anything richer (filters, recursive descent, slices) goes to jsonpath-ng's
extended parser, which is about fifty times slower per call.
"""

from __future__ import annotations

import re
import warnings
from typing import Any, Iterator

WILDCARD = object()

_STEP = re.compile(
    r"""\.(?P<name>[A-Za-z0-9_\-/$@]+)      # .name
      | \.\*                               # .*
      | \[\s*\*\s*\]                        # [*]
      | \[\s*(?P<index>-?\d+)\s*\]          # [0]
      | \[\s*'(?P<sq>[^']*)'\s*\]           # ['name']
      | \[\s*"(?P<dq>[^"]*)"\s*\]           # ["name"]
    """,
    re.VERBOSE,
)

Match = tuple[tuple, Any]


class SelectorError(ValueError):
    """A selector that does not parse."""


class Selector:
    """A compiled path: ``find(data)`` gives (path tuple, value) pairs."""

    __slots__ = ("text", "steps", "_jsonpath", "static_prefix")

    def __init__(self, text: str) -> None:
        self.text = text
        self.steps: tuple | None = None
        self._jsonpath = None
        normalized = text.strip()
        if normalized in ("", "$", "@"):
            self.steps = ()
        else:
            if not normalized.startswith(("$", "@")):
                normalized = "$." + normalized
            self.steps = _simple_steps(normalized[1:])
            if self.steps is None:
                from jsonpath_ng.exceptions import JsonPathLexerError, JsonPathParserError
                from jsonpath_ng.ext import parse as jsonpath_parse  # imported only when needed: slow to import

                try:
                    with warnings.catch_warnings():  # "&" is deprecated: refused below anyway
                        warnings.simplefilter("ignore", DeprecationWarning)
                        self._jsonpath = jsonpath_parse(normalized)
                except (JsonPathLexerError, JsonPathParserError, Exception) as exc:
                    raise SelectorError(f"invalid JSONPath {text!r}: {exc}") from None
                unsupported = _unsupported(self._jsonpath)
                if unsupported:
                    raise SelectorError(f"invalid JSONPath {text!r}: {unsupported} is not supported in controls")
        # The part before any wildcard: where a missing value is reported.
        prefix: list[Any] = []
        for step in self.steps or ():
            if step is WILDCARD:
                break
            prefix.append(step)
        self.static_prefix = tuple(prefix)

    @property
    def is_single(self) -> bool:
        """True when the path names at most one value (no wildcard)."""
        return self.steps is not None and WILDCARD not in self.steps

    def find(self, data: Any) -> list[Match]:
        if self.steps is not None:
            return list(_walk(data, self.steps, 0, ()))
        return [(_datum_path(d), d.value) for d in self._jsonpath.find(data)]  # type: ignore[union-attr]


def _unsupported(node: Any) -> str | None:
    """Constructs jsonpath-ng parses but cannot evaluate on every value."""
    from jsonpath_ng.ext.iterable import SortedThis
    from jsonpath_ng.jsonpath import Parent, _Intersect

    if isinstance(node, SortedThis):
        return "sorting ([/key] or [\\key])"
    if isinstance(node, _Intersect):
        return "intersection (&)"
    if isinstance(node, Parent):
        return "`parent`"
    for child in vars(node).values() if hasattr(node, "__dict__") else ():
        if hasattr(child, "find"):
            found = _unsupported(child)
            if found:
                return found
    return None


def _simple_steps(rest: str) -> tuple | None:
    steps: list[Any] = []
    pos = 0
    while pos < len(rest):
        match = _STEP.match(rest, pos)
        if not match:
            return None
        if match.group("name") is not None:
            steps.append(match.group("name"))
        elif match.group("index") is not None:
            steps.append(int(match.group("index")))
        elif match.group("sq") is not None:
            steps.append(match.group("sq"))
        elif match.group("dq") is not None:
            steps.append(match.group("dq"))
        else:
            steps.append(WILDCARD)
        pos = match.end()
    return tuple(steps)


def _walk(node: Any, steps: tuple, i: int, path: tuple) -> Iterator[Match]:
    while i < len(steps):
        step = steps[i]
        if step is WILDCARD:
            if isinstance(node, dict):
                for key, child in node.items():
                    yield from _walk(child, steps, i + 1, path + (key,))
            elif isinstance(node, list):
                for index, child in enumerate(node):
                    yield from _walk(child, steps, i + 1, path + (index,))
            return
        if isinstance(step, int):
            if not isinstance(node, list) or not -len(node) <= step < len(node):
                return
            if step < 0:
                step += len(node)
        elif not isinstance(node, dict) or step not in node:
            return
        node = node[step]
        path = path + (step,)
        i += 1
    yield path, node


def _datum_path(datum: Any) -> tuple:
    from jsonpath_ng import Fields, Index

    parts: list[Any] = []
    current: Any = datum
    while current is not None:
        piece = current.path
        if isinstance(piece, Fields) and len(piece.fields) == 1:
            parts.append(piece.fields[0])
        elif isinstance(piece, Index):
            # jsonpath-ng >= 1.7 holds ``indices``; older releases ``index``.
            indices = getattr(piece, "indices", None) or (piece.index,)
            index = indices[0]
            parent = current.context.value if current.context is not None else None
            if isinstance(parent, list) and index < 0:
                index += len(parent)
            parts.append(index)
        current = current.context
    parts.reverse()
    return tuple(parts)


def format_path(path: tuple) -> str:
    """``('spec', 'containers', 0, 'image')`` -> ``$.spec.containers[0].image``."""
    text = "$"
    for step in path:
        if isinstance(step, int):
            text += f"[{step}]"
        elif isinstance(step, str) and re.fullmatch(r"[A-Za-z0-9_\-/]+", step):
            text += f".{step}"
        else:
            text += f"[{str(step)!r}]"
    return text


class SelectorCache:
    """Compiles each distinct selector text once per session."""

    def __init__(self) -> None:
        self._compiled: dict[str, Selector] = {}

    def get(self, text: str) -> Selector:
        selector = self._compiled.get(text)
        if selector is None:
            selector = self._compiled[text] = Selector(text)
        return selector
