"""A Dockerfile parser that keeps what security controls need.

The result is plain data (dicts and lists) so the same JSONPath controls
work on it as on YAML.  Parser directives (``escape``), line continuations
(joined as BuildKit joins them), comments inside continuations, heredocs,
JSON (exec) and shell forms, multi-stage builds and ``ARG`` substitution in
``FROM`` are handled.

Shape::

    {escape, args, stages: [{index, name, from: {raw, image, platform,
     stage, unresolved, line}, instructions, user, line}], final, instructions}

``user`` is the stage's effective user: its last ``USER``, or the user of
the stage it is built ``FROM`` (a stage inherits its parent's image
configuration), or ``None`` when neither sets one.
"""

from __future__ import annotations

import json
import re
from typing import Any, NamedTuple

from .yamlload import LineTable

_DIRECTIVE = re.compile(r"^#\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(.*?)\s*$")
_KNOWN_DIRECTIVES = frozenset(("syntax", "escape", "check"))
_INSTRUCTION = re.compile(r"^\s*([A-Za-z]+)(?:\s+(.*))?$", re.DOTALL)
# One word of the instruction line: ``<<EOF``, ``<<-EOF``, ``<<"EOF"``, ``2<<EOF``.
_HEREDOC_WORD = re.compile(r"""^\d*<<(-?)(["']?)([^\s<"']+)\2$""")
_VARIABLE = re.compile(
    r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))"
)
_FLAG = re.compile(r"^--([a-z-]+)(?:=(\S*))?\s*")

KNOWN = frozenset(
    "ADD ARG CMD COPY ENTRYPOINT ENV EXPOSE FROM HEALTHCHECK LABEL MAINTAINER "
    "ONBUILD RUN SHELL STOPSIGNAL USER VOLUME WORKDIR".split()
)
HEREDOC_INSTRUCTIONS = frozenset(("RUN", "COPY", "ADD"))


class DockerfileError(ValueError):
    def __init__(self, line: int, problem: str) -> None:
        self.line = line
        self.problem = problem
        super().__init__(problem)


class Assignment(NamedTuple):
    """``NAME=value`` from ENV or ARG; ``value`` is None for a bare ``ARG NAME``."""

    name: str
    value: str | None
    expands: bool  # the value substitutes a variable: it is not fixed by the file


def directives(lines: list[str]) -> dict[str, str]:
    """Parser directives at the very top; the first other line ends them."""
    found: dict[str, str] = {}
    for raw in lines:
        match = _DIRECTIVE.match(raw)
        if not match or match.group(1).lower() not in _KNOWN_DIRECTIVES:
            break
        found.setdefault(match.group(1).lower(), match.group(2))
    return found


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("#")


def _heredocs(keyword: str, rest: str, escape: str) -> list[tuple[str, bool]]:
    """(terminator, strip tabs) for each heredoc an instruction line opens."""
    if keyword not in HEREDOC_INSTRUCTIONS or rest.lstrip().startswith("["):
        return []
    found = []
    for word in _words(rest, escape):
        match = _HEREDOC_WORD.match(word)
        if match:
            found.append((match.group(3), match.group(1) == "-"))
    return found


def _logical_lines(text: str, escape: str) -> list[tuple[int, str]]:
    """(first line number, instruction text) pairs, heredoc bodies appended.

    Like BuildKit, a continuation removes the escape character and the line
    break and nothing else: continuation lines keep their leading space.
    """
    raw_lines = text.splitlines()
    result: list[tuple[int, str]] = []
    i = 0
    while i < len(raw_lines):
        start = i + 1
        line = raw_lines[i]
        i += 1
        if not line.strip() or _is_comment(line):
            continue
        joined = ""
        piece = line.lstrip()
        while True:
            stripped = piece.rstrip()
            if not stripped.endswith(escape):
                joined += piece
                break
            joined += stripped[: -len(escape)]
            while i < len(raw_lines) and (_is_comment(raw_lines[i]) or not raw_lines[i].strip()):
                i += 1
            if i >= len(raw_lines):
                break
            piece = raw_lines[i]
            i += 1
        match = _INSTRUCTION.match(joined)
        if match:
            bodies = []
            for terminator, strip_tabs in _heredocs(match.group(1).upper(), match.group(2) or "", escape):
                body = []
                while True:
                    if i >= len(raw_lines):
                        raise DockerfileError(start, f"heredoc <<{terminator} is not terminated")
                    body_line = raw_lines[i]
                    i += 1
                    if strip_tabs:
                        body_line = body_line.lstrip("\t")
                    if body_line == terminator:
                        break
                    body.append(body_line)
                bodies.append("\n".join(body))
            if bodies:
                joined = joined + "\n" + "\n".join(bodies)
        result.append((start, joined))
    return result


def substitute(value: str, variables: dict[str, str | None], unresolved: list[str] | None = None) -> str:
    """Expand ``$VAR``, ``${VAR}``, ``${VAR:-default}``, ``${VAR-default}``,
    ``${VAR:+alt}`` and ``${VAR+alt}`` as Docker does.

    A variable that is declared without a value counts as unset.  Names that
    end up with no value are appended to ``unresolved``.
    """

    def replace(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(5)
        current = variables.get(name)
        colon, operator, word = match.group(2), match.group(3), match.group(4)
        is_set = current is not None and (current != "" or not colon)
        if operator == "-":
            return current if is_set and current is not None else word
        if operator == "+":
            return word if is_set else ""
        if current is None or current == "":
            if unresolved is not None:
                unresolved.append(name)
            return ""
        return current

    return _VARIABLE.sub(replace, value)


def _words(text: str, escape: str) -> list[str]:
    """Split on whitespace outside quotes; quotes and escapes are kept."""
    words: list[str] = []
    current = ""
    quote = ""
    i = 0
    while i < len(text):
        char = text[i]
        if quote:
            current += char
            if char == escape and quote == '"' and i + 1 < len(text):
                current += text[i + 1]
                i += 1
            elif char == quote:
                quote = ""
        elif char == escape and i + 1 < len(text):
            current += char + text[i + 1]
            i += 1
        elif char in "\"'":
            quote = char
            current += char
        elif char.isspace():
            if current:
                words.append(current)
            current = ""
        else:
            current += char
        i += 1
    if current:
        words.append(current)
    return words


def unquote(word: str, escape: str = "\\") -> tuple[str, bool]:
    """Remove quotes and escapes as Docker's word processing does.

    Returns the text and whether it substitutes a variable (``$NAME`` or
    ``${...}`` outside single quotes and not escaped).
    """
    out = []
    expands = False
    quote = ""
    i = 0
    while i < len(word):
        char = word[i]
        following = word[i + 1] if i + 1 < len(word) else ""
        if quote == "'":
            if char == "'":
                quote = ""
            else:
                out.append(char)
        elif char == escape and following:
            out.append(following)
            i += 1
        elif char == '"':
            quote = "" if quote == '"' else '"'
        elif char == "'" and not quote:
            quote = "'"
        else:
            if char == "$" and (following == "{" or following.isalpha() or following == "_"):
                expands = True
            out.append(char)
        i += 1
    return "".join(out), expands


def assignments(text: str, escape: str = "\\", legacy: bool = False) -> list[Assignment]:
    """The variables an ENV (``legacy=True`` allows ``ENV NAME value``) or ARG sets."""
    words = _words(text.strip(), escape)
    if not words:
        return []
    if legacy and "=" not in words[0]:
        name = words[0]
        rest = text.strip()[len(name) :].strip()
        value, expands = unquote(rest, escape)
        return [Assignment(name, value, expands)]
    found = []
    for word in words:
        name, sep, raw = word.partition("=")
        if not name:
            continue
        if not sep:
            found.append(Assignment(name, None, False))
            continue
        value, expands = unquote(raw, escape)
        found.append(Assignment(name, value, expands))
    return found


def _split_flags(value: str) -> tuple[dict[str, str], str]:
    flags: dict[str, str] = {}
    while True:
        match = _FLAG.match(value)
        if not match:
            return flags, value
        flags[match.group(1)] = match.group(2) or ""
        value = value[match.end() :]


def _arguments(value: str) -> tuple[str, list[str]]:
    """Exec form parses as JSON; anything else is shell form split on spaces."""
    stripped = value.strip()
    if stripped.startswith("["):
        try:
            parsed = json.loads(stripped)
        except ValueError:
            pass
        else:
            if isinstance(parsed, list) and all(isinstance(p, str) for p in parsed):
                return "exec", parsed
    return "shell", stripped.split()


def _set_variables(variables: dict[str, str | None], found: list[Assignment]) -> None:
    for item in found:
        if item.value is None:
            variables.setdefault(item.name, None)
        else:
            variables[item.name] = substitute(item.value, variables) if item.expands else item.value


def parse_dockerfile(text: str) -> tuple[dict[str, Any], LineTable]:
    """Parse a Dockerfile into data plus a line table for failure locations."""
    escape = directives(text.splitlines()).get("escape", "\\")
    if escape not in ("\\", "`"):
        raise DockerfileError(1, "the escape directive takes \\ or `")
    table: LineTable = {}
    global_args: dict[str, str | None] = {}
    stages: list[dict[str, Any]] = []
    all_instructions: list[dict[str, Any]] = []
    stage_lines: list[int] = []
    current: dict[str, Any] | None = None
    # Variables visible in each stage (ARG and ENV), for USER substitution.
    scopes: list[dict[str, str | None]] = []

    for line, logical in _logical_lines(text, escape):
        match = _INSTRUCTION.match(logical)
        if not match:
            raise DockerfileError(line, "cannot read this line as an instruction")
        keyword = match.group(1).upper()
        value = (match.group(2) or "").strip()
        if keyword not in KNOWN:
            raise DockerfileError(line, f"unknown instruction {match.group(1)[:20]!r}")
        flags, rest = _split_flags(value)
        form, args = _arguments(rest)
        instruction: dict[str, Any] = {
            "instruction": keyword,
            "value": rest,
            "form": form,
            "args": args,
            "flags": flags,
            "line": line,
        }
        table[id(instruction)] = (line, {key: line for key in instruction})
        table[id(args)] = (line, [line] * len(args))
        all_instructions.append(instruction)

        if keyword == "FROM":
            words = rest.split()
            if not words:
                raise DockerfileError(line, "FROM needs an image")
            raw_image = words[0]
            alias = words[2] if len(words) >= 3 and words[1].lower() == "as" else None
            unresolved: list[str] = []
            image = substitute(raw_image, global_args, unresolved)
            parent = next(
                (s for s in reversed(stages) if s["name"] and s["name"].lower() == image.lower()),
                None,
            )
            current = {
                "index": len(stages),
                "name": alias,
                "from": {
                    "raw": raw_image,
                    "image": image,
                    "platform": flags.get("platform"),
                    "stage": parent is not None,
                    "unresolved": unresolved,
                    "line": line,
                },
                "instructions": [],
                "user": parent["user"] if parent is not None else None,
                "line": line,
            }
            lines = {key: line for key in current}
            if parent is not None and parent["user"] is not None:
                lines["user"] = table[id(parent)][1]["user"]
            table[id(current)] = (line, lines)
            table[id(current["from"])] = (line, {key: line for key in current["from"]})
            table[id(unresolved)] = (line, [line] * len(unresolved))
            stages.append(current)
            stage_lines.append(line)
            scopes.append(dict(scopes[parent["index"]]) if parent is not None else {})
            continue
        if current is None:
            if keyword == "ARG":
                _set_variables(global_args, assignments(rest, escape))
                continue
            raise DockerfileError(line, f"{keyword} must come after the first FROM")
        scope = scopes[-1]
        if keyword == "ARG":
            for item in assignments(rest, escape):
                if item.value is None and item.name in global_args:
                    # ``ARG NAME`` in a stage brings in the global default.
                    scope[item.name] = global_args[item.name]
                else:
                    _set_variables(scope, [item])
        elif keyword == "ENV":
            _set_variables(scope, assignments(rest, escape, legacy=True))
        elif keyword == "USER":
            missing: list[str] = []
            user = substitute(rest, scope, missing).strip()
            # A user that only the build decides stays as written.
            current["user"] = rest.strip() if missing else user
            table[id(current)][1]["user"] = line
        current["instructions"].append(instruction)

    if not stages:
        raise DockerfileError(1, "no FROM instruction")
    for stage in stages:
        table[id(stage["instructions"])] = (
            stage["line"],
            [ins["line"] for ins in stage["instructions"]],
        )
    data: dict[str, Any] = {
        "escape": escape,
        # Build arguments declared before the first FROM; "" when no default.
        "args": {name: default if default is not None else "" for name, default in global_args.items()},
        "stages": stages,
        "final": stages[-1],
        "instructions": all_instructions,
    }
    table[id(stages)] = (stage_lines[0], stage_lines)
    table[id(all_instructions)] = (1, [ins["line"] for ins in all_instructions])
    table[id(data)] = (
        1,
        {"stages": stage_lines[0], "final": stage_lines[-1], "args": 1, "instructions": 1, "escape": 1},
    )
    return data, table
