"""Platform adapters, by name.  Discovery decides which ones a file may be."""

from __future__ import annotations

from .appengine import AppEngine
from .azure import Azure
from .base import Platform
from .cloudfoundry import CloudFoundry
from .compose import Compose
from .digitalocean import DigitalOcean
from .dockerfile import Dockerfile
from .elasticbeanstalk import ElasticBeanstalk
from .flyio import FlyIo
from .heroku import Heroku
from .kubernetes import Kubernetes
from .render import Render

BUILTIN_PLATFORMS: tuple[Platform, ...] = (
    Kubernetes(),
    CloudFoundry(),
    AppEngine(),
    Compose(),
    Render(),
    DigitalOcean(),
    Heroku(),
    FlyIo(),
    ElasticBeanstalk(),
    Azure(),
    Dockerfile(),
)

# Platform names a resource may carry (Kubernetes documents split three ways).
PLATFORM_NAMES = frozenset({p.name for p in BUILTIN_PLATFORMS} | {"openshift", "knative"})

__all__ = ["BUILTIN_PLATFORMS", "PLATFORM_NAMES", "Platform"]
