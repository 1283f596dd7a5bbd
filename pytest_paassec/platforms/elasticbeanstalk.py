"""AWS Elastic Beanstalk: .ebextensions/*.config and Dockerrun.aws.json."""

from __future__ import annotations

from ..documents import Document
from ..resources import Resource
from .base import Platform, file_stem

_CONFIG_KEYS = frozenset(
    ("option_settings", "Resources", "packages", "commands", "container_commands", "files", "services", "sources", "users", "groups", "Outputs", "Mappings", "Parameters", "Conditions")
)


class ElasticBeanstalk(Platform):
    name = "elasticbeanstalk"
    title = "AWS Elastic Beanstalk"

    def detect(self, document: Document) -> bool:
        data = document.data
        if not isinstance(data, dict):
            return False
        if "AWSEBDockerrunVersion" in data:
            return True
        return ".ebextensions/" in f"/{document.path}" and bool(set(data) & _CONFIG_KEYS)

    def resources(self, document: Document) -> list[Resource]:
        data = document.data
        kind = "dockerrun" if "AWSEBDockerrunVersion" in data else "config"
        return [self.resource(document, kind, file_stem(document), data)]
