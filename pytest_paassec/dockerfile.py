"""A Dockerfile parser that keeps what security controls need.

The result is plain data (dicts and lists) so the same JSONPath controls
work on it as on YAML.  Line continuations, comments inside continuations,
the ``escape`` directive, heredocs, JSON (exec) and shell forms, multi-stage
builds and ``ARG`` substitution in ``FROM`` are handled.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .yamlload import LineTable

_DIRECTIVE = re.compile(r"^#\s*escape\s*=\s*(\S)\s*$", re.IGNORECASE)
_INSTRUCTION = re.compile(r"^\s*([A-Za-z]+)(?:\s+(.*))?$", re.DOTALL)
_HEREDOC = re.compile(r"<<-?\s*[\"']?([A-Za-z_][A-Za-z0-9_]*)[\"']?")
_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?[-+]([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")
_FLAG = re.compile(r"^--([a-z-]+)(?:=(\S*))?\s*")

KNOWN = frozenset(
    "ADD ARG CMD COPY ENTRYPOINT ENV EXPOSE FROM HEALTHCHECK LABEL MAINTAINER "
    "ONBUILD RUN SHELL STOPSIGNAL USER VOLUME WORKDIR".split()
)


class DockerfileError(ValueError):
    def __init__(self, line: int, problem: str) -> None:
        self.line = line
        self.problem = problem
        super().__init__(problem)


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Join continuations; return (first line number, joined text) pairs."""
    raw_lines = text.splitlines()
    escape = "\\"
    for raw in raw_lines:
        if not raw.startswith("#"):
            break
        match = _DIRECTIVE.match(raw)
        if match:
            escape = match.group(1)
    result: list[tuple[int, str]] = []
    i = 0
    while i < len(raw_lines):
        start = i + 1
        line = raw_lines[i]
        i += 1
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = []
        while True:
            stripped = line.rstrip()
            if stripped.endswith(escape) and i <= len(raw_lines):
                parts.append(stripped[: -len(escape)])
                # Comment and empty lines inside a continuation are dropped.
                while i < len(raw_lines) and (
                    raw_lines[i].lstrip().startswith("#") or not raw_lines[i].strip()
                ):
                    i += 1
                if i >= len(raw_lines):
                    break
                line = raw_lines[i]
                i += 1
                continue
            parts.append(line)
            break
        joined = " ".join(p.strip() for p in parts)
        heredoc = _HEREDOC.search(joined)
        if heredoc and joined.split(None, 1)[0].upper() in ("RUN", "COPY", "ADD"):
            terminator = heredoc.group(1)
            body = []
            while i < len(raw_lines) and raw_lines[i].strip() != terminator:
                body.append(raw_lines[i])
                i += 1
            i += 1  # the terminator line
            joined = joined + "\n" + "\n".join(body)
        result.append((start, joined))
    return result


def substitute(value: str, variables: dict[str, str]) -> str:
    """Expand ``$VAR``, ``${VAR}`` and ``${VAR:-default}`` as Docker does for FROM."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(3)
        if name in variables and variables[name] != "":
            return variables[name]
        return match.group(2) or ""

    return _VARIABLE.sub(replace, value)


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


def parse_dockerfile(text: str) -> tuple[dict[str, Any], LineTable]:
    """Parse a Dockerfile into data plus a line table for failure locations."""
    table: LineTable = {}
    global_args: dict[str, str] = {}
    stages: list[dict[str, Any]] = []
    all_instructions: list[dict[str, Any]] = []
    stage_lines: list[int] = []
    current: dict[str, Any] | None = None
    stage_args: dict[str, str] = {}

    for line, logical in _logical_lines(text):
        match = _INSTRUCTION.match(logical)
        if not match:
            raise DockerfileError(line, f"cannot read instruction {logical[:40]!r}")
        keyword = match.group(1).upper()
        value = (match.group(2) or "").strip()
        if keyword not in KNOWN:
            raise DockerfileError(line, f"unknown instruction {match.group(1)!r}")
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
            image = substitute(raw_image, global_args)
            stage_names = {s["name"] for s in stages if s["name"]}
            current = {
                "index": len(stages),
                "name": alias,
                "from": {
                    "raw": raw_image,
                    "image": image,
                    "platform": flags.get("platform"),
                    "stage": image in stage_names,
                    "line": line,
                },
                "instructions": [],
                "user": None,
                "line": line,
            }
            table[id(current)] = (line, {key: line for key in current})
            table[id(current["from"])] = (line, {key: line for key in current["from"]})
            stages.append(current)
            stage_lines.append(line)
            stage_args = dict(global_args)
            continue
        if current is None:
            if keyword == "ARG":
                name, _, default = rest.partition("=")
                global_args[name.strip()] = default.strip().strip("\"'")
                continue
            raise DockerfileError(line, f"{keyword} before the first FROM")
        if keyword == "ARG":
            name, _, default = rest.partition("=")
            stage_args[name.strip()] = default.strip().strip("\"'")
        if keyword == "USER":
            current["user"] = substitute(rest, stage_args).strip()
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
        "args": global_args,
        "stages": stages,
        "final": stages[-1],
        "instructions": all_instructions,
    }
    table[id(stages)] = (stage_lines[0], stage_lines)
    table[id(all_instructions)] = (1, [ins["line"] for ins in all_instructions])
    table[id(data)] = (1, {"stages": stage_lines[0], "final": stage_lines[-1], "args": 1, "instructions": 1})
    return data, table
