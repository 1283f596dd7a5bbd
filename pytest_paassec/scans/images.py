"""Is a deployed image covered by a scanned one? Docker Hub's aliases are one
registry, ``library/`` is implied for its one-part names, and ``latest`` is
the tag only when neither tag nor digest is given."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from ..model.workload import image_entry
from .model import ScannedArtifact, ScanReport

_DOCKER_HUB = ("docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com")


class ImageRef(NamedTuple):
    registry: str
    repository: str
    tag: str | None
    digest: str | None


def normalize(reference: str) -> ImageRef:
    """``nginx`` -> ``ImageRef('docker.io', 'library/nginx', 'latest', None)``."""
    entry = image_entry(reference)
    registry = entry["registry"].lower()
    repository = entry["repository"]
    if registry in _DOCKER_HUB:
        registry = "docker.io"
        if "/" not in repository:
            repository = f"library/{repository}"
    tag = entry["tag"] or (None if entry["digest"] else "latest")
    return ImageRef(registry, repository, tag, entry["digest"])


def covers(artifact: ScannedArtifact, image: str) -> bool:
    if artifact.kind != "image" or not artifact.name:
        return False
    wanted, scanned = normalize(image), normalize(artifact.name)
    if wanted.digest:
        return wanted.digest in (scanned.digest, *artifact.digests)
    return (wanted.registry, wanted.repository, wanted.tag) == (scanned.registry, scanned.repository, scanned.tag)


def covering(reports: Iterable[ScanReport], image: str) -> list[tuple[ScanReport, ScannedArtifact]]:
    """Every (report, artifact) whose scanned image is ``image``, in report order."""
    return [(report, artifact) for report in reports for artifact in report.artifacts if covers(artifact, image)]
