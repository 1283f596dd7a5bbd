"""Platform adapters, by name.  Each declares everything about its platform
(see ``base.Platform``); discovery, controls and the reference page read it."""

from __future__ import annotations

from ..parsing.discovery import Discovery
from .appengine import AppEngine
from .azure import Azure
from .base import Platform, Variant
from .cloudfoundry import CloudFoundry
from .compose import Compose
from .dependencies import Dependencies
from .digitalocean import DigitalOcean
from .dockerfile import Dockerfile
from .elasticbeanstalk import ElasticBeanstalk
from .flyio import FlyIo
from .heroku import Heroku
from .kubernetes import Kubernetes
from .railway import Railway
from .render import Render

# In the order of the reference page's sections.
BUILTIN_PLATFORMS: tuple[Platform, ...] = (
    Kubernetes(),
    CloudFoundry(),
    AppEngine(),
    Heroku(),
    FlyIo(),
    Render(),
    DigitalOcean(),
    ElasticBeanstalk(),
    Azure(),
    Compose(),
    Dockerfile(),
    Railway(),
    Dependencies(),
)

BUILTIN_DISCOVERY = Discovery(BUILTIN_PLATFORMS)


def platform_ids(platforms: tuple[Platform, ...] | list[Platform]) -> tuple[Variant, ...]:
    """Every platform id the adapters' resources carry, in adapter order."""
    return tuple(variant for platform in platforms for variant in platform.platform_ids())


# Platform names a resource may carry (Kubernetes documents split three ways).
PLATFORM_NAMES = frozenset(variant.name for variant in platform_ids(BUILTIN_PLATFORMS))

__all__ = ["BUILTIN_DISCOVERY", "BUILTIN_PLATFORMS", "PLATFORM_NAMES", "Platform", "Variant", "platform_ids"]
