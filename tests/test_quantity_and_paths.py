"""Quantities and the fast path selector."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pytest_paassec.model.quantity import parse_quantity
from pytest_paassec.rules.pathselect import Selector, format_path


@pytest.mark.parametrize(
    "text, value",
    [
        ("2Gi", 2 * 2**30),
        ("500m", Decimal("0.5")),
        ("1.5", Decimal("1.5")),
        ("1e3", 1000),
        ("128974848", 128974848),
        ("129M", 129 * 10**6),
        ("512MB", 512 * 2**20),
        ("1G", 10**9),
        ("1gb", 2**30),
        (4, 4),
        (0.25, Decimal("0.25")),
    ],
)
def test_quantities(text: object, value: object) -> None:
    assert parse_quantity(text) == Decimal(value)  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["", "lots", "2Xi", None, True, [], "nan", "inf"])
def test_not_quantities(text: object) -> None:
    assert parse_quantity(text) is None


def test_simple_paths_walk_directly() -> None:
    data = {"spec": {"containers": [{"name": "a", "ports": [1]}, {"name": "b"}]}, "x.y": {"z": 1}}
    selector = Selector("spec.containers[*].name")
    assert selector.steps is not None and not selector.is_single
    assert selector.find(data) == [(("spec", "containers", 0, "name"), "a"), (("spec", "containers", 1, "name"), "b")]
    assert Selector("$['x.y'].z").find(data) == [(("x.y", "z"), 1)]
    assert Selector("spec.containers[-1].name").find(data) == [(("spec", "containers", 1, "name"), "b")]
    assert Selector("$").find(data) == [((), data)]
    assert Selector("spec.missing.deeper").find(data) == []
    assert Selector("spec.containers[5]").find(data) == []


def test_format_path() -> None:
    assert format_path(("spec", "containers", 0, "image")) == "$.spec.containers[0].image"
    assert format_path(("metadata", "annotations", "run.googleapis.com/ingress")) == "$.metadata.annotations['run.googleapis.com/ingress']"
