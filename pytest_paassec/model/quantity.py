"""Numbers with units: Kubernetes quantities and the sizes PaaS specs use.

``parse_quantity`` accepts plain numbers, Kubernetes suffixes (decimal
``m k M G T P E``, binary ``Ki Mi Gi Ti Pi Ei``) and the byte units of Cloud
Foundry and friends (``512M``, ``1G``, ``1024MB``, ``2GB``: binary, as Cloud
Foundry counts them, when a ``B`` follows).  Both sides of a comparison go
through the same parser, so a baseline compares like with like.
"""

from __future__ import annotations

import re
from decimal import Decimal, DecimalException

_QUANTITY = re.compile(r"^\s*([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)\s*([A-Za-z]*)\s*$")

_SUFFIXES = {
    "": Decimal(1),
    "m": Decimal("0.001"),
    "k": Decimal(10**3),
    "K": Decimal(10**3),
    "M": Decimal(10**6),
    "G": Decimal(10**9),
    "T": Decimal(10**12),
    "P": Decimal(10**15),
    "E": Decimal(10**18),
    "Ki": Decimal(2**10),
    "Mi": Decimal(2**20),
    "Gi": Decimal(2**30),
    "Ti": Decimal(2**40),
    "Pi": Decimal(2**50),
    "Ei": Decimal(2**60),
    "B": Decimal(1),
    "KB": Decimal(2**10),
    "MB": Decimal(2**20),
    "GB": Decimal(2**30),
    "TB": Decimal(2**40),
}


def parse_quantity(value: object) -> Decimal | None:
    """The value as a Decimal, or None when it is not a quantity."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        result = Decimal(repr(value))
        return result if result.is_finite() else None
    if not isinstance(value, str):
        return None
    match = _QUANTITY.match(value)
    if not match:
        return None
    number, suffix = match.groups()
    factor = _SUFFIXES.get(suffix) or _SUFFIXES.get(suffix.upper())
    if factor is None:
        return None
    try:
        result = Decimal(number) * factor
    except DecimalException:  # Overflow as well as InvalidOperation
        return None
    return result if result.is_finite() else None
