"""Live state as the platform adapters read it.

A snapshot exported with a platform's own CLI (``kubectl get -o yaml``,
``cf create-app-manifest``, ``heroku config --json``...) is converted into
the shape of the platform's declared file, so the same adapter cuts it into
resources with the same refs as the repository's, the comparison walks both
alike, and the baseline controls run on live state unchanged.

Secret values never survive reading: a value that may be a secret is
replaced by a :class:`Secret`, which keeps only a keyed hash (HMAC with a
key made for this process and never written anywhere) and the value's
length, so live and declared values compare equal or not without the clear
text being kept, printed or written.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from dataclasses import dataclass, field
from typing import Any

_KEY = os.urandom(32)  # per process; a digest is meaningless outside it


@dataclass(frozen=True)
class Secret:
    """A secret value, known only by its keyed hash and length."""

    digest: str
    length: int

    @classmethod
    def of(cls, value: Any) -> Secret:
        text = value if isinstance(value, str) else str(value)
        return cls(hmac.new(_KEY, text.encode("utf-8"), hashlib.sha256).hexdigest(), len(text))

    def matches(self, value: Any) -> bool:
        """Whether a clear value (from the repository) is this secret."""
        other = value if isinstance(value, Secret) else Secret.of(value)
        return hmac.compare_digest(self.digest, other.digest)

    def __str__(self) -> str:  # what any output shows
        return f"<secret, {self.length} chars, masked>"

    __repr__ = __str__


@dataclass
class LiveDocument:
    """One live object (or app) converted into its declared file's shape.

    ``platform`` names the adapter that reads ``data`` (kubernetes,
    cloudfoundry, heroku, appengine, flyio, render, digitalocean, azure,
    elasticbeanstalk, compose); ``format`` the declared file's format whose
    shape ``data`` has (yaml, json, toml).  ``source``/``line`` locate the
    object in the snapshot file, for every message about it.
    """

    platform: str
    format: str
    data: Any
    source: str  # snapshot file, relative to the rootdir
    line: int = 1
    # What the snapshot says besides the declared shape (e.g. Heroku's
    # region, Kubernetes' status.readyReplicas), for messages only.
    notes: dict[str, Any] = field(default_factory=dict)
