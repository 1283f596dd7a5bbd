"""Per platform, the commands that bring live state back to the repository
(drift/plan.py writes them; docs/drift.md lists them)."""

from __future__ import annotations

from typing import Any, Callable

import yaml

from ..drift.compare import ADDED
from ..drift.engine import MISSING, UNDECLARED, ResourceDrift
from ..drift.normalize import comparable
from ..drift.plan import Script, assignment, leftover, plain, q, secret_literal, settings_changes
from ..model.resources import Resource

Planner = Callable[[ResourceDrift, Script, str], None]


def _env_value(resource: Resource, name: str) -> Any:
    """A declared env value by name (Heroku app.json shapes)."""
    env = resource.data.get("env") if isinstance(resource.data, dict) else None
    spec = env.get(name) if isinstance(env, dict) else None
    if isinstance(spec, dict):
        return None if spec.get("generator") or "value" not in spec else spec["value"]
    return spec


def _kubernetes(entry: ResourceDrift, script: Script, slug: str) -> None:
    identity = entry.identity
    namespace = ("--namespace", q(identity.owner)) if identity.owner else ()
    if entry.status == UNDECLARED:
        script.review("not declared in the repository; delete it only if nobody needs it", "kubectl", "delete", q(identity.kind), q(identity.name), *namespace)
        return
    declared = entry.declared
    assert declared is not None
    data = declared.data
    if declared.kind == "Secret" or secret_literal(data):
        script.comment("the object holds secret values: applied from its declared file, never copied into the plan")
        script.run("kubectl", "apply", *namespace, "-f", q(declared.document.path))
        return
    script.files[f"{slug}.yaml"] = yaml.safe_dump(plain(data), sort_keys=False, default_flow_style=False)
    script.comment(f"the object as {declared.document.path} declares it")
    script.run("kubectl", "apply", *namespace, "-f", '"$plan"/' + q(f"{slug}.yaml"))


def _heroku(entry: ResourceDrift, script: Script, slug: str) -> None:
    app = (entry.live or entry.declared).name  # type: ignore[union-attr]
    if entry.status == UNDECLARED:
        script.review("an app the repository does not declare", "heroku", "apps:destroy", "-a", q(app), "--confirm", q(app))
        return
    declared = entry.declared
    assert declared is not None
    if entry.status == MISSING:
        script.review("the app does not exist; create it from app.json through the pipeline", "heroku", "create", q(app), "--manifest")
        return
    if declared.kind != "app":
        leftover(script, entry, (), ["git", "push", "heroku", "HEAD:main"], "the process type differs: deploy the repository's Procfile")
        return
    to_set, to_unset = settings_changes(entry, ("env",))
    if to_set:
        script.run("heroku", "config:set", *(assignment(name, _env_value(declared, name), sensitive) for name, sensitive in to_set), "-a", q(app))
    if to_unset:
        script.review(f"config vars set live but not declared: {', '.join(to_unset)}", "heroku", "config:unset", *map(q, to_unset), "-a", q(app))
    formation = declared.data.get("formation") if isinstance(declared.data.get("formation"), dict) else {}
    scaled = sorted({str(d.name[1]) for d in entry.differences if d.name[:1] == ("formation",) and len(d.name) > 1 and d.change != ADDED})
    if scaled:
        words = []
        for process in scaled:
            spec = formation.get(process) if isinstance(formation.get(process), dict) else {}
            words.append(q(f"{process}={spec.get('quantity', 1)}" + (f":{spec['size']}" if spec.get("size") else "")))
        script.run("heroku", "ps:scale", *words, "-a", q(app))
    if any(d.name == ("stack",) for d in entry.differences):
        script.run("heroku", "stack:set", q(declared.data["stack"]), "-a", q(app))
    leftover(script, entry, (("env",), ("formation",), ("stack",)), ["git", "push", "heroku", "HEAD:main"], "other settings differ: redeploy from the repository")


def _redeploy(command: list[str], delete: list[str], missing_note: str = "", unset: list[str] | None = None) -> Planner:
    """Redeploy from the declared file.  ``unset`` (with ``{var}``) removes an
    env var set live but not declared, where the redeploy keeps it."""

    def plan(entry: ResourceDrift, script: Script, slug: str) -> None:
        resource = entry.live or entry.declared
        assert resource is not None
        values = {"name": q(resource.name), "file": q(entry.declared.document.path) if entry.declared else ""}
        if entry.status == UNDECLARED:
            script.review("not declared in the repository", *(word.format(**values) for word in delete))
            return
        if entry.status == MISSING and missing_note:
            script.comment(missing_note)
        script.run(*(word.format(**values) for word in command))
        for var in settings_changes(entry, ("env",))[1] if unset else ():
            script.review(f"env var {var} set live but not declared; a redeploy keeps it", *(word.format(var=q(var), **values) for word in unset))

    return plan


def _digitalocean(entry: ResourceDrift, script: Script, slug: str) -> None:
    app_id = entry.snapshot.notes.get("id") if entry.snapshot is not None else None
    target = q(app_id) if app_id else '"${DIGITALOCEAN_APP_ID}"'
    if entry.status == UNDECLARED:
        script.review(
            f"{entry.identity.kind} {entry.identity.name} runs live but the app spec does not declare it; updating the app from the spec removes it"
        )
        return
    declared = entry.declared
    assert declared is not None
    if entry.status == MISSING and declared.kind == "app":
        script.run("doctl", "apps", "create", "--spec", q(declared.document.path))
        return
    if not app_id:
        script.comment("set DIGITALOCEAN_APP_ID (doctl apps list) before running")
    script.run("doctl", "apps", "update", target, "--spec", q(declared.document.path))


# az webapp config set flags by siteConfig key.
AZURE_SITE_FLAGS = {
    "minTlsVersion": "--min-tls-version",
    "ftpsState": "--ftps-state",
    "http20Enabled": "--http20-enabled",
    "alwaysOn": "--always-on",
    "linuxFxVersion": "--linux-fx-version",
    "windowsFxVersion": "--windows-fx-version",
    "webSocketsEnabled": "--web-sockets-enabled",
    "use32BitWorkerProcess": "--use-32bit-worker-process",
    "remoteDebuggingEnabled": "--remote-debugging-enabled",
    "numberOfWorkers": "--number-of-workers",
}


def _azure(entry: ResourceDrift, script: Script, slug: str) -> None:
    resource = entry.live or entry.declared
    assert resource is not None
    site = resource.name.split("/")[0]
    group = entry.snapshot.notes.get("resourceGroup") if entry.snapshot is not None else None
    where = ("--name", q(site), "--resource-group", q(group) if group else '"${RESOURCE_GROUP}"')
    if entry.status == UNDECLARED:
        script.review("not declared in the repository", "az", "webapp", "delete", *where)
        return
    declared = entry.declared
    assert declared is not None
    deploy = ["az", "deployment", "group", "create", "--resource-group", where[3], "--template-file", q(declared.document.path)]
    if entry.status == MISSING:
        script.run(*deploy)
        return
    handled: list[tuple] = []
    for collection in (("properties", "siteConfig", "appSettings"), ("properties",) if declared.kind.lower().endswith("/config") else None):
        if collection is None:
            continue
        to_set, to_unset = settings_changes(entry, collection)
        if to_set:
            values = _azuresettings_changes(declared, collection)
            script.run("az", "webapp", "config", "appsettings", "set", *where, "--settings", *(assignment(n, values.get(n), s) for n, s in to_set))
        if to_unset:
            script.review(f"app settings set live but not declared: {', '.join(to_unset)}", "az", "webapp", "config", "appsettings", "delete", *where, "--setting-names", *map(q, to_unset))
        handled.append(collection)
    values = {d.name: d.declared for d in entry.differences if d.change != ADDED}
    if ("properties", "httpsOnly") in values:
        script.run("az", "webapp", "update", *where, "--https-only", q(values[("properties", "httpsOnly")]))
        handled.append(("properties", "httpsOnly"))
    flags = []
    for name, value in values.items():
        if name[:2] == ("properties", "siteConfig") and len(name) == 3 and name[2] in AZURE_SITE_FLAGS:
            flags += [AZURE_SITE_FLAGS[name[2]], q(value)]
            handled.append(name)
    if flags:
        script.run("az", "webapp", "config", "set", *where, *flags)
    leftover(script, entry, tuple(handled), deploy, "other settings differ: redeploy the template")


def _azuresettings_changes(resource: Resource, collection: tuple) -> dict[str, Any]:
    node: Any = resource.data
    for step in collection:
        node = node.get(step) if isinstance(node, dict) else None
    if isinstance(node, list):
        return {item.get("name"): item.get("value") for item in node if isinstance(item, dict)}
    return dict(node) if isinstance(node, dict) else {}


def _elasticbeanstalk(entry: ResourceDrift, script: Script, slug: str) -> None:
    resource = entry.live or entry.declared
    assert resource is not None
    collection = ("option_settings", "aws:elasticbeanstalk:application:environment")
    if entry.status == UNDECLARED:
        script.review("not declared in the repository", "eb", "terminate", q(resource.name))
        return
    notes = entry.snapshot.notes if entry.snapshot is not None else {}
    environment = q(notes["EnvironmentName"]) if notes.get("EnvironmentName") else '"${EB_ENVIRONMENT}"'
    if not notes.get("EnvironmentName"):
        script.comment("set EB_ENVIRONMENT (eb list) before running")
    to_set, to_unset = settings_changes(entry, collection)
    if to_set:
        declared = entry.declared
        settings = declared.data.get("option_settings") if declared is not None and isinstance(declared.data, dict) else None
        values = settings.get(collection[1], {}) if isinstance(settings, dict) else {}
        script.run("eb", "setenv", *(assignment(n, values.get(n), s) for n, s in to_set), "-e", environment)
    for name in to_unset:
        script.review(f"environment property {name} set live but not declared", "eb", "setenv", q(f"{name}="), "-e", environment)
    # Options set on the environment (console, eb scale, the API) outrank
    # .ebextensions, so a redeploy would not bring them back: set them.
    options = [
        d for d in entry.differences
        if len(d.name) == 3 and d.name[0] == "option_settings" and d.name[:2] != collection and d.change != ADDED and comparable(d.declared)
    ]
    if options:
        words = []
        for d in options:
            setting = f"Namespace={d.name[1]},OptionName={d.name[2]},Value="
            # A secret is read from the environment by name, never written.
            value = str(d.declared).lower() if isinstance(d.declared, bool) else str(d.declared)
            words.append(f'"{setting}${{{_option_variable(d.name[2])}}}"' if d.sensitive else q(setting + value))
        script.run("aws", "elasticbeanstalk", "update-environment", "--environment-name", environment, "--option-settings", *words)
    handled = (collection, *(d.name for d in options))
    leftover(script, entry, handled, ["eb", "deploy", environment], "other settings differ: deploy the repository's configuration")


def _option_variable(option: str) -> str:
    """An option's value read from the environment: ``DBPassword`` -> ``DBPASSWORD``."""
    return "".join(c if c.isalnum() else "_" for c in option).upper()


PLANNERS: dict[str, Planner] = {
    "kubernetes": _kubernetes,
    "heroku": _heroku,
    # cf push sets the manifest's env but keeps what cf set-env added.
    "cloudfoundry": _redeploy(["cf", "push", "{name}", "-f", "{file}"], ["cf", "delete", "{name}", "-r"], unset=["cf", "unset-env", "{name}", "{var}"]),
    "flyio": _redeploy(["fly", "deploy", "-c", "{file}"], ["fly", "apps", "destroy", "{name}"]),
    "digitalocean": _digitalocean,
    "azure": _azure,
    "elasticbeanstalk": _elasticbeanstalk,
    "appengine": _redeploy(["gcloud", "app", "deploy", "{file}"], ["gcloud", "app", "services", "delete", "{name}"]),
    "compose": _redeploy(["docker", "compose", "-f", "{file}", "up", "-d", "{name}"], ["docker", "rm", "-f", "{name}"]),
    "render": _redeploy(
        ["echo", "'Sync the Blueprint {file} from the Render dashboard (Blueprints > Manual Sync)'"], ["echo", "'Delete service {name} in the Render dashboard'"]
    ),
    "railway": _redeploy(["railway", "up", "--service", "{name}"], ["echo", "'Delete service {name} in the Railway dashboard'"]),
}

# A plugin's platform: no command known.
UNKNOWN_PLATFORM = _redeploy(["echo", "'no command for {name}: redeploy it from the repository'"], [])
