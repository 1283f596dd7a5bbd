"""Safe YAML loading that remembers where every mapping key and list item was.

We parse each file once with libyaml's C parser when it is available and
record line numbers while constructing, keyed by the identity of each
container.  Recording costs about 8% over a plain ``CSafeLoader`` load; a
second, node-level parse to find lines for failures would cost more.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
HAVE_LIBYAML = _BaseLoader is not yaml.SafeLoader

_MERGE_TAG = "tag:yaml.org,2002:merge"

# CloudFormation short-form intrinsics appear in .ebextensions Resources.
# They map to the long form, as CloudFormation itself does.
_CFN_TAGS = {
    "!Ref": "Ref",
    "!Condition": "Condition",
    **{
        f"!{name}": f"Fn::{name}"
        for name in (
            "Base64",
            "Cidr",
            "FindInMap",
            "GetAtt",
            "GetAZs",
            "ImportValue",
            "Join",
            "Select",
            "Split",
            "Sub",
            "Transform",
            "And",
            "Equals",
            "If",
            "Not",
            "Or",
        )
    },
}

# Compose's merge tags (``privileged: !reset null``, ``ports: !override [...]``):
# the value is loaded as if untagged and the tag recorded in ``tags``.
COMPOSE_TAGS = frozenset({"!reset", "!override"})

# Container id -> (line of the container, {key: line} or [line, ...]).
LineTable = dict[int, tuple[int, Any]]


class DuplicateKey:
    """A mapping key given twice; YAML keeps the last value silently."""

    __slots__ = ("key", "line", "column", "first_line")

    def __init__(self, key: str, line: int, column: int, first_line: int) -> None:
        self.key = key
        self.line = line
        self.column = column
        self.first_line = first_line


class LineLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """A safe loader that fills ``lines`` and ``duplicates`` as it constructs."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self.lines: LineTable = {}
        self.duplicates: list[DuplicateKey] = []
        # Mapping id -> {key: "!reset" or "!override"}, for the compose merge.
        self.tags: dict[int, dict[Any, str]] = {}

    def construct_line_map(self, node: MappingNode):  # type: ignore[no-untyped-def]
        data: dict[Any, Any] = {}
        yield data
        key_lines: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.__class__ is ScalarNode and key_node.tag != _MERGE_TAG:
                key = key_node.value
                line = key_node.start_mark.line + 1
                first = key_lines.get(key)
                if first is not None:
                    self.duplicates.append(
                        DuplicateKey(key, line, key_node.start_mark.column + 1, first)
                    )
                key_lines[key] = line
        tags: dict[Any, str] = {}
        data.update(self._mapping_with_text_keys(node, tags))
        self.lines[id(data)] = (node.start_mark.line + 1, key_lines)
        if tags:
            self.tags[id(data)] = tags

    def _mapping_with_text_keys(self, node: MappingNode, tags: dict[Any, str]) -> dict:
        """Non-string scalar keys (1, true, null) keep their text: 1 and true
        are two keys, as in every YAML 1.2 tool, not one Python key."""
        self.flatten_mapping(node)
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is ScalarNode and key_node.tag in _TEXT_KEY_TAGS:
                key: Any = key_node.value
            else:
                key = self.construct_object(key_node)
                try:
                    hash(key)
                except TypeError:
                    raise yaml.constructor.ConstructorError(
                        "while constructing a mapping", node.start_mark, "found unhashable key", key_node.start_mark
                    ) from None
            if value_node.tag in COMPOSE_TAGS:
                tags[key] = value_node.tag
                value_node.tag = self._untagged(value_node)
            mapping[key] = self.construct_object(value_node)
        return mapping

    def _untagged(self, node: yaml.Node) -> str:
        """The tag the node would have without its explicit one."""
        if isinstance(node, ScalarNode):
            return self.resolve(ScalarNode, node.value, (not node.style, bool(node.style)))
        return "tag:yaml.org,2002:map" if isinstance(node, MappingNode) else "tag:yaml.org,2002:seq"

    def construct_yaml_int(self, node):  # type: ignore[no-untyped-def]
        try:
            return super().construct_yaml_int(node)
        except ValueError:  # 0x_, 0b_: not a number after all
            return self.construct_scalar(node)

    def construct_yaml_float(self, node):  # type: ignore[no-untyped-def]
        try:
            return super().construct_yaml_float(node)
        except ValueError:  # ._
            return self.construct_scalar(node)

    def construct_line_seq(self, node: SequenceNode):  # type: ignore[no-untyped-def]
        data: list[Any] = []
        yield data
        data.extend(self.construct_sequence(node))
        self.lines[id(data)] = (
            node.start_mark.line + 1,
            [item.start_mark.line + 1 for item in node.value],
        )

    def construct_local_tag(self, tag_suffix: str, node: yaml.Node) -> Any:
        tag = "!" + tag_suffix
        name = _CFN_TAGS.get(tag)
        if name is None:
            raise yaml.constructor.ConstructorError(
                None,
                None,
                f"unsupported YAML tag {tag!r}",
                node.start_mark,
            )
        if isinstance(node, ScalarNode):
            value: Any = self.construct_scalar(node)
            if name == "Fn::GetAtt" and isinstance(value, str):
                value = value.split(".", 1)
        elif isinstance(node, SequenceNode):
            value = self.construct_sequence(node, deep=True)
        else:
            value = self.construct_mapping(node, deep=True)
        return {name: value}


_TEXT_KEY_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("int", "bool", "float", "null"))
LineLoader.add_constructor("tag:yaml.org,2002:map", LineLoader.construct_line_map)
LineLoader.add_constructor("tag:yaml.org,2002:int", LineLoader.construct_yaml_int)
LineLoader.add_constructor("tag:yaml.org,2002:float", LineLoader.construct_yaml_float)
LineLoader.add_constructor("tag:yaml.org,2002:seq", LineLoader.construct_line_seq)
LineLoader.add_multi_constructor("!", LineLoader.construct_local_tag)


def line_in_table(table: LineTable, root: Any, start_line: int, path: tuple) -> int:
    """Line of the deepest part of ``path`` that the table knows, from ``root``."""
    line = start_line
    node = root
    for step in path:
        entry = table.get(id(node))
        if entry is None:
            break
        container_line, children = entry
        line = container_line
        try:
            if isinstance(children, dict):
                found = children.get(step)
                if found is None:
                    found = children.get(str(step))
                if found is not None:
                    line = found
            elif isinstance(step, int) and 0 <= step < len(children):
                line = children[step]
            node = node[step]
        except (KeyError, IndexError, TypeError):
            break
    return line


def expanded_size(root: Any, limit: int) -> int:
    """Count nodes as if every alias were expanded; stop early past ``limit``.

    Aliases share one object, so a "billion laughs" file is small in memory,
    but any walk over it (a recursive JSONPath, a report) would expand it.
    """
    memo: dict[int, int] = {}

    def size(obj: Any, depth: int) -> int:
        if depth > 500:
            raise RecursionError
        if isinstance(obj, dict):
            children: Any = obj.values()
        elif isinstance(obj, list):
            children = obj
        else:
            return 1
        key = id(obj)
        cached = memo.get(key)
        if cached is not None:
            return cached
        total = 1
        for child in children:
            total += size(child, depth + 1)
            if total > limit:
                break
        memo[key] = total
        return total

    return size(root, 0)


# YAML 1.1 reads unquoted 22:22 as the base-60 number 1342; the tools that
# read these files (Compose, Kubernetes) follow YAML 1.2, where it is a
# string.  Keep decimal, octal, hex and binary numbers; drop base 60.
def _without_base60(tag: str) -> None:
    for first, resolvers in list(LineLoader.yaml_implicit_resolvers.items()):
        LineLoader.yaml_implicit_resolvers[first] = [r for r in resolvers if r[0] != tag]


LineLoader.yaml_implicit_resolvers = dict(LineLoader.yaml_implicit_resolvers)
_without_base60("tag:yaml.org,2002:int")
_without_base60("tag:yaml.org,2002:float")
LineLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)
LineLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."),
)
