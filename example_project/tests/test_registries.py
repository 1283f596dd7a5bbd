"""A fixture-based control: every image comes from a registry on our allowlist."""

import pytest


@pytest.fixture(scope="session")
def allowed_registries(pytestconfig):
    text = (pytestconfig.rootpath / "allowed-registries.txt").read_text()
    return {line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")}


@pytest.mark.paassec_control(
    id="TEAM-IMG-001",
    title="Images come from an allowed registry",
    severity="high",
    category="images",
    platforms=["kubernetes", "flyio", "render", "digitalocean", "compose"],
    subject="images",
)
def test_registry_is_allowed(paassec_subject, allowed_registries):
    assert paassec_subject["registry"] in allowed_registries, (
        f"{paassec_subject['image']} comes from {paassec_subject['registry']}, not from {sorted(allowed_registries)}"
    )
