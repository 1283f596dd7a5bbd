"""What the rest of the repository says about a Kubernetes resource.

Facts (``subject: repository``), per kind.  A fact that states a problem is
a sentence, present only when the problem is there, so a control expects it
``absent`` and its failure reads as the reason::

    workloads (every kind with a pod spec)
        namespace                    the namespace as written (null: not set)
        no_default_deny_ingress      "namespace shop: no NetworkPolicy selects every pod for Ingress"
        no_default_deny_egress       the same for Egress
        undeclared_service_account   "ServiceAccount reporting is not declared in the repository"
        mounted_token                why the pod gets an API token, if it does
    Service (LoadBalancer, NodePort), Ingress, Route
        privileged_backends          ["Deployment/shop/api (privileged)", ...]: exposed pods that run privileged or as root
    RoleBinding, ClusterRoleBinding
        broad_rights                 "cluster-admin", "wildcard rights", "read access to Secrets" (null: none of these)
        workloads_with_broad_rights  the workloads that run as a bound ServiceAccount, when broad_rights is set
    ServiceAccount
        unused_token                 "its token is mounted ... but no binding in the repository names it"
    NetworkPolicy
        selects_no_workload          "podSelector app=wbe matches no pod of namespace shop in the repository"
    PodDisruptionBudget
        blocks_drains                "minAvailable 3 keeps every pod of Deployment/shop/web (3 replicas)"

Namespaces are compared as written: objects that set none are grouped
together (whatever namespace they are applied to).  Service selectors match
pod template labels in the same namespace; Ingress and Route backends name
Services.  Built-in roles: cluster-admin (everything), admin and edit (read
Secrets).  A NetworkPolicy's podSelector is judged only when it is plain
matchLabels (matchExpressions: unknown) and its namespace runs at least one
workload in the repository (else the pods may come from elsewhere).  A
PodDisruptionBudget's integer minAvailable is compared with the replicas
of the workloads its matchLabels select, when every one of them sets them.
"""

from __future__ import annotations

from typing import Any

from ..model.repository import Repository
from ..model.resources import Resource
from ..model.workload import View
from .base import dig, mapping

KUBERNETES_PLATFORMS = ("kubernetes", "openshift", "knative")
EXPOSING_KINDS = frozenset({"Service", "Ingress", "Route"})
BINDING_KINDS = frozenset({"RoleBinding", "ClusterRoleBinding"})
ROLE_KINDS = frozenset({"Role", "ClusterRole"})
# Kinds whose spec.replicas counts the pods a budget covers.
_REPLICATED = frozenset({"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController", "DeploymentConfig"})
_SECRET_READ_VERBS = frozenset({"get", "list", "watch", "*"})
_BUILTIN_BROAD_ROLES = {"cluster-admin": "cluster-admin", "admin": "read access to Secrets", "edit": "read access to Secrets"}


def _namespace(resource: Resource) -> str | None:
    return resource.scope


def _is_workload(resource: Resource) -> bool:
    return bool(resource.select("pod_spec")) and not (resource.kind == "Service" and resource.platform != "knative")


def _service_account(resource: Resource) -> tuple[str, tuple | None]:
    """The pod's ServiceAccount name and where it is written (None: default)."""
    for path, spec in resource.select("pod_spec"):
        for key in ("serviceAccountName", "serviceAccount"):
            value = spec.get(key)
            if isinstance(value, str) and value.strip():
                return value.strip(), path + (key,)
    return "default", None


def _pod_labels(resource: Resource) -> dict:
    if resource.kind == "Pod":
        return mapping(dig(resource.data, ("metadata", "labels")))
    path = resource.select("pod_spec")[0][0] if resource.select("pod_spec") else ()
    return mapping(dig(resource.data, path[:-1] + ("metadata", "labels"))) if path else {}


def _risky(resource: Resource) -> str | None:
    """'privileged' or 'runs as root' when a container says so in the file."""
    views = [view for _, view in resource.select("workload")]
    if any(view.get("privileged") is True for view in views):
        return "privileged"
    if any(view.get("run_as_root") is True for view in views):
        return "runs as root"
    return None


def _subjects_service_accounts(binding: Resource) -> list[tuple[str | None, str]]:
    """(namespace, name) of every ServiceAccount a binding names."""
    found = []
    for subject in binding.data.get("subjects") or []:
        if isinstance(subject, dict) and subject.get("kind") == "ServiceAccount" and isinstance(subject.get("name"), str):
            namespace = subject.get("namespace") if isinstance(subject.get("namespace"), str) else _namespace(binding)
            found.append((namespace, subject["name"]))
    return found


def _role_rights(role: Resource) -> str | None:
    for rule in role.data.get("rules") or []:
        if not isinstance(rule, dict):
            continue
        listed = {key: [str(v) for v in rule.get(key) or [] if v is not None] for key in ("verbs", "resources", "apiGroups")}
        if any("*" in values for values in listed.values()):
            return "wildcard rights"
        if "secrets" in listed["resources"] and _SECRET_READ_VERBS & set(listed["verbs"]):
            return "read access to Secrets"
    return None


class _Index:
    """The repository's Kubernetes objects, grouped once (lookups by key, so
    a 20,000-manifest run stays linear)."""

    def __init__(self, repository: Repository) -> None:
        resources = repository.of(KUBERNETES_PLATFORMS)
        self.accounts = {(_namespace(r), r.name): r for r in resources if r.kind == "ServiceAccount"}
        self.services = {(_namespace(r), r.name): r for r in resources if r.kind == "Service" and r.platform != "knative"}
        self.roles = {(r.kind, None if r.kind == "ClusterRole" else _namespace(r), r.name): r for r in resources if r.kind in ROLE_KINDS}
        self.by_label: dict[tuple, list[Resource]] = {}
        self.by_account: dict[tuple, list[Resource]] = {}
        self.workload_namespaces: set[str | None] = set()
        for workload in (r for r in resources if _is_workload(r)):
            namespace = _namespace(workload)
            self.workload_namespaces.add(namespace)
            self.by_account.setdefault((namespace, _service_account(workload)[0]), []).append(workload)
            for key, value in _pod_labels(workload).items():
                if isinstance(value, (str, int, float, bool)):
                    self.by_label.setdefault((namespace, str(key), str(value)), []).append(workload)
        self.bound_accounts = {
            account for binding in resources if binding.kind in BINDING_KINDS for account in _subjects_service_accounts(binding)
        }
        self.isolated: dict[str, set[str | None]] = {"Ingress": set(), "Egress": set()}
        for policy in (r for r in resources if r.kind == "NetworkPolicy"):
            spec = mapping(policy.data.get("spec"))
            if not isinstance(spec.get("podSelector"), dict) or spec["podSelector"]:
                continue  # only a policy selecting every pod isolates the namespace
            types = spec.get("policyTypes")
            if not isinstance(types, list):
                types = ["Ingress", "Egress"] if "egress" in spec else ["Ingress"]
            for kind in ("Ingress", "Egress"):
                if kind in types:
                    self.isolated[kind].add(_namespace(policy))

    def selected(self, namespace: str | None, selector: Any) -> list[Resource]:
        """The workloads whose pod labels match every key of a Service selector, in repository order."""
        if not isinstance(selector, dict) or not selector:
            return []
        matches: list[Resource] | None = None
        for key, value in selector.items():
            found = self.by_label.get((namespace, str(key), str(value)), [])
            found_ids = {id(other) for other in found}
            matches = found if matches is None else [w for w in matches if id(w) in found_ids]
        return matches or []

    def running_as(self, accounts: set[tuple[str | None, str]]) -> list[Resource]:
        return [w for account in sorted(accounts, key=str) for w in self.by_account.get(account, [])]


def _index(repository: Repository) -> _Index:
    return repository.index(_Index, _Index)


def _scope_text(namespace: str | None) -> str:
    return f"namespace {namespace}" if namespace else "objects without a namespace"


class KubernetesFacts:
    def covers(self, resource: Resource) -> bool:
        kind = resource.kind
        if kind in EXPOSING_KINDS and not (kind == "Service" and resource.platform == "knative"):
            return True
        return kind in BINDING_KINDS or kind in ("ServiceAccount", "NetworkPolicy", "PodDisruptionBudget") or _is_workload(resource)

    def facts(self, resource: Resource, repository: Repository) -> View:
        index = _index(repository)
        if resource.kind in BINDING_KINDS:
            return self._binding(resource, index)
        if resource.kind == "ServiceAccount":
            return self._account(resource, index)
        if resource.kind == "NetworkPolicy":
            return self._policy(resource, index)
        if resource.kind == "PodDisruptionBudget":
            return self._budget(resource, index)
        if _is_workload(resource):
            return self._workload(resource, index)
        return self._exposure(resource, index)

    def _workload(self, resource: Resource, index: _Index) -> View:
        namespace = _namespace(resource)
        view = View(namespace=namespace)
        for kind in ("Ingress", "Egress"):
            if namespace not in index.isolated[kind]:
                view[f"no_default_deny_{kind.lower()}"] = f"{_scope_text(namespace)}: no NetworkPolicy selects every pod for {kind}"
        account, account_source = _service_account(resource)
        declared = index.accounts.get((namespace, account))
        if account != "default" and declared is None:
            view["undeclared_service_account"] = f"ServiceAccount {account} is not declared in the repository"
            view.sources["undeclared_service_account"] = account_source or ()
        spec_path, spec = resource.select("pod_spec")[0]
        own = spec.get("automountServiceAccountToken")
        if own is True:
            view["mounted_token"] = "the pod sets automountServiceAccountToken: true"
            view.sources["mounted_token"] = spec_path + ("automountServiceAccountToken",)
        elif own is not False:
            account_setting = declared.data.get("automountServiceAccountToken") if declared is not None else None
            if account_setting is not False:
                whose = f"ServiceAccount {account}" + (" (declared without turning it off)" if declared is not None else "")
                view["mounted_token"] = f"not set on the pod, and {whose} mounts it by default"
                view.sources["mounted_token"] = spec_path
        return view

    def _exposure(self, resource: Resource, index: _Index) -> View:
        namespace = _namespace(resource)
        services: list[Any] = []
        data = resource.data
        if resource.kind == "Service":
            targets = index.selected(namespace, dig(data, ("spec", "selector")))
        else:
            if resource.kind == "Route":
                services = [dig(data, ("spec", "to", "name"))]
            else:
                spec = mapping(data.get("spec"))
                backends = [spec.get("defaultBackend"), spec.get("backend")]
                for rule in spec.get("rules") or []:
                    for path in dig(rule, ("http", "paths")) or []:
                        if isinstance(path, dict):
                            backends.append(path.get("backend"))
                for backend in backends:
                    backend = mapping(backend)
                    services.append(dig(backend, ("service", "name")) or backend.get("serviceName"))
            targets = []
            for name in sorted({s for s in services if isinstance(s, str)}):
                service = index.services.get((namespace, name))
                if service is not None:
                    targets.extend(index.selected(namespace, dig(service.data, ("spec", "selector"))))
        risky = []
        for workload in targets:
            reason = _risky(workload)
            if reason is not None and workload.ref not in {r.split(" ")[0] for r in risky}:
                risky.append(f"{workload.ref} ({reason})")
        return View(privileged_backends=risky)

    def _binding(self, resource: Resource, index: _Index) -> View:
        ref = mapping(resource.data.get("roleRef"))
        name, kind = ref.get("name"), ref.get("kind")
        rights = None
        if isinstance(name, str):
            role = index.roles.get((kind, None if kind == "ClusterRole" else _namespace(resource), name))
            if role is not None:
                rights = _role_rights(role)
            elif kind == "ClusterRole":
                rights = _BUILTIN_BROAD_ROLES.get(name)
        workloads = []
        if rights is not None:
            workloads = [w.ref for w in index.running_as(set(_subjects_service_accounts(resource)))]
        view = View(broad_rights=rights, workloads_with_broad_rights=workloads)
        return view.sourced(broad_rights=("roleRef",), workloads_with_broad_rights=("subjects",))

    def _account(self, resource: Resource, index: _Index) -> View:
        view = View()
        automount = resource.data.get("automountServiceAccountToken")
        if automount is not False and (_namespace(resource), resource.name) not in index.bound_accounts:
            how = "automountServiceAccountToken: true" if automount is True else "mounted by default"
            view["unused_token"] = f"its token is {how} into every pod, but no binding in the repository grants it anything"
            if automount is True:
                view.sources["unused_token"] = ("automountServiceAccountToken",)
        return view

    def _policy(self, resource: Resource, index: _Index) -> View:
        view = View()
        namespace = _namespace(resource)
        selector = dig(resource.data, ("spec", "podSelector"))
        labels = selector.get("matchLabels") if isinstance(selector, dict) else None
        if (
            namespace not in index.workload_namespaces
            or not isinstance(labels, dict)
            or not labels
            or set(selector) != {"matchLabels"}
            or index.selected(namespace, labels)
        ):
            return view  # selects every pod, something unknown, or a pod the repository runs
        wanted = ", ".join(f"{key}={value}" for key, value in sorted(labels.items(), key=str))
        view["selects_no_workload"] = f"podSelector {wanted} matches no pod of {_scope_text(namespace)} in the repository"
        view.sources["selects_no_workload"] = ("spec", "podSelector", "matchLabels")
        return view

    def _budget(self, resource: Resource, index: _Index) -> View:
        view = View()
        spec = mapping(resource.data.get("spec"))
        selector = spec.get("selector")
        labels = selector.get("matchLabels") if isinstance(selector, dict) else None
        minimum = spec.get("minAvailable")
        if not isinstance(minimum, int) or isinstance(minimum, bool) or not isinstance(labels, dict) or set(selector) != {"matchLabels"}:
            return view
        covered = index.selected(_namespace(resource), labels) if labels else []
        replicas = [dig(w.data, ("spec", "replicas")) if w.kind in _REPLICATED else None for w in covered]
        if not covered or not all(isinstance(n, int) and not isinstance(n, bool) for n in replicas):
            return view  # nothing known to count (an autoscaler may own the replicas)
        total = sum(replicas)
        if minimum >= total:
            pods = ", ".join(f"{w.ref} ({n} replicas)" for w, n in zip(covered, replicas))
            view["blocks_drains"] = f"minAvailable {minimum} keeps every pod of {pods}"
            view.sources["blocks_drains"] = ("spec", "minAvailable")
        return view


KUBERNETES_FACTS = KubernetesFacts()
