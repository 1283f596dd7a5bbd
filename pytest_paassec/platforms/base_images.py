"""Base images that run as a non-root user when a Dockerfile names none.

A Dockerfile without USER runs as its base image's user: root for most
images, but not for these, which set a non-root USER themselves.  Patterns
match the image reference without its digest (``fnmatch``, the tag
included: ``gcr.io/distroless/static-debian12:nonroot``).  Add an image here
(with a source for its default user) when a team reports one.  A team with
its own non-root base images extends the list for its runs by contributing
``Dockerfile(non_root_base_images=[...])`` from ``pytest_paassec_platforms``
(docs/baselines.md shows the conftest).
"""

from __future__ import annotations

import fnmatch

NON_ROOT_BASE_IMAGES: tuple[str, ...] = (
    # Distroless: the :nonroot and :debug-nonroot tags run as 65532.
    "gcr.io/distroless/*:nonroot",
    "gcr.io/distroless/*:*-nonroot",
    # NGINX's unprivileged image runs as nginx (101).
    "nginxinc/nginx-unprivileged*",
    "docker.io/nginxinc/nginx-unprivileged*",
    # Elasticsearch's official images run as elasticsearch (1000).
    "docker.elastic.co/elasticsearch/elasticsearch*",
    "elasticsearch:*",
    # Bitnami images run as 1001.
    "bitnami/*",
    "docker.io/bitnami/*",
    # Grafana (472), Prometheus (nobody), Keycloak (1000) set their own users.
    "grafana/grafana*",
    "prom/prometheus*",
    "quay.io/keycloak/keycloak*",
)


def runs_as_non_root(image: str, patterns: tuple[str, ...] = NON_ROOT_BASE_IMAGES) -> bool:
    reference = image.split("@", 1)[0].strip().lower()
    return any(fnmatch.fnmatchcase(reference, pattern.lower()) for pattern in patterns)
