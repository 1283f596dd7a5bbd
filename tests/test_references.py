"""Control references: teams moving from Checkov or KICS map their
suppressions through these ids, so every id must be well-formed and must
name a check of a platform the control actually reports on."""

from __future__ import annotations

import re

import pytest

from pytest_paassec.rules.catalog import build_catalog

CATALOG = build_catalog([])
CHECKOV = re.compile(r"^CKV2?_([A-Z0-9]+)_\d+$")
KICS = re.compile(r"^KICS [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
# Checkov framework -> the platforms whose files it checks (SECRET: any file).
FRAMEWORKS = {
    "K8S": {"kubernetes", "openshift", "knative"},
    "DOCKER": {"dockerfile"},
    "AZURE": {"azure"},
    "AWS": {"elasticbeanstalk"},
    "SECRET": None,
}


@pytest.mark.parametrize("control", CATALOG.controls, ids=[c.id for c in CATALOG.controls])
def test_references_are_well_formed(control) -> None:  # type: ignore[no-untyped-def]
    refs = list(control.references)
    assert all(isinstance(r, str) and r and r == r.strip() for r in refs), refs
    assert len(refs) == len(set(refs)), f"{control.id}: duplicate references {refs}"
    for ref in refs:
        if ref.upper().startswith("CKV"):
            assert CHECKOV.match(ref), f"{control.id}: {ref!r} is not a Checkov id (CKV_<FRAMEWORK>_<n>)"
            assert CHECKOV.match(ref).group(1) in FRAMEWORKS, f"{control.id}: {ref!r}: unknown Checkov framework"  # type: ignore[union-attr]
        if ref.upper().startswith("KICS"):
            assert KICS.match(ref), f"{control.id}: {ref!r} is not 'KICS <query uuid>'"


@pytest.mark.parametrize("control", CATALOG.controls, ids=[c.id for c in CATALOG.controls])
def test_checkov_ids_name_a_platform_the_control_reports_on(control) -> None:  # type: ignore[no-untyped-def]
    """A cross-platform control replaced on Kubernetes must not carry the
    Kubernetes check's id: the Kubernetes control that replaces it does."""
    for ref in control.references:
        match = CHECKOV.match(ref)
        if not match or FRAMEWORKS.get(match.group(1)) is None:
            continue
        frameworks = FRAMEWORKS[match.group(1)]
        if control.platforms is None:
            where = frameworks - set(control.replaced_on)
        else:
            where = frameworks & (set(control.platforms) - set(control.replaced_on))
        assert where, f"{control.id} cites {ref}, but reports on none of {sorted(frameworks)} (replaced on {sorted(control.replaced_on)})"
