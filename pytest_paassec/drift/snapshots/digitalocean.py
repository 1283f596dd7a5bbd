"""``doctl apps spec get APP_ID`` (YAML, or ``--format json``): the app spec.

Already .do/app.yaml's shape; app-level and component ``envs`` values that
look secret are concealed (``type: SECRET`` values come back encrypted as
``EV[...]`` and stay as they are: no clear text in them).
"""

from __future__ import annotations

from ...platforms.digitalocean import COMPONENTS, DigitalOcean
from ..live import LiveDocument
from .common import Reading, Snapshot, conceal_list

PLATFORM = DigitalOcean.name


def read(snapshot: Snapshot) -> Reading | None:
    data = snapshot.documents[0].data
    if len(snapshot.documents) != 1 or not isinstance(data, dict) or "apiVersion" in data:
        return None
    if not isinstance(data.get("name"), str) or not any(isinstance(data.get(s), list) for s, _ in COMPONENTS + (("databases", ""),)):
        return None
    services = data.get("services")
    if isinstance(services, list) and any(isinstance(s, dict) and "type" in s for s in services):
        return None  # typed services: a Render blueprint
    conceal_list(data.get("envs"), "key", "value")
    for section, _ in COMPONENTS:
        for component in data.get(section) or []:
            if isinstance(component, dict):
                conceal_list(component.get("envs"), "key", "value")
    return [LiveDocument(PLATFORM, "yaml", data, snapshot.relpath, 1)]
