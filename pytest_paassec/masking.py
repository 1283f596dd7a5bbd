"""Recognising secrets, and showing values without ever showing a secret.

Every value that reaches an output goes through :func:`render_value`.  A
value is masked when the control says its values are sensitive, when the key
it sits under has a secret-like name, or when the value itself looks like a
credential.  A masked value shows at most a four-character prefix and its
length.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from typing import Any

SECRET_NAME = re.compile(
    r"(passw(or)?d|passphrase|secret|token|api[_-]?key|apikey|private[_-]?key|"
    r"credential|auth[_-]?key|access[_-]?key|client[_-]?secret|\bdsn\b|_dsn$|^dsn$|"
    r"connection[_-]?string|database[_-]?url|db[_-]?url|signing[_-]?key|encryption[_-]?key|"
    r"\bpwd\b|_pwd$|^pwd$|salt|cookie[_-]?key|session[_-]?key|webhook[_-]?url)",
    re.IGNORECASE,
)

# Credential formats with a recognisable shape.
SECRET_VALUE_PATTERNS: dict[str, re.Pattern[str]] = {
    "AWS access key": re.compile(r"\b(AKIA|ASIA)[A-Z0-9]{16}\b"),
    "private key": re.compile(r"-----BEGIN ([A-Z]+ )?PRIVATE KEY-----"),
    "GitHub token": re.compile(r"\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b|\bgithub_pat_[A-Za-z0-9_]{22,}"),
    "Slack token": re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
    "Stripe live key": re.compile(r"\b[sr]k_live_[A-Za-z0-9]{16,}"),
    "Google API key": re.compile(r"\bAIza[0-9A-Za-z_\-]{35}\b"),
    "JSON web token": re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    "password in URL": re.compile(r"[a-z][a-z0-9+.-]*://[^/\s:@]+:[^/\s:@]+@", re.IGNORECASE),
}

# Placeholders and references are not secrets.
REFERENCE = re.compile(
    r"^\s*(\$\{[^}]*\}|\$\([^)]*\)|\(\([^)]*\)\)|\$[A-Z_][A-Z0-9_]*|EV\[.*\]|"
    r"@Microsoft\.KeyVault\(.*\)|\[parameters\(.*\)\]|\[reference\(.*\)\]|\{\{.*\}\}|"
    r"<[^>]*>|changeme|change-me|xxx+|\*+|placeholder|todo|none|null|example)\s*$",
    re.IGNORECASE,
)


def secret_kind(value: Any) -> str | None:
    """The kind of credential a string looks like, or None."""
    if not isinstance(value, str) or len(value) < 8:
        return None
    for kind, pattern in SECRET_VALUE_PATTERNS.items():
        if pattern.search(value):
            return kind
    return None


def is_reference(value: Any) -> bool:
    """True for placeholders and references (``${VAR}``, ``((var))``, ...)."""
    return isinstance(value, str) and (value.strip() == "" or bool(REFERENCE.match(value)))


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    if not value:
        return 0.0
    counts = Counter(value)
    total = len(value)
    return -sum(c / total * math.log2(c / total) for c in counts.values())


def looks_random(value: Any) -> bool:
    """A long token-like string with high entropy (a generated secret)."""
    if not isinstance(value, str) or len(value) < 20 or " " in value or is_reference(value):
        return False
    if not re.fullmatch(r"[A-Za-z0-9+/=_\-.]+", value):
        return False
    if re.fullmatch(r"[A-Za-z]{3,}(-[A-Za-z0-9]{1,8})+", value):
        return False  # a named policy or version such as ELBSecurityPolicy-2016-08
    has_digit = any(c.isdigit() for c in value)
    has_alpha = any(c.isalpha() for c in value)
    return has_digit and has_alpha and entropy(value) >= 4.0


def is_sensitive(key: Any, value: Any) -> bool:
    """Should this value be masked wherever it is shown?"""
    if isinstance(key, str) and SECRET_NAME.search(key):
        return True
    return secret_kind(value) is not None or looks_random(value)


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
