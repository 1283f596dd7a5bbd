"""Cross-platform controls apply where the platform's view has their fields.

A control without ``platforms:`` on a normalized subject runs on a resource
only if the resource's platform declares every field the control reads; an
explicit ``platforms:`` list still decides on its own.
"""

from __future__ import annotations

from pathlib import Path

from pytest_paassec.model.workload import NORMALIZED_SUBJECTS
from pytest_paassec.platforms import BUILTIN_PLATFORMS, Platform
from pytest_paassec.rules.catalog import build_catalog
from pytest_paassec.rules.controls import fields_read
from pytest_paassec.rules.engine import scan_file
from pytest_paassec.rules.pathselect import SelectorCache

TEAM_BASELINE = """\
controls:
  - id: TEAM-RES-001
    title: Memory at most 2Gi
    severity: low
    category: resources
    subject: workload
    expect: {path: memory_bytes, le: 2Gi}
  - id: TEAM-RES-002
    title: Memory at most 2Gi, App Engine too
    severity: low
    category: resources
    platforms: [appengine, kubernetes]
    subject: workload
    expect: {path: memory_bytes, le: 2Gi}
  - id: TEAM-RES-003
    title: Whole-resource controls are not about fields
    severity: low
    category: resources
    expect: {path: memory_bytes, absent: true}
"""


def team_catalog(tmp_path: Path, platforms: list[Platform] | None = None):  # type: ignore[no-untyped-def]
    (tmp_path / "team.yaml").write_text(TEAM_BASELINE)
    catalog = build_catalog([tmp_path / "team.yaml"], platforms=platforms or [])
    assert not catalog.errors
    return catalog, {c.id: c for c in catalog.controls}


def test_fields_read_takes_the_first_step_of_each_leaf() -> None:
    spec = [
        {"all_of": [{"path": "name", "matches": "x"}, {"not": {"path": "$.value", "exists": True}}]},
        {"any_of": [{"path": "limits.memory", "exists": True}, {"path": "$", "exists": True}, {"path": "$..deep", "exists": True}]},
        {"for_each": {"path": "mounts[*]", "expect": {"path": "read_only", "equals": True}}},
        None,
    ]
    assert fields_read(spec, SelectorCache()) == frozenset({"name", "value", "limits", "mounts"})


def test_a_control_without_platforms_skips_platforms_lacking_its_fields(tmp_path: Path) -> None:
    catalog, controls = team_catalog(tmp_path)
    assert controls["TEAM-RES-001"].reads == frozenset({"memory_bytes"})
    assert controls["TEAM-RES-001"].inexpressible_on == frozenset({"appengine", "azure", "dependencies", "dockerfile", "railway"})
    assert controls["TEAM-RES-001"] in catalog.for_platform("kubernetes")
    assert controls["TEAM-RES-001"] not in catalog.for_platform("appengine")
    # An explicit list wins, and whole-resource controls are not about the view.
    assert controls["TEAM-RES-002"].inexpressible_on == frozenset()
    assert controls["TEAM-RES-002"] in catalog.for_platform("appengine")
    assert controls["TEAM-RES-003"].inexpressible_on == frozenset()


def test_is_applicable_follows_the_fields(tmp_path: Path) -> None:
    _, controls = team_catalog(tmp_path)
    (tmp_path / "app.yaml").write_text("runtime: python312\ninstance_class: F2\n")
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx:1.27\n    mem_limit: 512m\n")
    _, gae = scan_file(tmp_path / "app.yaml", "app.yaml", build_catalog([tmp_path / "team.yaml"]))
    _, compose = scan_file(tmp_path / "compose.yaml", "compose.yaml", build_catalog([tmp_path / "team.yaml"]))
    assert {control.id for _, control, _ in gae} >= {"TEAM-RES-002"}
    assert "TEAM-RES-001" not in {control.id for _, control, _ in gae}
    assert [(control.id, violations) for _, control, violations in compose if control.id == "TEAM-RES-001"] == [("TEAM-RES-001", [])]
    resource = next(resource for resource, _, _ in gae)
    assert not controls["TEAM-RES-001"].is_applicable(resource)
    assert controls["TEAM-RES-002"].is_applicable(resource)


class _Undeclared(Platform):
    name = "undeclared"
    title = "A plugin platform that declares no fields"


class _Declared(Platform):
    name = "declared"
    title = "A plugin platform with a workload view"
    fields = {"workload": frozenset({"run_as_root"})}


def test_plugin_platforms_declare_their_fields_or_get_every_control(tmp_path: Path) -> None:
    catalog, controls = team_catalog(tmp_path, [_Undeclared(), _Declared()])
    assert controls["TEAM-RES-001"] in catalog.for_platform("undeclared")
    assert controls["TEAM-RES-001"] not in catalog.for_platform("declared")
    xp = {c.id: c for c in catalog.controls if c.id.startswith("XP-")}
    assert "declared" not in xp["XP-PRIV-001"].inexpressible_on
    assert "declared" in xp["XP-PRIV-002"].inexpressible_on


def test_every_cross_platform_control_runs_somewhere() -> None:
    """A field no adapter declares (a typo, or a new view field whose
    adapters were not updated) would switch a control off everywhere."""
    catalog = build_catalog([])
    names = {variant.name for platform in BUILTIN_PLATFORMS for variant in platform.platform_ids()}
    idle = [
        c.id
        for c in catalog.controls
        if c.platforms is None and c.subject in NORMALIZED_SUBJECTS and not names - c.inexpressible_on - c.replaced_on
    ]
    assert not idle, f"no platform's view has the fields these controls read: {idle}"
