"""``fly config show -a APP``: the deployed app's fly.toml, printed as JSON.

Already fly.toml's shape (format toml); ``[env]`` values that look secret
are concealed.  Fly secrets never appear in it (``fly secrets list`` shows
digests only).
"""

from __future__ import annotations

from ...platforms.flyio import _FLY_KEYS, FlyIo
from ..live import LiveDocument
from .common import Reading, Snapshot, conceal_map

PLATFORM = FlyIo.name


def read(snapshot: Snapshot) -> Reading | None:
    data = snapshot.documents[0].data
    if len(snapshot.documents) != 1 or not isinstance(data, dict) or not isinstance(data.get("app"), str):
        return None
    if "apiVersion" in data or not (set(data) - {"app"}) & _FLY_KEYS:
        return None
    if isinstance(data.get("env"), dict):
        data["env"] = conceal_map(data["env"])
    return [LiveDocument(PLATFORM, "toml", data, snapshot.relpath, 1)]
