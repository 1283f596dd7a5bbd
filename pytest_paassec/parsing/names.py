"""Names safe inside pytest item ids, for resources and notices alike."""

from __future__ import annotations

import re
from typing import Any

_UNSAFE = re.compile(r"::|[\s@\[\]]+")


def clean_ref_part(text: Any) -> str:
    """A name safe inside an item id: no spaces, ``::``, ``@`` or brackets."""
    cleaned = _UNSAFE.sub("_", str(text)).strip("_")
    return cleaned or "_"
