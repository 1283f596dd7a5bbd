"""App Service built-in authentication ("Easy Auth") of a site or slot.

The ``authentication`` subject: one entry per site or slot that is not a
function app (functions authorise HTTP triggers with keys)::

    public   false when the template closes the app to the internet
             (publicNetworkAccess Disabled, access restrictions that deny by
             default or allow narrower ranges than Any, a private endpoint
             to the site); true otherwise
    disabled why built-in authentication is not on (null when it is): no
             ``authsettingsV2``/``authsettings`` config, ``enabled`` false,
             or a value only known at deploy time

Where authentication is read, the first found wins: a ``config`` child named
``authsettingsV2`` (``properties.platform.enabled``), one named
``authsettings`` (``properties.enabled``), then the site configuration's
``siteAuthEnabled`` / ``siteAuthSettings.enabled``.
"""

from __future__ import annotations

import re
from typing import Any

from ..model.resources import Resource, SubjectEntries
from ..model.workload import View
from .azure import Template, effective_config, is_expression, name_segments, web_configs
from .base import dig, mapping

_OPEN_ADDRESSES = frozenset({"any", "0.0.0.0/0", "::/0"})


def _setting(template: Template, properties: Any, steps: tuple) -> tuple[bool, Any]:
    """(present, value) of a setting, expressions resolved where the template can."""
    properties = template.resolve(properties)
    node = dig(properties, steps[:-1]) if len(steps) > 1 else properties
    if not isinstance(node, dict) or steps[-1] not in node:
        return False, None
    return True, template.resolve(node[steps[-1]])


def _state(found: list[tuple[str, tuple, Any]]) -> tuple[str | None, tuple | None]:
    """The sentence for the first place authentication is set, and its path."""
    for where, path, value in found:
        if value is True or str(value).lower() == "true":
            return None, path
        if is_expression(value):
            return f"{where} is only known at deploy time ({value})", path
        if value is None:
            return f"{where} is not set (off)", path
        return f"{where} is {str(value).lower()}", path
    return "no authsettingsV2 or authsettings config turns built-in authentication on", None


def _restricted(view: View) -> bool:
    if str(view.get("publicNetworkAccess", "")).lower() == "disabled":
        return True
    if str(view.get("ipSecurityRestrictionsDefaultAction", "")).lower() == "deny":
        return True
    rules = view.get("ipSecurityRestrictions")
    return isinstance(rules, list) and any(
        isinstance(rule, dict)
        and (rule.get("vnetSubnetResourceId") or str(rule.get("ipAddress", "any")).lower() not in _OPEN_ADDRESSES)
        and str(rule.get("action", "Allow")).lower() == "allow"
        for rule in rules
    )


_SITE_ID = re.compile(r"^\[\s*resourceId\(\s*'Microsoft\.Web/sites'\s*,\s*(.+)\)\s*\]$", re.IGNORECASE | re.DOTALL)


def _target_site(service_id: Any, template: Template) -> str | None:
    """The site name a privateLinkServiceId names: ``resourceId('Microsoft.Web/sites', x)`` or a literal id."""
    if not isinstance(service_id, str):
        return None
    match = _SITE_ID.match(service_id.strip())
    if match:
        segments = name_segments(f"[{match.group(1).strip()}]", template)
        return segments[-1] if segments else None
    if is_expression(service_id):
        return None
    return service_id.rstrip("/").rsplit("/", 1)[-1].lower()


def _private_endpoint(resource: Resource, template: Template) -> bool:
    """A private endpoint of the template connects to this site (groupId ``sites``)."""
    name = (name_segments(resource.data.get("name"), template) or ("",))[-1]
    for item in template.data.get("resources") or []:
        if not isinstance(item, dict) or str(item.get("type", "")).lower() != "microsoft.network/privateendpoints":
            continue
        properties = mapping(item.get("properties"))
        for connection in (properties.get("privateLinkServiceConnections") or []) + (properties.get("manualPrivateLinkServiceConnections") or []):
            target = mapping(mapping(connection).get("properties"))
            groups = [str(g).lower() for g in target.get("groupIds") or [] if g is not None]
            if any(g.startswith("sites") for g in groups) and name and _target_site(target.get("privateLinkServiceId"), template) == name:
                return True
    return False


def authentication(resource: Resource) -> SubjectEntries:
    entry = effective_config(resource)
    if entry is None or "functionapp" in str(resource.data.get("kind", "")).lower():
        return []
    base, view = entry
    template = Template(resource.document.data)
    found: list[tuple[str, tuple, Any]] = []
    for config, steps in (("authsettingsv2", ("platform", "enabled")), ("authsettings", ("enabled",))):
        label = "authsettingsV2 platform.enabled" if config == "authsettingsv2" else "authsettings enabled"
        for path, properties in web_configs(resource, template, config):
            present, value = _setting(template, properties, steps)
            found.append((label, (path + steps) if path and present else (path or base), value if present else None))
    for key, steps in (("siteAuthEnabled", ("siteAuthEnabled",)), ("siteAuthSettings", ("siteAuthSettings", "enabled"))):
        present, value = _setting(template, {key: view.get(key)} if key in view else {}, steps)
        if present:
            found.append((".".join(steps), view.sources.get(key, base), value))
    off, source = _state(found)
    result = View(public=not (_restricted(view) or _private_endpoint(resource, template)), disabled=off)
    if source:
        result.sourced(disabled=source)
    return [(base, result)]
