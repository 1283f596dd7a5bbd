"""``cf create-app-manifest APP -p FILE``: a manifest of one app, as CAPI renders it.

Already the declared shape; each application becomes its own LiveDocument
(``{applications: [app]}``) so apps are matched one by one.  Env values
that look secret are concealed.
"""

from __future__ import annotations

from ...platforms.cloudfoundry import CloudFoundry
from ..live import LiveDocument
from .common import Reading, Snapshot, conceal_map

PLATFORM = CloudFoundry.name


def read(snapshot: Snapshot) -> Reading | None:
    if len(snapshot.documents) != 1:
        return None
    data = snapshot.documents[0].data
    if not isinstance(data, dict) or "applications" not in data or "apiVersion" in data:
        return None
    apps = data["applications"]
    if not isinstance(apps, list) or not apps:
        raise snapshot.error("applications is not a list of apps", "export with cf create-app-manifest APP -p FILE", ("applications",))
    found: Reading = []
    for index, app in enumerate(apps):
        if not isinstance(app, dict) or not isinstance(app.get("name"), str):
            raise snapshot.error("an application without a name", "export with cf create-app-manifest APP -p FILE", ("applications", index))
        if isinstance(app.get("env"), dict):
            app["env"] = conceal_map(app["env"])
        found.append(
            LiveDocument(PLATFORM, "yaml", {"applications": [app]}, snapshot.relpath, snapshot.line(("applications", index)))
        )
    return found
