"""``kubectl get ... -o yaml|json``: single objects, ``List``s, several documents.

Each object is one LiveDocument in the declared shape already; every
server-populated field stays (the comparison ignores them).  Secrets are
concealed: a Secret's ``data``, env values and ConfigMap entries that look
secret, and the last-applied annotation (a copy of the applied manifest,
Secrets' values included).
"""

from __future__ import annotations

from typing import Any

from ...platforms.kubernetes import Kubernetes
from ..live import LiveDocument, Secret
from .common import Reading, Snapshot, conceal_all, conceal_list, conceal_map

PLATFORM = Kubernetes.name

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"


def _is_object(data: Any) -> bool:
    return isinstance(data, dict) and isinstance(data.get("apiVersion"), str) and isinstance(data.get("kind"), str)


def read(snapshot: Snapshot) -> Reading | None:
    if not all(_is_object(document.data) for document in snapshot.documents):
        return None
    found: Reading = []
    for index, document in enumerate(snapshot.documents):
        data = document.data
        items = data.get("items") if data["kind"].endswith("List") else None
        if items is None:
            found.append(_live(snapshot, data, (), index))
            continue
        if not isinstance(items, list):
            raise snapshot.error("a List whose items is not a list", "export with kubectl get -o yaml", ("items",), index)
        for position, item in enumerate(items):
            if not _is_object(item):
                raise snapshot.error(
                    "a List item without apiVersion and kind", "export with kubectl get -o yaml", ("items", position), index
                )
            found.append(_live(snapshot, item, ("items", position), index))
    return found


def _live(snapshot: Snapshot, data: dict, path: tuple, index: int) -> LiveDocument:
    _conceal(data)
    status = data.get("status")
    notes = {"status": status} if isinstance(status, dict) and status else {}
    return LiveDocument(PLATFORM, "yaml", data, snapshot.relpath, snapshot.line(path, index), notes)


def _conceal(data: dict) -> None:
    annotations = (data.get("metadata") or {}).get("annotations")
    if isinstance(annotations, dict) and isinstance(annotations.get(LAST_APPLIED), str):
        annotations[LAST_APPLIED] = Secret.of(annotations[LAST_APPLIED])
    kind = data.get("kind")
    if kind == "Secret":
        for key in ("data", "stringData"):
            if isinstance(data.get(key), dict):
                data[key] = {name: conceal_all(value) for name, value in data[key].items()}
    elif kind == "ConfigMap" and isinstance(data.get("data"), dict):
        data["data"] = conceal_map(data["data"])
    _conceal_env(data)


def _conceal_env(value: Any) -> None:
    """Every ``env: [{name, value}]`` list, wherever a pod template nests it."""
    if isinstance(value, dict):
        for key, child in value.items():
            if key == "env" and isinstance(child, list):
                conceal_list(child, "name", "value")
            else:
                _conceal_env(child)
    elif isinstance(value, list):
        for child in value:
            _conceal_env(child)
