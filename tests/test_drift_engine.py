"""The drift engine: live state compared with the repository, posture on live state, the plan."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest
import yaml

from pytest_paassec.drift.compare import compare
from pytest_paassec.drift.engine import DRIFTED, IN_SYNC, MISSING, UNDECLARED, drift
from pytest_paassec.drift.ignore import build_ignore, ignore_table, parse_ignore_lines
from pytest_paassec.drift.live import LiveDocument, Secret
from pytest_paassec.drift.normalize import same
from pytest_paassec.drift.plan import write_plan
from pytest_paassec.drift.resources import live_resources
from pytest_paassec.errors import SettingsError
from pytest_paassec.parsing.discovery import classify
from pytest_paassec.rules.catalog import build_catalog
from pytest_paassec.rules.engine import resources_of, scan_files

HERE = Path(__file__).parent / "drift"
DECLARED = HERE / "declared"
CANARY = "sk_live_51Hq8CanaryCanaryCanaryXyZ"


@pytest.fixture(scope="module")
def catalog():
    return build_catalog([])


@pytest.fixture(scope="module")
def declared(catalog):
    files = [(path, path.relative_to(DECLARED).as_posix()) for path in sorted(DECLARED.rglob("*")) if path.is_file()]
    found = []
    for relpath, (parsed, _) in scan_files(files, catalog).items():
        if parsed is not None:
            found += resources_of(parsed, classify(Path(relpath)), catalog)[0]
    return found


def kubernetes_live() -> list[dict]:
    return yaml.safe_load((HERE / "live" / "kubernetes.yaml").read_text())["items"]


def heroku_live() -> dict:
    config = {"SECRET_KEY_BASE": "9f3c" * 16, "STRIPE_SECRET_KEY": CANARY, "RAILS_ENV": "production",
              "WEB_CONCURRENCY": "2", "DATABASE_URL": "postgres://u:pw@ec2-1-2-3-4.compute-1.amazonaws.com:5432/d1"}
    return {
        "name": "acme-payments",
        "stack": "heroku-24",
        "env": {name: Secret.of(value) for name, value in config.items()},
        "formation": {"web": {"quantity": 2, "size": "Standard-2X"}, "worker": {"quantity": 1, "size": "Standard-1X"}},
        "addons": ["heroku-postgresql:standard-0"],
        "buildpacks": [{"url": "heroku/ruby"}],
    }


def cf_live() -> dict:
    return {"applications": [{
        "name": "checkout",
        "buildpacks": ["python_buildpack"],
        "env": {"LOG_LEVEL": Secret.of("info"), "PAYMENT_API_TOKEN": Secret.of(CANARY)},
        "processes": [{"type": "web", "disk_quota": "2048M", "health-check-http-endpoint": "/healthz",
                       "health-check-type": "http", "instances": 3, "memory": "1024M", "log-rate-limit-per-second": "-1", "timeout": 60}],
        "routes": [{"route": "checkout.apps.example.com", "protocol": "http1"}],
        "services": ["checkout-db"],
        "stack": "cflinuxfs4",
    }]}


def fly_live() -> dict:
    return {
        "app": "shop-search", "primary_region": "ams", "kill_signal": "SIGINT", "kill_timeout": "5s",
        "build": {"image": "registry.fly.io/shop-search:1.4.0"},
        "env": {"LOG_LEVEL": "info"},
        "http_service": {"internal_port": 8080, "force_https": True, "auto_stop_machines": "stop",
                         "auto_start_machines": True, "min_machines_running": 1, "processes": ["app"]},
        "vm": [{"memory": "512mb", "cpu_kind": "shared", "cpus": 1}],
    }


def do_live() -> dict:
    return {
        "name": "shop", "region": "ams",
        "alerts": [{"rule": "DEPLOYMENT_FAILED"}, {"rule": "DOMAIN_FAILED"}],
        "features": ["buildpack-stack=ubuntu-22"],
        "ingress": {"rules": [{"component": {"name": "web"}, "match": {"path": {"prefix": "/"}}}]},
        "services": [{
            "name": "web", "image": {"registry_type": "DOCR", "repository": "web", "tag": "2.3.1"},
            "instance_count": 2, "instance_size_slug": "apps-s-1vcpu-1gb", "http_port": 8080,
            "routes": [{"path": "/"}], "health_check": {"http_path": "/healthz"},
            "envs": [{"key": "DATABASE_URL", "scope": "RUN_TIME", "value": "${db.DATABASE_URL}"},
                     {"key": "LOG_LEVEL", "scope": "RUN_TIME", "value": "info"}],
        }],
        "databases": [{"name": "db", "engine": "PG", "production": True, "cluster_name": "shop-db"}],
    }


def azure_live() -> dict:
    return {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "resources": [{
            "type": "Microsoft.Web/sites", "name": "shop-web", "location": "West Europe", "kind": "app,linux",
            "properties": {
                "httpsOnly": True, "serverFarmId": "/subscriptions/0000/resourceGroups/shop/providers/Microsoft.Web/serverfarms/shop-plan",
                "siteConfig": {
                    "linuxFxVersion": "NODE|20-lts", "minTlsVersion": "1.2", "ftpsState": "Disabled", "http20Enabled": True,
                    "alwaysOn": False, "numberOfWorkers": 1, "scmMinTlsVersion": "1.2", "remoteDebuggingEnabled": False,
                    "appSettings": [{"name": "DB_PASSWORD", "value": Secret.of(CANARY)}, {"name": "NODE_ENV", "value": Secret.of("production")},
                                    {"name": "WEBSITE_RUN_FROM_PACKAGE", "value": Secret.of("1")}],
                },
            },
        }],
    }


def live_documents(k8s=None, heroku=None, cf=None, fly=None, do=None, azure=None) -> list[LiveDocument]:
    docs = [LiveDocument("kubernetes", "yaml", item, "live/kubernetes.yaml", 2 + index * 100)
            for index, item in enumerate(kubernetes_live() if k8s is None else k8s)]
    docs.append(LiveDocument("heroku", "json", heroku or heroku_live(), "live/heroku-acme-payments.json", 1, {"region": "eu"}))
    docs.append(LiveDocument("cloudfoundry", "yaml", cf or cf_live(), "live/cf-checkout.yml", 1))
    docs.append(LiveDocument("flyio", "toml", fly or fly_live(), "live/fly-shop-search.json", 1))
    docs.append(LiveDocument("digitalocean", "yaml", do or do_live(), "live/do-shop.yaml", 1, {"id": "5a2b6c1d-0000-4e8f-9a1b-2c3d4e5f6a7b"}))
    docs.append(LiveDocument("azure", "json", azure or azure_live(), "live/azure-shop-web.json", 1, {"resourceGroup": "shop-rg"}))
    return docs


def by_ref(result):
    return {entry.ref: entry for entry in result.entries}


def texts(result, plan_dir: Path | None = None) -> str:
    rendered = "\n".join(entry.render() for entry in result.entries)
    if plan_dir is not None:
        rendered += "\n".join(path.read_text() for path in sorted(plan_dir.rglob("*")) if path.is_file())
    return rendered


def test_faithful_snapshots_show_no_drift(declared, catalog):
    result = drift(declared, live_documents(), catalog)
    assert {entry.status for entry in result.entries} == {IN_SYNC}, texts(result)
    # In file order; kube-system's Service is in no namespace the repository declares: not noise.
    assert [entry.ref for entry in result.entries] == [
        "app/shop", "database/db", "service/web", "app/Payments_API", "Deployment/payments/api", "Service/payments/api",
        "app/shop-search", "Microsoft.Web/sites/shop-web", "application/checkout",
    ]


def test_kubernetes_injected_changes(declared, catalog, tmp_path):
    items = kubernetes_live()
    container = items[0]["spec"]["template"]["spec"]["containers"][0]
    container["image"] = "registry.example.com/payments/api:1.5.0-hotfix"
    del container["resources"]["limits"]["memory"]
    container["securityContext"]["privileged"] = True
    items[0]["spec"]["replicas"] = 1
    debug = copy.deepcopy(items[1])
    debug["metadata"]["name"] = "api-debug"
    debug["spec"].update(type="NodePort")
    debug["spec"]["ports"][0]["nodePort"] = 30080
    del items[1]  # the api Service was deleted
    items.append(debug)
    result = drift(declared, live_documents(k8s=items), catalog)
    entries = by_ref(result)
    deployment = entries["Deployment/payments/api"]
    assert deployment.status == DRIFTED
    assert [(d.label, d.change, d.declared, d.live) for d in deployment.differences] == [
        ("spec.replicas", "changed", 3, 1),
        ("spec.template.spec.containers.api.image", "changed", "registry.example.com/payments/api:1.4.2", "registry.example.com/payments/api:1.5.0-hotfix"),
        ("spec.template.spec.containers.api.resources.limits.memory", "removed", "1Gi", deployment.differences[2].live),
    ]
    assert [(d.file, d.line) for d in deployment.differences] == [("deploy/api.yaml", 9), ("deploy/api.yaml", 26), ("deploy/api.yaml", 46)]
    assert {p.control.id: p.severity.label for p in deployment.posture} == {"K8S-PSS-001": "critical", "XP-RES-001": "medium"}
    assert "spec.replicas  3 -> 1  (changed)" in deployment.render()
    assert entries["Service/payments/api"].status == MISSING
    assert entries["Service/payments/api-debug"].status == UNDECLARED
    assert "Service/kube-system/kube-dns" not in entries

    written = write_plan(result, tmp_path / "plan", DECLARED)
    names = sorted(path.relative_to(tmp_path / "plan").as_posix() for path in written)
    assert names == [
        "index.md",
        "kubernetes/Deployment_payments_api.sh", "kubernetes/Deployment_payments_api.yaml",
        "kubernetes/Service_payments_api-debug.sh",
        "kubernetes/Service_payments_api.sh", "kubernetes/Service_payments_api.yaml",
    ]
    script = (tmp_path / "plan/kubernetes/Deployment_payments_api.sh").read_text()
    assert script.splitlines()[3] == "set -euo pipefail"
    assert 'kubectl apply --namespace payments -f "$plan"/Deployment_payments_api.yaml' in script
    manifest = yaml.safe_load((tmp_path / "plan/kubernetes/Deployment_payments_api.yaml").read_text())
    assert manifest["spec"]["replicas"] == 3 and manifest["spec"]["template"]["spec"]["containers"][0]["image"].endswith(":1.4.2")
    undeclared = (tmp_path / "plan/kubernetes/Service_payments_api-debug.sh").read_text()
    assert "\n# kubectl delete Service api-debug --namespace payments\n" in undeclared
    index = (tmp_path / "plan/index.md").read_text()
    assert "| `Service/payments/api` | missing | declared, missing live | `deploy/api.yaml:60` |" in index
    # Deterministic: the same result writes the same bytes.
    again = write_plan(result, tmp_path / "again", DECLARED)
    assert [p.read_bytes() for p in written] == [p.read_bytes() for p in again]


def test_heroku_new_plaintext_secret_and_scale_down(declared, catalog, tmp_path):
    live = heroku_live()
    live["env"]["PAYPAL_CLIENT_SECRET"] = Secret.of(CANARY + "2")
    live["formation"]["web"]["quantity"] = 1
    del live["env"]["STRIPE_SECRET_KEY"]
    result = drift(declared, live_documents(heroku=live), catalog)
    entry = by_ref(result)["app/Payments_API"]
    assert [(d.label, d.change) for d in entry.differences] == [
        ("env.STRIPE_SECRET_KEY", "removed"), ("env.PAYPAL_CLIENT_SECRET", "added"), ("formation.web.quantity", "changed"),
    ]
    assert [p.control.id for p in entry.posture] == ["XP-SEC-001"]
    assert "PAYPAL_CLIENT_SECRET" in entry.posture[0].violations[0].render()
    write_plan(result, tmp_path, DECLARED)
    script = (tmp_path / "heroku/app_Payments_API.sh").read_text()
    assert 'heroku config:set "STRIPE_SECRET_KEY=${STRIPE_SECRET_KEY}" -a acme-payments' in script
    assert "# heroku config:unset PAYPAL_CLIENT_SECRET -a acme-payments" in script
    assert "heroku ps:scale web=2:standard-2x -a acme-payments" in script
    assert CANARY not in texts(result, tmp_path)


def test_cloudfoundry_fly_digitalocean_azure_changes(declared, catalog, tmp_path):
    cf = cf_live()
    cf["applications"][0]["processes"][0]["instances"] = 1
    fly = fly_live()
    fly["http_service"]["force_https"] = False
    do = do_live()
    do["services"][0]["image"]["tag"] = "2.4.0-rc1"
    do["services"].append({"name": "admin", "image": {"registry_type": "DOCR", "repository": "admin", "tag": "0.9"}, "http_port": 9000})
    azure = azure_live()
    site = azure["resources"][0]["properties"]
    site["httpsOnly"] = False
    site["siteConfig"]["minTlsVersion"] = "1.0"
    site["siteConfig"]["appSettings"].append({"name": "ADMIN_PASSWORD", "value": Secret.of(CANARY)})
    result = drift(declared, live_documents(cf=cf, fly=fly, do=do, azure=azure), catalog)
    entries = by_ref(result)
    assert [(d.label, d.declared, d.live) for d in entries["application/checkout"].differences] == [("instances", 3, 1)]
    fly_entry = entries["app/shop-search"]
    assert [(d.label, d.change) for d in fly_entry.differences] == [("http_service.force_https", "changed")]
    assert fly_entry.posture, "force_https off fails live"
    assert [(d.label, d.live) for d in entries["service/web"].differences] == [("image.tag", "2.4.0-rc1")]
    assert entries["service/admin"].status == UNDECLARED
    az = entries["Microsoft.Web/sites/shop-web"]
    assert sorted((d.label, d.change) for d in az.differences) == [
        ("properties.httpsOnly", "changed"), ("properties.siteConfig.appSettings.ADMIN_PASSWORD", "added"),
        ("properties.siteConfig.minTlsVersion", "changed"),
    ]
    assert {"AZ-TLS-001", "AZ-TLS-002", "XP-SEC-001"} <= {p.control.id for p in az.posture}
    write_plan(result, tmp_path, DECLARED)
    assert "cf push checkout -f manifest.yml" in (tmp_path / "cloudfoundry/application_checkout.sh").read_text()
    assert "fly deploy -c fly.toml" in (tmp_path / "flyio/app_shop-search.sh").read_text()
    assert "doctl apps update 5a2b6c1d-0000-4e8f-9a1b-2c3d4e5f6a7b --spec .do/app.yaml" in (tmp_path / "digitalocean/service_web.sh").read_text()
    azure_script = (tmp_path / "azure/Microsoft.Web_sites_shop-web.sh").read_text()
    assert "az webapp update --name shop-web --resource-group shop-rg --https-only true" in azure_script
    assert "az webapp config set --name shop-web --resource-group shop-rg --min-tls-version 1.2" in azure_script
    assert "# az webapp config appsettings delete --name shop-web --resource-group shop-rg --setting-names ADMIN_PASSWORD" in azure_script
    assert CANARY not in texts(result, tmp_path)


@pytest.mark.parametrize(
    ("declared_value", "live_value", "family", "path", "expected"),
    [
        (0.5, "500m", "kubernetes", ("resources", "requests", "cpu"), True),
        ("1Gi", "1073741824", "kubernetes", ("resources", "limits", "memory"), True),
        ("1Gi", "1G", "kubernetes", ("resources", "limits", "memory"), False),
        (8080, "8080", "kubernetes", ("ports", "8080", "containerPort"), True),
        ("true", True, "kubernetes", ("spec", "hostNetwork"), True),
        ("True", True, "kubernetes", ("spec", "hostNetwork"), True),
        ("on", True, "compose", ("privileged",), True),
        ("on", True, "kubernetes", ("spec", "hostNetwork"), False),
        ("1G", "1024M", "cloudfoundry", ("memory",), True),
        ("standard-2x", "Standard-2X", "heroku", ("formation", "web", "size"), True),
        ("info", "debug", "heroku", ("env", "LOG_LEVEL", "value"), False),
    ],
)
def test_normalization(declared_value, live_value, family, path, expected):
    assert same(declared_value, live_value, family, path) is expected


def test_secret_compares_by_keyed_hash_and_renders_masked():
    secret = Secret.of(CANARY)
    assert same(CANARY, secret, "heroku") and not same(CANARY + "x", secret, "heroku")
    assert CANARY not in str(secret) and CANARY not in repr(secret)


def test_env_order_and_ignore_extension(declared, catalog):
    items = kubernetes_live()
    container = items[0]["spec"]["template"]["spec"]["containers"][0]
    container["env"].reverse()
    items[0]["metadata"]["labels"]["team"] = "payments"  # added labels are not declared: not compared
    items[0]["spec"]["template"]["spec"]["containers"][0]["env"].append({"name": "OTEL_SERVICE_NAME", "value": "api"})
    deployment = next(r for r in declared if r.ref == "Deployment/payments/api")
    live = next(r for r, _ in live_resources(live_documents(k8s=items)) if r.ref == "Deployment/payments/api")
    assert [d.label for d in compare(deployment, live, build_ignore())] == ["spec.template.spec.containers.api.env.OTEL_SERVICE_NAME"]
    extended = build_ignore(parse_ignore_lines(["kubernetes: **.env.OTEL_*"]))
    assert compare(deployment, live, extended) == []


def test_ignore_lines_are_validated():
    with pytest.raises(SettingsError, match="unknown platform 'herokku'"):
        parse_ignore_lines(["herokku: env.X"])
    with pytest.raises(SettingsError, match="not 'platform: pattern'"):
        parse_ignore_lines(["env.X"])


def test_docs_hold_the_default_ignore_lists():
    doc = (Path(__file__).parent.parent / "docs" / "drift.md").read_text()
    start = doc.index("<!-- ignore-table -->\n") + len("<!-- ignore-table -->\n")
    assert doc[start : doc.index("<!-- /ignore-table -->")] == ignore_table()


def test_snapshot_no_adapter_reads_is_a_located_error():
    from pytest_paassec.drift.resources import LiveStateError

    with pytest.raises(LiveStateError, match=re.escape("live/bad.json:7: not a Kubernetes object")):
        live_resources([LiveDocument("kubernetes", "json", {"items": 3}, "live/bad.json", 7)])


def test_a_document_no_adapter_reads_is_an_error_and_the_rest_is_compared(declared, catalog):
    bad = LiveDocument("kubernetes", "json", {"items": 3}, "live/bad.json", 7)
    result = drift(declared, [bad, *live_documents()], catalog)
    assert [error.render() for error in result.errors] == [
        "live/bad.json:7: not a Kubernetes object; export it with the command docs/live-state.md names"
    ]
    assert {entry.status for entry in result.entries} == {IN_SYNC}


def test_an_object_with_a_secret_literal_is_applied_from_its_file_not_copied(catalog, tmp_path):
    root = tmp_path / "repo"
    (root / "deploy").mkdir(parents=True)
    text = (DECLARED / "deploy" / "api.yaml").read_text().replace("value: info", f"value: info\n            - name: STRIPE_KEY\n              value: {CANARY}", 1)
    (root / "deploy" / "api.yaml").write_text(text)
    parsed, _ = scan_files([(root / "deploy" / "api.yaml", "deploy/api.yaml")], catalog)["deploy/api.yaml"]
    declared = resources_of(parsed, classify(Path("deploy/api.yaml")), catalog)[0]
    items = kubernetes_live()
    items[0]["spec"]["replicas"] = 1
    result = drift(declared, [LiveDocument("kubernetes", "yaml", item, "live/k.yaml", 1) for item in items], catalog)
    written = write_plan(result, tmp_path / "plan", root)
    script = (tmp_path / "plan/kubernetes/Deployment_payments_api.sh").read_text()
    assert "kubectl apply --namespace payments -f deploy/api.yaml" in script
    assert not any(path.suffix == ".yaml" for path in written)
    assert CANARY not in texts(result, tmp_path / "plan")
    assert 'cd "$(dirname "$0")/../../repo"' in script


def test_an_elastic_beanstalk_secret_option_is_set_from_the_environment_by_name(catalog, tmp_path):
    root = tmp_path / "repo"
    (root / ".ebextensions").mkdir(parents=True)
    config = root / ".ebextensions" / "db.config"
    config.write_text("option_settings:\n  aws:rds:dbinstance:\n    DBPassword: Declared-Only-Pw-123\n    DBAllocatedStorage: 20\n")
    (parsed, _), = scan_files([(config, ".ebextensions/db.config")], catalog).values()
    declared = resources_of(parsed, classify(Path(".ebextensions/db.config")), catalog)[0]
    live = {"option_settings": {"aws:rds:dbinstance": {"DBPassword": Secret.of(CANARY), "DBAllocatedStorage": "10"}}}
    result = drift(declared, [LiveDocument("elasticbeanstalk", "yaml", live, "live/prod.json", 3, {"EnvironmentName": "shop-prod"})], catalog)
    (entry,) = result.entries
    assert [(d.label, d.change) for d in entry.differences] == [
        ('option_settings["aws:rds:dbinstance"].DBPassword', "changed"), ('option_settings["aws:rds:dbinstance"].DBAllocatedStorage', "changed"),
    ]
    write_plan(result, tmp_path / "plan", root)
    script = (tmp_path / "plan/elasticbeanstalk/config_db.config.sh").read_text()
    assert ('aws elasticbeanstalk update-environment --environment-name shop-prod --option-settings '
            '"Namespace=aws:rds:dbinstance,OptionName=DBPassword,Value=${DBPASSWORD}" Namespace=aws:rds:dbinstance,OptionName=DBAllocatedStorage,Value=20') in script
    assert "Declared-Only-Pw-123" not in script and CANARY not in script


def _matches_by_definition(pattern: tuple[str, ...], path: tuple[str, ...]) -> bool:
    """``*`` one step, ``**`` any number, shell wildcards within a step."""
    import fnmatch

    if not pattern:
        return not path
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        return any(_matches_by_definition(rest, path[i:]) for i in range(len(path) + 1))
    return bool(path) and fnmatch.fnmatchcase(path[0], head) and _matches_by_definition(rest, path[1:])


def test_the_fast_pattern_matcher_agrees_with_the_definition():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from pytest_paassec.drift.ignore import _matches

    @settings(max_examples=3000, deadline=None, database=None)
    @given(st.lists(st.sampled_from(["a", "b", "*", "**", "a*"]), min_size=1, max_size=5).map(tuple),
           st.lists(st.sampled_from(["a", "b", "ab"]), max_size=6).map(tuple))
    def agrees(pattern, path):
        assert _matches(pattern, path) == _matches_by_definition(pattern, path)

    agrees()
