"""Fixture-based controls: ordinary test functions, parametrized over resources.

    import pytest

    @pytest.mark.paassec_control(id="TEAM-IMG-002", title="Images from an allowed registry",
                                 severity="high", category="images", subject="images")
    def test_registry_allowed(paassec_subject, allowed_registries):
        assert paassec_subject["registry"] in allowed_registries

The marker takes the same keywords as :func:`pytest_paassec.control`.
``pytest_generate_tests`` parametrizes the test over every subject entry of
every resource the control applies to, with ids ``file:resource``.  The
fixtures ``paassec_subject`` (the entry), ``paassec_resource`` and
``paassec_document`` give access to it, next to any other fixture.  Items
get the same marker, keywords and JUnit properties as built-in controls.
This module is registered as a plugin by the main plugin.
"""

from __future__ import annotations

from typing import Any

import pytest

from ..model.repository import Repository
from ..model.resources import Resource
from ..parsing.documents import Document
from ..rules.contributions import unknown_platforms
from ..rules.custom import InvalidControl, control
from .inventory import Inventory, Target
from .state import STATE

MARKER = "paassec_control"
_INVENTORY = pytest.StashKey[Inventory]()
_CONTROLS = pytest.StashKey[dict]()


def _control_for(config: pytest.Config, function: Any, marker: pytest.Mark) -> Any:
    """One Control per marked function, validated like the decorator does."""
    cache = config.stash.setdefault(_CONTROLS, {})
    key = id(function)
    if key not in cache:
        cache[key] = control(**marker.kwargs)(function)
    return cache[key]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    marker = metafunc.definition.get_closest_marker(MARKER)
    if marker is None:
        return
    config = metafunc.config
    made = _control_for(config, metafunc.function, marker)
    state = config.stash[STATE]
    if isinstance(made, InvalidControl):
        raise pytest.UsageError(f"invalid paassec_control marker: {made.error}")
    unknown = unknown_platforms(made, state.catalog)
    if unknown:
        raise pytest.UsageError(f"invalid paassec_control marker at {made.source}: unknown platform {unknown[0]!r}")
    if "paassec_target" not in metafunc.fixturenames:
        raise pytest.UsageError(
            f"{metafunc.definition.nodeid}: a paassec_control test must use paassec_subject, paassec_resource or paassec_document"
        )
    inventory = config.stash.get(_INVENTORY, None)
    if inventory is None:
        inventory = config.stash[_INVENTORY] = Inventory(metafunc.definition.session, state)
    targets = inventory.targets(made)
    metafunc.parametrize("paassec_target", targets, ids=[t.label for t in targets], indirect=True)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Give fixture-based control items the metadata built-in ones carry.

    First, so that ``-k`` and ``-m`` selection sees their keywords.
    """
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is None or "paassec_target" not in callspec.params:
            continue
        target: Target = callspec.params["paassec_target"]
        made = item.config.stash[_CONTROLS][id(item.function)]  # type: ignore[attr-defined]
        resource = target.resource
        item.extra_keyword_matches.update((made.id, made.severity.label, made.category, resource.platform))
        item.add_marker(
            pytest.mark.paassec(control=made.id, severity=made.severity.label, platform=resource.platform, category=made.category)
        )
        item.user_properties.extend(
            [
                ("paassec.control", made.id),
                ("paassec.severity", made.severity.label),
                ("paassec.platform", resource.platform),
                ("paassec.resource", resource.ref),
                ("paassec.file", target.relpath),
                ("paassec.line", str(target.line)),
                ("paassec.category", made.category),
                ("paassec.references", ", ".join(made.references)),
                ("paassec.title", made.title),
            ]
        )


@pytest.fixture
def paassec_target(request: pytest.FixtureRequest) -> Target:
    """The (resource, subject entry) this fixture-based control runs on."""
    if not hasattr(request, "param"):
        raise pytest.UsageError("paassec_target is only available in tests marked paassec_control")
    return request.param  # type: ignore[no-any-return]


@pytest.fixture
def paassec_subject(paassec_target: Target) -> Any:
    """The subject entry: resource data, a container, an env var view..."""
    return paassec_target.value


@pytest.fixture
def paassec_resource(paassec_target: Target) -> Resource:
    return paassec_target.resource


@pytest.fixture
def paassec_document(paassec_target: Target) -> Document:
    return paassec_target.resource.document


@pytest.fixture
def paassec_repository(request: pytest.FixtureRequest) -> Repository:
    """Every resource of the run, for checks that span files:
    ``paassec_repository.facts(paassec_resource)`` gives a resource's facts."""
    return request.config.stash[STATE].repository
