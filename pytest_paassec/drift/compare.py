"""One declared resource against its live counterpart, field by field.

Only what the repository declares is compared: the walk follows the
declared data; a declared field whose live value differs (after
normalize.py) is ``changed``, one absent live is ``removed``; in the
collections the repository declares as a whole (the platform's drift rules: env vars,
config vars, app settings, containers, ports...) a live entry it does not
declare is ``added``.  Ignored fields (ignore.py) are skipped on both sides.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..masking import MISSING_TEXT, is_sensitive, render_value
from ..model.resources import Resource
from .ignore import IgnoreList, _matches, parse_pattern
from .live import Secret
from .normalize import MISSING, comparable, prepare, rules, same, set_key
from .resources import family, nested_paths

CHANGED, REMOVED, ADDED = "changed", "removed", "added"


@dataclass(frozen=True)
class Difference:
    """One field where live state differs from the repository."""

    change: str  # changed, removed (declared, absent live) or added (live only)
    path: tuple  # into the declared resource's data; into the live one's for ``added``
    name: tuple  # the same path with set entries named by their key (what ignore patterns read)
    declared: Any
    live: Any
    sensitive: bool
    file: str  # where the repository declares it (for ``added``: the collection)
    line: int

    def shown(self, value: Any) -> str:
        if value is MISSING:
            return MISSING_TEXT
        if isinstance(value, Secret):
            return str(value)
        return render_value(value, self.sensitive, self.name[-1] if self.name else None)

    @property
    def label(self) -> str:
        return dotted(self.name)

    def render(self) -> str:
        """``file:line  path  declared -> live  (change)``, secrets masked."""
        return f"{self.file}:{self.line}  {self.label}  {self.shown(self.declared)} -> {self.shown(self.live)}  ({self.change})"


def dotted(name: tuple) -> str:
    parts = []
    for step in name:
        text = str(step)
        parts.append(text if text and all(c.isalnum() or c in "_-/" for c in text) else f'["{text}"]')
    return ".".join(parts).replace(".[", "[")


def _sensitive(name: tuple, *values: Any) -> bool:
    if any(isinstance(value, Secret) for value in values):
        return True
    keys = [step for step in name[-2:] if isinstance(step, str)] or [None]
    return any(
        is_sensitive(key, value)
        for key in keys
        for value in values
        if value is not MISSING and not isinstance(value, (dict, list))
    ) or any(is_sensitive(key, "x") for key in keys if key is not None)


class _Walk:
    def __init__(self, declared: Resource, live: Resource, ignore: IgnoreList) -> None:
        self.declared, self.live, self.ignore = declared, live, ignore
        self.family = family(declared.platform)
        self.whole = tuple(parse_pattern(text) for text in rules(self.family).whole)
        self.skip_declared = frozenset(nested_paths(declared))
        self.skip_live = frozenset(nested_paths(live))
        self.found: list[Difference] = []

    def add(self, change: str, path: tuple, name: tuple, declared: Any, live: Any, where: tuple) -> None:
        file, line = self.declared.locate(self.declared.path + where)
        self.found.append(Difference(change, path, name, declared, live, _sensitive(name, declared, live), file, line))

    def is_whole(self, name: tuple) -> bool:
        steps = tuple(str(step) for step in name)
        return any(_matches(pattern, steps) for pattern in self.whole)

    def walk(self, declared: Any, live: Any, dpath: tuple, lpath: tuple, name: tuple) -> None:
        if dpath in self.skip_declared or (name and self.ignore.ignored(self.family, name)):
            return
        if isinstance(declared, dict):
            self._mapping(declared, live, dpath, lpath, name)
        elif isinstance(declared, list):
            self._list(declared, live, dpath, lpath, name)
        elif declared is None and live in (MISSING, None):
            return
        elif not comparable(declared):
            return
        elif live is MISSING:
            self.add(REMOVED, dpath, name, declared, MISSING, dpath)
        elif isinstance(live, (dict, list)) or not same(declared, live, self.family, name):
            self.add(CHANGED, dpath, name, declared, live, dpath)

    def _container_mismatch(self, declared: Any, live: Any, kind: type, dpath: tuple, name: tuple) -> bool:
        """Handles a live value that is not the declared container; True when done."""
        if isinstance(live, kind):
            return False
        if live in (MISSING, None):
            # A list of resources compared on their own (a DigitalOcean app's
            # workers) is not also a removed field of its parent.
            steps = range(len(declared)) if isinstance(declared, list) else declared
            if declared and not all(dpath + (step,) in self.skip_declared for step in steps):
                self.add(REMOVED, dpath, name, declared, MISSING, dpath)
        else:
            self.add(CHANGED, dpath, name, declared, live, dpath)
        return True

    def _mapping(self, declared: dict, live: Any, dpath: tuple, lpath: tuple, name: tuple) -> None:
        if self._container_mismatch(declared, live, dict, dpath, name):
            return
        for key, value in declared.items():
            self.walk(value, live.get(key, MISSING), dpath + (key,), lpath + (key,), name + (key,))
        if self.is_whole(name):
            for key in live:
                if key not in declared:
                    self._added(live[key], lpath + (key,), name + (key,), dpath)

    def _added(self, value: Any, lpath: tuple, name: tuple, collection: tuple) -> None:
        if lpath in self.skip_live or self.ignore.ignored(self.family, name):
            return
        self.add(ADDED, lpath, name, MISSING, value, collection)

    def _list(self, declared: list, live: Any, dpath: tuple, lpath: tuple, name: tuple) -> None:
        if self._container_mismatch(declared, live, list, dpath, name):
            return
        list_name = next((step for step in reversed(name) if isinstance(step, str)), None)
        keys = [set_key(self.family, list_name, item) for item in declared]
        live_keys = [set_key(self.family, list_name, item) for item in live]
        if keys and None not in keys and None not in live_keys:
            by_key = {key: index for index, key in enumerate(live_keys)}
            for index, (key, item) in enumerate(zip(keys, declared)):
                if key in by_key:
                    at = by_key[key]
                    self.walk(item, live[at], dpath + (index,), lpath + (at,), name + (key,))
                elif not self.ignore.ignored(self.family, name + (key,)) and dpath + (index,) not in self.skip_declared:
                    self.add(REMOVED, dpath + (index,), name + (key,), item, MISSING, dpath + (index,))
            if self.is_whole(name):
                declared_keys = set(keys)
                for at, key in enumerate(live_keys):
                    if key not in declared_keys:
                        self._added(live[at], lpath + (at,), name + (key,), dpath)
            return
        for index, item in enumerate(declared):
            self.walk(item, live[index] if index < len(live) else MISSING, dpath + (index,), lpath + (index,), name + (index,))
        for at in range(len(declared), len(live)):
            self._added(live[at], lpath + (at,), name + (at,), dpath)


def compare(declared: Resource, live: Resource, ignore: IgnoreList) -> list[Difference]:
    """Every difference between a declared resource and its live counterpart, in declared order."""
    walk = _Walk(declared, live, ignore)
    name = walk.family
    declared_data = rules(name).declared_data(declared)  # an ARM template resolves its parameters
    walk.walk(prepare(name, declared_data), prepare(name, live.data), (), (), ())
    return walk.found
