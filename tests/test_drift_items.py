"""Drift as pytest items end to end (pytester): the snapshots in tests/live/,
plain and under ``-n 2``; the plan; the live-state hook."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

LIVE = Path(__file__).parent / "live"
PLATFORMS = ("kubernetes", "cloudfoundry", "heroku", "flyio", "digitalocean", "azure", "appengine", "compose", "elasticbeanstalk", "render")


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
    result = pytester.runpytest("--paassec-live=live", "-p", "no:cacheprovider", "-v", "-k", "DRIFT or LIVE")
    found = outcomes(result)
    assert found, result.stdout.str()[-2000:]
    assert set(found.values()) == {"PASSED"}, found
    assert not outcomes(result, "DRIFT-POSTURE") and not outcomes(result, "PAASSEC-LIVE")
    result.assert_outcomes(passed=len(found))


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


# Each drifted snapshot against its CHANGES.md: every DRIFT and DRIFT-POSTURE
# item, every diff line, the plan's commands, and no secret value anywhere.
INJECTED = {
    "cloudfoundry": {
        "items": {
            "manifest.yml::DRIFT[application/billing]": "FAILED",
            "manifest.yml::DRIFT-POSTURE[application/billing/CF-AVAIL-002]": "FAILED",
            "manifest.yml::DRIFT-POSTURE[application/billing/XP-SEC-001]": "FAILED",
            "manifest.yml::DRIFT[application/billing-worker]": "FAILED",
            "manifest.yml::DRIFT[application/billing-scheduler]": "FAILED",
            "live/billing-debug_manifest.yml::DRIFT[application/billing-debug]": "FAILED",
            "live/billing-debug_manifest.yml::DRIFT-POSTURE[application/billing-debug/CF-AVAIL-001]": "FAILED",
            "live/billing-debug_manifest.yml::DRIFT-POSTURE[application/billing-debug/CF-AVAIL-002]": "FAILED",
            "live/billing-debug_manifest.yml::DRIFT-POSTURE[application/billing-debug/CF-LOG-001]": "FAILED",
        },
        "diff": [
            "manifest.yml:16  env.STRIPE_SECRET_KEY  <missing> -> <secret, 33 chars, masked>  (added)",
            "manifest.yml:24  docker.image  registry.example.com/billing/worker:2.3.1 -> registry.example.com/billing/worker:2.4.0-rc1  (changed)",
            "manifest.yml:5  instances  3 -> 1  (changed)",
        ],
        "missing": ["manifest.yml:28: application/billing-scheduler: declared in manifest.yml:28, missing live"],
        "plan": [
            "cf push billing -f manifest.yml", "# cf unset-env billing STRIPE_SECRET_KEY",
            "cf push billing-worker -f manifest.yml", "cf push billing-scheduler -f manifest.yml", "# cf delete billing-debug -r",
        ],
        "secrets": ["sk_live_51Hc2yKLp0QwErTy7UiOpAsDf"],
    },
    "flyio": {
        "items": {
            "fly.toml::DRIFT[app/acme-search]": "FAILED",
            "fly.toml::DRIFT-POSTURE[app/acme-search/FLY-AVAIL-002]": "FAILED",
            "fly.toml::DRIFT-POSTURE[app/acme-search/XP-RES-001]": "FAILED",
            "fly.toml::DRIFT-POSTURE[app/acme-search/XP-SEC-001]": "FAILED",
            "live/acme-search-debug.fly-config.json::DRIFT[app/acme-search-debug]": "FAILED",
            "live/acme-search-debug.fly-config.json::DRIFT-POSTURE[app/acme-search-debug/FLY-RES-001]": "FAILED",
            "live/acme-search-debug.fly-config.json::DRIFT-POSTURE[app/acme-search-debug/XP-AVAIL-001]": "FAILED",
            "live/acme-search-debug.fly-config.json::DRIFT-POSTURE[app/acme-search-debug/XP-NET-001]": "FAILED",
        },
        "diff": [
            "fly.toml:16  http_service.min_machines_running  2 -> 0  (changed)",
            'fly.toml:19  mounts  [{"source": "search_index", "destination": "/data"}] -> <missing>  (removed)',
            "fly.toml:24  vm.0.memory  1gb -> <missing>  (removed)",
            "fly.toml:5  build.image  registry.fly.io/acme-search:deployment-01JDX4K8 -> registry.fly.io/acme-search:deployment-01JE2ZQ7  (changed)",
            "fly.toml:7  env.ALGOLIA_ADMIN_API_KEY  <missing> -> <secret, 32 chars, masked>  (added)",
        ],
        "missing": [],
        "plan": ["fly deploy -c fly.toml", "# fly apps destroy acme-search-debug"],
        "secrets": ["c6f3a9e1b27d48f05e9a1c3b7d2f6e80"],
    },
    "digitalocean": {
        "items": {
            "app.yaml::DRIFT[app/acme-shop]": "PASSED",  # its deleted worker is reported once, as worker/mailer
            "app.yaml::DRIFT[database/db]": "PASSED",
            "app.yaml::DRIFT[service/web]": "FAILED",
            "app.yaml::DRIFT-POSTURE[service/web/DO-AVAIL-002]": "FAILED",
            "app.yaml::DRIFT-POSTURE[service/web/XP-SEC-001]": "FAILED",
            "app.yaml::DRIFT[worker/mailer]": "FAILED",
            "live/acme-shop.app-spec.yaml::DRIFT[service/adminer]": "FAILED",
            "live/acme-shop.app-spec.yaml::DRIFT-POSTURE[service/adminer/DO-AVAIL-001]": "FAILED",
            "live/acme-shop.app-spec.yaml::DRIFT-POSTURE[service/adminer/DO-AVAIL-002]": "FAILED",
            "live/acme-shop.app-spec.yaml::DRIFT-POSTURE[service/adminer/DO-IMG-002]": "FAILED",
            "live/acme-shop.app-spec.yaml::DRIFT-POSTURE[service/adminer/XP-IMG-001]": "FAILED",
        },
        "diff": [
            "app.yaml:10  instance_count  3 -> 1  (changed)",
            "app.yaml:16  envs.SENDGRID_API_KEY  <missing> -> <dict of 3, masked>  (added)",
            "app.yaml:8  image.tag  3.2.0 -> 3.3.0-beta  (changed)",
        ],
        "missing": ["app.yaml:24: worker/mailer: declared in app.yaml:24, missing live"],
        "plan": ['doctl apps update "${DIGITALOCEAN_APP_ID}" --spec app.yaml'],
        "secrets": ["SG.x7Kp2LmQ9vRtW4yZ", "EV[1:Tq0Qm2bJx7lH3vS9c8Yk1dWzR5nU4aLf"],
    },
    "azure": {
        "items": {
            "azuredeploy.json::DRIFT[Microsoft.Web/sites/acme-portal]": "FAILED",
            "azuredeploy.json::DRIFT-POSTURE[Microsoft.Web/sites/acme-portal/AZ-TLS-001]": "FAILED",
            "azuredeploy.json::DRIFT-POSTURE[Microsoft.Web/sites/acme-portal/AZ-TLS-004]": "FAILED",
            "azuredeploy.json::DRIFT-POSTURE[Microsoft.Web/sites/acme-portal/XP-SEC-001]": "FAILED",
            "live/acme-portal-staging.webapp.json::DRIFT[Microsoft.Web/sites/acme-portal-staging]": "FAILED",
            **{
                f"live/acme-portal-staging.webapp.json::DRIFT-POSTURE[Microsoft.Web/sites/acme-portal-staging/{control}]": "FAILED"
                for control in ("AZ-AVAIL-001", "AZ-IAM-001", "AZ-IAM-004", "AZ-LOG-001", "AZ-NET-004", "AZ-TLS-001")
            },
        },
        "diff": [
            "azuredeploy.json:13  properties.httpsOnly  true -> false  (changed)",
            "azuredeploy.json:17  properties.siteConfig.linuxFxVersion  DOCKER|acmecr.azurecr.io/portal:5.1.0 -> DOCKER|acmecr.azurecr.io/portal:5.2.0-rc1  (changed)",
            "azuredeploy.json:19  properties.siteConfig.ftpsState  Disabled -> AllAllowed  (changed)",
            "azuredeploy.json:22  properties.siteConfig.numberOfWorkers  2 -> 1  (changed)",
            "azuredeploy.json:23  properties.siteConfig.appSettings.SENDGRID_API_KEY  <missing> -> <dict of 2, masked>  (added)",
        ],
        "missing": [],
        "plan": [
            "az webapp update --name acme-portal --resource-group rg-portal --https-only true",
            "az webapp config set --name acme-portal --resource-group rg-portal --linux-fx-version 'DOCKER|acmecr.azurecr.io/portal:5.1.0' --ftps-state Disabled --number-of-workers 2",
            "# az webapp config appsettings delete --name acme-portal --resource-group rg-portal --setting-names SENDGRID_API_KEY",
            "# az webapp delete --name acme-portal-staging --resource-group rg-portal",
        ],
        "secrets": ["SG.q8Wm3Kz1Xv5Bn7Lp"],
    },
    "elasticbeanstalk": {
        "items": {
            ".ebextensions/options.config::DRIFT[config/options.config]": "FAILED",
            ".ebextensions/options.config::DRIFT-POSTURE[config/options.config/EB-TLS-002]": "FAILED",
            ".ebextensions/options.config::DRIFT-POSTURE[config/options.config/XP-SEC-001]": "FAILED",
        },
        "diff": [
            ".ebextensions/options.config:10  option_settings[\"aws:elasticbeanstalk:application:environment\"].STRIPE_SECRET_KEY  <missing> -> <secret, 32 chars, masked>  (added)",
            ".ebextensions/options.config:17  option_settings[\"aws:elbv2:listener:443\"].SSLPolicy  ELBSecurityPolicy-TLS13-1-2-2021-06 -> ELBSecurityPolicy-2016-08  (changed)",
            ".ebextensions/options.config:3  option_settings[\"aws:autoscaling:asg\"].MinSize  2 -> 1  (changed)",
        ],
        "missing": [],
        "plan": [
            "# eb setenv STRIPE_SECRET_KEY= -e shop-prod",
            "aws elasticbeanstalk update-environment --environment-name shop-prod --option-settings Namespace=aws:autoscaling:asg,OptionName=MinSize,Value=2"
            " Namespace=aws:elbv2:listener:443,OptionName=SSLPolicy,Value=ELBSecurityPolicy-TLS13-1-2-2021-06",
        ],
        "secrets": ["sk_live_51Eb4hTzW8nQ2mKx6RvLpYc3"],
    },
}


@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["plain", "xdist"])
@pytest.mark.parametrize("platform", sorted(INJECTED))
def test_each_injected_change_gives_exactly_its_diff_posture_and_plan(pytester: pytest.Pytester, platform: str, workers: list[str]) -> None:
    expected = INJECTED[platform]
    project(pytester, platform, "drifted")
    result = pytester.runpytest("--paassec-live=live", "--paassec-drift-plan=plan", "-p", "no:cacheprovider", "-v", "-k", "DRIFT", *workers)
    found = {**outcomes(result), **outcomes(result, "DRIFT-POSTURE")}
    assert found == expected["items"]
    lines = result.stdout.lines
    diff = sorted({line.strip() for line in lines if re.match(r"^  \S+:\d+  .*  \((changed|added|removed)\)$", line)})
    assert diff == expected["diff"]
    for line in expected["missing"]:
        assert line in lines
    plan = pytester.path / "plan"
    scripts = [line for path in sorted(plan.rglob("*.sh")) for line in path.read_text().splitlines()]
    for command in expected["plan"]:
        assert command in scripts
    assert sorted(p.name for p in plan.iterdir()) == sorted(["index.md", platform])
    everything = result.stdout.str() + "\n".join(p.read_text() for p in plan.rglob("*") if p.is_file())
    for secret in expected["secrets"]:
        assert secret not in everything


def test_a_plan_that_cannot_be_written_fails_the_run(pytester: pytest.Pytester) -> None:
    project(pytester, "heroku", "faithful")
    (pytester.path / "afile").write_text("not a directory\n")
    result = pytester.runpytest("--paassec-live=live", "--paassec-drift-plan=afile", "-p", "no:cacheprovider")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--paassec-drift-plan: *afile exists and is not a directory; the plan is a directory of scripts"])
    result = pytester.runpytest("--paassec-live=live", "--paassec-drift-plan=afile/plan", "-p", "no:cacheprovider", "-k", "DRIFT")
    assert result.ret == pytest.ExitCode.TESTS_FAILED  # every item passed: the unwritten plan fails the run
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines(["drift plan: NOT written to afile/plan: Not a directory"])
