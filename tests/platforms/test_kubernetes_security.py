"""The ``container_security`` subject: effective pod + container security settings."""

from __future__ import annotations

import pytest
from platform_helpers import AdapterHelper, line_of, text_line

from pytest_paassec.model.resources import Resource
from pytest_paassec.model.workload import View
from pytest_paassec.platforms.kubernetes import Kubernetes
from pytest_paassec.platforms.kubernetes_security import SECURITY_SUBJECTS, container_security
from pytest_paassec.rules.catalog import build_catalog

PLATFORM = Kubernetes()

# Manifests may hold several documents: every one must be detected.
HELPER = AdapterHelper(PLATFORM, "deployment.yaml", "yaml")
resources = HELPER.all_resources


def only(text: str, relpath: str = "deployment.yaml") -> Resource:
    (resource,) = resources(text, relpath)
    return resource


DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: payments
spec:
  template:
    metadata:
      annotations:
        container.apparmor.security.beta.kubernetes.io/api: runtime/default
        container.apparmor.security.beta.kubernetes.io/debug: unconfined
    spec:
      os:
        name: linux
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        seccompProfile:
          type: RuntimeDefault
        appArmorProfile:
          type: RuntimeDefault
        seLinuxOptions:
          type: container_t
          level: "s0:c1,c2"
      initContainers:
        - name: migrate
          image: registry.example.com/payments/migrate:1.4.2
          securityContext:
            runAsUser: 0
            runAsNonRoot: false
      containers:
        - name: api
          image: registry.example.com/payments/api:1.4.2
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities:
              drop: [ALL]
              add: [NET_BIND_SERVICE]
        - name: profiler
          image: registry.example.com/platform/profiler:1.1.0
          securityContext:
            privileged: true
            procMount: Unmasked
            seccompProfile:
              type: Unconfined
            appArmorProfile:
              type: Unconfined
            seLinuxOptions:
              type: spc_t
      ephemeralContainers:
        - name: debug
          image: busybox:1.36.1
"""


def views(resource: Resource) -> dict[str, tuple[tuple, View]]:
    return {view["name"]: (path, view) for path, view in container_security(resource)}


def test_registered_as_a_kubernetes_subject() -> None:
    assert SECURITY_SUBJECTS["container_security"] is container_security
    assert PLATFORM.subjects["container_security"] is container_security
    resource = only(DEPLOYMENT)
    assert resource.select("container_security") == container_security(resource)


def test_one_view_per_container_of_every_list() -> None:
    entries = container_security(only(DEPLOYMENT))
    assert [(view["name"], view["list"]) for _, view in entries] == [
        ("migrate", "initContainers"),
        ("api", "containers"),
        ("profiler", "containers"),
        ("debug", "ephemeralContainers"),
    ]
    assert all(isinstance(view, View) for _, view in entries)


def test_source_path_is_the_container_and_lands_on_its_line() -> None:
    resource = only(DEPLOYMENT)
    found = views(resource)
    assert found["api"][0] == ("spec", "template", "spec", "containers", 0)
    assert found["debug"][0] == ("spec", "template", "spec", "ephemeralContainers", 0)
    lines = resource.document.file.text.splitlines()
    for name, (path, _) in found.items():
        assert lines[line_of(resource, path) - 1].strip() == f"- name: {name}"


def test_pod_level_settings_are_inherited() -> None:
    _, api = views(only(DEPLOYMENT))["api"]
    assert api["runAsNonRoot"] is True
    assert api["runAsUser"] == 10001
    assert api["runAsGroup"] == 10001
    assert api["seccompProfileType"] == "RuntimeDefault"
    assert api["appArmorProfileType"] == "RuntimeDefault"
    assert api["seLinuxOptions"] == {"type": "container_t", "level": "s0:c1,c2"}
    assert api["os"] == "linux"


def test_container_values_override_the_pod() -> None:
    found = views(only(DEPLOYMENT))
    _, migrate = found["migrate"]
    assert migrate["runAsUser"] == 0
    assert migrate["runAsNonRoot"] is False
    _, profiler = found["profiler"]
    assert profiler["seccompProfileType"] == "Unconfined"
    assert profiler["appArmorProfileType"] == "Unconfined"
    # seLinuxOptions is replaced as a whole, as the kubelet does: no pod-level level.
    assert profiler["seLinuxOptions"] == {"type": "spc_t"}


def test_container_only_fields() -> None:
    found = views(only(DEPLOYMENT))
    _, api = found["api"]
    assert api["allowPrivilegeEscalation"] is False
    assert api["readOnlyRootFilesystem"] is True
    assert api["capabilitiesDrop"] == ["ALL"]
    assert api["capabilitiesAdd"] == ["NET_BIND_SERVICE"]
    assert "privileged" not in api
    _, profiler = found["profiler"]
    assert profiler["privileged"] is True
    assert profiler["procMount"] == "Unmasked"
    _, migrate = found["migrate"]
    for key in ("privileged", "allowPrivilegeEscalation", "procMount", "capabilitiesAdd", "capabilitiesDrop", "readOnlyRootFilesystem"):
        assert key not in migrate, key


def test_apparmor_annotation_is_matched_by_container_name() -> None:
    found = views(only(DEPLOYMENT))
    assert found["api"][1]["appArmorAnnotation"] == "runtime/default"
    assert found["debug"][1]["appArmorAnnotation"] == "unconfined"
    assert "appArmorAnnotation" not in found["profiler"][1]


def test_unset_settings_are_left_out() -> None:
    resource = only(
        """
        apiVersion: v1
        kind: Pod
        metadata:
          name: bare
        spec:
          containers:
            - name: app
              image: registry.example.com/shop/app:3.2.0
              securityContext:
                runAsUser: null
        """,
        "pod.yaml",
    )
    ((path, view),) = container_security(resource)
    assert path == ("spec", "containers", 0)
    assert view == {"name": "app", "list": "containers", "capabilitiesKept": "keeps the runtime's default capabilities (capabilities.drop lacks ALL)"}


def test_pod_annotations_and_spec_of_a_bare_pod() -> None:
    resource = only(
        """
        apiVersion: v1
        kind: Pod
        metadata:
          name: web
          annotations:
            container.apparmor.security.beta.kubernetes.io/web: localhost/deny-write
        spec:
          securityContext:
            windowsOptions:
              hostProcess: true
          containers:
            - name: web
              image: nginx:1.27.3
              securityContext:
                runAsNonRoot: true
        """,
        "pod.yaml",
    )
    ((_, view),) = container_security(resource)
    assert view["appArmorAnnotation"] == "localhost/deny-write"
    assert view["windowsHostProcess"] is True
    assert view["runAsNonRoot"] is True


def test_cronjob_pod_template_annotations() -> None:
    resource = only(
        """
        apiVersion: batch/v1
        kind: CronJob
        metadata:
          name: report
          annotations:
            container.apparmor.security.beta.kubernetes.io/report: unconfined
        spec:
          schedule: "0 3 * * *"
          jobTemplate:
            spec:
              template:
                metadata:
                  annotations:
                    container.apparmor.security.beta.kubernetes.io/report: runtime/default
                spec:
                  securityContext:
                    seccompProfile:
                      type: Localhost
                  containers:
                    - name: report
                      image: registry.example.com/finance/report:5.0.1
        """,
        "cronjob.yaml",
    )
    ((path, view),) = container_security(resource)
    assert path == ("spec", "jobTemplate", "spec", "template", "spec", "containers", 0)
    # The CronJob's own annotations do not reach its pods; the template's do.
    assert view["appArmorAnnotation"] == "runtime/default"
    assert view["seccompProfileType"] == "Localhost"


def test_knative_service_and_nested_list_paths() -> None:
    service, deployment = resources(
        """
        apiVersion: v1
        kind: List
        items:
          - apiVersion: serving.knative.dev/v1
            kind: Service
            metadata:
              name: hello
            spec:
              template:
                spec:
                  containers:
                    - image: gcr.io/example/hello:2.0.0
                      securityContext:
                        allowPrivilegeEscalation: false
          - apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: api
            spec:
              template:
                spec:
                  containers:
                    - name: api
                      image: registry.example.com/payments/api:1.4.2
        """,
        "list.yaml",
    )
    assert service.platform == "knative"
    ((path, view),) = container_security(service)
    assert view == {"list": "containers", "allowPrivilegeEscalation": False, "capabilitiesKept": "keeps the runtime's default capabilities (capabilities.drop lacks ALL)"}
    assert line_of(service, path) == text_line(service, "- image: gcr.io/example/hello")
    ((path, view),) = container_security(deployment)
    assert view["name"] == "api"
    assert line_of(deployment, path) == text_line(deployment, "- name: api")


@pytest.mark.parametrize(
    "text",
    [
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n    - port: 80\n",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: b\n",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: empty\nspec:\n  template: {}\n",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: odd\nspec:\n  securityContext: []\n  containers: [web]\n",
    ],
    ids=["service", "configmap", "no-pod-spec", "malformed"],
)
def test_no_entries_without_containers(text: str) -> None:
    assert container_security(only(text, "x.yaml")) == []


def test_malformed_security_contexts_are_ignored_not_guessed() -> None:
    resource = only(
        """
        apiVersion: v1
        kind: Pod
        metadata:
          name: odd
        spec:
          securityContext: "runAsNonRoot"
          containers:
            - name: app
              image: registry.example.com/shop/app:3.2.0
              securityContext:
                capabilities: ALL
        """,
        "pod.yaml",
    )
    ((_, view),) = container_security(resource)
    assert view == {"name": "app", "list": "containers", "capabilitiesKept": "keeps the runtime's default capabilities (capabilities.drop lacks ALL)"}


# --- the Pod Security Standards controls that rely on this subject ----------

CATALOG = build_catalog([])


def outcome(control_id: str, resource: Resource) -> list | None:
    """Violations of a control on a resource; None when it does not apply."""
    control = next(c for c in CATALOG.controls if c.id == control_id)
    if not control.is_applicable(resource):
        return None
    return control.evaluate(resource)


WINDOWS_POD = """
apiVersion: v1
kind: Pod
metadata:
  name: iis
spec:
  os:
    name: windows
  containers:
    - name: iis
      image: mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2022
"""


@pytest.mark.parametrize("control_id", ["K8S-PSS-017", "K8S-PSS-020", "K8S-PSS-021", "K8S-PSS-022"])
def test_linux_only_restricted_rules_skip_windows_pods(control_id: str) -> None:
    windows = only(WINDOWS_POD, "pod.yaml")
    assert outcome(control_id, windows) is None
    linux = only(WINDOWS_POD.replace("name: windows", "name: linux"), "pod.yaml")
    assert outcome(control_id, linux) is not None


def test_runasnonroot_inherited_from_the_pod_passes_and_override_fails() -> None:
    resource = only(DEPLOYMENT)
    violations = outcome("K8S-PSS-018", resource)
    assert violations is not None
    # Only the init container overrides runAsNonRoot with false.
    assert [v.path for v in violations] == [("spec", "template", "spec", "initContainers", 0)]
    assert violations[0].line == line_of(resource, ("spec", "template", "spec", "initContainers", 0))


def test_apparmor_checks_field_and_annotation() -> None:
    violations = outcome("K8S-PSS-009", only(DEPLOYMENT))
    assert violations is not None
    assert sorted((v.path[-2], v.path[-1], v.found) for v in violations) == [
        ("containers", 1, "Unconfined"),
        ("ephemeralContainers", 0, "unconfined"),
    ]


def test_root_user_on_the_pod_fails_even_when_containers_override_it() -> None:
    resource = only(
        """
        apiVersion: v1
        kind: Pod
        metadata:
          name: worker
        spec:
          securityContext:
            runAsUser: 0
          containers:
            - name: worker
              image: registry.example.com/jobs/worker:2.2.0
              securityContext:
                runAsUser: 10001
        """,
        "pod.yaml",
    )
    violations = outcome("K8S-PSS-019", resource)
    assert violations is not None
    assert [(v.path, v.line) for v in violations] == [
        (("spec", "securityContext", "runAsUser"), text_line(resource, "runAsUser: 0"))
    ]


LOWER_CASE_ALL = "has lower-case 'all': the runtime drops every capability, but restricted admission rejects the pod; write ALL"


@pytest.mark.parametrize(
    ("drop", "kept"),
    [
        ("[ALL]", None),
        ("[NET_RAW, ALL]", None),
        ("[all]", LOWER_CASE_ALL),
        ("[All, NET_RAW]", LOWER_CASE_ALL),
        ("[NET_RAW]", "keeps the runtime's default capabilities (capabilities.drop lacks ALL)"),
        ("[]", "keeps the runtime's default capabilities (capabilities.drop lacks ALL)"),
    ],
)
def test_capabilities_kept_says_why_drop_falls_short(drop: str, kept: str | None) -> None:
    resource = only(WINDOWS_POD.replace("name: windows", "name: linux") + f"      securityContext:\n        capabilities:\n          drop: {drop}\n", "pod.yaml")
    ((path, view),) = container_security(resource)
    assert view.get("capabilitiesKept") == kept
    assert view.sources["capabilitiesKept"] == path + ("securityContext", "capabilities", "drop")


def test_lower_case_all_fails_restricted_with_its_own_reason() -> None:
    from pytest_paassec.reporting.failures import control_failure

    resource = only(WINDOWS_POD.replace("name: windows", "name: linux") + "      securityContext:\n        capabilities:\n          drop: [all]\n", "pod.yaml")
    control = next(c for c in CATALOG.controls if c.id == "K8S-PSS-021")
    violations = outcome("K8S-PSS-021", resource)
    assert violations is not None and len(violations) == 1
    assert violations[0].line == text_line(resource, "drop: [all]")
    failure = control_failure(control, resource, violations)
    assert failure.summary == f"K8S-PSS-021 (medium) Pod/iis: a container of Pod iis {LOWER_CASE_ALL}"
    # The exact wording the issue asks for.
    assert "lower-case 'all': the runtime drops every capability, but restricted admission rejects the pod; write ALL" in failure.summary
    assert "keeps" not in failure.summary
    assert failure.body[0].endswith("-> capabilities.drop lists ALL, in upper case")
