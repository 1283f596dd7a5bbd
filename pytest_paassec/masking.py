"""Showing values without ever showing a secret.

Every value that reaches an output goes through :func:`render_value`.  A
value is masked when the control says its values are sensitive, when the key
it sits under has a secret-like name, or when the value itself looks like a
credential (the patterns live in :mod:`pytest_paassec.secrets`, shared with
the secret controls).  A masked value shows at most a four-character prefix
and its length.
"""

from __future__ import annotations

import json
from typing import Any

from .secrets import URL_PASSWORD, credential_kind, is_reference, is_secret_name, looks_random

__all__ = ["MISSING_TEXT", "is_reference", "is_sensitive", "looks_random", "mask", "render_value"]


def is_sensitive(key: Any, value: Any) -> bool:
    """Should this value be masked wherever it is shown?"""
    if is_secret_name(key):
        return True
    if credential_kind(value) is not None or looks_random(value):
        return True
    return isinstance(value, str) and URL_PASSWORD.search(value) is not None


def mask(value: Any) -> str:
    """``sk_live_abc...`` -> ``'sk_l…' (32 chars, masked)``."""
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    if is_reference(text):
        return repr(text)
    prefix = text[:4] if len(text) >= 12 else ""
    return f"'{prefix}…' ({len(text)} chars, masked)"


MISSING_TEXT = "<missing>"


def render_value(value: Any, sensitive: bool = False, key: Any = None, limit: int = 80) -> str:
    """Show a found value in one line, masked when it could be a secret."""
    if sensitive or (isinstance(value, str) and is_sensitive(key, value)):
        if isinstance(value, (dict, list)):
            return f"<{type(value).__name__} of {len(value)}, masked>"
        if value is None or isinstance(value, bool):
            return json.dumps(value)
        return mask(value)
    if isinstance(value, str):
        text = repr(value) if value == "" or value != value.strip() or "\n" in value else value
    elif isinstance(value, (dict, list)):
        try:
            text = json.dumps(_masked_copy(value), default=str, sort_keys=False)
        except (TypeError, ValueError, RecursionError):
            text = f"<{type(value).__name__}>"
    else:
        text = json.dumps(value, default=str)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def _masked_copy(value: Any, depth: int = 0) -> Any:
    """A copy of a container with every sensitive leaf masked."""
    if depth > 20:
        return "…"
    if isinstance(value, dict):
        return {
            k: (mask(v) if is_sensitive(k, v) and not isinstance(v, (dict, list)) else _masked_copy(v, depth + 1))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_masked_copy(v, depth + 1) for v in value]
    if isinstance(value, str) and is_sensitive(None, value):
        return mask(value)
    return value
