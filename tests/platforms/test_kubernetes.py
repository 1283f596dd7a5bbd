"""The Kubernetes adapter (with OpenShift and Knative / Cloud Run): detection,
resources, platforms and the normalized subjects."""

from __future__ import annotations

import json
import textwrap

import pytest
from platform_helpers import AdapterHelper, entries, line_of, line_with

from pytest_paassec.model.resources import Resource
from pytest_paassec.platforms.kubernetes import Kubernetes, platform_of

PLATFORM = Kubernetes()

# Manifests may hold several documents: every one must be detected.
HELPER = AdapterHelper(PLATFORM, "manifest.yaml", "yaml")
documents = HELPER.documents
resources = HELPER.all_resources


def one(text: str) -> Resource:
    (resource,) = resources(text)
    return resource


def source_line(resource: Resource, subject: str, index: int, key: str) -> int:
    """The line a finding on ``key`` of a normalized entry points at."""
    base, view = resource.select(subject)[index]
    return line_of(resource, view.sources.get(key, base))


DEPLOYMENT = """
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      securityContext:
        runAsNonRoot: true
      initContainers:
        - name: migrate
          image: ghcr.io/acme/migrate:1.0.0
          env:
            - name: DATABASE_URL
              valueFrom:
                secretKeyRef: {name: db, key: url}
      containers:
        - name: web
          image: registry.example.com:5000/acme/web:1.4.2@sha256:{digest}
          env:
            - name: LOG_LEVEL
              value: info
            - name: API_TOKEN
              valueFrom:
                secretKeyRef: {name: api, key: token}
            - name: PEER_URL
              value: http://$(POD_IP):8080
            - name: EMPTY
            - name: PORT
              value: 8080
          envFrom:
            - prefix: CFG_
              configMapRef: {name: web-config}
          resources:
            limits:
              memory: 256Mi
              cpu: 500m
          securityContext:
            privileged: false
          readinessProbe:
            httpGet: {path: /ready, port: 8080}
        - name: sidecar
          image: envoyproxy/envoy:v1.30.1
          securityContext:
            runAsUser: 0
""".replace("{digest}", "ab" * 32)


# --- detection and platforms --------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
        "apiVersion: apps/v1\nkind: Deployment\n",
        "apiVersion: serving.knative.dev/v1\nkind: Service\n",
        "apiVersion: cert-manager.io/v1\nkind: Certificate\n",
        "apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\n",
        "apiVersion: v1\nkind: List\nitems: []\n",
    ],
)
def test_detects_manifests(text: str) -> None:
    (doc,) = documents(text)
    assert PLATFORM.detect(doc)


@pytest.mark.parametrize(
    "text",
    [
        # Helm Chart.yaml: an apiVersion but no kind
        "apiVersion: v2\nname: shop\nversion: 1.0.0\n",
        # an ARM resource: a date for apiVersion and a free-text kind
        '{"apiVersion": "2022-03-01", "kind": "app,linux", "type": "Microsoft.Web/sites"}',
        # a compose file
        "services:\n  web:\n    image: nginx:1.27\n",
        # kind that is not a type name
        "apiVersion: v1\nkind: deployment config\n",
        "apiVersion: 1\nkind: Pod\n",
        "- apiVersion: v1\n  kind: Pod\n",
    ],
)
def test_ignores_look_alikes(text: str) -> None:
    (doc,) = documents(text)
    assert not PLATFORM.detect(doc)


@pytest.mark.parametrize(
    ("api_version", "kind", "platform"),
    [
        ("apps/v1", "Deployment", "kubernetes"),
        ("v1", "Service", "kubernetes"),
        ("serving.knative.dev/v1", "Service", "knative"),
        ("run.googleapis.com/v1", "Job", "knative"),
        ("route.openshift.io/v1", "Route", "openshift"),
        ("security.openshift.io/v1", "SecurityContextConstraints", "openshift"),
        # OpenShift 3 served its own kinds under the core version
        ("v1", "DeploymentConfig", "openshift"),
        ("v1", "Route", "openshift"),
        ("networking.k8s.io/v1", "Route", "kubernetes"),
    ],
)
def test_platform_of(api_version: str, kind: str, platform: str) -> None:
    assert platform_of(api_version, kind) == platform


def test_multi_document_file_gives_one_resource_per_document() -> None:
    found = resources(
        """
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        ---
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata: {generateName: hello-}
        """
    )
    assert [(r.platform, r.kind, r.name, r.scope, r.ref) for r in found] == [
        ("kubernetes", "Service", "web", "shop", "Service/shop/web"),
        ("knative", "Service", "hello-", None, "Service/hello-"),
    ]
    assert line_of(found[1], ("kind",)) == 6


def test_list_items_are_resources_at_their_path() -> None:
    found = resources(
        """
        apiVersion: v1
        kind: List
        items:
          - apiVersion: v1
            kind: Service
            metadata: {name: a}
          - not-a-resource
          - apiVersion: route.openshift.io/v1
            kind: Route
            metadata: {name: b}
        """
    )
    assert [(r.kind, r.name, r.path, r.platform) for r in found] == [
        ("Service", "a", ("items", 0), "kubernetes"),
        ("Route", "b", ("items", 2), "openshift"),
    ]
    assert [r.line for r in found] == [4, 8]


def test_template_and_its_objects_are_resources() -> None:
    template = {
        "kind": "Template",
        "apiVersion": "template.openshift.io/v1",
        "metadata": {"name": "shop"},
        "objects": [
            {"kind": "Secret", "apiVersion": "v1", "metadata": {"name": "${NAME}"}, "stringData": {"p": "${PASSWORD}"}},
            {"kind": "DeploymentConfig", "apiVersion": "apps.openshift.io/v1", "metadata": {"name": "${NAME}"}},
        ],
        "parameters": [{"name": "PASSWORD", "generate": "expression", "from": "[a-z]{8}"}],
    }
    found = resources(json.dumps(template, indent=2), "template.json", "json")
    assert [(r.kind, r.platform, r.path) for r in found] == [
        ("Template", "openshift", ()),
        ("Secret", "kubernetes", ("objects", 0)),
        ("DeploymentConfig", "openshift", ("objects", 1)),
    ]
    secret = found[1]
    assert line_of(secret, ("stringData", "p")) == line_with(secret, '"p": "${PASSWORD}"')


# --- pod spec, containers, cloudrun -----------------------------------------


def test_pod_spec_of_workloads_but_not_of_plain_services() -> None:
    deployment = one(DEPLOYMENT)
    assert [path for path, _ in deployment.select("pod_spec")] == [("spec", "template", "spec")]
    assert [path for path, _ in deployment.select("containers")] == [
        ("spec", "template", "spec", "initContainers", 0),
        ("spec", "template", "spec", "containers", 0),
        ("spec", "template", "spec", "containers", 1),
    ]
    service = one("apiVersion: v1\nkind: Service\nspec:\n  template: {spec: {containers: []}}\n")
    assert service.select("pod_spec") == []


CLOUD_RUN_JOB = """
apiVersion: run.googleapis.com/v1
kind: Job
metadata:
  name: export
spec:
  template:
    spec:
      taskCount: 2
      template:
        spec:
          serviceAccountName: exporter@acme.iam.gserviceaccount.com
          containers:
            - image: europe-docker.pkg.dev/acme/jobs/export:1.0.0
"""


def test_cloud_run_job_pod_spec_is_the_task_template() -> None:
    job = one(CLOUD_RUN_JOB)
    assert job.platform == "knative"
    (path, spec), = job.select("pod_spec")
    assert path == ("spec", "template", "spec", "template", "spec")
    assert spec["serviceAccountName"].startswith("exporter@")
    assert [p for p, _ in job.select("containers")] == [path + ("containers", 0)]
    assert job.select("cloudrun") == [((), job.data)]


def test_cloudrun_subject_needs_google_annotations_or_labels() -> None:
    knative = one("apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata: {name: a}\n")
    assert knative.select("cloudrun") == []
    annotated = one(
        """
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata: {name: a}
        spec:
          template:
            metadata:
              annotations:
                run.googleapis.com/execution-environment: gen2
        """
    )
    assert annotated.select("cloudrun") == [((), annotated.data)]
    labelled = one("apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  labels: {cloud.googleapis.com/location: europe-west1}\n")
    assert len(labelled.select("cloudrun")) == 1
    kubernetes = one("apiVersion: v1\nkind: Service\nmetadata:\n  annotations: {run.googleapis.com/ingress: all}\n")
    assert kubernetes.select("cloudrun") == []


# --- env ------------------------------------------------------------------------


def test_env_literals_and_references() -> None:
    deployment = one(DEPLOYMENT)
    found = entries(deployment, "env")
    assert [view for _, view in found] == [
        {"name": "DATABASE_URL", "value": None, "reference": True},
        {"name": "LOG_LEVEL", "value": "info", "reference": False},
        {"name": "API_TOKEN", "value": None, "reference": True},
        {"name": "PEER_URL", "value": "http://$(POD_IP):8080", "reference": False},
        {"name": "EMPTY", "value": "", "reference": False},
        {"name": "PORT", "value": "8080", "reference": False},
        {"name": "CFG_*", "value": None, "reference": True},
    ]
    lines = [line_of(deployment, path) for path, _ in found]
    assert lines == [
        line_with(deployment, "valueFrom:"),
        line_with(deployment, "value: info"),
        line_with(deployment, "valueFrom:", 1),
        line_with(deployment, "value: http://$(POD_IP)"),
        line_with(deployment, "- name: EMPTY"),
        line_with(deployment, "value: 8080"),
        line_with(deployment, "- prefix: CFG_"),
    ]


def test_dependent_env_reference_is_a_reference() -> None:
    pod = one(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: c
              image: busybox:1.36
              env:
                - {name: DB_PASSWORD, value: $(PASSWORD_FROM_SECRET)}
        """
    )
    assert entries(pod, "env") == [
        (("spec", "containers", 0, "env", 0, "value"), {"name": "DB_PASSWORD", "value": None, "reference": True})
    ]


# --- images ---------------------------------------------------------------------


def test_images_of_every_container() -> None:
    deployment = one(DEPLOYMENT)
    found = entries(deployment, "images")
    assert [view for _, view in found] == [
        {"image": "ghcr.io/acme/migrate:1.0.0", "registry": "ghcr.io", "repository": "acme/migrate", "tag": "1.0.0", "digest": None},
        {
            "image": "registry.example.com:5000/acme/web:1.4.2@sha256:" + "ab" * 32,
            "registry": "registry.example.com:5000",
            "repository": "acme/web",
            "tag": "1.4.2",
            "digest": "sha256:" + "ab" * 32,
        },
        {"image": "envoyproxy/envoy:v1.30.1", "registry": "docker.io", "repository": "envoyproxy/envoy", "tag": "v1.30.1", "digest": None},
    ]
    assert [line_of(deployment, path) for path, _ in found] == [
        line_with(deployment, "image: ghcr.io/acme/migrate"),
        line_with(deployment, "image: registry.example.com"),
        line_with(deployment, "image: envoyproxy"),
    ]


# --- endpoints ------------------------------------------------------------------


def service(spec: str, annotations: str = "") -> Resource:
    meta = f"  annotations:\n{textwrap.indent(annotations, '    ')}" if annotations else ""
    return one(f"apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n{meta}spec:\n{textwrap.indent(textwrap.dedent(spec), '  ')}")


@pytest.mark.parametrize(
    ("spec", "annotations", "public"),
    [
        ("type: LoadBalancer\nports:\n  - port: 443\n", "", True),
        ("type: LoadBalancer\nports:\n  - port: 443\n", "networking.gke.io/load-balancer-type: Internal\n", False),
        ("type: LoadBalancer\nports:\n  - port: 443\n", "service.beta.kubernetes.io/aws-load-balancer-scheme: internal\n", False),
        ("type: NodePort\nports:\n  - port: 443\n    nodePort: 30443\n", "", True),
        ("ports:\n  - port: 443\n", "", False),
        ("type: ClusterIP\nexternalIPs: [198.51.100.7]\nports:\n  - port: 443\n", "", True),
    ],
)
def test_service_ports_are_public_when_published(spec: str, annotations: str, public: bool) -> None:
    resource = service(spec, annotations)
    ((path, view),) = entries(resource, "endpoints")
    assert view == {"port": 443, "protocol": "TCP", "public": public, "tls": None}
    assert line_of(resource, path) == line_with(resource, "- port: 443")


def test_service_public_flag_points_at_what_decides_it() -> None:
    resource = service("type: LoadBalancer\nports:\n  - port: 443\n", "networking.gke.io/load-balancer-type: Internal\n")
    assert source_line(resource, "endpoints", 0, "public") == line_with(resource, "networking.gke.io/load-balancer-type")
    resource = service("type: NodePort\nports:\n  - port: 443\n")
    assert source_line(resource, "endpoints", 0, "public") == line_with(resource, "type: NodePort")


def test_external_name_service_is_no_way_in() -> None:
    assert entries(service("type: ExternalName\nexternalName: db.example.com\n"), "endpoints") == []


INGRESS = """
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: shop}
spec:
  tls:
    - hosts: [shop.example.com]
      secretName: shop-tls
  rules:
    - host: shop.example.com
      http: {paths: []}
    - host: admin.example.com
      http: {paths: []}
"""


def test_ingress_hosts_have_tls_when_listed_in_spec_tls() -> None:
    ingress = one(INGRESS)
    found = entries(ingress, "endpoints")
    assert [view for _, view in found] == [
        {"port": 443, "protocol": "https", "public": True, "tls": True},
        {"port": 80, "protocol": "http", "public": True, "tls": False},
    ]
    assert [line_of(ingress, path) for path, _ in found] == [
        line_with(ingress, "- host: shop"),
        line_with(ingress, "- host: admin"),
    ]
    assert source_line(ingress, "endpoints", 1, "tls") == line_with(ingress, "tls:")


def test_ingress_tls_without_hosts_covers_every_rule_and_default_backend() -> None:
    ingress = one(
        """
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        metadata: {name: shop}
        spec:
          tls:
            - secretName: wildcard
          defaultBackend:
            service: {name: web, port: {number: 80}}
        """
    )
    assert entries(ingress, "endpoints") == [
        (("spec", "defaultBackend"), {"port": 443, "protocol": "https", "public": True, "tls": True})
    ]


def route(tls: str = "") -> Resource:
    body = f"  tls:\n{textwrap.indent(textwrap.dedent(tls), '    ')}" if tls else ""
    return one(f"apiVersion: route.openshift.io/v1\nkind: Route\nmetadata: {{name: r}}\nspec:\n  host: r.apps.example.com\n  to: {{kind: Service, name: r}}\n{body}")


def test_route_endpoints() -> None:
    plain = route()
    assert entries(plain, "endpoints") == [(("spec", "host"), {"port": 80, "protocol": "http", "public": True, "tls": False})]
    assert [view for _, view in entries(route("termination: edge\ninsecureEdgeTerminationPolicy: Redirect\n"), "endpoints")] == [
        {"port": 443, "protocol": "https", "public": True, "tls": True}
    ]
    allow = route("termination: edge\ninsecureEdgeTerminationPolicy: Allow\n")
    found = entries(allow, "endpoints")
    assert [view["tls"] for _, view in found] == [True, False]
    assert line_of(allow, found[1][0]) == line_with(allow, "insecureEdgeTerminationPolicy: Allow")


def knative(metadata: str = "") -> Resource:
    return one(
        "apiVersion: serving.knative.dev/v1\nkind: Service\nmetadata:\n  name: k\n"
        + textwrap.indent(textwrap.dedent(metadata), "  ")
        + "spec:\n  template:\n    spec:\n      containers:\n        - image: ghcr.io/acme/k:1.0.0\n"
    )


@pytest.mark.parametrize(
    ("metadata", "expected"),
    [
        ("", {"port": None, "protocol": "http", "public": True, "tls": None}),
        ("annotations:\n  networking.knative.dev/http-protocol: redirected\n", {"port": 443, "protocol": "https", "public": True, "tls": True}),
        ("annotations:\n  networking.knative.dev/http-protocol: enabled\n", {"port": 80, "protocol": "http", "public": True, "tls": False}),
        ("labels:\n  networking.knative.dev/visibility: cluster-local\n", {"port": None, "protocol": "http", "public": False, "tls": None}),
        ("annotations:\n  run.googleapis.com/ingress: all\n", {"port": 443, "protocol": "https", "public": True, "tls": True}),
        ("annotations:\n  run.googleapis.com/ingress: internal\n", {"port": 443, "protocol": "https", "public": False, "tls": True}),
        (
            "annotations:\n  run.googleapis.com/ingress: internal-and-cloud-load-balancing\n",
            {"port": 443, "protocol": "https", "public": None, "tls": True},
        ),
    ],
)
def test_knative_service_endpoint(metadata: str, expected: dict) -> None:
    ((path, view),) = entries(knative(metadata), "endpoints")
    assert path == ("metadata",)
    assert view == expected


def test_knative_endpoint_sources() -> None:
    resource = knative("annotations:\n  networking.knative.dev/http-protocol: enabled\n  run.googleapis.com/launch-stage: BETA\n")
    # the launch-stage annotation makes it Cloud Run: HTTPS only
    assert entries(resource, "endpoints")[0][1]["tls"] is True
    resource = knative("annotations:\n  networking.knative.dev/http-protocol: enabled\nlabels:\n  networking.knative.dev/visibility: cluster-local\n")
    assert source_line(resource, "endpoints", 0, "tls") == line_with(resource, "http-protocol: enabled")
    assert source_line(resource, "endpoints", 0, "public") == line_with(resource, "visibility: cluster-local")


def test_host_ports_are_endpoints_of_unknown_reach() -> None:
    pod = one(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
            - name: c
              image: nginx:1.27
              ports:
                - containerPort: 80
                - containerPort: 443
                  hostPort: 8443
        """
    )
    found = entries(pod, "endpoints")
    assert [view for _, view in found] == [{"port": 8443, "protocol": "TCP", "public": None, "tls": None}]
    assert line_of(pod, found[0][0]) == line_with(pod, "hostPort: 8443")


# --- workload -----------------------------------------------------------------------


def test_workload_per_container_app_containers_first() -> None:
    deployment = one(DEPLOYMENT)
    found = entries(deployment, "workload")
    assert [path for path, _ in found] == [
        ("spec", "template", "spec", "containers", 0),
        ("spec", "template", "spec", "containers", 1),
        ("spec", "template", "spec", "initContainers", 0),
    ]
    web, sidecar, migrate = (view for _, view in found)
    assert web == {
        "memory_bytes": 256 * 2**20,
        "cpu_millicores": 500,
        "instances": 3,
        "max_instances": None,
        "run_as_root": False,
        "privileged": False,
        "health_check": True,
        "runtime": None,
        "capabilities_added": [],
        "host_network": False,
        "host_pid": False,
        "host_ipc": False,
        "devices": None,
        "docker_socket": False,
        "service_account": None,
        "managed_identity": None,
        "instance_profile": None,
    }
    assert sidecar["run_as_root"] is True
    assert sidecar["memory_bytes"] is None and sidecar["health_check"] is False
    # An init container runs before the pod serves: probes do not apply.
    assert migrate["health_check"] is None and migrate["memory_bytes"] is None and migrate["instances"] == 3


def test_workload_sources_point_at_the_fields() -> None:
    deployment = one(DEPLOYMENT)
    assert source_line(deployment, "workload", 0, "memory_bytes") == line_with(deployment, "memory: 256Mi")
    assert source_line(deployment, "workload", 0, "cpu_millicores") == line_with(deployment, "cpu: 500m")
    assert source_line(deployment, "workload", 0, "instances") == line_with(deployment, "replicas: 3")
    assert source_line(deployment, "workload", 0, "run_as_root") == line_with(deployment, "runAsNonRoot: true")
    assert source_line(deployment, "workload", 0, "privileged") == line_with(deployment, "privileged: false")
    assert source_line(deployment, "workload", 0, "health_check") == line_with(deployment, "readinessProbe:")
    assert source_line(deployment, "workload", 1, "run_as_root") == line_with(deployment, "runAsUser: 0")
    # no limit written: the container itself
    assert source_line(deployment, "workload", 1, "memory_bytes") == line_with(deployment, "- name: sidecar")


@pytest.mark.parametrize(
    ("pod", "container", "expected"),
    [
        ("{}", "{}", None),
        ("{runAsNonRoot: true}", "{}", False),
        ("{runAsNonRoot: true}", "{runAsNonRoot: false}", None),
        ("{runAsUser: 1000}", "{}", False),
        ("{runAsUser: 1000}", "{runAsUser: 0}", True),
        ("{runAsUser: 0}", "{runAsNonRoot: true}", True),
        ("{}", "{privileged: true}", None),
    ],
)
def test_run_as_root_from_effective_security_context(pod: str, container: str, expected: bool | None) -> None:
    resource = one(
        f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  securityContext: {pod}\n"
        f"  containers:\n    - name: c\n      image: nginx:1.27\n      securityContext: {container}\n"
    )
    ((_, view),) = entries(resource, "workload")
    assert view["run_as_root"] is expected
    assert view["instances"] == 1
    assert view["privileged"] is ("privileged" in container)


def test_replicas_unknown_without_the_field() -> None:
    resource = one(DEPLOYMENT.replace("  replicas: 3\n", ""))
    assert {view["instances"] for _, view in entries(resource, "workload")} == {None}
    daemonset = one(DEPLOYMENT.replace("kind: Deployment", "kind: DaemonSet"))
    assert {view["instances"] for _, view in entries(daemonset, "workload")} == {None}


def test_knative_workload_scale_bounds() -> None:
    resource = one(
        """
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata: {name: k}
        spec:
          template:
            metadata:
              annotations:
                autoscaling.knative.dev/minScale: "1"
                autoscaling.knative.dev/max-scale: "20"
            spec:
              containers:
                - image: ghcr.io/acme/k:1.0.0
                  resources: {limits: {memory: 1Gi, cpu: "2"}}
        """
    )
    ((path, view),) = entries(resource, "workload")
    assert path == ("spec", "template", "spec", "containers", 0)
    assert view["instances"] == 1 and view["max_instances"] == 20
    assert view["memory_bytes"] == 2**30 and view["cpu_millicores"] == 2000
    # Knative and Cloud Run add a default probe: unknown, not absent
    assert view["health_check"] is None
    assert source_line(resource, "workload", 0, "max_instances") == line_with(resource, "max-scale")
    assert source_line(resource, "workload", 0, "instances") == line_with(resource, "minScale")


def test_non_workloads_have_no_workload_entries() -> None:
    assert entries(one("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: b}\n"), "workload") == []
    # A ConfigMap's data keys are settings (test_kubernetes_kinds.py); a Secret's are not read as env.
    assert entries(one("apiVersion: v1\nkind: Secret\nmetadata: {name: c}\nstringData: {a: b}\n"), "env") == []


# --- host access, identity and mounts ------------------------------------------

HOST_ACCESS = """
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-agent
spec:
  template:
    spec:
      hostNetwork: true
      hostPID: true
      serviceAccountName: node-agent
      volumes:
        - name: root
          hostPath:
            path: //
        - name: sock
          hostPath: {path: /var/run/docker.sock, type: Socket}
        - name: cache
          emptyDir: {}
      initContainers:
        - name: proxy
          image: envoyproxy/envoy:v1.30.1
          restartPolicy: Always
        - name: setup
          image: busybox:1.36
          volumeMounts:
            - {name: cache, mountPath: /cache}
      containers:
        - name: agent
          image: registry.example.com/agent:2.0
          securityContext:
            capabilities:
              add: [CAP_SYS_ADMIN, net_raw]
          volumeMounts:
            - {name: root, mountPath: /host, readOnly: true}
            - {name: sock, mountPath: /var/run/docker.sock}
            - {name: undeclared, mountPath: /nowhere}
      ephemeralContainers:
        - name: debug
          image: busybox:1.36
"""


def test_workload_host_access_and_identity() -> None:
    daemon = one(HOST_ACCESS)
    found = subject_views(daemon, "workload")
    assert list(found) == ["agent", "proxy", "setup"]  # the ephemeral container is left out
    agent, proxy, setup = found.values()
    assert (agent["host_network"], agent["host_pid"], agent["host_ipc"]) == (True, True, False)
    assert agent["capabilities_added"] == ["SYS_ADMIN", "NET_RAW"]
    assert agent["docker_socket"] is True and setup["docker_socket"] is False
    assert {view["service_account"] for view in found.values()} == {"node-agent"}
    assert setup["capabilities_added"] == [] and setup["devices"] is None
    # A sidecar (restartPolicy Always) serves beside the app: it needs a probe.
    assert proxy["health_check"] is False and setup["health_check"] is None
    assert source_line(daemon, "workload", 0, "host_network") == line_with(daemon, "hostNetwork: true")
    assert source_line(daemon, "workload", 0, "service_account") == line_with(daemon, "serviceAccountName:")
    assert source_line(daemon, "workload", 0, "capabilities_added") == line_with(daemon, "add: [CAP_SYS_ADMIN")
    assert source_line(daemon, "workload", 0, "docker_socket") == line_with(daemon, "path: /var/run/docker.sock")
    assert source_line(daemon, "workload", 2, "host_ipc") == line_with(daemon, "- name: setup")


def subject_views(resource: Resource, name: str) -> dict[str, dict]:
    """The entries of a subject by the name of the container they belong to."""
    containers = dict(resource.select("containers"))
    return {containers[path]["name"]: dict(view) for path, view in resource.select(name)}


def test_mounts_name_host_paths_and_point_at_them() -> None:
    daemon = one(HOST_ACCESS)
    assert [view for _, view in entries(daemon, "mounts")] == [
        {"source": "cache", "target": "/cache", "host": False, "read_only": False},
        {"source": "/", "target": "/host", "host": True, "read_only": True},
        {"source": "/var/run/docker.sock", "target": "/var/run/docker.sock", "host": True, "read_only": False},
    ]
    assert source_line(daemon, "mounts", 1, "source") == line_with(daemon, "path: //")
    assert source_line(daemon, "mounts", 1, "read_only") == line_with(daemon, "mountPath: /host")


def test_defaults_when_the_pod_spec_says_nothing() -> None:
    _, view = one(DEPLOYMENT).select("workload")[0]
    assert (view["host_network"], view["host_pid"], view["host_ipc"]) == (False, False, False)
    assert view["service_account"] is None and view["capabilities_added"] == [] and view["docker_socket"] is False


def test_knative_service_account() -> None:
    service = one(
        """
        apiVersion: serving.knative.dev/v1
        kind: Service
        metadata: {name: api}
        spec:
          template:
            spec:
              serviceAccount: api-runner
              containers:
                - image: gcr.io/acme/api:1.0
        """
    )
    ((_, view),) = service.select("workload")
    assert view["service_account"] == "api-runner" and view["host_network"] is False
