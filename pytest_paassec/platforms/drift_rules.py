"""What drift needs to know about each platform, declared once.

The drift engine (pytest_paassec/drift/) is platform-neutral; everything
it must know about a platform lives here, keyed by the adapter's name:
which fields the platform adds or defaults (the default ignore lists), which
lists it treats as sets and by what key, which collections the repository
declares as a whole, how it spells booleans and sizes, who owns a resource
(a namespace, an app), and how a declared value reads before comparing.
Patterns are those of drift/ignore.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from ..model.resources import Resource
from .azure import Template
from .base import mapping
from .cloudfoundry import cf_size

_K8S_POD = "**"  # a pod spec sits at different depths by kind
DEFAULT_IGNORE: dict[str, tuple[tuple[str, str], ...]] = {
    "kubernetes": (
        ("status", "written by controllers, never declared"),
        ("metadata.namespace", "the identity, matched already (the default namespace applied where a manifest names none)"),
        ("metadata.uid", "assigned by the API server"),
        ("metadata.resourceVersion", "assigned by the API server"),
        ("metadata.generation", "assigned by the API server"),
        ("metadata.creationTimestamp", "assigned by the API server (kubectl create --dry-run writes null)"),
        ("metadata.managedFields", "server-side apply bookkeeping"),
        ("metadata.selfLink", "assigned by API servers before 1.20"),
        ("metadata.annotations[\"kubectl.kubernetes.io/last-applied-configuration\"]", "written by kubectl apply"),
        ("metadata.annotations[\"deployment.kubernetes.io/revision\"]", "written by the Deployment controller"),
        ("metadata.annotations[\"kubectl.kubernetes.io/restartedAt\"]", "written by kubectl rollout restart"),
        ("**.metadata.creationTimestamp", "pod templates carry a null timestamp"),
        (f"{_K8S_POD}.imagePullPolicy", "defaulted from the image tag"),
        (f"{_K8S_POD}.terminationMessagePath", "defaulted to /dev/termination-log"),
        (f"{_K8S_POD}.terminationMessagePolicy", "defaulted to File"),
        (f"{_K8S_POD}.dnsPolicy", "defaulted to ClusterFirst"),
        ("spec.template.spec.restartPolicy", "defaulted to Always"),
        (f"{_K8S_POD}.schedulerName", "defaulted to default-scheduler"),
        (f"{_K8S_POD}.terminationGracePeriodSeconds", "defaulted to 30"),
        (f"{_K8S_POD}.serviceAccount", "deprecated alias the server copies from serviceAccountName"),
        ("spec.revisionHistoryLimit", "defaulted to 10"),
        ("spec.progressDeadlineSeconds", "defaulted to 600"),
        ("spec.strategy", "defaulted to RollingUpdate 25%/25%"),
        ("spec.clusterIP", "allocated by the API server"),
        ("spec.clusterIPs", "allocated by the API server"),
        ("spec.ipFamilies", "defaulted from the cluster's IP families"),
        ("spec.ipFamilyPolicy", "defaulted to SingleStack"),
        ("spec.internalTrafficPolicy", "defaulted to Cluster"),
        ("spec.sessionAffinity", "defaulted to None"),
        ("spec.ports.*.nodePort", "allocated for NodePort and LoadBalancer Services"),
    ),
    "cloudfoundry": (
        ("**.metadata", "labels and annotations the Cloud Controller adds"),
    ),
    "heroku": (
        ("env.*.description", "app.json documentation, not a setting"),
        ("env.*.required", "app.json documentation, not a setting"),
        ("env.*.generator", "app.json asks Heroku to generate the value at creation"),
        ("env.HEROKU_*", "dyno metadata (runtime-dyno-metadata) set by Heroku"),
        ("env.DATABASE_URL", "set by the Heroku Postgres add-on"),
        ("env.REDIS_URL", "set by the Heroku Redis add-on"),
        ("env.REDIS_TLS_URL", "set by the Heroku Redis add-on"),
        ("name", "app.json names a template; the live app is matched by the snapshot"),
        ("description", "app.json documentation"),
        ("keywords", "app.json documentation"),
        ("logo", "app.json documentation"),
        ("website", "app.json documentation"),
        ("repository", "app.json documentation"),
        ("success_url", "used once, when the app is created"),
        ("scripts", "run at release or creation, not state"),
        ("environments", "review and CI apps, not the deployed app"),
    ),
    "flyio": (
        # build.image is what runs: a different deployed image is drift.
        ("build.dockerfile", "build-time setting, gone once the image exists"),
        ("build.ignorefile", "build-time setting, gone once the image exists"),
        ("build.build-target", "build-time setting, gone once the image exists"),
        ("build.args", "build-time setting, gone once the image exists"),
        ("build.builder", "build-time setting, gone once the image exists"),
        ("build.buildpacks", "build-time setting, gone once the image exists"),
        ("build.settings", "build-time setting, gone once the image exists"),
        ("deploy.release_command", "run once per deploy, not state"),
        ("kill_signal", "defaulted to SIGINT by flyctl"),
        ("kill_timeout", "defaulted to 5s by flyctl"),
    ),
    "digitalocean": (
        ("alerts", "defaulted by the platform (DEPLOYMENT_FAILED, DOMAIN_FAILED)"),
        ("features", "feature flags the platform adds (buildpack-stack=...)"),
        ("ingress", "generated from the components' routes"),
        ("**.routes", "doctl apps spec get returns component routes moved into ingress.rules"),
    ),
    "azure": (
        ("apiVersion", "the template's API version, not a setting"),
        ("dependsOn", "deployment ordering, not a setting"),
        ("location", "ARM accepts several spellings (westeurope, West Europe)"),
        ("properties.serverFarmId", "a resource id whose casing the platform changes"),
        ("properties.siteConfig.appSettings.WEBSITE_RUN_FROM_PACKAGE", "set by zip deployment"),
        ("properties.siteConfig.appSettings.SCM_DO_BUILD_DURING_DEPLOYMENT", "set by az webapp up and zip deployment"),
        ("properties.appSettings.WEBSITE_RUN_FROM_PACKAGE", "set by zip deployment"),
        ("tags", "hidden-related:... tags the portal adds"),
    ),
    "elasticbeanstalk": (
        ("Resources", "CloudFormation resources are not in describe-configuration-settings"),
        ("files", "written on the instances at deploy time"),
        ("container_commands", "run at deploy time, not state"),
        ("commands", "run at deploy time, not state"),
        ("packages", "installed at deploy time, not state"),
        ('option_settings["aws:elasticbeanstalk:application:environment"].PYTHONPATH', "set by the Python platform (its virtualenv)"),
    ),
    "appengine": (
        ("handlers", "routing rules, redeployed with every version"),
        ("includes", "merged by gcloud at deploy time"),
        ("skip_files", "a deploy-time filter"),
        ("default_expiration", "static file caching, redeployed with every version"),
    ),
    "compose": (
        ("build", "build-time settings (context, dockerfile, args), not in docker inspect"),
        ("**.labels[\"com.docker.compose.*\"]", "labels docker compose adds to every container"),
        ("container_name", "defaulted to PROJECT-SERVICE-N"),
        ("depends_on", "start order, not container state"),
        ("profiles", "selection at start, not container state"),
    ),
    "render": (
        ("previews", "preview environments, not the deployed service"),
        ("**.envVars.*.generateValue", "the value is generated once, at creation"),
        ("**.envVars.*.sync", "sync: false values are set in the dashboard"),
        ("**.buildFilter", "which commits trigger a build, not state"),
    ),
    "railway": (("build", "build-time settings, gone once the image exists"),),
}



# Per family: list name -> the fields that key its entries (the first one
# present wins; a list of scalars is keyed by the value itself: ``()``).
SET_LISTS: dict[str, dict[str, tuple[str, ...]]] = {
    "kubernetes": {
        "env": ("name",),
        "containers": ("name",),
        "initContainers": ("name",),
        "ephemeralContainers": ("name",),
        "volumes": ("name",),
        "volumeMounts": ("mountPath",),
        "volumeDevices": ("devicePath",),
        "ports": ("containerPort", "port", "name"),
        "imagePullSecrets": ("name",),
        "hostAliases": ("ip",),
        "add": (),
        "drop": (),
    },
    "cloudfoundry": {"routes": ("route",), "services": ("name",), "sidecars": ("name",), "processes": ("type",)},
    "digitalocean": {
        "envs": ("key",),
        "services": ("name",),
        "workers": ("name",),
        "jobs": ("name",),
        "static_sites": ("name",),
        "functions": ("name",),
        "databases": ("name",),
        "domains": ("domain",),
        "routes": ("path",),
    },
    "azure": {"appSettings": ("name",), "connectionStrings": ("name",), "ipSecurityRestrictions": ("name", "ipAddress")},
    "flyio": {"services": ("internal_port",), "mounts": ("destination",), "ports": ("port",), "checks": ("path", "port")},
    "render": {"services": ("name",), "envVars": ("key",), "databases": ("name",), "domains": ()},
    "compose": {"ports": (), "expose": (), "cap_add": (), "cap_drop": (), "volumes": (), "secrets": (), "networks": ()},
    "elasticbeanstalk": {"option_settings": ("namespace", "option_name")},
    "heroku": {"addons": ("plan",), "buildpacks": ("url",)},
    "appengine": {},
    "railway": {},
}

# Collections the repository declares as a whole: a live entry it does not
# declare is drift ("added").  Patterns as in ignore.py.
WHOLE: dict[str, tuple[str, ...]] = {
    "kubernetes": ("**.env", "**.containers", "**.initContainers", "**.ports", "**.volumes", "**.capabilities.add", "data", "stringData"),
    "cloudfoundry": ("env", "routes", "services", "sidecars"),
    "heroku": ("env", "formation"),
    "flyio": ("env", "services", "mounts"),
    "digitalocean": ("envs", "**.envs", "domains"),
    "azure": ("properties.siteConfig.appSettings", "properties.siteConfig.connectionStrings", "properties.appSettings"),
    "elasticbeanstalk": ('option_settings["aws:elasticbeanstalk:application:environment"]',),
    "appengine": ("env_variables",),
    # Not environment: docker inspect's Config.Env holds the image's ENV
    # (PATH, LANG, PYTHON_VERSION...) beside the compose file's.
    "compose": ("ports", "cap_add", "volumes"),
    "render": ("**.envVars",),
    "railway": (),
}




# Kinds without a namespace: live objects carry none, so none is defaulted.
CLUSTER_KINDS = frozenset(
    {
        "Namespace", "Node", "PersistentVolume", "ClusterRole", "ClusterRoleBinding", "StorageClass",
        "CustomResourceDefinition", "PriorityClass", "IngressClass", "RuntimeClass", "APIService",
        "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "PodSecurityPolicy",
        "CSIDriver", "CSINode", "VolumeAttachment", "SecurityContextConstraints", "Project",
        "ClusterIssuer", "ClusterImagePolicy",
    }
)


def _namespace(resource: Resource) -> str | None:
    """A namespaced object's namespace (``default`` when the manifest names
    none); None for cluster-scoped kinds, never reported as undeclared."""
    return None if resource.kind in CLUSTER_KINDS else resource.scope or "default"


def _app_spec_name(resource: Resource) -> str:
    data = resource.document.data
    spec = data["spec"] if isinstance(data, dict) and isinstance(data.get("spec"), dict) else mapping(data)
    return str(spec.get("name") or "")


def _platform_wide(resource: Resource) -> str:
    return ""


def _heroku_env(data: Any) -> Any:
    """Config vars written as plain values or ``{value: ...}``: the latter."""
    if isinstance(data, dict) and isinstance(data.get("env"), dict):
        env = {name: spec if isinstance(spec, dict) else {"value": spec} for name, spec in data["env"].items()}
        return {**data, "env": env}
    return data


def _compose_environment(data: Any) -> Any:
    """``environment`` as a ``KEY=value`` list or a mapping: the mapping."""
    if isinstance(data, dict) and isinstance(data.get("environment"), list):
        env: dict[str, Any] = {}
        for item in data["environment"]:
            name, sep, value = str(item).partition("=")
            env[name] = value if sep else None
        return {**data, "environment": env}
    return data


def _lift_web_process(data: Any) -> Any:
    """Cloud Foundry: app-level memory, instances... are the web process's;
    ``cf create-app-manifest`` writes them under ``processes``."""
    processes = data.get("processes") if isinstance(data, dict) else None
    web = next((p for p in processes if isinstance(p, dict) and p.get("type") == "web"), None) if isinstance(processes, list) else None
    if web is None:
        return data
    return {**{key: value for key, value in web.items() if key != "type"}, **data}


def _arm_resolved(resource: Resource) -> Any:
    """What the template itself resolves (parameters with defaults, variables)."""
    return Template(resource.document.data).resolve(resource.data)


def _declared_data(resource: Resource) -> Any:
    return resource.data


def _cf_size(value: Any) -> Any:
    return cf_size(value)


@dataclass(frozen=True)
class DriftRules:
    ignore: tuple[tuple[str, str], ...] = ()  # (pattern, why) the platform adds or defaults
    set_lists: dict[str, tuple[str, ...]] = field(default_factory=dict)
    whole: tuple[str, ...] = ()  # collections whose extra live entries are drift
    loose_booleans: bool = False  # on/off, yes/no are booleans too
    case_free: tuple[str, ...] = ()  # keys whose values the platform reads case-insensitively
    quantity_steps: frozenset[str] = frozenset()  # under these keys values are quantities
    size_keys: frozenset[str] = frozenset()  # keys holding sizes in the platform's own units
    size: Callable[[Any], Any] | None = None  # those sizes as quantities
    # One snapshot holds every kind (an app spec): the platform present covers them all.
    whole_snapshot: bool = False
    # Kinds whose declared name is not the live identity (app.json names a
    # template; an .ebextensions file and render.yaml are named after their
    # files): a lone live one of the kind pairs with the declared one left
    # unmatched, or with all of them when ``unnamed_shared`` (every
    # .ebextensions file configures the one environment).
    unnamed: tuple[str, ...] = ()
    unnamed_shared: bool = False
    case_free_names: bool = False
    namespaced: bool = False  # refs are Kind/namespace/name, the default namespace applied
    # (kind, name) of objects the platform creates by itself: never "undeclared".
    server_created: frozenset[tuple[str, str]] = frozenset()
    owner: Callable[[Resource], str | None] = _platform_wide
    prepare: Callable[[Any], Any] | None = None  # one shape where the platform has two
    declared_data: Callable[[Resource], Any] = _declared_data


DRIFT_RULES: dict[str, DriftRules] = {
    "kubernetes": DriftRules(
        DEFAULT_IGNORE["kubernetes"], SET_LISTS["kubernetes"], WHOLE["kubernetes"],
        quantity_steps=frozenset({"resources", "capacity", "storage", "hard", "limits", "requests", "overhead"}),
        namespaced=True, owner=_namespace,
        # Every namespace gets these from the control plane; default/kubernetes is the API server.
        server_created=frozenset({("ServiceAccount", "default"), ("ConfigMap", "kube-root-ca.crt"), ("Service", "kubernetes")}),
    ),
    "cloudfoundry": DriftRules(
        DEFAULT_IGNORE["cloudfoundry"], SET_LISTS["cloudfoundry"], WHOLE["cloudfoundry"],
        size_keys=frozenset({"memory", "disk_quota", "mem", "log-rate-limit-per-second"}), size=_cf_size,
        whole_snapshot=True, prepare=_lift_web_process,
    ),
    "heroku": DriftRules(
        DEFAULT_IGNORE["heroku"], SET_LISTS["heroku"], WHOLE["heroku"], case_free=("size",), unnamed=("app",), prepare=_heroku_env,
    ),
    "flyio": DriftRules(DEFAULT_IGNORE["flyio"], SET_LISTS["flyio"], WHOLE["flyio"], case_free=("primary_region",)),
    "digitalocean": DriftRules(
        DEFAULT_IGNORE["digitalocean"], SET_LISTS["digitalocean"], WHOLE["digitalocean"], whole_snapshot=True, owner=_app_spec_name,
    ),
    "azure": DriftRules(
        DEFAULT_IGNORE["azure"], SET_LISTS["azure"], WHOLE["azure"], loose_booleans=True, case_free=("location", "kind"),
        case_free_names=True, declared_data=_arm_resolved,
    ),
    "elasticbeanstalk": DriftRules(
        DEFAULT_IGNORE["elasticbeanstalk"], SET_LISTS["elasticbeanstalk"], WHOLE["elasticbeanstalk"], loose_booleans=True,
        unnamed=("config",), unnamed_shared=True,
    ),
    "appengine": DriftRules(DEFAULT_IGNORE["appengine"], SET_LISTS["appengine"], WHOLE["appengine"], loose_booleans=True),
    "compose": DriftRules(
        DEFAULT_IGNORE["compose"], SET_LISTS["compose"], WHOLE["compose"], loose_booleans=True, whole_snapshot=True, prepare=_compose_environment,
    ),
    "render": DriftRules(DEFAULT_IGNORE["render"], SET_LISTS["render"], WHOLE["render"], whole_snapshot=True, unnamed=("blueprint",)),
    "railway": DriftRules(DEFAULT_IGNORE["railway"], SET_LISTS["railway"], WHOLE["railway"], whole_snapshot=True),
}

# A platform without rules (a plugin's adapter) compares with none of the above.
NO_RULES = DriftRules()
