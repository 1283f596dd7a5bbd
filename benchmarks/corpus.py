"""Deterministic benchmark corpus of deployment files.

    python benchmarks/corpus.py OUT_DIR --manifests N [--seed S] [--platforms all|kubernetes]

Writes N multi-document Kubernetes manifests under OUT_DIR/kubernetes/ (about
2.1 resources per manifest: Deployments with Services, sometimes Ingresses,
ConfigMaps, StatefulSets, CronJobs, Roles and RoleBindings) with a realistic
mix of hardened and careless settings (privileged containers, missing limits,
``latest`` tags, literal secrets, LoadBalancers...).  With ``--platforms all``
it also writes proportional numbers of compose files, Dockerfiles, Cloud
Foundry manifests, App Engine app.yaml, fly.toml, render.yaml, DigitalOcean
.do/app.yaml, Heroku app.json, Elastic Beanstalk .ebextensions configs and
Azure ARM templates, each platform in its own folder, under the file names
discovery recognises (pytest_paassec/parsing/discovery.py).

Everything comes from one seeded ``random.Random``: no clocks, no hashing of
objects, no set iteration, so the same arguments give byte-identical files.
Only PyYAML's pure-Python emitter is used (not libyaml), so the output does
not depend on how PyYAML was built.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

GENERATOR_VERSION = 1

# Per 1,000 Kubernetes manifests, how many files of each other platform.
OTHER_PLATFORMS_PER_1000 = {
    "compose": 100,
    "dockerfile": 100,
    "cloudfoundry": 50,
    "appengine": 25,
    "flyio": 25,
    "render": 25,
    "digitalocean": 25,
    "heroku": 25,
    "elasticbeanstalk": 25,
    "azure": 25,
}

TEAMS = ["payments", "checkout", "search", "identity", "catalog", "billing", "platform", "data", "growth", "support"]
APP_WORDS = [
    "api", "web", "worker", "gateway", "auth", "orders", "cart", "inventory", "notifier", "reports",
    "scheduler", "ingest", "export", "profile", "pricing", "ledger", "mailer", "webhooks", "admin", "sync",
]
REGISTRIES = ["registry.example.com", "ghcr.io/example", "123456789012.dkr.ecr.eu-west-1.amazonaws.com", "docker.io/example"]
PUBLIC_IMAGES = [
    ("nginx", ["1.27.2", "1.25-alpine", "latest"]),
    ("redis", ["7.4.1", "7.2-alpine", "latest"]),
    ("postgres", ["16.4", "15.8-alpine"]),
    ("fluent/fluent-bit", ["3.1.9", "latest"]),
    ("busybox", ["1.36", "latest"]),
    ("envoyproxy/envoy", ["v1.31.2"]),
]
SECRET_ENV_NAMES = ["DATABASE_PASSWORD", "API_KEY", "STRIPE_SECRET_KEY", "JWT_SECRET", "SMTP_PASSWORD", "AWS_SECRET_ACCESS_KEY"]
PLAIN_ENV = [("LOG_LEVEL", ["info", "debug", "warn"]), ("PORT", ["8080", "8000", "3000"]), ("FEATURE_FLAGS", ["checkout-v2", "new-search", ""]), ("REGION", ["eu-west-1", "us-east-1"])]


class _Dumper(yaml.SafeDumper):
    """Pure-Python emitter: identical output whether or not libyaml is built in."""

    def ignore_aliases(self, data: Any) -> bool:
        return True  # people write labels twice; they do not write &id001 anchors


def _str_presenter(dumper: yaml.SafeDumper, data: str) -> yaml.Node:
    return dumper.represent_scalar("tag:yaml.org,2002:str", data)


_Dumper.add_representer(str, _str_presenter)


def dump_yaml(documents: list[Any], comment: str | None = None) -> str:
    parts = [
        yaml.dump(doc, Dumper=_Dumper, sort_keys=False, default_flow_style=False, width=200, allow_unicode=True)
        for doc in documents
    ]
    text = "---\n".join(parts)
    return (f"# {comment}\n" if comment else "") + text


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def _chance(rng: random.Random, p: float) -> bool:
    return rng.random() < p


class K8s:
    """Kubernetes resources with per-field chances of a careless setting."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def image(self, app: str, team: str) -> str:
        rng = self.rng
        repo = f"{rng.choice(REGISTRIES)}/{team}/{app}"
        roll = rng.random()
        if roll < 0.08:
            return f"{repo}:latest"
        if roll < 0.12:
            return repo  # no tag at all
        tag = f"{rng.randint(0, 4)}.{rng.randint(0, 30)}.{rng.randint(0, 20)}"
        if roll < 0.45:
            return f"{repo}:{tag}@sha256:{_hex(rng, 64)}"
        return f"{repo}:{tag}"

    def container(self, name: str, team: str, port: int, secrets: bool, *, job: bool = False) -> dict:
        rng = self.rng
        c: dict[str, Any] = {"name": name, "image": self.image(name, team)}
        if not job:
            c["ports"] = [{"containerPort": port, "name": "http"}]
        env = []
        for key, values in rng.sample(PLAIN_ENV, rng.randint(0, 3)):
            env.append({"name": key, "value": rng.choice(values)})
        if secrets:
            for key in rng.sample(SECRET_ENV_NAMES, rng.randint(1, 2)):
                if _chance(rng, 0.18):  # a literal secret in the manifest
                    env.append({"name": key, "value": f"{rng.choice(['sk_live_', 'pw-', ''])}{_hex(rng, 24)}"})
                else:
                    env.append({"name": key, "valueFrom": {"secretKeyRef": {"name": f"{name}-secrets", "key": key.lower()}}})
        if env:
            c["env"] = env
        if _chance(rng, 0.15):
            c["envFrom"] = [{"configMapRef": {"name": f"{name}-config"}}]
        if not _chance(rng, 0.12):  # 12% set no resources at all
            res: dict[str, Any] = {"requests": {"cpu": rng.choice(["50m", "100m", "250m", "500m"]), "memory": rng.choice(["64Mi", "128Mi", "256Mi", "512Mi"])}}
            if not _chance(rng, 0.25):  # requests without limits is common
                limits = {"memory": rng.choice(["256Mi", "512Mi", "1Gi", "2Gi"])}
                if _chance(rng, 0.6):
                    limits["cpu"] = rng.choice(["500m", "1", "2"])
                res["limits"] = limits
            c["resources"] = res
        sc: dict[str, Any] = {}
        roll = rng.random()
        if roll < 0.04:
            sc["privileged"] = True
        elif roll < 0.55:
            sc["allowPrivilegeEscalation"] = False
            if _chance(rng, 0.7):
                sc["readOnlyRootFilesystem"] = True
            if _chance(rng, 0.75):
                sc["capabilities"] = {"drop": ["ALL"]}
            if _chance(rng, 0.3):
                sc["runAsNonRoot"] = True
        elif roll < 0.6:
            sc["capabilities"] = {"add": [rng.choice(["NET_ADMIN", "SYS_ADMIN", "NET_RAW"])]}
        elif roll < 0.63:
            sc["runAsUser"] = 0
        if sc:
            c["securityContext"] = sc
        if not job:
            if _chance(rng, 0.75):
                c["readinessProbe"] = {"httpGet": {"path": "/healthz", "port": port}, "periodSeconds": 10}
            if _chance(rng, 0.65):
                c["livenessProbe"] = {"httpGet": {"path": "/livez", "port": port}, "initialDelaySeconds": rng.choice([5, 10, 30])}
        if _chance(rng, 0.1):
            c["volumeMounts"] = [{"name": "data", "mountPath": "/var/lib/data"}]
        return c

    def pod_spec(self, app: str, team: str, port: int, *, job: bool = False) -> dict:
        rng = self.rng
        spec: dict[str, Any] = {}
        if _chance(rng, 0.6):
            spec["serviceAccountName"] = f"{app}"
        if _chance(rng, 0.4):
            spec["automountServiceAccountToken"] = False
        roll = rng.random()
        if roll < 0.03:
            spec["hostNetwork"] = True
        elif roll < 0.045:
            spec["hostPID"] = True
        if _chance(rng, 0.45):
            psc: dict[str, Any] = {"runAsNonRoot": True, "runAsUser": rng.choice([1000, 10001, 65532])}
            if _chance(rng, 0.7):
                psc["seccompProfile"] = {"type": "RuntimeDefault"}
            if _chance(rng, 0.3):
                psc["fsGroup"] = 2000
            spec["securityContext"] = psc
        containers = [self.container(app, team, port, _chance(rng, 0.55), job=job)]
        if not job and _chance(rng, 0.2):  # a sidecar, often less careful
            side, tags = rng.choice(PUBLIC_IMAGES)
            sidecar: dict[str, Any] = {"name": side.rsplit("/", 1)[-1], "image": f"{side}:{rng.choice(tags)}"}
            if _chance(rng, 0.3):
                sidecar["securityContext"] = {"privileged": True} if _chance(rng, 0.3) else {"allowPrivilegeEscalation": False}
            if _chance(rng, 0.5):
                sidecar["resources"] = {"limits": {"memory": "128Mi", "cpu": "200m"}, "requests": {"memory": "64Mi", "cpu": "50m"}}
            containers.append(sidecar)
        spec["containers"] = containers
        if _chance(rng, 0.1):
            if _chance(rng, 0.25):
                spec["volumes"] = [{"name": "data", "hostPath": {"path": rng.choice(["/var/run/docker.sock", "/var/log", "/data"])}}]
            else:
                spec["volumes"] = [{"name": "data", "emptyDir": {}}]
            for c in containers[:1]:
                c.setdefault("volumeMounts", [{"name": "data", "mountPath": "/var/lib/data"}])
        elif any("volumeMounts" in c for c in containers):
            spec["volumes"] = [{"name": "data", "emptyDir": {}}]
        if job:
            spec["restartPolicy"] = "OnFailure"
        return spec

    def metadata(self, name: str, ns: str | None, labels: dict | None = None) -> dict:
        md: dict[str, Any] = {"name": name}
        if ns is not None:
            md["namespace"] = ns
        if labels:
            md["labels"] = labels
        return md

    def namespace(self, team: str) -> str | None:
        roll = self.rng.random()
        if roll < 0.08:
            return None  # relies on the current context
        if roll < 0.13:
            return "default"
        return team

    def deployment(self, app: str, team: str, ns: str | None, port: int, kind: str = "Deployment") -> dict:
        rng = self.rng
        labels = {"app.kubernetes.io/name": app, "app.kubernetes.io/part-of": team}
        spec: dict[str, Any] = {"replicas": rng.choice([1, 2, 2, 3, 3, 4, 6])}
        if kind == "StatefulSet":
            spec["serviceName"] = app
        spec["selector"] = {"matchLabels": {"app.kubernetes.io/name": app}}
        spec["template"] = {"metadata": {"labels": labels}, "spec": self.pod_spec(app, team, port)}
        if kind == "StatefulSet":
            spec["volumeClaimTemplates"] = [
                {"metadata": {"name": "state"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": rng.choice(["1Gi", "10Gi", "50Gi"])}}}}
            ]
        return {"apiVersion": "apps/v1", "kind": kind, "metadata": self.metadata(app, ns, labels), "spec": spec}

    def service(self, app: str, ns: str | None, port: int) -> dict:
        rng = self.rng
        spec: dict[str, Any] = {}
        md = self.metadata(app, ns)
        roll = rng.random()
        public_port = 443 if _chance(rng, 0.6) else 80
        if roll < 0.1:
            spec["type"] = "LoadBalancer"
            if _chance(rng, 0.35):
                md["annotations"] = {"service.beta.kubernetes.io/aws-load-balancer-internal": "true"}
            if _chance(rng, 0.1):
                public_port = rng.choice([5432, 6379, 22])
        elif roll < 0.16:
            spec["type"] = "NodePort"
        elif roll < 0.5:
            spec["type"] = "ClusterIP"
        spec["selector"] = {"app.kubernetes.io/name": app}
        spec["ports"] = [{"name": "http", "port": public_port, "targetPort": port, "protocol": "TCP"}]
        return {"apiVersion": "v1", "kind": "Service", "metadata": md, "spec": spec}

    def ingress(self, app: str, team: str, ns: str | None) -> dict:
        rng = self.rng
        host = f"{app}.{team}.example.com"
        md = self.metadata(app, ns)
        annotations: dict[str, str] = {}
        if _chance(rng, 0.6):
            annotations["kubernetes.io/ingress.class"] = "nginx"
        if _chance(rng, 0.05):
            annotations["nginx.ingress.kubernetes.io/ssl-redirect"] = "false"
        if _chance(rng, 0.03):
            annotations["nginx.ingress.kubernetes.io/configuration-snippet"] = "more_set_headers \"X-Debug: 1\";"
        if annotations:
            md["annotations"] = annotations
        spec: dict[str, Any] = {}
        if _chance(rng, 0.7):
            spec["tls"] = [{"hosts": [host], "secretName": f"{app}-tls"}]
        spec["rules"] = [
            {"host": host, "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {"service": {"name": app, "port": {"number": 443}}}}]}}
        ]
        return {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": md, "spec": spec}

    def configmap(self, app: str, ns: str | None) -> dict:
        rng = self.rng
        data = {"LOG_FORMAT": "json", "CACHE_TTL": str(rng.choice([30, 60, 300])), "UPSTREAM_URL": f"http://{rng.choice(APP_WORDS)}:8080"}
        if _chance(rng, 0.1):
            data["DB_PASSWORD"] = _hex(rng, 20)  # a secret in a ConfigMap
        return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": self.metadata(f"{app}-config", ns), "data": data}

    def cronjob(self, app: str, team: str, ns: str | None) -> dict:
        rng = self.rng
        spec = {
            "schedule": rng.choice(["*/15 * * * *", "0 3 * * *", "30 1 * * 0"]),
            "concurrencyPolicy": "Forbid",
            "jobTemplate": {"spec": {"backoffLimit": 2, "template": {"spec": self.pod_spec(app, team, 8080, job=True)}}},
        }
        return {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": self.metadata(app, ns), "spec": spec}

    def rbac(self, app: str, ns: str | None) -> list[dict]:
        rng = self.rng
        rules = [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list", "watch"]}]
        roll = rng.random()
        if roll < 0.1:
            rules.append({"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]})
        elif roll < 0.35:
            rules.append({"apiGroups": [""], "resources": ["secrets"], "verbs": ["get", "list"]})
        elif roll < 0.45:
            rules.append({"apiGroups": [""], "resources": ["pods/exec"], "verbs": ["create"]})
        cluster = _chance(rng, 0.15)
        role_kind = "ClusterRole" if cluster else "Role"
        role_md = self.metadata(f"{app}-reader", None if cluster else ns)
        role = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": role_kind, "metadata": role_md, "rules": rules}
        subject: dict[str, Any] = {"kind": "ServiceAccount", "name": app, "namespace": ns or "default"}
        role_ref_name = f"{app}-reader"
        if _chance(rng, 0.04):
            role_kind, role_ref_name = "ClusterRole", "cluster-admin"
        binding = {
            "apiVersion": "rbac.authorization.k8s.io/v1",
            "kind": "ClusterRoleBinding" if cluster else "RoleBinding",
            "metadata": self.metadata(f"{app}-reader", None if cluster else ns),
            "subjects": [subject],
            "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": role_kind, "name": role_ref_name},
        }
        return [role, binding]


# Manifest shapes and their weights: about 2.1 resources per manifest.
SHAPES = [
    ("deployment+service", 45),
    ("deployment+service+ingress", 12),
    ("deployment", 6),
    ("rbac", 8),
    ("configmap+deployment", 7),
    ("statefulset+service", 7),
    ("cronjob", 8),
    ("deployment+service+ingress+configmap", 5),
    ("deployment+service+rbac", 2),
]


def kubernetes_manifest(rng: random.Random, index: int) -> tuple[str, str]:
    """(relative path, text) of one manifest."""
    k = K8s(rng)
    team = TEAMS[index % len(TEAMS)]
    app = f"{rng.choice(APP_WORDS)}-{index:05d}"
    ns = k.namespace(team)
    port = rng.choice([8080, 8000, 3000, 8443, 9090])
    shape = rng.choices([s for s, _ in SHAPES], weights=[w for _, w in SHAPES])[0]
    docs: list[dict] = []
    for part in shape.split("+"):
        if part == "deployment":
            docs.append(k.deployment(app, team, ns, port))
        elif part == "statefulset":
            docs.append(k.deployment(app, team, ns, port, kind="StatefulSet"))
        elif part == "service":
            docs.append(k.service(app, ns, port))
        elif part == "ingress":
            docs.append(k.ingress(app, team, ns))
        elif part == "configmap":
            docs.append(k.configmap(app, ns))
        elif part == "cronjob":
            docs.append(k.cronjob(app, team, ns))
        elif part == "rbac":
            docs.extend(k.rbac(app, ns))
    comment = rng.choice([None, None, f"{app}: owned by team {team}", "Managed by the platform team; do not edit by hand."])
    name = rng.choice(["deploy.yaml", "app.yml", f"{app}.yaml", "manifest.yaml", "k8s.yaml"]) if shape != "rbac" else "rbac.yaml"
    if name == "manifest.yaml":
        name = f"{app}-manifest.yaml"  # discovery tries Cloud Foundry first for this name, then Kubernetes
    if name == "app.yml":
        name = f"{app}.yml"
    return f"kubernetes/{team}/{app}/{name}", dump_yaml(docs, comment)


# ---- other platforms -----------------------------------------------------------------


def _tag(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.1:
        return "latest"
    return f"{rng.randint(1, 5)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}"


def compose_file(rng: random.Random, index: int) -> tuple[str, str]:
    services: dict[str, Any] = {}
    app = f"{rng.choice(APP_WORDS)}-{index:04d}"
    web: dict[str, Any] = {"build": ".", "image": f"example/{app}:{_tag(rng)}"}
    web["ports"] = [rng.choice(["127.0.0.1:8000:8000", "8000:8000", "8080:80"])]
    env = {"LOG_LEVEL": "info", "DATABASE_URL": "${DATABASE_URL}"}
    if _chance(rng, 0.3):
        env["SESSION_SECRET"] = f"dev-{_hex(rng, 20)}"
    web["environment"] = env
    if _chance(rng, 0.5):
        web["read_only"] = True
    if _chance(rng, 0.5):
        web["user"] = "10001"
    if _chance(rng, 0.5):
        web["mem_limit"] = rng.choice(["256m", "512m", "1g"])
    if _chance(rng, 0.6):
        web["healthcheck"] = {"test": ["CMD", "curl", "-f", "http://localhost:8000/healthz"], "interval": "30s"}
    if _chance(rng, 0.05):
        web["privileged"] = True
    services["web"] = web
    if _chance(rng, 0.7):
        db: dict[str, Any] = {"image": f"postgres:{rng.choice(['16.4', '15', 'latest'])}", "environment": {"POSTGRES_PASSWORD": rng.choice(["postgres", "${POSTGRES_PASSWORD}"])}}
        if _chance(rng, 0.4):
            db["ports"] = ["5432:5432"]
        db["volumes"] = ["pgdata:/var/lib/postgresql/data"]
        services["db"] = db
    if _chance(rng, 0.4):
        services["cache"] = {"image": f"redis:{rng.choice(['7.4', 'alpine', 'latest'])}", "command": ["redis-server", "--save", ""]}
    if _chance(rng, 0.05):
        services["docker-proxy"] = {"image": "tecnativa/docker-socket-proxy", "volumes": ["/var/run/docker.sock:/var/run/docker.sock"]}
    doc: dict[str, Any] = {"services": services}
    if "db" in services:
        doc["volumes"] = {"pgdata": {}}
    name = rng.choice(["docker-compose.yml", "compose.yaml", "docker-compose.prod.yml"])
    return f"compose/{app}/{name}", dump_yaml([doc])


def dockerfile(rng: random.Random, index: int) -> tuple[str, str]:
    app = f"{rng.choice(APP_WORDS)}-{index:04d}"
    base = rng.choice(["python:3.12-slim", "node:20-alpine", "golang:1.23", "ubuntu:22.04", "python:latest", "debian"])
    lines = ["# syntax=docker/dockerfile:1", f"FROM {base} AS build", "WORKDIR /src"]
    if base.startswith("python"):
        lines += ["COPY requirements.txt .", "RUN pip install --no-cache-dir -r requirements.txt"]
    elif base.startswith("node"):
        lines += ["COPY package*.json ./", "RUN npm ci --omit=dev"]
    else:
        lines += ["RUN apt-get update && apt-get install -y curl ca-certificates"]
    if _chance(rng, 0.1):
        lines.append("RUN curl -fsSL https://example.com/install.sh | sh")
    if _chance(rng, 0.1):
        lines.append(f"ENV API_TOKEN={_hex(rng, 32)}")
    if _chance(rng, 0.1):
        lines.append("ADD https://example.com/agent.tar.gz /opt/agent/")
    lines += ["COPY . .", ""]
    if _chance(rng, 0.6):
        lines += ["FROM gcr.io/distroless/base-debian12:nonroot", "COPY --from=build /src /app"]
    if _chance(rng, 0.55):
        lines.append(f"USER {rng.choice(['10001', 'app', 'nonroot'])}")
    elif _chance(rng, 0.1):
        lines.append("USER root")
    if _chance(rng, 0.4):
        lines.append('HEALTHCHECK --interval=30s CMD ["/app/healthcheck"]')
    lines += [f"EXPOSE {rng.choice([8080, 8000, 22])}", 'CMD ["/app/server"]', ""]
    return f"dockerfile/{app}/Dockerfile", "\n".join(lines)


def cloudfoundry(rng: random.Random, index: int) -> tuple[str, str]:
    apps = []
    for n in range(rng.randint(1, 3)):
        a: dict[str, Any] = {"name": f"{rng.choice(APP_WORDS)}-{index:04d}-{n}", "memory": rng.choice(["256M", "512M", "1G"]), "instances": rng.choice([1, 2, 3])}
        a["stack"] = rng.choice(["cflinuxfs4", "cflinuxfs4", "cflinuxfs3"])
        if _chance(rng, 0.5):
            a["buildpacks"] = [rng.choice(["python_buildpack", "https://github.com/cloudfoundry/python-buildpack.git#v1.8.20", "https://github.com/cloudfoundry/nodejs-buildpack.git"])]
        if _chance(rng, 0.6):
            a["health-check-type"] = "http"
            a["health-check-http-endpoint"] = "/healthz"
        else:
            a["health-check-type"] = "process"
        if _chance(rng, 0.6):
            a["routes"] = [{"route": f"{a['name']}.apps.example.com"}]
        else:
            a["no-route"] = True
        env = {"LOG_LEVEL": "info"}
        if _chance(rng, 0.25):
            env["SMTP_PASSWORD"] = _hex(rng, 16)
        else:
            env["STRIPE_API_KEY"] = "((stripe-api-key))"
        a["env"] = env
        apps.append(a)
    return f"cloudfoundry/cf-{index:04d}/manifest.yml", dump_yaml([{"applications": apps}])


def appengine(rng: random.Random, index: int) -> tuple[str, str]:
    doc: dict[str, Any] = {"runtime": rng.choice(["python312", "nodejs20", "go122", "python27"]), "service": f"svc-{index:04d}"}
    if _chance(rng, 0.6):
        doc["service_account"] = f"svc-{index:04d}@example-prod.iam.gserviceaccount.com"
    if _chance(rng, 0.6):
        doc["automatic_scaling"] = {"max_instances": rng.choice([5, 10, 20])}
    handlers = [{"url": "/static", "static_dir": "static"}, {"url": "/.*", "script": "auto"}]
    for h in handlers:
        if _chance(rng, 0.6):
            h["secure"] = "always"
    doc["handlers"] = handlers
    env = {"FEATURE_FLAGS": "checkout-v2"}
    if _chance(rng, 0.2):
        env["API_SECRET"] = _hex(rng, 24)
    doc["env_variables"] = env
    return f"appengine/gae-{index:04d}/app.yaml", dump_yaml([doc])


def flyio(rng: random.Random, index: int) -> tuple[str, str]:
    lines = [f'app = "fly-{index:04d}"', f'primary_region = "{rng.choice(["ams", "iad", "fra"])}"', ""]
    lines += ["[build]", f'  image = "registry.fly.io/fly-{index:04d}:{_tag(rng)}"', ""]
    lines += ["[env]", '  LOG_LEVEL = "info"']
    if _chance(rng, 0.15):
        lines.append(f'  DATABASE_PASSWORD = "{_hex(rng, 16)}"')
    lines += ["", "[http_service]", "  internal_port = 8080", f"  force_https = {str(_chance(rng, 0.8)).lower()}", '  auto_stop_machines = "stop"', f"  min_machines_running = {rng.choice([0, 1, 2])}", ""]
    if _chance(rng, 0.2):
        lines += ["[[services]]", "  internal_port = 6379", '  protocol = "tcp"', "  [[services.ports]]", "    port = 6379", ""]
    if _chance(rng, 0.6):
        lines += ["[[vm]]", f'  memory = "{rng.choice(["256mb", "512mb", "1gb"])}"', "  cpus = 1", ""]
    return f"flyio/fly-{index:04d}/fly.toml", "\n".join(lines)


def render(rng: random.Random, index: int) -> tuple[str, str]:
    services: list[dict] = []
    web: dict[str, Any] = {"type": "web", "name": f"api-{index:04d}", "runtime": "docker", "plan": rng.choice(["starter", "standard"])}
    if _chance(rng, 0.6):
        web["healthCheckPath"] = "/healthz"
    web["numInstances"] = rng.choice([1, 2])
    env: list[dict] = [{"key": "DATABASE_URL", "fromDatabase": {"name": f"db-{index:04d}", "property": "connectionString"}}]
    if _chance(rng, 0.2):
        env.append({"key": "JWT_SECRET", "value": _hex(rng, 24)})
    else:
        env.append({"key": "JWT_SECRET", "generateValue": True})
    web["envVars"] = env
    services.append(web)
    if _chance(rng, 0.5):
        services.append({"type": "pserv", "name": f"cache-{index:04d}", "runtime": "image", "image": {"url": f"docker.io/library/redis:{_tag(rng)}"}})
    db: dict[str, Any] = {"name": f"db-{index:04d}", "plan": "standard"}
    if _chance(rng, 0.3):
        db["ipAllowList"] = [{"source": "0.0.0.0/0", "description": "everywhere"}]
    else:
        db["ipAllowList"] = []
    return f"render/render-{index:04d}/render.yaml", dump_yaml([{"services": services, "databases": [db]}])


def digitalocean(rng: random.Random, index: int) -> tuple[str, str]:
    svc: dict[str, Any] = {
        "name": f"svc-{index:04d}",
        "image": {"registry_type": "DOCR", "repository": f"svc-{index:04d}", "tag": _tag(rng)},
        "http_port": 8080,
        "instance_size_slug": "basic-xs",
        "instance_count": rng.choice([1, 2]),
    }
    if _chance(rng, 0.6):
        svc["health_check"] = {"http_path": "/healthz"}
    envs = [{"key": "LOG_LEVEL", "value": "info", "scope": "RUN_TIME"}]
    if _chance(rng, 0.2):
        envs.append({"key": "ADMIN_TOKEN", "value": _hex(rng, 24), "scope": "RUN_TIME"})
    else:
        envs.append({"key": "ADMIN_TOKEN", "value": "EV[1:abc:encrypted]", "type": "SECRET"})
    svc["envs"] = envs
    doc: dict[str, Any] = {"name": f"do-{index:04d}", "region": rng.choice(["ams", "nyc", "fra"])}
    domain: dict[str, Any] = {"domain": f"do-{index:04d}.example.com", "type": "PRIMARY"}
    if _chance(rng, 0.6):
        domain["minimum_tls_version"] = "1.2"
    doc["domains"] = [domain]
    doc["services"] = [svc]
    return f"digitalocean/do-{index:04d}/.do/app.yaml", dump_yaml([doc])


def heroku(rng: random.Random, index: int) -> tuple[str, str]:
    env: dict[str, Any] = {"RAILS_ENV": "production", "SECRET_KEY_BASE": {"generator": "secret"}}
    if _chance(rng, 0.2):
        env["STRIPE_SECRET_KEY"] = f"sk_live_{_hex(rng, 24)}"
    doc = {
        "name": f"heroku-{index:04d}",
        "stack": rng.choice(["heroku-24", "heroku-22", "heroku-20"]),
        "env": env,
        "formation": {"web": {"quantity": rng.choice([1, 2]), "size": rng.choice(["basic", "standard-1x"])}},
        "buildpacks": [{"url": rng.choice(["heroku/ruby", "heroku/python", "heroku/nodejs"])}],
    }
    return f"heroku/heroku-{index:04d}/app.json", json.dumps(doc, indent=2) + "\n"


def elasticbeanstalk(rng: random.Random, index: int) -> tuple[str, str]:
    settings: dict[str, Any] = {"aws:elasticbeanstalk:application:environment": {"RAILS_ENV": "production"}}
    if _chance(rng, 0.2):
        settings["aws:elasticbeanstalk:application:environment"]["DB_PASSWORD"] = _hex(rng, 16)
    lc: dict[str, Any] = {"DisableIMDSv1": _chance(rng, 0.6)}
    if _chance(rng, 0.2):
        lc["SSHSourceRestriction"] = "tcp, 22, 22, 0.0.0.0/0"
    settings["aws:autoscaling:launchconfiguration"] = lc
    if _chance(rng, 0.7):
        settings["aws:elbv2:listener:443"] = {"Protocol": "HTTPS", "SSLCertificateArns": "arn:aws:acm:eu-west-1:123456789012:certificate/abc", "SSLPolicy": rng.choice(["ELBSecurityPolicy-TLS13-1-2-2021-06", "ELBSecurityPolicy-2016-08"])}
    return f"elasticbeanstalk/eb-{index:04d}/.ebextensions/options.config", dump_yaml([{"option_settings": settings}])


def azure(rng: random.Random, index: int) -> tuple[str, str]:
    site_config: dict[str, Any] = {"minTlsVersion": rng.choice(["1.2", "1.2", "1.0"]), "ftpsState": rng.choice(["Disabled", "FtpsOnly", "AllAllowed"]), "linuxFxVersion": "PYTHON|3.12"}
    settings = [{"name": "LOG_LEVEL", "value": "info"}]
    if _chance(rng, 0.2):
        settings.append({"name": "DB_PASSWORD", "value": _hex(rng, 20)})
    else:
        settings.append({"name": "DB_PASSWORD", "value": "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/db/)"})
    site_config["appSettings"] = settings
    site: dict[str, Any] = {
        "type": "Microsoft.Web/sites",
        "apiVersion": "2022-09-01",
        "name": "[parameters('siteName')]",
        "location": "westeurope",
        "properties": {"httpsOnly": _chance(rng, 0.8), "siteConfig": site_config},
    }
    if _chance(rng, 0.5):
        site["identity"] = {"type": "SystemAssigned"}
    doc = {
        "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
        "contentVersion": "1.0.0.0",
        "parameters": {"siteName": {"type": "string", "defaultValue": f"site-{index:04d}"}},
        "resources": [site],
    }
    return f"azure/site-{index:04d}/azuredeploy.json", json.dumps(doc, indent=2) + "\n"


OTHER_GENERATORS = {
    "compose": compose_file,
    "dockerfile": dockerfile,
    "cloudfoundry": cloudfoundry,
    "appengine": appengine,
    "flyio": flyio,
    "render": render,
    "digitalocean": digitalocean,
    "heroku": heroku,
    "elasticbeanstalk": elasticbeanstalk,
    "azure": azure,
}


def other_counts(manifests: int) -> dict[str, int]:
    return {name: max(1, round(manifests * per / 1000)) for name, per in OTHER_PLATFORMS_PER_1000.items()}


def generate(out: Path, manifests: int, seed: int = 1, platforms: str = "all") -> dict[str, Any]:
    """Write the corpus into ``out`` (emptied first); return what was written."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    counts: dict[str, int] = {"kubernetes": manifests}
    resources = 0
    # Each platform has its own stream, so adding platforms never changes the Kubernetes files.
    rng = random.Random(f"paassec-bench:{seed}:kubernetes")
    for index in range(manifests):
        rel, text = kubernetes_manifest(rng, index)
        resources += text.count("\nkind: ") + text.startswith("kind: ")
        _write(out / rel, text)
    if platforms == "all":
        for name, count in other_counts(manifests).items():
            counts[name] = count
            prng = random.Random(f"paassec-bench:{seed}:{name}")
            for index in range(count):
                rel, text = OTHER_GENERATORS[name](prng, index)
                _write(out / rel, text)
    return {"files": counts, "kubernetes_resources": resources, "seed": seed, "platforms": platforms, "generator_version": GENERATOR_VERSION}


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="output folder (emptied first)")
    parser.add_argument("--manifests", type=int, required=True, help="number of Kubernetes manifests")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--platforms", choices=("all", "kubernetes"), default="all")
    args = parser.parse_args(argv)
    if args.manifests < 1:
        parser.error("--manifests must be at least 1")
    summary = generate(args.out, args.manifests, args.seed, args.platforms)
    print(json.dumps(summary, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
