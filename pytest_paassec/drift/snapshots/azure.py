"""Azure App Service: ``az webapp show``, ``az webapp config show`` and
``az webapp config appsettings list`` (each ``-g GROUP -n SITE -o json``).

The first two name the site; the settings list does not, so its file is
named ``<site>.appsettings.json``.  Together they become an ARM template
with one ``Microsoft.Web/sites`` resource, the shape platforms/azure.py
reads: name, location, kind, identity, properties (httpsOnly,
clientCertEnabled, publicNetworkAccess, serverFarmId...) and
properties.siteConfig (the config resource's non-null fields, appSettings
as ``[{name, value}]`` with secrets concealed).
"""

from __future__ import annotations

import re
from typing import Any

from ...platforms.azure import Azure
from ..live import LiveDocument
from .common import Part, Reading, Snapshot, conceal_list, drop_none, key_from_name

PLATFORM = Azure.name

SETTINGS_SUFFIX = ".appsettings.json"
ROLES = ("webapp", "config", "appsettings")
SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"
# Top-level fields of ``az webapp show`` that are ARM properties of the site.
_SITE_PROPERTIES = (
    "httpsOnly", "clientCertEnabled", "clientCertMode", "clientAffinityEnabled", "publicNetworkAccess",
    "serverFarmId", "virtualNetworkSubnetId", "vnetRouteAllEnabled", "keyVaultReferenceIdentity", "enabled",
)
# Resource envelope fields of ``az webapp config show``, not site config.
_ENVELOPE = frozenset({"id", "name", "type", "kind", "location", "resourceGroup", "tags"})


def read(snapshot: Snapshot) -> Reading | None:
    data = snapshot.documents[0].data
    if len(snapshot.documents) != 1:
        return None
    if isinstance(data, dict) and data.get("type") in ("Microsoft.Web/sites", "Microsoft.Web/sites/config"):
        # The config resource's id ends in /sites/<site>/config/web.
        site = re.search(r"/sites/([^/]+)", str(data.get("id", "")))
        name = site.group(1) if site else data.get("name")
        if not isinstance(name, str):
            raise snapshot.error("an App Service export without the site's name", "export with az webapp show -o json")
        role = "webapp" if data["type"] == "Microsoft.Web/sites" else "config"
        return [Part(PLATFORM, name, role, data, snapshot.relpath, 1)]
    if isinstance(data, list) and all(isinstance(i, dict) and "name" in i and "slotSetting" in i for i in data):
        key = key_from_name(snapshot, SETTINGS_SUFFIX, "an az webapp config appsettings list")
        settings = conceal_list([{"name": i["name"], "value": i.get("value")} for i in data], "name", "value")
        return [Part(PLATFORM, key, "appsettings", settings, snapshot.relpath, 1)]
    return None


def combine(parts: dict[str, Part]) -> LiveDocument:
    site = parts["webapp"].data
    config = {k: v for k, v in drop_none(parts["config"].data).items() if k not in _ENVELOPE}
    config["appSettings"] = parts["appsettings"].data
    properties: dict[str, Any] = {key: site[key] for key in _SITE_PROPERTIES if site.get(key) is not None}
    properties["siteConfig"] = config
    resource: dict[str, Any] = {"type": "Microsoft.Web/sites", "name": site["name"]}
    resource.update({key: site[key] for key in ("location", "kind") if site.get(key) is not None})
    if isinstance(site.get("identity"), dict):
        resource["identity"] = drop_none(site["identity"])
    resource["properties"] = properties
    data = {"$schema": SCHEMA, "contentVersion": "1.0.0.0", "resources": [resource]}
    notes = {key: site[key] for key in ("state", "defaultHostName", "resourceGroup") if site.get(key) is not None}
    return LiveDocument(PLATFORM, "json", data, parts["webapp"].source, 1, notes)
