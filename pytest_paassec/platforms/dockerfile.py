"""Dockerfiles: one resource per file, with every stage inside."""

from __future__ import annotations

from ..documents import Document
from ..resources import Resource, SubjectEntries
from .base import Platform, file_stem


def final_stage(resource: Resource) -> SubjectEntries:
    stages = resource.data.get("stages") or []
    return [(("stages", len(stages) - 1), stages[-1])] if stages else []


def instructions(resource: Resource) -> SubjectEntries:
    return [(("instructions", i), ins) for i, ins in enumerate(resource.data.get("instructions") or [])]


class Dockerfile(Platform):
    name = "dockerfile"
    title = "Dockerfile"
    subjects = {"final_stage": final_stage, "instructions": instructions}

    def detect(self, document: Document) -> bool:
        return document.format == "dockerfile"

    def resources(self, document: Document) -> list[Resource]:
        return [self.resource(document, "dockerfile", file_stem(document), document.data)]
