"""Property-based tests (Hypothesis) over the parsers, the quantity parser,
the selectors and the condition engine.

The properties: arbitrary input gives a result or a clear, located error
(``ParseError``, ``SelectorError``, ``ConditionError``, ``None`` for "not a
quantity"), never another exception; evaluation is a pure function of its
input (the same answer twice, on a copy too, and the input left unchanged).

Profiles (registered here, applied to each test of this module only):

* ``paassec-default``: a few dozen examples per test, the whole module in
  well under 20 s; this is what every ``pytest`` run does.
* ``paassec-fuzz``: thousands of examples per test, for a long session::

      PAASSEC_FUZZ=1 pytest tests/test_fuzz.py -p no:cacheprovider \\
          --hypothesis-show-statistics
      # more or fewer examples per test:
      PAASSEC_FUZZ=1 PAASSEC_FUZZ_EXAMPLES=200000 pytest tests/test_fuzz.py
      # replay a failure Hypothesis printed:
      pytest tests/test_fuzz.py --hypothesis-seed=<seed>

  Failing examples are kept in ``.hypothesis/`` (git-ignored) and replayed
  first on the next fuzz run.  The default profile is derandomized (the same
  examples every run, no database), so CI never fails by chance.
"""

from __future__ import annotations

import copy
import json
import os
from decimal import Decimal
from pathlib import PurePath
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pytest_paassec.errors import ParseError
from pytest_paassec.model.quantity import parse_quantity
from pytest_paassec.model.repository import Repository
from pytest_paassec.parsing.discovery import classify
from pytest_paassec.parsing.documents import FORMATS, Document, ParsedFile, parse_text
from pytest_paassec.rules.catalog import build_catalog
from pytest_paassec.rules.conditions import COMPOUND, OPERATORS, Condition, ConditionError, Finding, compile_condition, compile_regex
from pytest_paassec.rules.engine import plan_checks
from pytest_paassec.rules.pathselect import Selector, SelectorCache, SelectorError

_HEALTH = [HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.data_too_large]
# The default run is derandomized and keeps no database: the same examples on
# every machine and every CI run.  The fuzz profile explores afresh each time
# and remembers what failed.
settings.register_profile(
    "paassec-default", max_examples=100, deadline=None, suppress_health_check=_HEALTH, derandomize=True, database=None, print_blob=True
)
settings.register_profile(
    "paassec-fuzz",
    max_examples=int(os.environ.get("PAASSEC_FUZZ_EXAMPLES", "20000")),
    deadline=None,
    suppress_health_check=_HEALTH,
    print_blob=True,
)
PROFILE = settings.get_profile("paassec-fuzz" if os.environ.get("PAASSEC_FUZZ") == "1" else "paassec-default")


# --- strategies -----------------------------------------------------------------

# Characters that mean something to at least one of the formats.
_SYNTAX = list(":-[]{}\"',#&*!|>%@`\t\n\r =.\\/_+0123456789abeExnoOtfuyYNTF<~$?")
tricky_text = st.text(alphabet=st.one_of(st.sampled_from(_SYNTAX), st.characters(blacklist_categories=("Cs",))), max_size=300)

keys = st.one_of(st.sampled_from(["a", "b", "name", "value", "env", "image", "password", "services", "x y", "0", "true"]), st.text(max_size=8))
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(["512Mi", "2Gi", "0.5", "100m", "1e3", "PASSWORD", "latest", "._", "0x_", "1:20", "yes", "~", "null"]),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=4), st.dictionaries(keys, children, max_size=4)),
    max_leaves=20,
)
json_documents = st.dictionaries(keys, json_values, max_size=6)


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    return "[" + ", ".join(_toml_value(v) for v in value) + "]"


def toml_dump(table: dict, prefix: tuple[str, ...] = ()) -> str:
    """A small TOML writer for what ``toml_tables`` generates."""
    lines = []
    if prefix:
        lines.append("[" + ".".join(_toml_string(p) for p in prefix) + "]")
    for key, value in table.items():
        if not isinstance(value, dict):
            lines.append(f"{_toml_string(key)} = {_toml_value(value)}")
    text = "\n".join(lines) + "\n"
    for key, value in table.items():
        if isinstance(value, dict):
            text += toml_dump(value, prefix + (key,))
    return text


toml_scalars = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
)
toml_tables = st.recursive(
    st.dictionaries(keys, st.one_of(toml_scalars, st.lists(toml_scalars, max_size=3)), max_size=4),
    lambda children: st.dictionaries(keys, st.one_of(toml_scalars, children), max_size=4),
    max_leaves=12,
)


def serialise(fmt: str, value: dict, indent: int) -> str:
    if fmt == "json":
        return json.dumps(value, indent=indent or None)
    if fmt == "yaml":
        import yaml

        return yaml.safe_dump(value, default_flow_style=None if indent else False, sort_keys=False)
    return toml_dump(value)


@st.composite
def mutated(draw: st.DrawFn, text: str) -> str:
    """``text`` with a few edits that keep it near-valid: most real errors."""
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["insert", "delete", "replace", "dup-line", "drop-line", "indent"]))
        position = draw(st.integers(0, len(text)))
        if kind == "insert":
            text = text[:position] + draw(st.sampled_from(_SYNTAX)) + text[position:]
        elif kind == "delete":
            text = text[:position] + text[position + 1 :]
        elif kind == "replace":
            text = text[:position] + draw(st.sampled_from(_SYNTAX)) + text[position + 1 :]
        else:
            lines = text.split("\n")
            index = min(position, len(lines) - 1)
            if kind == "dup-line":
                lines.insert(index, lines[index])
            elif kind == "drop-line":
                del lines[index]
            else:
                lines[index] = draw(st.sampled_from(["\t", " ", "  - ", "---\n"])) + lines[index]
            text = "\n".join(lines)
    return text


# --- parsers ---------------------------------------------------------------------

RELPATH = {"yaml": "deploy/app.yaml", "json": "app.json", "toml": "fly.toml", "dockerfile": "Dockerfile", "procfile": "Procfile",
           "requirements": "requirements.txt", "gomod": "go.mod", "gemfile": "Gemfile"}


def _paths(data: Any, prefix: tuple = (), limit: int = 40) -> list[tuple]:
    """Up to ``limit`` paths into ``data``, breadth first."""
    found: list[tuple] = []
    queue = [(prefix, data)]
    while queue and len(found) < limit:
        path, node = queue.pop(0)
        found.append(path)
        if isinstance(node, dict):
            queue.extend((path + (k,), v) for k, v in node.items())
        elif isinstance(node, list):
            queue.extend((path + (i,), v) for i, v in enumerate(node))
    return found


def check_parsed(parsed: Any, relpath: str, fmt: str, text: str) -> None:
    """What every parse result must satisfy, valid input or not."""
    assert isinstance(parsed, ParsedFile)
    assert parsed.relpath == relpath and parsed.format == fmt
    last_line = text.count("\n") + text.count("\r") + 2
    error = parsed.error
    if error is not None:
        assert isinstance(error, ParseError), type(error)
        assert error.path == relpath
        assert error.line is None or (isinstance(error.line, int) and 1 <= error.line <= last_line), error.line
        assert error.column is None or (isinstance(error.column, int) and error.column >= 1), error.column
        assert str(error).startswith(relpath) and error.problem.strip()
    for document in parsed.documents:
        assert isinstance(document, Document)
        assert isinstance(document.start_line, int) and 1 <= document.start_line <= last_line
        for path in _paths(document.data):
            line = document.line_of(path)
            assert isinstance(line, int) and 1 <= line <= last_line, (path, line)


def _snapshot(parsed: ParsedFile) -> tuple:
    return (str(parsed.error), [(d.index, d.start_line, repr(d.data)) for d in parsed.documents], [(d.key, d.line, d.column) for d in parsed.duplicates])


@PROFILE
@given(fmt=st.sampled_from(FORMATS), text=tricky_text)
@example(fmt="yaml", text="a: ._\n")
@example(fmt="yaml", text="a: 0x_\n")
@example(fmt="yaml", text="a: &a [*a]\n")
@example(fmt="json", text="[" * 5000)
@example(fmt="toml", text="a = " + "[" * 5000)
@example(fmt="dockerfile", text="FROM a\nRUN <<EOF\n")
def test_parse_text_never_raises(fmt: str, text: str) -> None:
    relpath = RELPATH[fmt]
    parsed = parse_text(relpath, fmt, text)
    check_parsed(parsed, relpath, fmt, text)
    assert _snapshot(parse_text(relpath, fmt, text)) == _snapshot(parsed)  # pure


@PROFILE
@given(fmt=st.sampled_from(["yaml", "json"]), value=json_documents, indent=st.sampled_from([0, 2]))
@example(fmt="yaml", value={"a": "._"}, indent=2)
def test_structured_text_round_trips(fmt: str, value: dict, indent: int) -> None:
    text = serialise(fmt, value, indent)
    parsed = parse_text(RELPATH[fmt], fmt, text)
    check_parsed(parsed, RELPATH[fmt], fmt, text)
    assert parsed.error is None, str(parsed.error)
    assert [d.data for d in parsed.documents] == [value]


@PROFILE
@given(value=toml_tables)
def test_toml_round_trips(value: dict) -> None:
    text = toml_dump(value)
    parsed = parse_text("fly.toml", "toml", text)
    check_parsed(parsed, "fly.toml", "toml", text)
    assert parsed.error is None, str(parsed.error)
    if not text.strip():  # an empty table writes an empty file: no document, or one empty one
        assert [d.data for d in parsed.documents] in ([], [{}])
    else:
        assert [d.data for d in parsed.documents] == [value]


@PROFILE
@given(data=st.data(), fmt=st.sampled_from(["yaml", "json", "toml"]), indent=st.sampled_from([0, 2]))
def test_near_valid_text_parses_or_is_located(data: st.DataObject, fmt: str, indent: int) -> None:
    value = data.draw(toml_tables if fmt == "toml" else json_documents)
    text = data.draw(mutated(serialise(fmt, value, indent)))
    parsed = parse_text(RELPATH[fmt], fmt, text)
    check_parsed(parsed, RELPATH[fmt], fmt, text)
    assert _snapshot(parse_text(RELPATH[fmt], fmt, text)) == _snapshot(parsed)


dockerfile_lines = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "FROM python:3.13-slim AS base",
                "FROM base",
                "FROM --platform=$BUILDPLATFORM ${IMAGE:-alpine}",
                "ARG IMAGE=alpine:3.20",
                "USER app",
                "USER root",
                'CMD ["python", "app.py"]',
                "RUN apt-get update && \\",
                "    apt-get install -y curl",
                "RUN <<EOF",
                "EOF",
                "COPY --chown=app . /app",
                "ENV A=1 B=2",
                "# escape=`",
                "# syntax=docker/dockerfile:1",
                "ONBUILD RUN make",
                "HEALTHCHECK NONE",
                "",
                "\\",
            ]
        ),
        st.text(alphabet=st.sampled_from(list("FROMRUNUSER $={}[]\"'\\`<-#:/\t")), max_size=30),
    ),
    max_size=12,
)


@PROFILE
@given(lines=dockerfile_lines, newline=st.sampled_from(["\n", "\r\n"]))
def test_dockerfile_parses_or_is_located(lines: list[str], newline: str) -> None:
    text = newline.join(lines)
    parsed = parse_text("Dockerfile", "dockerfile", text)
    check_parsed(parsed, "Dockerfile", "dockerfile", text)
    assert _snapshot(parse_text("Dockerfile", "dockerfile", text)) == _snapshot(parsed)


# --- quantities ------------------------------------------------------------------

quantity_text = st.from_regex(
    r"\A\s?[+-]?(\d{1,25}\.?\d{0,4}|\.\d{1,4})([eE][+-]?\d{1,12})?\s?(Ki|Mi|Gi|Ti|Pi|Ei|m|k|K|M|G|T|P|E|B|KB|MB|GB|TB|kb|gi|x|)\s?\Z"
)
anything = st.one_of(
    quantity_text,
    st.text(max_size=20),
    st.integers(),
    st.floats(),
    st.decimals(),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=2),
)


@PROFILE
@given(value=anything)
@example(value="1e999999999Gi")
@example(value="1e-999999999m")
@example(value=10**400)
def test_parse_quantity_is_total(value: Any) -> None:
    result = parse_quantity(value)
    assert result is None or (isinstance(result, Decimal) and result.is_finite()), result
    assert parse_quantity(value) == result


@PROFILE
@given(number=st.integers(min_value=0, max_value=10**6), suffix=st.sampled_from(["", "Ki", "Mi", "Gi", "k", "M", "G", "MB", "GB"]))
def test_quantity_units_scale(number: int, suffix: str) -> None:
    factors = {"": 1, "Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "k": 10**3, "M": 10**6, "G": 10**9, "MB": 2**20, "GB": 2**30}
    assert parse_quantity(f"{number}{suffix}") == Decimal(number) * factors[suffix]


# --- selectors -------------------------------------------------------------------

selector_parts = st.sampled_from(
    [
        "$", ".", "..", "a", "b", "name", "*", "[*]", "[0]", "[-1]", "[1:3]", "['a']", '["x y"]', "[?(@.b)]",
        "[?(@.b > 1)]", "[?(@.name == 'a')]", "[?(@ =~ 'a.*')]", "[/b]", "[\\b]", ".`len`", ".`this`", "`parent`",
        "|", "&", " where ", "[", "]", "(", ")", "'", "@",
    ]
)
selector_texts = st.one_of(st.lists(selector_parts, min_size=1, max_size=6).map("".join), st.text(max_size=20))


@PROFILE
@given(text=selector_texts)
@example(text="$[")
@example(text="a[?(@.b >")
def test_selector_compiles_or_says_why(text: str) -> None:
    try:
        selector = Selector(text)
    except SelectorError as exc:
        assert str(exc)
        return
    assert isinstance(selector.static_prefix, tuple)


@PROFILE
@given(text=selector_texts, data=json_values)
@example(text="$.a[/b]", data={"a": [{"b": 1}, {"b": "x"}]})
@example(text="$[/b]", data=None)
@example(text="`parent`", data=None)
@example(text="$&$", data=None)
@example(text="$.a[?(@.b > 1)]", data={"a": [{"b": "x"}, {"b": None}, {"b": [1]}]})
def test_selector_find_is_total_and_pure(text: str, data: Any) -> None:
    try:
        selector = Selector(text)
    except SelectorError:
        return
    before = copy.deepcopy(data)
    found = selector.find(data)
    assert isinstance(found, list)
    for path, _value in found:
        assert isinstance(path, tuple)
    assert data == before  # not mutated
    assert repr(selector.find(copy.deepcopy(data))) == repr(found)


# --- conditions ------------------------------------------------------------------

regex_text = st.text(alphabet=st.sampled_from(list("ab.*+?|()[]{}^$\\123,-")), max_size=10)
arguments = st.one_of(json_values, regex_text, quantity_text, st.booleans(), st.integers(-3, 30), st.lists(scalars, max_size=3))
paths = st.one_of(
    st.sampled_from(["$", "a", "a.b", "a[*]", "a[*].b", "$..b", "a[0]", "a[-1]", "['x y']", "a[?(@.b)]", "a[?(@.b > 1)]", "a[/b]", "$.*", "env[*].value"]),
    st.text(max_size=8),
)


@st.composite
def leaves(draw: st.DrawFn) -> dict:
    spec: dict[str, Any] = {draw(st.sampled_from(sorted(OPERATORS))): draw(arguments)}
    if draw(st.booleans()):
        spec["path"] = draw(st.one_of(paths, json_values))
    if draw(st.integers(0, 5)) == 0:
        spec["missing"] = draw(st.sampled_from(["pass", "fail", "maybe", None, True]))
    if draw(st.integers(0, 5)) == 0:
        spec["match"] = draw(st.sampled_from(["all", "any", "some", 1]))
    if draw(st.integers(0, 15)) == 0:
        spec[draw(st.sampled_from(sorted(OPERATORS) + list(COMPOUND) + ["unknown", "where"]))] = draw(arguments)
    return spec


conditions = st.recursive(
    leaves(),
    lambda children: st.one_of(
        st.builds(lambda name, items: {name: items}, st.sampled_from(["all_of", "any_of", "none_of"]), st.lists(children, max_size=3)),
        st.builds(lambda child: {"not": child}, children),
        st.builds(
            lambda path, where, expect, extra: {"for_each": {"path": path, **({"where": where} if where is not None else {}), "expect": expect, **extra}},
            paths,
            st.one_of(st.none(), children),
            children,
            st.sampled_from([{}, {}, {}, {"bogus": 1}]),
        ),
        st.lists(children, max_size=3),  # a list means all_of
    ),
    max_leaves=8,
)
condition_specs = st.one_of(conditions, json_values)


@PROFILE
@given(spec=condition_specs, data=json_values)
@example(spec={"path": "a", "le": "1e999999999Gi"}, data={"a": "1Gi"})
@example(spec={"path": "a", "le": "2Gi"}, data={"a": "1e999999999"})
@example(spec={"path": "a[/b]", "exists": True}, data={"a": [{"b": 1}, {"b": "x"}]})
@example(spec={"contains": []}, data={})
@example(spec={"path": "env", "not_contains": {"name": "A"}}, data={"env": {"A": 1}})
def test_conditions_compile_or_fail_clearly_and_evaluate_purely(spec: Any, data: Any) -> None:
    spec_before, data_before = copy.deepcopy(spec), copy.deepcopy(data)
    try:
        condition = compile_condition(spec, SelectorCache())
    except ConditionError as exc:
        assert str(exc)
        assert exc.key is None or isinstance(exc.key, str)
        return
    finally:
        assert spec == spec_before  # compiling does not change the spec
    assert isinstance(condition, Condition)
    assert isinstance(condition.describe(), str)
    findings = condition.check(data, ())
    assert isinstance(findings, list) and all(isinstance(f, Finding) for f in findings)
    for finding in findings:
        assert isinstance(finding.path, tuple) and isinstance(finding.expected, str)
    assert data == data_before  # not mutated
    assert condition.check(data, ()) == findings  # the same answer twice
    assert condition.check(copy.deepcopy(data), ()) == findings  # on a copy too
    assert condition.holds(data) is (not findings)
    assert compile_condition(spec, SelectorCache()).check(data, ()) == findings  # compiled again


@PROFILE
@given(pattern=regex_text)
def test_compile_regex_is_total(pattern: str) -> None:
    try:
        compiled = compile_regex(pattern)
    except ConditionError as exc:
        assert str(exc)
        return
    compiled.search("ab" * 5)


@pytest.mark.parametrize("pattern", ["(a+)+b", "(a|aa)+b", "((a+))+b", "(?:(a+))+b", "((a)+)+b"])
def test_catastrophic_regexes_are_refused(pattern: str) -> None:
    """Nested repetition hides behind an extra group just as well; each of
    these takes exponential time on "aaaa...c", so each must be refused."""
    with pytest.raises(ConditionError, match="backtrack"):
        compile_regex(pattern)


def test_profiles_are_registered() -> None:
    assert settings.get_profile("paassec-default").max_examples <= 100
    assert settings.get_profile("paassec-fuzz").max_examples >= 1000


# --- documents of any shape through the platform adapters and built-in controls --

_VOCABULARY = [
    "services", "image", "privileged", "environment", "ports", "volumes", "user", "cap_add", "network_mode", "deploy",
    "resources", "limits", "memory", "cpus", "apiVersion", "kind", "metadata", "name", "namespace", "spec", "template",
    "containers", "securityContext", "env", "value", "valueFrom", "hostPath", "runAsUser", "app", "http_service",
    "internal_port", "force_https", "vm", "mounts", "processes", "build", "healthcheck", "command", "labels",
    "applications", "runtime", "handlers", "Resources", "Properties", "Type", "parameters", "AWSEBDockerrunVersion",
]
_shaped_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),  # the parser's own troubles are test_parse_text_never_raises's
    st.sampled_from(["v1", "apps/v1", "Pod", "Deployment", "List", "root", "0", "host", "nginx:latest", "80:80", "SYS_ADMIN", "/var/run/docker.sock:/x"]),
)
shaped_values = st.recursive(
    _shaped_scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(st.one_of(st.sampled_from(_VOCABULARY), st.integers(0, 2), st.booleans()), children, max_size=4),
    ),
    max_leaves=25,
)
_DEPLOYMENT_NAMES = [
    "docker-compose.yml", "deploy/k8s.yaml", "app.yaml", "manifest.yml", "render.yaml", "app.json", ".do/app.yaml",
    "azuredeploy.json", "Dockerrun.aws.json", ".ebextensions/app.config",
]
_CATALOG: list = []


def builtin_catalog() -> Any:
    if not _CATALOG:
        _CATALOG.append(build_catalog([], builtin=True))
    return _CATALOG[0]


@PROFILE
@given(name=st.sampled_from(_DEPLOYMENT_NAMES), document=st.dictionaries(st.sampled_from(_VOCABULARY), shaped_values, max_size=6))
def test_any_document_shape_is_checked_without_exceptions(name: str, document: dict) -> None:
    """Every platform adapter and built-in control on odd but parseable data:
    findings or none, never an exception (a crash would be an error item)."""
    import yaml

    candidate = classify(PurePath(name))
    assert candidate is not None
    text = json.dumps(document, default=str) if candidate.format == "json" else yaml.safe_dump(document)
    parsed = parse_text(name, candidate.format, text)
    if parsed.error is not None:
        return
    plan = plan_checks(parsed, candidate, builtin_catalog())
    repository = Repository(plan.resources)
    for resource, control in plan.checks:
        for violation in control.evaluate(resource, repository):
            assert isinstance(violation.render(), str)
