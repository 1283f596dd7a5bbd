"""What a platform adapter is: everything about one platform, declared once.

An adapter declares its platform id and title, the files it claims by name
(:class:`FileRule`) and how its generic YAML/JSON files look
(:class:`Sniff`), the normalized fields its view can answer (``fields``) and
any further platform ids its resources carry (``variants``); then it detects
its documents and cuts them into resources.  Discovery, the cross-platform
controls and the reference page all read these declarations, so a new
platform is one adapter module, one baseline file and its examples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from ..model.repository import Facts
from ..model.resources import Resource, SubjectFinder
from ..parsing.discovery import FileRule, Sniff, json_keys, yaml_keys
from ..parsing.documents import Document

# Per normalized subject (env, images, endpoints, workload), the fields a
# platform's view can answer; see model/workload.py for what each means.
Fields = Mapping[str, frozenset[str]]

# Every field of the env, images and endpoints views: the platforms that
# offer one of these subjects fill all of its fields.
ENV_FIELDS = frozenset({"name", "value", "reference"})
IMAGE_FIELDS = frozenset({"image", "registry", "repository", "tag", "digest"})
ENDPOINT_FIELDS = frozenset({"port", "protocol", "public", "tls"})
MOUNT_FIELDS = frozenset({"source", "target", "host", "read_only"})
# Host namespaces a container can share.
HOST_NAMESPACE_FIELDS = frozenset({"host_network", "host_pid", "host_ipc"})


@dataclass(frozen=True)
class Variant:
    """A platform id an adapter's resources carry, with its title and fields."""

    name: str
    title: str
    fields: Fields | None


class Platform:
    """Base adapter.  Subclasses set the declarations and implement the two methods.

    ``detect`` is called only for documents whose file the discovery step
    routed to this platform, so it checks content, not names.

    ``fields`` says, per normalized subject, which fields the platform can
    answer: set from the file, or unknown (``None``) where the answer lies
    outside it (the image's USER).  A field is left out where the question
    makes no sense for the platform's files: it has no such setting, or it
    always settles the matter itself, so a file that does not mention it is
    not missing it.  A cross-platform control (one without ``platforms:``)
    runs on a resource only if its platform declares every field the control
    reads.  ``None`` (the default, for plugin adapters that predate it)
    declares nothing, and every cross-platform control runs.
    """

    name: str = ""
    title: str = ""
    file_rules: tuple[FileRule, ...] = ()
    sniffs: tuple[Sniff, ...] = ()
    fields: Fields | None = None
    # Further platform ids the resources may carry (Kubernetes: openshift, knative).
    variants: tuple[Variant, ...] = ()
    # Named subjects this platform's resources offer besides ``resource``.
    subjects: dict[str, SubjectFinder] = {}
    # What the rest of the repository says about a resource (``subject: repository``).
    facts: Facts | None = None

    def platform_ids(self) -> tuple[Variant, ...]:
        """Every platform id this adapter's resources carry, its own first."""
        return (Variant(self.name, self.title, self.fields),) + self.variants

    def detect(self, document: Document) -> bool:
        raise NotImplementedError

    def detect_live(self, document: Document) -> bool:
        """A live-state object (drift snapshots) in this platform's shape.
        Live documents are named after their snapshot file, so a detect()
        that also reads the file's place overrides this to read content only."""
        return self.detect(document)

    def resources(self, document: Document) -> list[Resource]:
        raise NotImplementedError

    def resource(
        self,
        document: Document,
        kind: str,
        name: Any,
        data: Any,
        path: tuple = (),
        scope: str | None = None,
    ) -> Resource:
        return Resource(
            platform=self.name,
            kind=kind,
            name=str(name) if name not in (None, "") else "unnamed",
            document=document,
            data=data,
            path=path,
            scope=scope,
            subjects=self.subjects,
            facts=self.facts,
        )


def dig(node: Any, steps: tuple) -> Any:
    """The value at ``steps`` through nested mappings, or None."""
    for step in steps:
        if not isinstance(node, dict):
            return None
        node = node.get(step)
    return node


def mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def file_stem(document: Document) -> str:
    """The file's name, for resources a platform leaves unnamed."""
    return document.path.replace("\\", "/").rsplit("/", 1)[-1]


def folder_name(document: Document) -> str:
    parts = document.path.replace("\\", "/").rsplit("/", 2)
    return parts[-2] if len(parts) >= 2 else "app"


__all__ = [
    "ENDPOINT_FIELDS",
    "HOST_NAMESPACE_FIELDS",
    "MOUNT_FIELDS",
    "ENV_FIELDS",
    "IMAGE_FIELDS",
    "FileRule",
    "Fields",
    "Platform",
    "Sniff",
    "Variant",
    "dig",
    "file_stem",
    "folder_name",
    "json_keys",
    "mapping",
    "yaml_keys",
]
