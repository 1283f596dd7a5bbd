"""Azure App Service in ARM templates (and Bicep's JSON output).

Every ``Microsoft.Web/*`` resource of a template is a resource here, nested
children included (``sites/config``, ``sites/slots``,
``sites/basicPublishingCredentialsPolicies``...), under its full type.

ARM expressions are resolved where the template itself knows the value:
``[parameters('x')]`` to the parameter's ``defaultValue`` and
``[variables('x')]`` to the variable, recursively.  Anything else (a
parameter without a default, ``reference()``, ``listKeys()``, ``format()``...)
is only known at deploy time and stays the expression string, so a control
comparing it with an expected value fails and shows the expression.

Besides the normalized subjects, sites and slots offer ``site_config``: one
View per site or slot with the effective configuration - the site's
``properties`` (without ``siteConfig``), then ``properties.siteConfig``, then
every ``config`` child named ``web`` (nested in the site, or a top-level
``Microsoft.Web/sites/config`` whose name, literal or built with ``format``
or ``concat``, names the site) - flattened into one mapping (``httpsOnly``,
``minTlsVersion``, ``ftpsState``, ``ipSecurityRestrictions``...), later
sources winning.  ``unresolved`` lists
the keys whose value is only known at deploy time.  A finding points at the
key's own line, except for keys from a top-level ``config`` child, which
point at the site's ``properties``.
"""

from __future__ import annotations

import re
from typing import Any, Iterator
from weakref import WeakKeyDictionary

from ..model.resources import Resource, SubjectEntries
from ..model.workload import View, endpoint_entry, env_entry, image_entry, workload_entry
from ..parsing.documents import Document
from .base import ENDPOINT_FIELDS, ENV_FIELDS, IMAGE_FIELDS, FileRule, Platform, Sniff, mapping

_PARAMETER = re.compile(r"^\[parameters\('([^']+)'\)\]$")
_LOOKUP = re.compile(r"^(parameters|variables)\(\s*'([^']*)'\s*\)$", re.IGNORECASE)
_CALL = re.compile(r"^([A-Za-z_][\w.]*)\((.*)\)$", re.DOTALL)
_JOIN = re.compile(r"^(format|concat)\(", re.IGNORECASE)
_MAX_DEPTH = 10

SITE_KINDS = frozenset({"Microsoft.Web/sites", "Microsoft.Web/sites/slots"})
_CONFIG_TYPES = frozenset({"config", "Microsoft.Web/sites/config", "Microsoft.Web/sites/slots/config"})


def resolve_name(value: Any, parameters: dict) -> str:
    """A resource name, resolving ``[parameters('x')]`` to its default or ``x``."""
    if not isinstance(value, str):
        return "unnamed"
    match = _PARAMETER.match(value.strip())
    if match:
        default = mapping(parameters.get(match.group(1))).get("defaultValue")
        return default if isinstance(default, str) and not default.startswith("[") else match.group(1)
    if value.startswith("["):
        return re.sub(r"[^A-Za-z0-9_.-]+", "-", value.strip("[]")).strip("-")[:60] or "expression"
    return value


# --- ARM expressions -----------------------------------------------------------


def is_expression(value: Any) -> bool:
    """``[...]`` is an expression; ``[[...`` is a literal starting with ``[``."""
    return isinstance(value, str) and value.strip().startswith("[") and not value.strip().startswith("[[") and value.strip().endswith("]")


class Template:
    """A template's parameters and variables, for resolving expressions."""

    def __init__(self, data: Any) -> None:
        data = mapping(data)
        self.data = data
        self.parameters = {str(k).lower(): mapping(v) for k, v in mapping(data.get("parameters")).items()}
        self.variables = {str(k).lower(): v for k, v in mapping(data.get("variables")).items()}

    def lookup(self, expression: str) -> tuple[bool, Any]:
        """(known, value) of ``parameters('x')`` / ``variables('x')``; unknown otherwise."""
        match = _LOOKUP.match(expression.strip())
        if not match:
            return False, None
        kind, name = match.group(1).lower(), match.group(2).lower()
        if kind == "parameters":
            parameter = self.parameters.get(name)
            if parameter is None or "defaultValue" not in parameter:
                return False, None
            return True, parameter["defaultValue"]
        if name not in self.variables:
            return False, None
        return True, self.variables[name]

    def resolve(self, value: Any, depth: int = 0) -> Any:
        """The value with every resolvable expression replaced, recursively."""
        if depth > _MAX_DEPTH:
            return value
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("[["):
                return text[1:]
            if is_expression(text):
                known, found = self.lookup(text[1:-1])
                return self.resolve(found, depth + 1) if known else value
            return value
        if isinstance(value, dict):
            return {key: self.resolve(item, depth + 1) for key, item in value.items()}
        if isinstance(value, list):
            return [self.resolve(item, depth + 1) for item in value]
        return value

    def env_value(self, value: Any, depth: int = 0) -> tuple[Any, bool]:
        """(literal, reference) for an app setting or connection string value.

        A parameter without a default is supplied at deploy time (a reference);
        a default, even of a ``securestring``, is a literal written in the file.
        """
        if depth > _MAX_DEPTH:
            return None, True
        if isinstance(value, str) and value.strip().startswith("[["):
            return value.strip()[1:], False
        if is_expression(value):
            known, found = self.lookup(value.strip()[1:-1])
            if not known or found in ("", None):
                return None, True
            return self.env_value(found, depth + 1)
        if isinstance(value, (dict, list)):
            return None, True
        return value, False


def _split_args(text: str) -> list[str]:
    """Top-level comma-separated arguments of an ARM function call."""
    args: list[str] = []
    depth, quoted, start = 0, False, 0
    index = 0
    while index < len(text):
        char = text[index]
        if quoted:
            if char == "'":
                if text[index + 1 : index + 2] == "'":
                    index += 1
                else:
                    quoted = False
        elif char == "'":
            quoted = True
        elif char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        elif char == "," and depth == 0:
            args.append(text[start:index].strip())
            start = index + 1
        index += 1
    tail = text[start:].strip()
    if tail or args:
        args.append(tail)
    return args


def _string_literal(arg: str) -> str | None:
    arg = arg.strip()
    if len(arg) >= 2 and arg[0] == "'" and arg[-1] == "'":
        return arg[1:-1].replace("''", "'")
    return None


def _key(arg: str, template: Template, depth: int = 0) -> str:
    """A comparable key for one name argument: its value when known, else its text."""
    literal = _string_literal(arg)
    if literal is not None:
        return literal.lower()
    known, value = template.lookup(arg)
    if known and isinstance(value, str) and depth < _MAX_DEPTH:
        if not is_expression(value):
            return value.lower()
        if _JOIN.match(value.strip()[1:-1].strip()):
            # A parameter or variable built from other names ("[concat(variables('app'), '/web')]").
            segments = name_segments(value, template, depth + 1)
            if segments:
                return "/".join(segments)
    return re.sub(r"\s+", "", arg).replace('"', "'").lower()


def name_segments(name: Any, template: Template, depth: int = 0) -> tuple[str, ...] | None:
    """``site/slot/web`` as comparable segments, through ``format``/``concat`` names."""
    if not isinstance(name, str) or not name.strip():
        return None
    text = name.strip()
    if not is_expression(text):
        return tuple(part.lower() for part in (text[1:] if text.startswith("[[") else text).split("/"))
    inner = text[1:-1].strip()
    call = _CALL.match(inner)
    joined: str
    keys: list[str] = []
    if call and call.group(1).lower() in ("format", "concat"):
        args = _split_args(call.group(2))
        if call.group(1).lower() == "format":
            pattern = _string_literal(args[0]) if args else None
            if pattern is None:
                return None
            keys = [_key(arg, template, depth) for arg in args[1:]]
            joined = re.sub(r"\{(\d+)\}", lambda m: f"\0{m.group(1)}\0", pattern)
        else:
            pieces = []
            for arg in args:
                literal = _string_literal(arg)
                if literal is not None:
                    pieces.append(literal)
                else:
                    keys.append(_key(arg, template, depth))
                    pieces.append(f"\0{len(keys) - 1}\0")
            joined = "".join(pieces)
    else:
        keys = [_key(inner, template, depth)]
        joined = "\x000\x00"

    def fill(piece: str) -> str:
        return re.sub(r"\x00(\d+)\x00", lambda m: keys[int(m.group(1))] if int(m.group(1)) < len(keys) else "", piece)

    # A resolved argument may itself hold a slash ("site/web").
    return tuple(part.lower() for part in fill(joined).split("/"))


# --- the template's resource tree ---------------------------------------------------


def _children(items: Any, path: tuple) -> Iterator[tuple[tuple, dict]]:
    entries = items.items() if isinstance(items, dict) else enumerate(items if isinstance(items, list) else [])
    for key, item in entries:
        if isinstance(item, dict) and isinstance(item.get("type"), str):
            yield path + (key,), item


def _node(data: Any, path: tuple) -> Any:
    for step in path:
        data = data[step]
    return data


def resource_key(document: Document, path: tuple, template: Template) -> tuple[str, ...] | None:
    """Name segments of the resource at ``path``, nested parents included."""
    key: tuple[str, ...] = ()
    data = document.data
    for depth in range(2, len(path) + 1, 2):
        item = _node(data, path[:depth])
        segments = name_segments(mapping(item).get("name"), template)
        if segments is None:
            return None
        # A nested child may repeat its parents' names ("site/web").
        key = segments if depth == 2 or len(segments) > 1 else key + segments
    return key


def web_configs(resource: Resource, template: Template, name: str = "web") -> list[tuple[tuple | None, Any]]:
    """(path relative to the resource or None, properties) of its configs named
    ``name`` (lower case): ``web`` by default, ``authsettingsv2``..."""
    found: list[tuple[tuple | None, Any]] = []
    for path, child in _children(resource.data.get("resources"), ("resources",)):
        if child["type"] in _CONFIG_TYPES and (name_segments(child.get("name"), template) or ("",))[-1] == name:
            found.append((path + ("properties",), child.get("properties")))
    key = resource_key(resource.document, resource.path, template)
    if not key:
        return found
    for _, child in _children(template.data.get("resources"), ("resources",)):
        if child["type"] not in ("Microsoft.Web/sites/config", "Microsoft.Web/sites/slots/config"):
            continue
        segments = name_segments(child.get("name"), template)
        if not segments or segments[-1] != name:
            continue
        if segments[:-1] == key:
            found.append((None, child.get("properties")))
    return found


# Every control asks again for the same entry; the merge scans the template.
_EFFECTIVE: WeakKeyDictionary[Resource, tuple[tuple, View] | None] = WeakKeyDictionary()


def effective_config(resource: Resource) -> tuple[tuple, View] | None:
    """The site_config entry of a site or slot."""
    if resource not in _EFFECTIVE:
        _EFFECTIVE[resource] = _effective_config(resource)
    return _EFFECTIVE[resource]


def _effective_config(resource: Resource) -> tuple[tuple, View] | None:
    if resource.kind not in SITE_KINDS or not isinstance(resource.data, dict):
        return None
    template = Template(resource.document.data)
    properties = resource.data.get("properties")
    layers: list[tuple[tuple | None, Any]] = [(("properties",), properties)]
    if isinstance(properties, dict):
        layers.append((("properties", "siteConfig"), properties.get("siteConfig")))
    layers.extend(web_configs(resource, template))
    view = View()
    sources: dict[str, tuple] = {}
    for base, layer in layers:
        layer = template.resolve(layer) if is_expression(layer) else layer
        if not isinstance(layer, dict):
            continue
        for key, value in layer.items():
            if base == ("properties",) and key == "siteConfig":
                continue
            view[key] = template.resolve(value)
            if base is not None:
                sources[key] = base + (key,)
            else:
                sources.pop(key, None)
    view["unresolved"] = sorted(key for key, value in view.items() if key != "unresolved" and is_expression(value))
    view.sourced(**sources)
    return (("properties",) if isinstance(properties, dict) else ()), view


def site_config(resource: Resource) -> SubjectEntries:
    entry = effective_config(resource)
    return [entry] if entry else []


# --- normalized subjects ------------------------------------------------------------


def _config_name(resource: Resource, template: Template) -> str | None:
    if not resource.kind.endswith("/config"):
        return None
    segments = name_segments(resource.data.get("name"), template)
    return segments[-1] if segments else None


def _env_list(items: Any, base: tuple, value_key: str, template: Template) -> SubjectEntries:
    entries: SubjectEntries = []
    # A list from a variable points at the expression; one built at deploy
    # time has no names to report.
    from_expression = is_expression(items)
    if from_expression:
        items = template.resolve(items)
    for index, item in enumerate(items if isinstance(items, list) else []):
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            continue
        value, reference = template.env_value(item.get(value_key))
        if from_expression:
            path = base
        else:
            path = base + (index, value_key) if value_key in item else base + (index,)
        entries.append((path, env_entry(item["name"], value, reference=reference)))
    return entries


def env(resource: Resource) -> SubjectEntries:
    data = resource.data
    if not isinstance(data, dict):
        return []
    template = Template(resource.document.data)
    properties = data.get("properties")
    entries: SubjectEntries = []
    if resource.kind in SITE_KINDS:
        site = mapping(mapping(properties).get("siteConfig"))
        base = ("properties", "siteConfig")
        entries.extend(_env_list(site.get("appSettings"), base + ("appSettings",), "value", template))
        entries.extend(_env_list(site.get("connectionStrings"), base + ("connectionStrings",), "connectionString", template))
        return entries
    name = _config_name(resource, template)
    if name == "web":
        entries.extend(_env_list(mapping(properties).get("appSettings"), ("properties", "appSettings"), "value", template))
        entries.extend(
            _env_list(mapping(properties).get("connectionStrings"), ("properties", "connectionStrings"), "connectionString", template)
        )
    elif name == "appsettings":
        for key, value in mapping(properties).items():
            literal, reference = template.env_value(value)
            entries.append((("properties", key), env_entry(key, literal, reference=reference)))
    elif name == "connectionstrings":
        for key, spec in mapping(properties).items():
            where = ("properties", key, "value") if isinstance(spec, dict) and "value" in spec else ("properties", key)
            literal, reference = template.env_value(spec.get("value") if isinstance(spec, dict) else spec)
            entries.append((where, env_entry(key, literal, reference=reference)))
    return entries


def _known(value: Any) -> Any:
    return None if is_expression(value) else value


def images(resource: Resource) -> SubjectEntries:
    entry = effective_config(resource)
    if entry is None:
        return []
    base, view = entry
    found: SubjectEntries = []
    for key in ("linuxFxVersion", "windowsFxVersion"):
        value = _known(view.get(key))
        if isinstance(value, str) and value.upper().startswith("DOCKER|"):
            found.append((view.sources.get(key, base), image_entry(value.split("|", 1)[1].strip())))
    return found


def endpoints(resource: Resource) -> SubjectEntries:
    entry = effective_config(resource)
    if entry is None:
        return []
    base, view = entry
    access = _known(view.get("publicNetworkAccess"))
    public = {"disabled": False, "enabled": True}.get(str(access).lower()) if isinstance(access, str) else None
    found: SubjectEntries = [(view.sources.get("publicNetworkAccess", base), endpoint_entry(443, "https", public=public, tls=True))]
    https_only = view.get("httpsOnly")
    if https_only is not True:
        # Port 80 serves the app unless httpsOnly redirects it.
        tls = None if is_expression(https_only) else False
        found.append((view.sources.get("httpsOnly", base), endpoint_entry(80, "http", public=public, tls=tls)))
    return found


def workload(resource: Resource) -> SubjectEntries:
    entry = effective_config(resource)
    if entry is None:
        return []
    base, view = entry
    runtime = _known(view.get("linuxFxVersion")) or _known(view.get("windowsFxVersion"))
    health = view.get("healthCheckPath")
    limit = _known(view.get("functionAppScaleLimit"))
    identity, identity_source = managed_identity(resource)
    result = workload_entry(
        max_instances=limit if isinstance(limit, int) and limit > 0 else None,
        health_check=None if is_expression(health) else bool(health),
        runtime=runtime if isinstance(runtime, str) and runtime.strip() else None,
        managed_identity=identity,
    )
    sources = {
        "health_check": view.sources.get("healthCheckPath"),
        "runtime": view.sources.get("linuxFxVersion") or view.sources.get("windowsFxVersion"),
        "max_instances": view.sources.get("functionAppScaleLimit"),
        "managed_identity": identity_source,
    }
    return [(base, result.sourced(**{k: v for k, v in sources.items() if v}))]


_IDENTITY_TYPES = {"systemassigned": "SystemAssigned", "userassigned": "UserAssigned", "none": "None"}


def managed_identity(resource: Resource) -> tuple[str | None, tuple | None]:
    """The site's ``identity.type`` in ARM's spelling (``SystemAssigned,
    UserAssigned`` for both), ``"None"`` without an identity block, and where
    it is written; None when an expression decides."""
    identity = resource.data.get("identity")
    if identity is None:
        return "None", None
    kind = Template(resource.document.data).resolve(identity.get("type")) if isinstance(identity, dict) else None
    source = ("identity", "type") if isinstance(identity, dict) and "type" in identity else ("identity",)
    if not isinstance(kind, str) or is_expression(kind):
        return None, source
    names = [_IDENTITY_TYPES.get(part.strip().lower()) for part in kind.split(",")]
    if not names or None in names:
        return None, source
    return ", ".join(names), source


# Last: azure_auth reads this module's helpers.
from .azure_auth import authentication  # noqa: E402


class Azure(Platform):
    name = "azure"
    title = "Azure App Service"
    file_rules = (FileRule(r"(azuredeploy|mainTemplate|template)([.-][\w.-]*)?\.json", "json", rank=120),)
    sniffs = (Sniff("json", r"(?i:deploymenttemplate\.json)", order=1),)  # the $schema URL
    # No memory_bytes: the App Service plan (another resource) always sets it.
    fields = {
        "env": ENV_FIELDS, "images": IMAGE_FIELDS, "endpoints": ENDPOINT_FIELDS,
        "workload": frozenset({"max_instances", "run_as_root", "privileged", "health_check", "runtime", "managed_identity"}),
    }
    subjects = {
        "env": env,
        "images": images,
        "endpoints": endpoints,
        "workload": workload,
        "site_config": site_config,
        "authentication": authentication,
    }

    def detect(self, document: Document) -> bool:
        data = document.data
        return (
            isinstance(data, dict)
            and isinstance(data.get("resources"), (list, dict))
            and "deploymenttemplate.json" in str(data.get("$schema", "")).lower()
        )

    def resources(self, document: Document) -> list[Resource]:
        data = document.data
        parameters = mapping(data.get("parameters"))
        found: list[Resource] = []

        def walk(items: Any, path: tuple, parent_type: str) -> None:
            for item_path, item in _children(items, path):
                rtype = item["type"]
                if parent_type and not rtype.startswith("Microsoft."):
                    rtype = f"{parent_type}/{rtype}"
                if rtype.startswith("Microsoft.Web/"):
                    found.append(self.resource(document, rtype, resolve_name(item.get("name"), parameters), item, item_path))
                walk(item.get("resources"), item_path + ("resources",), rtype)

        walk(data.get("resources"), ("resources",), "")
        return found
