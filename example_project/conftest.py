"""The shop team's Python controls, contributed to every deployment file below."""

import pytest_paassec as paassec


@paassec.control(
    id="TEAM-LBL-001",
    title="Workloads carry an owner label so alerts reach a team",
    severity="low",
    category="logging",
    platforms=["kubernetes"],
    kinds=["Deployment", "StatefulSet", "DaemonSet"],
    remediation="Add metadata.labels.owner with the owning team's name.",
)
def owner_label(workload):
    labels = (workload.get("metadata") or {}).get("labels") or {}
    if not labels.get("owner"):
        yield paassec.violation(path=["metadata", "labels"], found=labels or None, expected="an owner label")


def pytest_paassec_controls(config):
    return [owner_label]
