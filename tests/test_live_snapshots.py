"""Live-state snapshot readers: detection, conversion, secrets, and refs that
match the declared files' (tests/live/<platform>/SOURCES.md says where each
sample's shape comes from)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_paassec.drift.live import LiveDocument, Secret
from pytest_paassec.drift.snapshots import SnapshotError, read_directory, read_snapshot, read_snapshots
from pytest_paassec.parsing.documents import Document, ParsedFile, parse_text
from pytest_paassec.platforms import BUILTIN_PLATFORMS

LIVE = Path(__file__).parent / "live"
ADAPTERS = {platform.name: platform for platform in BUILTIN_PLATFORMS}
ALL = ("kubernetes", "cloudfoundry", "heroku", "appengine", "flyio", "digitalocean", "render", "azure", "elasticbeanstalk", "compose")
DRIFTED = ("kubernetes", "cloudfoundry", "heroku", "flyio", "digitalocean", "azure", "elasticbeanstalk")
FORMAT = {".yaml": "yaml", ".yml": "yaml", ".json": "json", ".toml": "toml", ".config": "yaml"}
# Objects the API server creates in every namespace: not in any repository.
SERVER_CREATED = {"ConfigMap/payments/kube-root-ca.crt", "ServiceAccount/payments/default", "Service/default/kubernetes"}
# Clear secret values planted in the snapshots; none may survive reading.
PLANTED = (
    "c3VwZXItc2VjcmV0LWRiLXBhc3N3b3JkLTQy", "sk_live_51Nq8fGJx2vT9kLmQwErTyUiOpAsDfGh", "7hG2kq9ZxR4vLm8Np3Ws",
    "sk_live_51Hc2yKLp0QwErTy7UiOpAsDf", "f1c0e3b7a25d94e8c6b13a07d5f2e9c48b6a1d3f0e7c25b94a8d6e1f3c0b7a59",
    "p3f9e1a7c5b2d8f4a6e0c1b3d5f7a9e2c", "sk_live_51Kd9xQzP4mWvB7nTyR2eLsA8", "c6f3a9e1b27d48f05e9a1c3b7d2f6e80",
    "SG.x7Kp2LmQ9vRtW4yZ", "SG.q8Wm3Kz1Xv5Bn7Lp", "a9f3c7e1b5d2f8a4c6e0b7d3f1a5c9e2", "sk_live_51Eb4hTzW8nQ2mKx6RvLpYc3", "example-only-Vb2Nq8Lw",
)


def _live(platform: str, state: str) -> list[LiveDocument]:
    documents, errors = read_directory(LIVE / platform / state, LIVE.parent.parent)
    assert errors == []
    return documents


def _declared(platform: str) -> list[Document]:
    root = LIVE / platform / "declared"
    found = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        parsed = parse_text(path.relative_to(root).as_posix(), FORMAT[path.suffix], path.read_text())
        found.extend(d for d in parsed.documents if ADAPTERS[platform].detect(d))
    return found


def _refs(platform: str, documents: list[Document]) -> set[str]:
    return {resource.ref for document in documents for resource in ADAPTERS[platform].resources(document)}


def _as_documents(platform: str, live: list[LiveDocument]) -> list[Document]:
    # Render's blueprint and Elastic Beanstalk's config are named after their
    # file: live state stands in for the declared file (the engine pairs
    # them, DriftRules.unnamed), so here it takes that file's name.
    declared = {d.path for d in _declared(platform)}
    relpath = declared.pop() if platform in ("render", "elasticbeanstalk") else None
    return [Document(ParsedFile(relpath or item.source, item.format, ""), 0, item.data, item.line) for item in live]


@pytest.mark.parametrize("platform", ALL)
def test_faithful_snapshot_has_the_declared_refs(platform: str) -> None:
    live = _live(platform, "faithful")
    assert {item.platform for item in live} == {platform}
    documents = _as_documents(platform, live)
    assert all(ADAPTERS[platform].detect(document) for document in documents)
    live_refs, declared_refs = _refs(platform, documents), _refs(platform, _declared(platform))
    assert declared_refs
    extra = SERVER_CREATED if platform == "kubernetes" else set()
    assert live_refs == declared_refs | extra


DRIFT_REFS = {
    "kubernetes": ({"Deployment/payments/debug-shell"}, {"NetworkPolicy/payments/default-deny"}),
    "cloudfoundry": ({"application/billing-debug"}, {"application/billing-scheduler"}),
    "heroku": ({"app/acme-checkout-hotfix"}, set()),
    "flyio": ({"app/acme-search-debug"}, set()),
    "digitalocean": ({"service/adminer"}, {"worker/mailer"}),
    "azure": ({"Microsoft.Web/sites/acme-portal-staging"}, set()),
    "elasticbeanstalk": (set(), set()),
}


@pytest.mark.parametrize("platform", DRIFTED)
def test_drifted_snapshot_adds_and_loses_resources(platform: str) -> None:
    faithful = _refs(platform, _as_documents(platform, _live(platform, "faithful")))
    drifted = _refs(platform, _as_documents(platform, _live(platform, "drifted")))
    added, removed = DRIFT_REFS[platform]
    assert drifted - faithful == added
    assert faithful - drifted == removed


@pytest.mark.parametrize("platform", ALL)
def test_no_secret_survives_reading(platform: str) -> None:
    for state in ("faithful", "drifted"):
        if (LIVE / platform / state).is_dir():
            text = repr(_live(platform, state))
            assert not [secret for secret in PLANTED if secret in text]


def _find(live: list[LiveDocument], kind: str, name: str) -> dict:
    return next(d.data for d in live if d.data.get("kind") == kind and d.data["metadata"]["name"] == name)


def test_kubernetes_keeps_server_fields_and_conceals_secrets() -> None:
    live = _live("kubernetes", "drifted")
    deployment = _find(live, "Deployment", "api")
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    assert deployment["metadata"]["uid"] and deployment["status"]["readyReplicas"] == 1
    assert container["terminationMessagePath"] == "/dev/termination-log"
    assert container["securityContext"]["privileged"] is True and "memory" not in container["resources"]["limits"]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["LOG_LEVEL"] == "info" and isinstance(env["STRIPE_API_KEY"], Secret)
    assert env["STRIPE_API_KEY"].matches("sk_live_51Nq8fGJx2vT9kLmQwErTyUiOpAsDfGh")
    secret = _find(live, "Secret", "api-db")
    assert secret["data"]["password"].matches("c3VwZXItc2VjcmV0LWRiLXBhc3N3b3JkLTQy")
    assert isinstance(deployment["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"], Secret)
    lines = {d.data["metadata"]["name"]: d.line for d in live if d.source.endswith(".yaml")}
    text = (LIVE / "kubernetes" / "drifted" / "all-namespaces.yaml").read_text().splitlines()
    assert all(text[line - 1].startswith("- apiVersion:") for line in lines.values())


def test_heroku_joins_info_and_config_into_app_json() -> None:
    (live,) = _live("heroku", "faithful")
    data = live.data
    assert data["name"] == "acme-checkout" and data["stack"] == "heroku-24"
    assert data["formation"] == {"web": {"quantity": 2, "size": "standard-1x"}, "worker": {"quantity": 1, "size": "standard-1x"}}
    assert data["addons"] == ["heroku-postgresql:essential-0", "heroku-redis:mini"]
    assert data["env"]["LOG_LEVEL"] == "info" and isinstance(data["env"]["SESSION_SECRET"], Secret)
    assert live.notes["region"] == "us"


def test_azure_joins_three_exports_into_an_arm_site() -> None:
    sites = {d.data["resources"][0]["name"]: d.data["resources"][0] for d in _live("azure", "drifted")}
    assert "identity" not in sites["acme-portal-staging"]
    site = sites["acme-portal"]
    assert site["identity"]["type"] == "SystemAssigned" and site["properties"]["httpsOnly"] is False
    config = site["properties"]["siteConfig"]
    assert config["ftpsState"] == "AllAllowed" and config["minTlsVersion"] == "1.2" and "id" not in config
    settings = {s["name"]: s["value"] for s in config["appSettings"]}
    assert settings["DB_PASSWORD"].startswith("@Microsoft.KeyVault(") and isinstance(settings["SENDGRID_API_KEY"], Secret)


def test_appengine_version_becomes_app_yaml() -> None:
    (live,) = _live("appengine", "faithful")
    assert live.data["handlers"] == [{"url": "/.*", "secure": "always", "login": "optional", "script": "auto"}]
    assert live.data["automatic_scaling"]["max_instances"] == 10
    assert live.data["vpc_access_connector"]["egress_setting"] == "private-ip-ranges"


def test_compose_groups_containers_by_project_and_service() -> None:
    (live,) = _live("compose", "faithful")
    web = live.data["services"]["web"]
    assert web["ports"] == ["8080:8000"] and web["read_only"] is True and web["cap_drop"] == ["ALL"]
    assert web["healthcheck"]["interval"] == "30s" and web["user"] == "10001"
    assert live.data["services"]["db"]["volumes"] == ["pgdata:/var/lib/postgresql/data"]


def test_elasticbeanstalk_and_render_convert() -> None:
    (eb,) = _live("elasticbeanstalk", "faithful")
    assert eb.data["option_settings"]["aws:autoscaling:asg"]["MinSize"] == "2"
    assert "EC2KeyName" not in eb.data["option_settings"]["aws:autoscaling:launchconfiguration"]
    assert eb.notes["EnvironmentName"] == "shop-prod"
    (render,) = _live("render", "faithful")
    service = render.data["services"][0]
    assert service["autoDeploy"] is True and service["numInstances"] == 2
    assert isinstance(service["envVars"][1]["value"], Secret)


@pytest.mark.parametrize(
    ("relpath", "text", "line", "problem"),
    [
        ("live/notes.yaml", "title: release notes\nitems: [a, b]\n", 1, "not a live-state export"),
        ("live/broken.json", '{"apiVersion": "v1",\n "kind": ', 2, ""),
        ("live/empty.yaml", "", 1, "empty"),
        ("live/list.yaml", "apiVersion: v1\nkind: List\nitems:\n- name: x\n", 4, "without apiVersion and kind"),
        ("live/config.json", '{"LOG_LEVEL": "info"}', 1, "no identity"),
        ("live/containers.json", '[{"Id": "abc", "Name": "/x", "Config": {"Labels": {}},\n  "HostConfig": {}}]', 1, "no Compose project"),
    ],
)
def test_bad_snapshots_are_located_errors(relpath: str, text: str, line: int, problem: str) -> None:
    with pytest.raises(SnapshotError) as info:
        read_snapshot(relpath, text)
    assert info.value.path == relpath and info.value.line == line and problem in info.value.problem


def test_a_split_export_needs_its_companion() -> None:
    config = (LIVE / "heroku" / "faithful" / "acme-checkout.heroku-config.json").read_text()
    with pytest.raises(SnapshotError, match="only one part"):
        read_snapshot("live/acme-checkout.heroku-config.json", config)
    documents, errors = read_snapshots([("live/acme-checkout.heroku-config.json", config)])
    assert documents == [] and len(errors) == 1
    assert errors[0].render().startswith("live/acme-checkout.heroku-config.json:1: the heroku live state of 'acme-checkout' lacks its apps:info")


def test_read_directory_reports_errors_and_keeps_going(tmp_path: Path) -> None:
    for name in ("faithful/acme-shop.app-spec.yaml",):
        (tmp_path / "acme-shop.yaml").write_text((LIVE / "digitalocean" / name).read_text())
    (tmp_path / "b-junk.json").write_text("[1, 2]")
    (tmp_path / "README.md").write_text("not read")
    (tmp_path / ".hidden.json").write_text("{")
    documents, errors = read_directory(tmp_path, tmp_path)
    assert [(d.platform, d.source) for d in documents] == [("digitalocean", "acme-shop.yaml")]
    assert [e.render().split(":")[0] for e in errors] == ["b-junk.json"]
