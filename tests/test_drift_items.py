"""Drift as pytest items end to end (pytester): the snapshots in tests/live/,
plain and under ``-n 2``; the plan; the live-state hook."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

LIVE = Path(__file__).parent / "live"
PLATFORMS = ("kubernetes", "cloudfoundry", "heroku", "flyio", "digitalocean", "azure")


def project(pytester: pytest.Pytester, platform: str, snapshot: str) -> None:
    pytester.makeini("[pytest]\n")
    shutil.copytree(LIVE / platform / "declared", pytester.path, dirs_exist_ok=True)
    shutil.copytree(LIVE / platform / snapshot, pytester.path / "live")


def outcomes(result: pytest.RunResult, word: str = "DRIFT") -> dict[str, str]:
    found = {}
    for line in result.stdout.lines:
        match = re.match(r"^(?:\[gw\d+\] \[ *\d+%\] )?(\S+::(\S+)) (PASSED|FAILED|ERROR)", line)
        if match is None:
            match = re.match(r"^\[gw\d+\] \[ *\d+%\] (PASSED|FAILED|ERROR) (\S+::(\S+))", line)
            if match is not None and match.group(3).startswith(word + "["):
                found[match.group(2)] = match.group(1)
            continue
        if match.group(2).startswith(word + "["):
            found[match.group(1)] = match.group(3)
    return found


@pytest.mark.parametrize("platform", PLATFORMS)
def test_a_faithful_snapshot_shows_no_drift(pytester: pytest.Pytester, platform: str) -> None:
    project(pytester, platform, "faithful")
    result = pytester.runpytest("--paassec-live=live", "-p", "no:cacheprovider", "-v", "-k", "DRIFT")
    found = outcomes(result)
    assert found, result.stdout.str()[-2000:]
    assert set(found.values()) == {"PASSED"}, found


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["plain", "xdist"])
def test_kubernetes_injected_changes(pytester: pytest.Pytester, workers: list[str]) -> None:
    project(pytester, "kubernetes", "drifted")
    result = pytester.runpytest("--paassec-live=live", "--paassec-drift-plan=plan", "-p", "no:cacheprovider", "-v", "-rf", "-k", "DRIFT", *workers)
    found = outcomes(result)
    assert found["payments.yaml::DRIFT[Deployment/payments/api]"] == "FAILED"
    assert found["payments.yaml::DRIFT[NetworkPolicy/payments/default-deny]"] == "FAILED"  # deleted
    assert found["payments.yaml::DRIFT[Service/payments/api]"] == "PASSED"
    assert found["live/all-namespaces.yaml::DRIFT[Deployment/payments/debug-shell]"] == "FAILED"  # undeclared
    assert not any("kube-system" in key or "kube-root-ca" in key or "ServiceAccount/payments/default]" in key for key in found)
    posture = outcomes(result, "DRIFT-POSTURE")
    assert posture["payments.yaml::DRIFT-POSTURE[Deployment/payments/api/K8S-PSS-001]"] == "FAILED"  # privileged: true added live
    assert posture["payments.yaml::DRIFT-POSTURE[Deployment/payments/api/XP-SEC-001]"] == "FAILED"  # a plaintext secret added live
    text = result.stdout.str()
    for line in (
        "spec.replicas  3 -> 1  (changed)",
        "containers.api.image  registry.example.com/payments/api:1.8.2 -> registry.example.com/payments/api:1.9.0-hotfix  (changed)",
        "containers.api.resources.limits.memory  512Mi -> <missing>  (removed)",
        "containers.api.env.STRIPE_API_KEY  <missing> -> <dict of 2, masked>  (added)",
    ):
        assert line in text
    assert "sk_live" not in text
    assert "drift: " in text
    index = (pytester.path / "plan" / "index.md").read_text()
    assert "Deployment/payments/api" in index and "NetworkPolicy/payments/default-deny" in index
    script = (pytester.path / "plan" / "kubernetes" / "Deployment_payments_api.sh").read_text()
    assert "set -euo pipefail" in script and "kubectl apply" in script


def test_heroku_scale_down_and_plaintext_secret(pytester: pytest.Pytester) -> None:
    project(pytester, "heroku", "drifted")
    result = pytester.runpytest("--paassec-live=live", "--paassec-drift-plan=plan", "-p", "no:cacheprovider", "-v", "-rf", "-k", "DRIFT")
    text = result.stdout.str()
    assert "formation.web.quantity  2 -> 1  (changed)" in text
    assert "env.STRIPE_SECRET_KEY  <missing> -> <dict of 1, masked>  (added)" in text
    assert "addons.1  heroku-redis:mini -> <missing>  (removed)" in text
    assert outcomes(result)["live/acme-checkout-hotfix.heroku-info.json::DRIFT[app/acme-checkout-hotfix]"] == "FAILED"
    assert any("XP-SEC-001" in key for key in outcomes(result, "DRIFT-POSTURE"))
    plan = "\n".join(p.read_text() for p in (pytester.path / "plan").rglob("*.sh"))
    assert "heroku ps:scale web=2:standard-1x -a acme-checkout" in plan
    assert "# heroku config:unset STRIPE_SECRET_KEY -a acme-checkout" in plan  # a removal waits for approval


def test_live_state_from_the_hook_and_unreadable_snapshots(pytester: pytest.Pytester) -> None:
    project(pytester, "kubernetes", "faithful")
    snapshots = sorted((p.name, p.read_text()) for p in (pytester.path / "live").iterdir())
    shutil.rmtree(pytester.path / "live")
    (pytester.path / "live").mkdir()
    (pytester.path / "live" / "garbage.yaml").write_text("kind: [unclosed\n")
    pytester.makeconftest(f"def pytest_paassec_live_state(config):\n    return {snapshots!r}\n")
    for workers in ([], ["-n", "2"]):
        result = pytester.runpytest("--paassec-live=live", "-p", "no:cacheprovider", "-v", "-k", "DRIFT or LIVE", *workers)
        found = outcomes(result)
        assert found and set(found.values()) == {"PASSED"}, found
        result.stdout.re_match_lines([r".*(PAASSEC-LIVE\[live/garbage.yaml:1\] ERROR|ERROR PAASSEC-LIVE\[live/garbage.yaml:1\])"])
