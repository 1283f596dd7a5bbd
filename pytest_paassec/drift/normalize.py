"""How a declared value and a live value are judged the same.

- Numbers compare as numbers whatever their spelling: ``8080`` = ``"8080"``
  (ports), and on Kubernetes every quantity under ``resources``,
  ``capacity`` or ``storage`` through model/quantity.py (``0.5`` = ``500m``,
  ``1Gi`` = ``1073741824``); Cloud Foundry sizes in its own units
  (``1G`` = ``1024M``).
- Booleans compare with their platform's spellings (``true``/``"true"``/
  ``"True"``; ``on``/``yes`` too where the platform reads them).
- A live :class:`Secret` equals a declared clear value with the same keyed
  hash; the clear value is never kept.
- Lists the platform treats as sets compare entry by entry by their key
  (platforms/drift_rules.py: env vars by name, ports by number...), whatever
  their order; other lists compare position by position.
- A declared value that names something resolved at deploy time
  (``((var))``, ``${VAR}``, an unresolved ARM expression) is not compared.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..model.quantity import parse_quantity
from ..platforms.drift_rules import DRIFT_RULES, NO_RULES, DriftRules
from ..secrets import is_reference
from .live import Secret

_TRUE = frozenset({"true"})
_FALSE = frozenset({"false"})
# Platforms reading YAML 1.1 or INI-like flags accept these too.
_LOOSE_TRUE = frozenset({"true", "yes", "on"})
_LOOSE_FALSE = frozenset({"false", "no", "off"})

MISSING: Any = type("Missing", (), {"__repr__": lambda self: "<missing>"})()


def rules(family: str) -> DriftRules:
    """The platform's drift rules (none for a plugin's adapter)."""
    return DRIFT_RULES.get(family, NO_RULES)


def set_key(family: str, list_name: Any, item: Any) -> str | None:
    """The key of one entry of a set-like list, or None (the list is ordered)."""
    fields = rules(family).set_lists.get(str(list_name))
    if fields is None:
        return None
    if not fields:
        return None if isinstance(item, (dict, list)) else str(_plain(item))
    if not isinstance(item, dict):
        return None
    for name in fields:
        if item.get(name) is not None:
            return str(_plain(item[name])) if len(fields) == 1 or name == fields[0] else f"{name}={_plain(item[name])}"
    return None


def _plain(value: Any) -> Any:
    """A number written as a string is the number (``"8080"`` = ``8080``)."""
    if isinstance(value, str):
        number = parse_quantity(value)
        if number is not None and value.strip().lstrip("+-").replace(".", "", 1).isdigit():
            return int(number) if number == number.to_integral_value() else number
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def comparable(value: Any) -> bool:
    """Whether a declared value is known before deployment."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("[") and text.endswith("]") and not text.startswith("[["):
            return False  # an ARM expression the template could not resolve
        return not is_reference(text)
    return True


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def _boolean(value: Any, family: str) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        loose = rules(family).loose_booleans
        if text in (_LOOSE_TRUE if loose else _TRUE):
            return True
        if text in (_LOOSE_FALSE if loose else _FALSE):
            return False
    return None


def _number(value: Any, family: str, path: tuple) -> Decimal | None:
    if isinstance(value, bool):
        return None
    found = rules(family)
    if {str(step) for step in path} & found.quantity_steps:
        return parse_quantity(value)
    if found.size is not None and path and str(path[-1]) in found.size_keys:
        size = found.size(value)
        return parse_quantity(size) if size is not None else None
    plain = _plain(value)
    if isinstance(plain, (int, float, Decimal)) and not isinstance(plain, bool):
        return Decimal(str(plain))
    return None


def same(declared: Any, live: Any, family: str, path: tuple = ()) -> bool:
    """Whether two scalar values are the same setting on this platform."""
    if isinstance(live, Secret):
        return live.matches(declared) if isinstance(declared, Secret) else live.matches(_text(declared))
    if isinstance(declared, Secret):
        return declared.matches(_text(live))
    if declared == live and type(declared) is type(live):
        return True
    if isinstance(declared, str) and isinstance(live, str) and _case_free(family, path):
        return declared.lower() == live.lower()
    flags = _boolean(declared, family), _boolean(live, family)
    if None not in flags and (isinstance(declared, bool) or isinstance(live, bool) or rules(family).loose_booleans):
        return flags[0] == flags[1]
    numbers = _number(declared, family, path), _number(live, family, path)
    if None not in numbers:
        return numbers[0] == numbers[1]
    if isinstance(declared, str) and isinstance(live, str):
        return declared == live
    return _text(declared) == _text(live) and not isinstance(declared, (dict, list))


def _case_free(family: str, path: tuple) -> bool:
    return bool(path) and str(path[-1]) in rules(family).case_free


def prepare(family: str, data: Any) -> Any:
    """The data in the one shape the comparison walks, where a platform has
    two spellings of the same thing (Heroku config vars as values or
    ``{value: ...}``, compose ``environment`` as a list or a mapping)."""
    reshape = rules(family).prepare
    return reshape(data) if reshape is not None else data


def logical_name(family: str, data: Any, path: tuple) -> tuple:
    """A data path with set-list entries named by their key (as ignore patterns read it)."""
    name: list = []
    node = data
    for step in path:
        if isinstance(node, list) and isinstance(step, int) and step < len(node):
            list_name = next((s for s in reversed(name) if isinstance(s, str)), None)
            key = set_key(family, list_name, node[step])
            name.append(key if key is not None else step)
            node = node[step]
        elif isinstance(node, dict) and step in node:
            name.append(step)
            node = node[step]
        else:
            name.append(step)
            node = None
    return tuple(name)

