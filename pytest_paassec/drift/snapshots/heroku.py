"""Heroku: ``heroku apps:info --json -a APP`` plus ``heroku config --json -a APP``.

apps:info (``{app, addons, dynos, collaborators, pipeline_coupling}``) names
the app; the config map does not, so its file is named
``<app>.heroku-config.json``.  Together they become app.json's shape:
``name``, ``stack``, ``env`` (every config var, secrets concealed),
``formation`` (running dynos counted per process type, the size in
app.json's lower-case spelling) and ``addons`` (plan names).  One-off
(``run``) and release-phase dynos are not part of the formation.  apps:info
does not list buildpacks, so a live app.json has none.
"""

from __future__ import annotations

from typing import Any

from ...platforms.heroku import Heroku
from ..live import LiveDocument
from .common import Part, Reading, Snapshot, conceal_map, key_from_name

PLATFORM = Heroku.name

CONFIG_SUFFIX = ".heroku-config.json"
ROLES = ("apps:info", "config")
_NOT_FORMATION = frozenset({"run", "release", "scheduler"})


def read(snapshot: Snapshot) -> Reading | None:
    data = snapshot.documents[0].data
    if len(snapshot.documents) != 1 or not isinstance(data, dict):
        return None
    app = data.get("app")
    if isinstance(app, dict) and isinstance(data.get("dynos"), list) and "addons" in data:
        if not isinstance(app.get("name"), str):
            raise snapshot.error("apps:info without the app's name", "export with heroku apps:info --json -a APP", ("app",))
        return [Part(PLATFORM, app["name"], "apps:info", data, snapshot.relpath, 1)]
    if data and all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()) and snapshot.relpath.endswith(".json"):
        key = key_from_name(snapshot, CONFIG_SUFFIX, "a heroku config --json map")
        return [Part(PLATFORM, key, "config", conceal_map(data), snapshot.relpath, 1)]
    return None


def combine(parts: dict[str, Part]) -> LiveDocument:
    info = parts["apps:info"].data
    app = info["app"]
    formation: dict[str, dict[str, Any]] = {}
    for dyno in info.get("dynos") or []:
        kind = dyno.get("type") if isinstance(dyno, dict) else None
        if not isinstance(kind, str) or kind in _NOT_FORMATION:
            continue
        entry = formation.setdefault(kind, {"quantity": 0})
        entry["quantity"] += 1
        if isinstance(dyno.get("size"), str):
            entry["size"] = dyno["size"].lower()
    data: dict[str, Any] = {"name": app["name"]}
    stack = (app.get("stack") or {}).get("name") if isinstance(app.get("stack"), dict) else None
    if stack:
        data["stack"] = stack
    data["env"] = parts["config"].data
    if formation:
        data["formation"] = dict(sorted(formation.items()))
    plans = sorted(a["plan"]["name"] for a in info.get("addons") or [] if isinstance(a, dict) and isinstance(a.get("plan"), dict) and a["plan"].get("name"))
    if plans:
        data["addons"] = plans
    notes = {key: value for key, value in (("region", (app.get("region") or {}).get("name")), ("web_url", app.get("web_url")), ("acm", app.get("acm"))) if value is not None}
    return LiveDocument(PLATFORM, "json", data, parts["apps:info"].source, 1, notes)
