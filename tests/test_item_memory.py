"""What a control item keeps alive: no ``__dict__``, shared objects, and the
same keywords, markers, -k words and properties pytest would give it."""

from __future__ import annotations

import pytest
from test_protocol import deployments

from pytest_paassec.edge import internals
from pytest_paassec.edge.collect import MARKER, ControlItem


@pytest.fixture
def items(pytester: pytest.Pytester) -> list[ControlItem]:
    pytester.makeini("[pytest]\n")
    (pytester.path / "app.yaml").write_text(deployments(2))
    found, _ = pytester.inline_genitems("-p", "no:timeout")
    controls = [item for item in found if isinstance(item, ControlItem)]
    assert len(controls) > 10
    return controls


def test_control_items_carry_no_instance_dict(items: list[ControlItem]) -> None:
    for item in items:
        assert vars(item) == {}, item.nodeid  # every attribute pytest or we set has a slot
    for name in internals.ITEM_ATTRIBUTES:
        assert not isinstance(ControlItem.__dict__.get(name, getattr(ControlItem, name, None)), (list, set, dict)), name


def test_siblings_share_their_words_and_mark(items: list[ControlItem]) -> None:
    by_words: dict[tuple, ControlItem] = {}
    for item in items:
        words = (item.control.severity.label, item.control.category, item.resource.platform)
        assert item.extra_keyword_matches == frozenset(words)
        first = by_words.setdefault(words, item)
        assert item.extra_keyword_matches is first.extra_keyword_matches
    same_control = [i for i in items if i.control.id == items[0].control.id]
    assert len(same_control) == 2
    assert same_control[0].own_markers[0] is same_control[1].own_markers[0]
    assert same_control[1].nodeid == f"app.yaml::{same_control[1].name}"
    if hasattr(same_control[0], "id"):  # pytest's structured node ids: the head is shared
        assert same_control[0].id.names is same_control[1].id.names  # type: ignore[attr-defined]
        assert str(same_control[1].id) == same_control[1].nodeid  # type: ignore[attr-defined]


def test_lazy_attributes_are_what_pytest_makes(items: list[ControlItem]) -> None:
    item = items[0]
    mark = item.get_closest_marker(MARKER)
    assert mark is not None and mark.kwargs["control"] == item.control.id
    assert dict(item.keywords)[MARKER] is mark and item.name in item.keywords and "app.yaml" in item.keywords
    assert item.keywords is item.keywords  # built once, then kept
    key = pytest.StashKey[int]()
    item.stash[key] = 1
    assert item.stash[key] == 1 and item._store is item.stash
    properties = item.report_properties()
    assert dict(properties)["paassec.control"] == item.control.id
    item.user_properties.append(("extra", "1"))  # what record_property does
    assert item.user_properties[-1] == ("extra", "1") and item.report_properties() is item.user_properties
    item.add_marker("xfail")
    assert item.keywords["xfail"].name == "xfail" and [m.name for m in item.own_markers] == [MARKER, "xfail"]
    item.add_report_section("call", "stdout", "text")
    assert item._report_sections == [("call", "stdout", "text")]
    assert item.location == ("app.yaml", item.resource.line - 1, item.name)


def test_k_and_m_select_as_before(pytester: pytest.Pytester, items: list[ControlItem]) -> None:
    severity, category = items[0].control.severity.label, items[0].control.category
    for expression in (severity, category, "kubernetes", items[0].control.id):
        selected = collected_ids(pytester, "-k", expression)
        # -k matches substrings of the names in the chain, the extra words and the markers.
        expected = [
            i.nodeid
            for i in items
            if any(expression.lower() in w.lower() for w in (*i.extra_keyword_matches, *i.listnames(), MARKER))  # type: ignore[attr-defined]
        ]
        assert [i for i in selected if i in expected] == expected == selected and expected, expression
    assert collected_ids(pytester, "-m", MARKER) == [i.nodeid for i in items]


def collected_ids(pytester: pytest.Pytester, *args: str) -> list[str]:
    """What pytest selects (inline_genitems would list deselected items too)."""
    result = pytester.runpytest("-p", "no:timeout", "--co", "-q", *args)
    return [line for line in result.outlines if "::" in line]
