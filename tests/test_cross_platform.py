"""One control, written once, finds the same problem in every format."""

from __future__ import annotations

from pathlib import Path

from pytest_paassec.rules.catalog import build_catalog
from pytest_paassec.rules.engine import scan_file

EXAMPLES = Path(__file__).parent / "examples" / "common" / "XP-SEC-001"
SECRET = "correct-horse-battery"


def test_literal_password_is_found_at_its_line_in_every_format() -> None:
    catalog = build_catalog([])
    platforms = set()
    for example in sorted(EXAMPLES.glob("fail*")):
        [path] = [p for p in example.rglob("*") if p.is_file()]
        relpath = path.relative_to(example).as_posix()
        expected_line = next(n for n, line in enumerate(path.read_text().splitlines(), 1) if SECRET in line)
        _, checks = scan_file(path, relpath, catalog)
        found = [(resource, v) for resource, control, violations in checks if control.id == "XP-SEC-001" for v in violations]
        assert found, f"{relpath}: not flagged"
        assert {v.line for _, v in found} == {expected_line}, f"{relpath}: expected line {expected_line}"
        for _, violation in found:
            assert SECRET not in violation.render(), "the secret must be masked"
        platforms.update(resource.platform for resource, _ in found)
    assert len(platforms) >= 6, platforms


HOST_ACCESS_IDS = {"XP-PRIV-003", "XP-PRIV-004", "XP-PRIV-005", "XP-PRIV-006"}
HOST_ACCESS_FILES = {  # file -> (text, the platform controls that report it)
    "docker-compose.yml": (
        "services:\n  agent:\n    image: agent:1\n    cap_add: [SYS_ADMIN]\n    devices: [/dev/fuse]\n"
        "    volumes: ['/var/run/docker.sock:/var/run/docker.sock', '/etc:/host/etc']\n",
        {"COMPOSE-PRIV-002", "COMPOSE-PRIV-003", "COMPOSE-PRIV-004", "COMPOSE-PRIV-009"},
    ),
    "pod.yaml": (
        "apiVersion: v1\nkind: Pod\nmetadata: {name: agent}\nspec:\n"
        "  volumes: [{name: sock, hostPath: {path: /var/run/docker.sock}}]\n"
        "  containers:\n  - name: agent\n    image: agent:1\n"
        "    securityContext: {capabilities: {add: [SYS_ADMIN]}}\n"
        "    volumeMounts: [{name: sock, mountPath: /var/run/docker.sock}]\n",
        {"K8S-PSS-005", "K8S-PSS-007"},
    ),
}


def test_host_access_is_reported_once_by_the_platform_control(tmp_path: Path) -> None:
    """Compose and Kubernetes check host mounts and capabilities more precisely:
    the cross-platform controls stand aside there, and the platform ones fail."""
    catalog = build_catalog([])
    for name, (text, platform_ids) in HOST_ACCESS_FILES.items():
        path = tmp_path / name
        path.write_text(text)
        _, checks = scan_file(path, name, catalog)
        failed = {control.id for _, control, violations in checks if violations}
        checked = {control.id for _, control, _ in checks}
        assert not checked & HOST_ACCESS_IDS, name
        assert platform_ids <= failed, name
