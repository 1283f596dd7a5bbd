"""What a secret looks like: the one source for masking and the secret controls.

Named patterns, used by :mod:`pytest_paassec.masking` (what to hide in
output) and by the baseline operators ``secret_name``, ``credential`` and
``looks_random`` (what the secret controls flag), so a setting that is
masked as a secret is also one the controls look at.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from types import MappingProxyType
from typing import Any, Mapping

# Setting names that suggest the value is a secret.
SECRET_NAME = re.compile(
    r"(passw(or)?d|passphrase|secret|token|api[_-]?key|apikey|private[_-]?key|"
    r"credential|auth[_-]?key|access[_-]?key|client[_-]?secret|\bdsn\b|_dsn$|^dsn$|"
    r"connection[_-]?string|database[_-]?url|db[_-]?url|signing[_-]?key|encryption[_-]?key|"
    r"\bpwd\b|_pwd$|^pwd$|salt|cookie[_-]?key|session[_-]?key|webhook[_-]?url)",
    re.IGNORECASE,
)

# Names that configure how a secret is handled rather than hold one
# (DB_PASSWORD_FILE, TOKEN_TTL, API_KEY_HEADER): never secret holders.
SECRET_HANDLING_SUFFIX = re.compile(
    r"(_file|_path|_dir|_length|_len|_ttl|_timeout|_expiry|_expires|_expiration|"
    r"_header|_name|_enabled|_rotation|_algorithm|_url_path|_uri|_endpoint|_mode|_type|_version|_issuer|"
    r"_audience|_provider|_location|_parallelism)$",
    re.IGNORECASE,
)

# The user and password part of a URL, up to the password.
_URL_USERINFO = r"[a-z][a-z0-9+.-]*://[^/\s:@]*:"

# Credential formats with a recognisable shape.  A URL password made of
# references (${PW}, $(PW), {{pw}}) holds no credential, so `$`, `(` and `{`
# end the password part.
CREDENTIAL_FORMATS: Mapping[str, re.Pattern[str]] = MappingProxyType(
    {
        "AWS access key": re.compile(r"\b(AKIA|ASIA)[A-Z0-9]{16}\b"),
        "private key": re.compile(r"-----BEGIN ([A-Z]+ )?PRIVATE KEY-----"),
        "GitHub token": re.compile(r"\b(ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}\b|\bgithub_pat_[A-Za-z0-9_]{22,}"),
        "Slack token": re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}"),
        "Stripe live key": re.compile(r"\b[sr]k_live_[A-Za-z0-9]{16,}"),
        "Google API key": re.compile(r"\bAIza[0-9A-Za-z_\-]{35}\b"),
        "JSON web token": re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
        "password in URL": re.compile(_URL_USERINFO + r"[^/\s:@$({]+@", re.IGNORECASE),
    }
)

# Masking hides every URL password, references included: hiding a
# reference costs nothing, showing a password whose characters look like
# one would leak it.
URL_PASSWORD = re.compile(_URL_USERINFO + r"[^/\s:@]+@", re.IGNORECASE)

# Placeholders and references are not secrets.
REFERENCE = re.compile(
    r"^\s*(\$\{[^}]*\}|\$\([^)]*\)|\(\([^)]*\)\)|\$[A-Z_][A-Z0-9_]*|EV\[.*\]|"
    r"@Microsoft\.KeyVault\(.*\)|\[parameters\(.*\)\]|\[reference\(.*\)\]|\{\{.*\}\}|"
    r"<[^>]*>|changeme|change-me|xxx+|\*+|placeholder|todo|none|null|example)\s*$",
    re.IGNORECASE,
)

_TOKEN_CHARACTERS = re.compile(r"[A-Za-z0-9+/=_\-.]+")
_NAMED_VERSION = re.compile(r"[A-Za-z]{3,}(-[A-Za-z0-9]{1,8})+")


def is_secret_name(name: Any) -> bool:
    """A setting name that holds a secret: secret-like, not a handling setting."""
    return isinstance(name, str) and SECRET_NAME.search(name) is not None and SECRET_HANDLING_SUFFIX.search(name) is None


def credential_kind(value: Any) -> str | None:
    """The name of the credential format a string contains, or None."""
    if not isinstance(value, str) or len(value) < 8:
        return None
    for kind, pattern in CREDENTIAL_FORMATS.items():
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
    if not _TOKEN_CHARACTERS.fullmatch(value):
        return False
    if _NAMED_VERSION.fullmatch(value):
        return False  # a named policy or version such as ELBSecurityPolicy-2016-08
    has_digit = any(c.isdigit() for c in value)
    has_alpha = any(c.isalpha() for c in value)
    return has_digit and has_alpha and entropy(value) >= 4.0
