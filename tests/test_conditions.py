"""The condition language: every operator, compound forms and compile errors."""

from __future__ import annotations

from typing import Any

import pytest

from pytest_paassec.rules.conditions import MISSING, OPERATORS, ConditionError, compile_condition, compile_expectation, iter_leaves
from pytest_paassec.rules.pathselect import SelectorCache


def check(spec: Any, data: Any) -> list:
    return compile_condition(spec, SelectorCache()).check(data, ())


def holds(spec: Any, data: Any) -> bool:
    return not check(spec, data)


@pytest.mark.parametrize(
    "spec, passing, failing",
    [
        ({"path": "a", "exists": True}, {"a": 0}, {"a": None}),
        ({"path": "a", "exists": False}, {}, {"a": 1}),
        ({"path": "a", "absent": True}, {"b": 1}, {"a": False}),
        ({"path": "a", "equals": True}, {"a": True}, {"a": "true"}),
        ({"path": "a", "equals": 1}, {"a": 1.0}, {"a": True}),
        ({"path": "a", "not_equals": True}, {}, {"a": True}),
        ({"path": "a", "one_of": ["x", "y"]}, {"a": "y"}, {"a": "z"}),
        ({"path": "a", "not_one_of": ["x"]}, {"a": "y"}, {"a": "x"}),
        ({"path": "a", "matches": "^v[0-9]+$"}, {"a": "v12"}, {"a": "latest"}),
        ({"path": "a", "not_matches": ":latest$"}, {"a": "nginx:1.2"}, {"a": "nginx:latest"}),
        ({"path": "a", "contains": "ALL"}, {"a": ["ALL"]}, {"a": ["NET_RAW"]}),
        ({"path": "a", "contains": "ab"}, {"a": "xaby"}, {"a": "xy"}),
        ({"path": "a", "not_contains": "SYS_ADMIN"}, {"a": ["CHOWN"]}, {"a": ["SYS_ADMIN"]}),
        ({"path": "a", "le": "2Gi"}, {"a": "512Mi"}, {"a": "3Gi"}),
        ({"path": "a", "lt": 10}, {"a": 9}, {"a": 10}),
        ({"path": "a", "ge": "250m"}, {"a": "0.5"}, {"a": "100m"}),
        ({"path": "a", "gt": 0}, {"a": 1}, {"a": "lots"}),
        ({"path": "a", "min_length": 1}, {"a": [1]}, {"a": []}),
        ({"path": "a", "key_matches": "^own"}, {"a": {"owner": 1}}, {"a": {"team": 1}}),
        ({"path": "a", "no_key_matches": "(?i)password"}, {"a": {"user": "x"}}, {"a": {"DB_PASSWORD": "x"}}),
        ({"path": "a", "looks_random": False}, {"a": "production-database-host"}, {"a": "Zx81kQ2pL0vB7mN4cR9tY3wE6"}),
        ({"path": "a", "max_length": 2}, {"a": "ab"}, {"a": "abc"}),
        ({"path": "name", "secret_name": True}, {"name": "SENTRY_DSN"}, {"name": "DB_PASSWORD_FILE"}),
        ({"path": "name", "secret_name": False}, {"name": "LOG_LEVEL"}, {"name": "WEBHOOK_URL"}),
        ({"path": "v", "credential": False}, {"v": "postgres://app:${DB_PASSWORD}@db/app"}, {"v": "postgres://app:hunter22@db/app"}),
        ({"path": "v", "credential": True}, {"v": "AKIAQCANARYZ7W3E9R5T"}, {"v": "AKIA-not-a-key"}),
    ],
)
def test_each_operator(spec: dict, passing: Any, failing: Any) -> None:
    assert holds(spec, passing)
    assert not holds(spec, failing)


def test_null_counts_as_missing() -> None:
    assert holds({"path": "a", "one_of": [1], "missing": "pass"}, {"a": None})
    assert holds({"path": "a", "absent": True}, {"a": None})
    assert not holds({"path": "a", "equals": 1}, {"a": None})


def test_missing_defaults_and_override() -> None:
    assert not holds({"path": "a", "equals": 1}, {})
    assert holds({"path": "a", "not_equals": 1}, {})
    assert holds({"path": "a", "equals": 1, "missing": "pass"}, {})
    assert not holds({"path": "a", "not_equals": 1, "missing": "fail"}, {})


def test_every_operator_is_a_declared_type() -> None:
    for name, operator in OPERATORS.items():
        assert operator.name == name and operator.takes and operator.meaning
    assert OPERATORS["one_of"].describe(OPERATORS["one_of"].compile(["a", "b"])) == 'one of "a" or "b"'
    assert OPERATORS["le"].describe(OPERATORS["le"].compile("2Gi")) == "at most 2Gi"
    assert OPERATORS["credential"].describe(False) == "not a credential in a known format"
    with pytest.raises(ConditionError, match="secret_name takes true or false") as caught:
        OPERATORS["secret_name"].compile("yes")
    assert caught.value.key == "secret_name"


def expect(spec: dict, unknown: str | None = None):  # type: ignore[no-untyped-def]
    return compile_expectation(spec, SelectorCache(), unknown)


@pytest.mark.parametrize(
    "spec, unknown, passes_when_missing",
    [
        ({"path": "a", "equals": 1}, None, False),  # the operator decides
        ({"path": "a", "not_equals": 1}, None, True),
        ({"path": "a", "equals": 1}, "pass", True),  # then the control
        ({"path": "a", "not_equals": 1}, "fail", False),
        ({"all_of": [{"path": "a", "equals": 1, "missing": "fail"}, {"path": "b", "equals": 1}]}, "pass", False),  # the leaf first
        ({"not": {"path": "a", "not_equals": 1}}, None, False),
        ({"not": {"path": "a", "not_equals": 1}}, "pass", True),  # about the verdict, under not too
        ({"none_of": [{"path": "a", "absent": True}]}, "pass", True),
    ],
)
def test_a_missing_field_means_leaf_else_control_else_operator(spec: dict, unknown: str | None, passes_when_missing: bool) -> None:
    assert expect(spec, unknown).holds({}) is passes_when_missing


def test_unknown_leaves_where_filters_alone() -> None:
    condition = expect({"for_each": {"path": "x[*]", "where": {"path": "on", "equals": True}, "expect": {"path": "a", "equals": 1}}}, "pass")
    where, leaf = iter_leaves(condition)
    assert (where.missing_passes, leaf.missing_passes) == (False, True)
    assert condition.holds({"x": [{"a": 2}]})  # the where filter still skips the entry


@pytest.mark.parametrize(
    "spec, unknown, path, message",
    [
        ({"path": "a", "not_equals": 1, "missing": "pass"}, None, ("missing",), "missing: pass restates the default (not_equals passes"),
        ({"path": "a", "equals": 1, "missing": "fail"}, None, ("missing",), "missing: fail restates the default (equals fails"),
        ({"all_of": [{"path": "a", "equals": 1}, {"path": "b", "equals": 1, "missing": "pass"}]}, "pass", ("all_of", 1, "missing"), "the control's unknown: pass"),
        ({"path": "a", "exists": False, "missing": "pass"}, None, ("missing",), "restates"),
        ({"path": "a", "not_equals": 1}, "pass", ("unknown",), "unknown: pass changes nothing"),
        ({"path": "a", "equals": 1, "missing": "pass"}, "fail", ("unknown",), "unknown: fail changes nothing"),
        ({"path": "a", "equals": 1}, "maybe", ("unknown",), "unknown takes pass or fail"),
        ({"for_each": {"path": "x", "expect": {"any_of": [{"path": "a", "le": "lots"}]}}}, None, ("for_each", "expect", "any_of", 0, "le"), "number or quantity"),
    ],
)
def test_qualifiers_that_say_nothing_are_refused(spec: dict, unknown: str | None, path: tuple, message: str) -> None:
    with pytest.raises(ConditionError, match=message.replace("(", r"\(").replace(")", r"\)")) as caught:
        expect(spec, unknown)
    assert caught.value.path == path


def test_findings_name_path_found_and_expected() -> None:
    [finding] = check({"path": "spec.containers[*].image", "not_matches": ":latest$"}, {"spec": {"containers": [{"image": "a:1"}, {"image": "b:latest"}]}})
    assert finding.path == ("spec", "containers", 1, "image")
    assert finding.found == "b:latest"
    assert finding.expected == "text not matching /:latest$/"
    [missing] = check({"path": "spec.securityContext.runAsNonRoot", "equals": True}, {"spec": {}})
    assert missing.path == ("spec", "securityContext", "runAsNonRoot") and missing.found is MISSING


def test_match_any() -> None:
    spec = {"path": "ports[*]", "equals": 443, "match": "any"}
    assert holds(spec, {"ports": [80, 443]})
    assert not holds(spec, {"ports": [80, 8080]})


def test_compound_forms() -> None:
    both = {"all_of": [{"path": "a", "equals": 1}, {"path": "b", "equals": 2}]}
    assert holds(both, {"a": 1, "b": 2}) and len(check(both, {"a": 0, "b": 0})) == 2
    assert holds([{"path": "a", "equals": 1}], {"a": 1})  # a list is all_of
    either = {"any_of": [{"path": "a", "equals": 1}, {"path": "b", "equals": 2}]}
    assert holds(either, {"b": 2}) and len(check(either, {})) == 1
    neither = {"none_of": [{"path": "a", "equals": True}, {"path": "b", "equals": True}]}
    assert holds(neither, {"a": False}) and len(check(neither, {"a": True, "b": True})) == 2
    negated = {"not": {"path": "type", "one_of": ["LoadBalancer", "NodePort"]}}
    [finding] = check(negated, {"type": "NodePort"})
    assert finding.path == ("type",) and finding.found == "NodePort"
    assert holds(negated, {"type": "ClusterIP"})


def test_for_each_with_where_and_nesting() -> None:
    spec = {
        "for_each": {
            "path": "rules[*]",
            "where": {"path": "http", "exists": True},
            "expect": {"for_each": {"path": "http.paths[*]", "expect": {"path": "backend", "exists": True}}},
        }
    }
    data = {"rules": [{"host": "a"}, {"http": {"paths": [{"backend": 1}, {}]}}]}
    [finding] = check(spec, data)
    assert finding.path == ("rules", 1, "http", "paths", 1, "backend")


def test_jsonpath_ng_for_filters_and_recursive_descent() -> None:
    data = {"env": [{"name": "A", "value": "1"}, {"name": "PASSWORD", "value": "x"}]}
    [finding] = check({"path": "$.env[?(@.name == 'PASSWORD')].value", "absent": True}, data)
    assert finding.path == ("env", 1, "value")
    assert len(check({"path": "$..value", "absent": True}, data)) == 2


@pytest.mark.parametrize(
    "spec, message",
    [
        ({"path": "a"}, "exactly one operator"),
        ({"path": "a", "equals": 1, "one_of": [1]}, "exactly one operator"),
        ({"path": "a", "equal": 1}, "unknown operator 'equal'"),
        ({"path": "a", "one_of": "x"}, "takes a list"),
        ({"path": "a", "matches": "("}, "invalid regular expression"),
        ({"path": "a", "matches": "(a+)+$"}, "backtrack"),
        ({"path": "a", "le": "lots"}, "number or quantity"),
        ({"path": "a", "min_length": -1}, "whole number"),
        ({"path": "a[?(", "exists": True}, "invalid JSONPath"),
        ({"path": "a", "exists": True, "missing": "maybe"}, "missing takes"),
        ({"for_each": {"path": "a"}}, "for_each needs"),
        ({"any_of": []}, "non-empty list"),
        ("equals", "must be a mapping"),
    ],
)
def test_compile_errors(spec: Any, message: str) -> None:
    with pytest.raises(ConditionError, match=message):
        compile_condition(spec, SelectorCache())


def test_evaluation_is_pure() -> None:
    condition = compile_condition({"path": "a[*]", "le": "1Gi"}, SelectorCache())
    data = {"a": ["512Mi", "2Gi"]}
    assert condition.check(data, ()) == condition.check(data, ())
    assert data == {"a": ["512Mi", "2Gi"]}
