"""Kubernetes objects beyond workloads (NetworkPolicy, ConfigMap, Secret,
PodDisruptionBudget, HorizontalPodAutoscaler, Job, CronJob) and every
container a pod runs, in every view the controls read."""

from __future__ import annotations

import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from platform_helpers import AdapterHelper, dedented, entries, line_of, text_line

from pytest_paassec.model.resources import Resource
from pytest_paassec.platforms.kubernetes import CONTAINER_LISTS, Kubernetes
from pytest_paassec.rules.catalog import build_catalog
from pytest_paassec.rules.engine import scan_files

PLATFORM = Kubernetes()
HELPER = AdapterHelper(PLATFORM, "manifest.yaml", "yaml")
CATALOG = build_catalog([])
CONTROLS = {control.id: control for control in CATALOG.controls}


def one(text: str) -> Resource:
    (resource,) = HELPER.all_resources(text)
    return resource


def outcome(control_id: str, resource: Resource) -> list | None:
    """Violations of a single-document control; None when it does not apply."""
    control = CONTROLS[control_id]
    return control.evaluate(resource) if control.is_applicable(resource) else None


def scan(root: Path, files: dict[str, str]) -> dict[str, list]:
    """Scan files as one run: ``CONTROL[resource]`` -> violations."""
    for relpath, text in files.items():
        (root / relpath).parent.mkdir(parents=True, exist_ok=True)
        (root / relpath).write_text(dedented(text))
    scanned = scan_files([(root / relpath, relpath) for relpath in sorted(files)], CATALOG)
    return {f"{control.id}[{resource.ref}]": violations for _, checks in scanned.values() for resource, control, violations in checks}


# --- ConfigMap data: the env-var secret detectors -------------------------------

CONFIGMAP = """
apiVersion: v1
kind: ConfigMap
metadata:
  name: web
  namespace: shop
data:
  LOG_LEVEL: info
  DB_PASSWORD: hunter2-prod
  API_TOKEN: ${API_TOKEN}
  RETRIES: 3
  nested: {a: b}
binaryData:
  logo.png: iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==
"""


def test_configmap_data_keys_are_settings() -> None:
    resource = one(CONFIGMAP)
    assert entries(resource, "env") == [
        (("data", "LOG_LEVEL"), {"name": "LOG_LEVEL", "value": "info", "reference": False}),
        (("data", "DB_PASSWORD"), {"name": "DB_PASSWORD", "value": "hunter2-prod", "reference": False}),
        (("data", "API_TOKEN"), {"name": "API_TOKEN", "value": None, "reference": True}),
        (("data", "RETRIES"), {"name": "RETRIES", "value": "3", "reference": False}),
    ]
    assert line_of(resource, ("data", "DB_PASSWORD")) == text_line(resource, "DB_PASSWORD:")


def test_configmap_secret_is_reported_masked() -> None:
    resource = one(CONFIGMAP)
    (violation,) = outcome("XP-SEC-001", resource)
    assert violation.line == text_line(resource, "DB_PASSWORD:")
    assert "hunter2-prod" not in violation.render() and "masked" in violation.render()
    assert outcome("XP-SEC-002", resource) == []
    assert outcome("XP-SEC-003", resource) == []


@pytest.mark.parametrize("text", ["data: null", "data: [a, b]", "binaryData: {k: AAAA}", ""])
def test_configmap_without_usable_data_has_no_settings(text: str) -> None:
    resource = one(f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: odd\n{text}\n")
    assert resource.select("env") == []
    assert outcome("XP-SEC-002", resource) is None


# --- Secret manifests -----------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    ["data:\n  anything-at-all: c2VjcmV0", "stringData:\n  .weird.key: secret", "stringData:\n  config.yaml: |\n    token: abc"],
)
def test_secret_values_under_any_key_fail(body: str) -> None:
    violations = outcome("K8S-SEC-001", one(f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n{body}\n"))
    assert violations and len(violations) == 1


@pytest.mark.parametrize(
    "text",
    [
        "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: s}\nspec:\n  encryptedData: {password: AgBy3i4OJSWK}\n",
        "apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata: {name: s}\nspec:\n  data: [{secretKey: password, remoteRef: {key: db}}]\n",
        "apiVersion: secrets-store.csi.x-k8s.io/v1\nkind: SecretProviderClass\nmetadata: {name: s}\nspec:\n  provider: vault\n",
        # SOPS keeps the kind Secret, encrypts the values and adds its metadata.
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData:\n  password: ENC[AES256_GCM,data:Zm9v,type:str]\n"
        "sops:\n  version: 3.8.1\n",
    ],
    ids=["sealed", "external", "csi", "sops"],
)
def test_encrypted_and_external_secrets_are_not_checked(text: str) -> None:
    assert outcome("K8S-SEC-001", one(text)) is None


# --- jobs and autoscalers -------------------------------------------------------------

POD_SPEC = """\
initContainers:
  - name: prepare
    image: busybox:1.36.1
    securityContext: {privileged: true}
containers:
  - name: backup
    image: ghcr.io/acme/backup:latest
    securityContext:
      capabilities: {add: [SYS_ADMIN]}
"""
CRONJOB = (
    "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: backup\nspec:\n  schedule: '0 3 * * *'\n"
    "  jobTemplate:\n    spec:\n      backoffLimit: 1\n      template:\n        spec:\n" + textwrap.indent(POD_SPEC, " " * 10)
)
DEPLOYMENT = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: backup\nspec:\n  template:\n    spec:\n" + textwrap.indent(POD_SPEC, " " * 6)


def test_job_spec_of_jobs_and_cronjobs() -> None:
    cronjob = one(CRONJOB)
    ((path, spec),) = cronjob.select("job_spec")
    assert path == ("spec", "jobTemplate", "spec") and spec["backoffLimit"] == 1
    job = one("apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec:\n  backoffLimit: 2\n")
    assert [p for p, _ in job.select("job_spec")] == [("spec",)]
    cloud_run = one("apiVersion: run.googleapis.com/v1\nkind: Job\nmetadata: {name: j}\nspec: {template: {}}\n")
    assert cloud_run.select("job_spec") == []
    assert one("apiVersion: batch/v1\nkind: Job\nmetadata: {name: j}\nspec: 3\n").select("job_spec") == []


def test_cronjob_job_controls_point_at_the_job_template() -> None:
    cronjob = one(CRONJOB)
    (violation,) = outcome("K8S-JOB-004", cronjob)
    assert violation.path == ("spec", "jobTemplate", "spec", "activeDeadlineSeconds")
    assert outcome("K8S-JOB-005", cronjob) == []
    assert [v.path for v in outcome("K8S-JOB-001", cronjob)] == [("spec", "concurrencyPolicy")]


# The controls a container gets, whatever the workload kind holds it.
CONTAINER_SUBJECTS = ("containers", "container_security", "workload", "images", "env", "mounts")


def container_findings(resource: Resource) -> dict[str, list[tuple]]:
    """Control id -> the container-relative paths of its violations."""
    found = {}
    for control in CATALOG.controls:
        if control.subject in CONTAINER_SUBJECTS and control.is_applicable(resource):
            spec_path = resource.select("pod_spec")[0][0]
            found[control.id] = sorted(v.path[len(spec_path) :] for v in control.evaluate(resource))
    return found


def test_a_cronjob_container_is_checked_like_a_deployment_container() -> None:
    cron = container_findings(one(CRONJOB))
    assert cron == container_findings(one(DEPLOYMENT))
    assert cron["K8S-PSS-001"] == [("initContainers", 0, "securityContext", "privileged")]
    assert cron["K8S-PSS-005"] == [("containers", 0, "securityContext", "capabilities", "add", 0)]
    assert cron["XP-IMG-001"] and cron["XP-RES-001"]


def test_autoscaler_bounds() -> None:
    def bounds(spec: str) -> dict:
        resource = one(f"apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {{name: h}}\nspec:\n{spec}")
        ((_, view),) = resource.select("autoscaler")
        return dict(view)

    assert bounds("  maxReplicas: 5\n") == {"minReplicas": 1, "maxReplicas": 5}
    assert bounds("  minReplicas: 6\n  maxReplicas: 3\n")["inverted"] == "maxReplicas 3 is below minReplicas 6: the API server rejects it"
    assert "inverted" not in bounds("  minReplicas: '6'\n  maxReplicas: 3\n")
    assert one("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h}\nspec: []\n").select("autoscaler") == []


def test_pdb_blocks_drains_only_at_zero() -> None:
    def pdb(spec: str) -> list | None:
        return outcome("K8S-AVAIL-003", one(f"apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: p}}\nspec:\n{spec}"))

    assert pdb("  maxUnavailable: '0'\n") and pdb("  minAvailable: 100%\n")
    assert pdb("  minAvailable: 1\n") == [] and pdb("  maxUnavailable: 10%\n") == []


# --- every container a pod runs, in every view ---------------------------------------

EVERY_LIST = """
apiVersion: v1
kind: Pod
metadata:
  name: debugged
spec:
  volumes:
    - name: docker
      hostPath: {path: /var/run/docker.sock}
  initContainers:
    - name: init
      image: busybox:1.36.1
      env: [{name: MODE, value: init}]
      volumeMounts: [{name: docker, mountPath: /var/run/docker.sock}]
  containers:
    - name: app
      image: ghcr.io/acme/app:1.0.0
      env: [{name: MODE, value: app}]
      volumeMounts: [{name: docker, mountPath: /sock}]
  ephemeralContainers:
    - name: debug
      image: busybox:latest
      env: [{name: MODE, value: debug}]
      volumeMounts: [{name: docker, mountPath: /debug}]
      securityContext:
        privileged: true
        capabilities: {add: [SYS_PTRACE]}
"""


def lists(resource: Resource, subject: str) -> list[str]:
    return [next(step for step in path if step in CONTAINER_LISTS) for path, _ in resource.select(subject)]


@pytest.mark.parametrize("subject", ["containers", "container_security", "images", "env", "mounts"])
def test_every_container_list_is_in_the_view(subject: str) -> None:
    assert lists(one(EVERY_LIST), subject) == ["initContainers", "containers", "ephemeralContainers"]


def test_workload_view_leaves_ephemeral_containers_out() -> None:
    """Limits and probes do not apply to debug containers (the API rejects
    them); their privileges are checked on the containers subject."""
    assert lists(one(EVERY_LIST), "workload") == ["containers", "initContainers"]


@pytest.mark.parametrize(
    ("control_id", "tail"),
    [
        ("K8S-PSS-001", ("ephemeralContainers", 0, "securityContext", "privileged")),
        ("K8S-PSS-005", ("ephemeralContainers", 0, "securityContext", "capabilities", "add", 0)),
        ("XP-IMG-001", ("ephemeralContainers", 0, "image")),
    ],
)
def test_ephemeral_container_privileges_and_image_are_checked(control_id: str, tail: tuple) -> None:
    violations = outcome(control_id, one(EVERY_LIST))
    assert violations is not None
    assert ("spec",) + tail in [v.path for v in violations]


# --- NetworkPolicy, single document and across files ----------------------------------

DEPLOY = """
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web, tier: front}}
    spec:
      containers: [{name: web, image: "ghcr.io/acme/web:1.0.0"}]
"""


def policy(name: str, spec: str, namespace: str = "shop") -> str:
    return f"apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {{name: {name}, namespace: {namespace}}}\nspec:\n{spec}"


def test_allow_all_ingress_and_egress_rules() -> None:
    wide = one(policy("p", "  podSelector: {}\n  ingress: [{}, {from: [{podSelector: {}}]}]\n  egress: [{ports: [{port: 53}]}, {to: []}]\n"))
    assert [v.path for v in outcome("K8S-NET-008", wide)] == [("spec", "ingress", 0, "from")]
    assert [v.path for v in outcome("K8S-NET-009", wide)] == [("spec", "egress", 1, "to")]
    none = one(policy("p", "  podSelector: {}\n  policyTypes: [Ingress]\n"))
    assert outcome("K8S-NET-008", none) is None and outcome("K8S-NET-009", none) is None


def test_world_ip_blocks() -> None:
    resource = one(policy("p", "  podSelector: {}\n  ingress:\n    - from: [{ipBlock: {cidr: 10.0.0.0/8}}, {ipBlock: {cidr: 0.0.0.0/0}}]\n"))
    (violation,) = outcome("K8S-NET-010", resource)
    assert violation.path == ("spec", "ingress", 0, "from", 1, "ipBlock", "cidr")


@pytest.mark.parametrize(
    ("selector", "namespace", "fails"),
    [
        ("{matchLabels: {app: wbe}}", "shop", True),
        ("{matchLabels: {app: web, tier: back}}", "shop", True),
        ("{matchLabels: {app: web}}", "billing", False),  # no workload there: cannot tell
        ("{matchLabels: {app: web, tier: front}}", "shop", False),
        ("{}", "shop", False),
        ("{matchExpressions: [{key: app, operator: In, values: [wbe]}]}", "shop", False),
        ("{matchLabels: {app: wbe}, matchExpressions: [{key: tier, operator: Exists}]}", "shop", False),
    ],
)
def test_policy_selecting_no_workload(tmp_path: Path, selector: str, namespace: str, fails: bool) -> None:
    found = scan(tmp_path, {"deploy.yaml": DEPLOY, "netpol.yaml": policy("web", f"  podSelector: {selector}\n", namespace)})
    violations = found[f"K8S-NET-011[NetworkPolicy/{namespace}/web]"]
    assert bool(violations) is fails
    if fails:
        assert violations[0].file == "netpol.yaml" and "matches no pod of namespace shop" in str(violations[0].found)


def junit(xml: Path) -> dict[str, str]:
    return {
        case.get("name"): "failed" if case.find("failure") is not None else "passed"
        for case in ET.parse(xml).getroot().iter("testcase")
        if case.get("name", "").startswith("K8S-NET-")
    }


def test_policy_facts_agree_across_xdist_workers(pytester: pytest.Pytester) -> None:
    for index in range(4):
        pytester.makefile(".yaml", **{f"app{index}": DEPLOY.replace("web", f"web{index}")})
        pytester.makefile(".yaml", **{f"netpol{index}": policy(f"p{index}", f"  podSelector: {{matchLabels: {{app: web{index * 2}}}}}\n")})
    pytester.runpytest("-p", "no:randomly", "--junitxml=plain.xml")
    pytester.runpytest("-p", "no:randomly", "-n", "2", "--dist", "load", "--junitxml=xdist.xml")
    plain = junit(pytester.path / "plain.xml")
    assert {name: state for name, state in plain.items() if name.startswith("K8S-NET-011")} == {
        "K8S-NET-011[NetworkPolicy/shop/p0]": "passed",
        "K8S-NET-011[NetworkPolicy/shop/p1]": "passed",
        "K8S-NET-011[NetworkPolicy/shop/p2]": "failed",
        "K8S-NET-011[NetworkPolicy/shop/p3]": "failed",
    }
    assert junit(pytester.path / "xdist.xml") == plain


def budget(spec: str) -> str:
    return f"apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {{name: web, namespace: shop}}\nspec:\n{spec}"


@pytest.mark.parametrize(
    ("replicas", "spec", "fails"),
    [
        ("2", "  minAvailable: 2\n  selector: {matchLabels: {app: web}}\n", True),
        ("2", "  minAvailable: 5\n  selector: {matchLabels: {app: web}}\n", True),
        ("3", "  minAvailable: 2\n  selector: {matchLabels: {app: web}}\n", False),
        ("2", "  minAvailable: 50%\n  selector: {matchLabels: {app: web}}\n", False),  # K8S-AVAIL-003's case
        ("2", "  minAvailable: 2\n  selector: {matchLabels: {app: api}}\n", False),  # selects nothing here
        ("2", "  minAvailable: 2\n  selector: {matchExpressions: [{key: app, operator: Exists}]}\n", False),
        (None, "  minAvailable: 2\n  selector: {matchLabels: {app: web}}\n", False),  # an autoscaler owns the count
    ],
)
def test_budget_that_keeps_every_replica(tmp_path: Path, replicas: str | None, spec: str, fails: bool) -> None:
    deploy = DEPLOY.replace("spec:\n  selector", f"spec:\n  replicas: {replicas}\n  selector") if replicas else DEPLOY
    found = scan(tmp_path, {"deploy.yaml": deploy, "pdb.yaml": budget(spec)})
    violations = found["K8S-AVAIL-006[PodDisruptionBudget/shop/web]"]
    assert bool(violations) is fails
    if fails:
        assert violations[0].file == "pdb.yaml" and violations[0].line == 5
        assert f"keeps every pod of Deployment/shop/web ({replicas} replicas)" in str(violations[0].found)
