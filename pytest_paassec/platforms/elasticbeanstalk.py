"""AWS Elastic Beanstalk: .ebextensions/*.config and Dockerrun.aws.json.

One resource per file: ``config`` (an ``.ebextensions`` configuration file)
or ``dockerrun`` (``Dockerrun.aws.json``, v1 single container or v2
multicontainer).  Besides the normalized subjects, a config file offers:

``option_settings``
    one View per option setting, whichever of the two syntaxes the file
    uses (a list of ``{namespace, option_name, value}`` or a mapping keyed
    by namespace): ``{namespace, option_name, value, resource_name,
    reference}``.  Values are strings, as Elastic Beanstalk reads them
    (``true`` becomes ``"true"``); a CloudFormation function is kept as
    written with ``reference: true``.
``options``
    one mapping per file, ``{namespace: {option_name: value}}`` with both
    syntaxes merged, for controls that relate several options.  Keys are
    those of the shorthand syntax, so in that syntax a finding lands on the
    option's own line (in the list syntax, on ``option_settings``).
``listeners``
    one View per load balancer listener namespace: ``{namespace,
    load_balancer (classic|elbv2), port, protocol, instance_port,
    instance_protocol, certificate, ssl_policy, enabled}``; unset options
    are null.
``security_group_rules``
    one View per ingress rule of an ``AWS::EC2::SecurityGroup`` or
    ``AWS::EC2::SecurityGroupIngress`` under ``Resources``: ``{resource,
    protocol, from_port, to_port, ports, cidr}``; ``ports`` is ``"443"``,
    ``"8000-8100"`` or ``"all"``, null when a port is an intrinsic function.
``files`` and ``commands``
    each ``files`` entry (its mapping, plus ``path`` and ``mode`` as a
    six-digit octal string) and each ``commands`` / ``container_commands``
    entry (its mapping, plus ``section``, ``name`` and ``command`` as one
    string); paths inside them are the file's own.
``container_definitions``
    the ``containerDefinitions`` of a v2 Dockerrun file, as written.

Every CloudFormation resource under a config file's ``Resources`` (a mapping
with a ``Type``) is also a resource of its own: kind its type
(``AWS::S3::Bucket``), name its logical id, data its mapping as written, so
a finding points at the property's line.  Item ids read
``EB-S3-001[AWS_S3_Bucket/LogsBucket]`` (``::`` cannot appear in an id).
A CloudFormation function (``Ref``, ``Fn::GetAtt``, ``Fn::If``,
``Fn::GetOptionSetting``..., short tags such as ``!Ref`` included) is kept
as written: a value known only at deploy time, present for ``exists`` but
equal to no literal.  These resources offer:

``policy_statements``
    one View per statement of the IAM policy documents they hold (inline
    ``Policies`` of ``AWS::IAM::Role``/``User``/``Group``; the
    ``PolicyDocument`` of ``AWS::IAM::Policy``/``ManagedPolicy`` and of S3
    bucket, SQS queue and SNS topic policies; a role's trust policy, with
    ``trust`` true): ``{policy, trust, sid, effect, actions, not_actions,
    resources, not_resources, principals, conditioned}``.  ``Action``, ``Resource`` and ``Principal`` become lists
    of strings (``{"AWS": "*"}`` gives ``["*"]``); a field that is a
    CloudFormation function is null, and such list elements are left out.

The normalized ``mounts`` of a Dockerrun file are the v1 ``Volumes`` (host
directories) and the v2 ``mountPoints`` (a volume with ``host.sourcePath``
is a host path, the ``awseb-logs-NAME`` volume is the host's
``/var/log/containers/NAME``); its ``workload`` adds a v2 container's
``linuxParameters`` capabilities and devices.  A config file's ``workload``
names the ``IamInstanceProfile`` as ``instance_profile``.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..model.resources import Resource, SubjectEntries
from ..model.workload import View, docker_socket, endpoint_entry, env_entry, image_entry, mount_entry, workload_entry
from ..parsing.documents import Document
from .base import ENDPOINT_FIELDS, ENV_FIELDS, IMAGE_FIELDS, MOUNT_FIELDS, FileRule, Platform, Sniff, file_stem, json_keys, mapping

_CONFIG_KEYS = frozenset(
    ("option_settings", "Resources", "packages", "commands", "container_commands", "files", "services", "sources", "users", "groups", "Outputs", "Mappings", "Parameters", "Conditions")
)

ENV_NAMESPACE = "aws:elasticbeanstalk:application:environment"
SECRETS_NAMESPACE = "aws:elasticbeanstalk:application:environmentsecrets"

_LISTENER = re.compile(r"^aws:(elb|elbv2):listener(?::([A-Za-z0-9_]+))?$")
# A CloudFormation function inside an option value: '`{"Ref": "X"}`'.
_CFN_FUNCTION = re.compile(r"^\s*`.*`\s*$", re.DOTALL)
_MODE_TEXT = re.compile(r"""mode\s*:\s*["']?([0-7]{1,6})\b""")


class Setting:
    """One option setting and where its value sits in the file."""

    __slots__ = ("path", "namespace", "option_name", "value", "resource_name", "reference")

    def __init__(self, path: tuple, namespace: str, option_name: str, raw: Any, resource_name: Any) -> None:
        self.path = path
        self.namespace = namespace
        self.option_name = option_name
        self.reference = isinstance(raw, (dict, list)) or (isinstance(raw, str) and bool(_CFN_FUNCTION.match(raw)))
        self.value = option_value(raw)
        self.resource_name = resource_name if isinstance(resource_name, str) else None


def option_value(raw: Any) -> Any:
    """Option values as Elastic Beanstalk reads them: strings (``true`` -> ``"true"``)."""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, (int, float)):
        return str(raw)
    return raw


def settings(data: Any) -> list[Setting]:
    """Every option setting of a config file, in both syntaxes."""
    options = mapping(data).get("option_settings")
    found: list[Setting] = []
    if isinstance(options, list):
        for index, item in enumerate(options):
            if not isinstance(item, dict) or not isinstance(item.get("option_name"), str):
                continue
            namespace = item.get("namespace")
            # Documented default when the list syntax leaves the namespace out.
            namespace = namespace.strip() if isinstance(namespace, str) and namespace.strip() else ENV_NAMESPACE
            path = ("option_settings", index, "value") if "value" in item else ("option_settings", index)
            found.append(Setting(path, namespace, item["option_name"], item.get("value"), item.get("resource_name")))
    elif isinstance(options, dict):
        for namespace, values in options.items():
            if not isinstance(namespace, str) or not isinstance(values, dict):
                continue
            for option_name, raw in values.items():
                found.append(Setting(("option_settings", namespace, option_name), namespace.strip(), str(option_name), raw, None))
    return found


def _config(resource: Resource) -> bool:
    return resource.kind == "config" and isinstance(resource.data, dict)


def option_settings(resource: Resource) -> SubjectEntries:
    if not _config(resource):
        return []
    return [
        (
            s.path,
            View(
                namespace=s.namespace,
                option_name=s.option_name,
                value=s.value,
                resource_name=s.resource_name,
                reference=s.reference,
            ),
        )
        for s in settings(resource.data)
    ]


def option_map(data: Any) -> dict[str, dict[str, Any]]:
    merged: dict[str, dict[str, Any]] = {}
    for s in settings(data):
        merged.setdefault(s.namespace, {})[s.option_name] = s.value
    return merged


def options(resource: Resource) -> SubjectEntries:
    if not _config(resource) or "option_settings" not in resource.data:
        return []
    return [(("option_settings",), option_map(resource.data))]


def _upper(value: Any) -> Any:
    return value.strip().upper() if isinstance(value, str) else value


def _port(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


def _listener_groups(data: Any) -> list[tuple[tuple, str, dict[str, Any], dict[str, tuple]]]:
    """(source path, namespace, {option: value}, {option: path}) per listener namespace."""
    groups: dict[str, tuple[tuple, dict[str, Any], dict[str, tuple]]] = {}
    for s in settings(data):
        if not _LISTENER.match(s.namespace):
            continue
        if s.namespace not in groups:
            # The namespace key in the shorthand syntax, the first item in the list one.
            groups[s.namespace] = (s.path[:2], {}, {})
        groups[s.namespace][1][s.option_name] = s.value
        groups[s.namespace][2][s.option_name] = s.path
    return [(source, namespace, values, paths) for namespace, (source, values, paths) in groups.items()]


def listener_view(namespace: str, values: dict[str, Any], paths: dict[str, tuple] | None = None) -> View:
    match = _LISTENER.match(namespace)
    assert match is not None
    balancer = "classic" if match.group(1) == "elb" else "elbv2"
    suffix = match.group(2)
    port = 80 if suffix in (None, "default") else _port(suffix)
    if balancer == "classic":
        options = {"protocol": "ListenerProtocol", "certificate": "SSLCertificateId"}
    else:
        options = {"protocol": "Protocol", "certificate": "SSLCertificateArns", "ssl_policy": "SSLPolicy"}
    options.update(instance_port="InstancePort", instance_protocol="InstanceProtocol", enabled="ListenerEnabled")
    view = View(
        namespace=namespace,
        load_balancer=balancer,
        port=port,
        protocol=_upper(values.get(options["protocol"])),
        instance_port=_port(values.get("InstancePort")) if "InstancePort" in values else None,
        instance_protocol=_upper(values.get("InstanceProtocol")),
        certificate=values.get(options["certificate"]),
        ssl_policy=values.get(options["ssl_policy"]) if "ssl_policy" in options else None,
        enabled=values.get("ListenerEnabled"),
    )
    paths = paths or {}
    return view.sourced(**{key: paths[option] for key, option in options.items() if option in paths})


def listeners(resource: Resource) -> SubjectEntries:
    if not _config(resource):
        return []
    return [
        (source, listener_view(namespace, values, paths)) for source, namespace, values, paths in _listener_groups(resource.data)
    ]


def _rule_view(resource_id: str, rule: dict, path: tuple) -> View:
    protocol = rule.get("IpProtocol")
    protocol = str(protocol).strip().lower() if isinstance(protocol, (str, int)) else None
    low, high = _port(rule.get("FromPort")), _port(rule.get("ToPort"))
    if protocol in ("-1", "all"):
        ports: str | None = "all"
    elif low is not None and high is not None:
        ports = "all" if low == -1 else str(low) if low == high else f"{low}-{high}"
    else:
        ports = None
    cidr = rule.get("CidrIp") if isinstance(rule.get("CidrIp"), str) else rule.get("CidrIpv6")
    view = View(
        resource=resource_id,
        protocol=protocol,
        from_port=low,
        to_port=high,
        ports=ports,
        cidr=cidr.strip() if isinstance(cidr, str) else None,
    )
    fields = {"protocol": "IpProtocol", "from_port": "FromPort", "to_port": "ToPort", "ports": "FromPort"}
    return view.sourced(**{key: path + (field,) for key, field in fields.items() if field in rule})


def security_group_rules(resource: Resource) -> SubjectEntries:
    if not _config(resource):
        return []
    entries: SubjectEntries = []
    for resource_id, spec in mapping(resource.data.get("Resources")).items():
        spec = mapping(spec)
        kind, properties = spec.get("Type"), mapping(spec.get("Properties"))
        rules: list[tuple[tuple, dict]] = []
        if kind == "AWS::EC2::SecurityGroup":
            ingress = properties.get("SecurityGroupIngress")
            for index, rule in enumerate(ingress if isinstance(ingress, list) else []):
                if isinstance(rule, dict):
                    rules.append((("Resources", resource_id, "Properties", "SecurityGroupIngress", index), rule))
        elif kind == "AWS::EC2::SecurityGroupIngress":
            rules.append((("Resources", resource_id, "Properties"), properties))
        for path, rule in rules:
            where = next((k for k in ("CidrIp", "CidrIpv6") if k in rule), None)
            entries.append((path + (where,) if where else path, _rule_view(str(resource_id), rule, path)))
    return entries


# --- CloudFormation resources ---------------------------------------------------------


def cloudformation_resources(data: Any) -> list[tuple[Any, str, dict]]:
    """(logical id, type, mapping) of each resource under ``Resources``, in file order."""
    found = []
    for logical_id, spec in mapping(mapping(data).get("Resources")).items():
        if isinstance(spec, dict) and isinstance(spec.get("Type"), str) and spec["Type"].strip():
            found.append((logical_id, spec["Type"].strip(), spec))
    return found


def is_function(value: Any) -> bool:
    """A CloudFormation function (``{"Ref": ...}``, ``{"Fn::If": ...}``): known at deploy time only."""
    if not isinstance(value, dict) or len(value) != 1:
        return False
    key = next(iter(value))
    return isinstance(key, str) and (key in ("Ref", "Condition") or key.startswith("Fn::"))


# Where each resource type keeps its policy documents.
_INLINE_POLICIES = frozenset({"AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"})
_POLICY_DOCUMENT = frozenset(
    {"AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::S3::BucketPolicy", "AWS::SQS::QueuePolicy", "AWS::SNS::TopicPolicy"}
)
_TRUST = "AssumeRolePolicyDocument"
_STATEMENT_FIELDS = {
    "sid": "Sid", "effect": "Effect", "actions": "Action", "not_actions": "NotAction", "resources": "Resource",
    "not_resources": "NotResource", "principals": "Principal", "conditioned": "Condition",
}


def _policy_documents(resource: Resource) -> list[tuple[tuple, str, Any]]:
    """(path, policy name, document) of each policy document the resource holds;
    a role's trust policy is named ``AssumeRolePolicyDocument``."""
    properties = mapping(mapping(resource.data).get("Properties"))
    if resource.kind in _POLICY_DOCUMENT:
        name = next((properties[k] for k in ("PolicyName", "ManagedPolicyName") if isinstance(properties.get(k), str)), resource.name)
        return [(("Properties", "PolicyDocument"), name, properties.get("PolicyDocument"))]
    if resource.kind not in _INLINE_POLICIES:
        return []
    found = []
    if resource.kind == "AWS::IAM::Role" and "AssumeRolePolicyDocument" in properties:
        found.append((("Properties", _TRUST), _TRUST, properties[_TRUST]))
    policies = properties.get("Policies")
    found.extend(
        (("Properties", "Policies", index, "PolicyDocument"), str(policy.get("PolicyName", f"Policies[{index}]")), policy.get("PolicyDocument"))
        for index, policy in enumerate(policies if isinstance(policies, list) else [])
        if isinstance(policy, dict)
    )
    return found


def _document(value: Any) -> dict:
    """A policy document; CloudFormation also takes one as a JSON string."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):  # not JSON, or nested past the parser's depth
            return {}
    return mapping(value)


def _strings(value: Any) -> list[str] | None:
    """An IAM string-or-list field as a list; a function (deploy time) is null."""
    if isinstance(value, str):
        return [value.strip()]
    if isinstance(value, list):
        return [item.strip() for item in value if isinstance(item, str)]
    return None


def _principals(value: Any) -> list[str] | None:
    """``"*"``, ``{"AWS": "*"}``, ``{"Service": [...]}`` as one list of strings."""
    if isinstance(value, dict) and not is_function(value):
        found: list[str] = []
        for key in sorted(value, key=str):
            found.extend(_strings(value[key]) or [])
        return found
    return _strings(value)


def statement_view(policy: str, statement: dict, trust: bool = False) -> View:
    effect = statement.get("Effect")
    return View(
        policy=policy,
        trust=trust,
        sid=statement.get("Sid") if isinstance(statement.get("Sid"), str) else None,
        effect=effect.strip() if isinstance(effect, str) else None,
        actions=_strings(statement.get("Action")),
        not_actions=_strings(statement.get("NotAction")),
        resources=_strings(statement.get("Resource")),
        not_resources=_strings(statement.get("NotResource")),
        principals=_principals(statement.get("Principal")),
        conditioned=bool(statement.get("Condition")),
    )


def policy_statements(resource: Resource) -> SubjectEntries:
    entries: SubjectEntries = []
    for path, policy, raw in _policy_documents(resource):
        statements = _document(raw).get("Statement")
        if isinstance(raw, str):
            # Fields of a JSON string have no lines of their own.
            located = [(path, item) for item in (statements if isinstance(statements, list) else [statements])]
        elif isinstance(statements, list):
            located = [(path + ("Statement", index), item) for index, item in enumerate(statements)]
        else:
            located = [(path + ("Statement",), statements)]
        for where, statement in located:
            if not isinstance(statement, dict):
                continue
            view = statement_view(policy, statement, trust=path[-1] == _TRUST)
            if not isinstance(raw, str):
                view.sourced(**{key: where + (field,) for key, field in _STATEMENT_FIELDS.items() if field in statement})
            entries.append((where, view))
    return entries


def _mode(resource: Resource, path: tuple, raw: Any) -> str | None:
    """A file mode as six octal digits.  YAML reads ``000777`` as the number
    511 but ``777`` as 777, so a number is read back from the file's text."""
    if isinstance(raw, str):
        digits = raw.strip()
        return digits.zfill(6) if digits.isdigit() else digits or None
    if isinstance(raw, int) and not isinstance(raw, bool):
        document = resource.document
        lines = document.file.text.splitlines()
        line = document.line_of(resource.path + path)
        match = _MODE_TEXT.search(lines[line - 1]) if 0 < line <= len(lines) else None
        return match.group(1).zfill(6) if match else format(raw, "o").zfill(6)
    return None


def files(resource: Resource) -> SubjectEntries:
    if not _config(resource):
        return []
    entries: SubjectEntries = []
    for name, spec in mapping(resource.data.get("files")).items():
        if not isinstance(spec, dict):
            continue
        path = ("files", name)
        entry = dict(spec)
        entry["path"] = str(name)
        if "mode" in spec:
            entry["mode"] = _mode(resource, path + ("mode",), spec["mode"])
        entries.append((path, entry))
    return entries


def commands(resource: Resource) -> SubjectEntries:
    if not _config(resource):
        return []
    entries: SubjectEntries = []
    for section in ("commands", "container_commands"):
        for name, spec in mapping(resource.data.get(section)).items():
            if not isinstance(spec, dict):
                continue
            command = spec.get("command")
            if isinstance(command, list):
                command = " ".join(str(part) for part in command)
            entry = dict(spec)
            entry.update(section=section, name=str(name), command=command if isinstance(command, str) else None)
            entries.append(((section, name), entry))
    return entries


def _definitions(resource: Resource) -> list[tuple[tuple, dict]]:
    if resource.kind != "dockerrun":
        return []
    items = mapping(resource.data).get("containerDefinitions")
    return [
        (("containerDefinitions", index), item)
        for index, item in enumerate(items if isinstance(items, list) else [])
        if isinstance(item, dict)
    ]


def container_definitions(resource: Resource) -> SubjectEntries:
    return list(_definitions(resource))


def env(resource: Resource) -> SubjectEntries:
    entries: SubjectEntries = []
    if _config(resource):
        for s in settings(resource.data):
            if s.namespace == ENV_NAMESPACE:
                entries.append((s.path, env_entry(s.option_name, None if s.reference else s.value, reference=s.reference)))
            elif s.namespace == SECRETS_NAMESPACE:
                # The value is the ARN of a Secrets Manager secret or SSM parameter.
                entries.append((s.path, env_entry(s.option_name, None, reference=True)))
    for path, container in _definitions(resource):
        variables = container.get("environment")
        for index, item in enumerate(variables if isinstance(variables, list) else []):
            if isinstance(item, dict) and "name" in item:
                where = path + ("environment", index) + (("value",) if "value" in item else ())
                entries.append((where, env_entry(item["name"], item.get("value"))))
        secrets = container.get("secrets")
        for index, item in enumerate(secrets if isinstance(secrets, list) else []):
            if isinstance(item, dict) and "name" in item:
                entries.append((path + ("secrets", index), env_entry(item["name"], None, reference=True)))
    return entries


def images(resource: Resource) -> SubjectEntries:
    if resource.kind != "dockerrun":
        return []
    name = mapping(mapping(resource.data).get("Image")).get("Name")
    entries: SubjectEntries = []
    if isinstance(name, str) and name.strip():
        entries.append((("Image", "Name"), image_entry(name)))
    for path, container in _definitions(resource):
        image = container.get("image")
        if isinstance(image, str) and image.strip():
            entries.append((path + ("image",), image_entry(image)))
    return entries


def _tls(protocol: Any) -> bool | None:
    if protocol in ("HTTPS", "SSL", "TLS"):
        return True
    if protocol in ("HTTP", "TCP", "UDP"):
        return False
    return None


def endpoints(resource: Resource) -> SubjectEntries:
    entries: SubjectEntries = []
    if _config(resource):
        scheme = option_map(resource.data).get("aws:ec2:vpc", {}).get("ELBScheme")
        public = {"internal": False, "public": True}.get(str(scheme).strip().lower()) if scheme is not None else None
        for source, namespace, values, _ in _listener_groups(resource.data):
            view = listener_view(namespace, values)
            if str(view["enabled"]).lower() == "false":
                continue
            protocol = view["protocol"].lower() if isinstance(view["protocol"], str) else None
            entries.append((source, endpoint_entry(view["port"], protocol, public=public, tls=_tls(view["protocol"]))))
    if resource.kind == "dockerrun":
        ports = mapping(resource.data).get("Ports")
        for index, item in enumerate(ports if isinstance(ports, list) else []):
            if isinstance(item, dict) and "ContainerPort" in item:
                # The platform's proxy forwards port 80 to this container port.
                entries.append((("Ports", index, "ContainerPort"), endpoint_entry(item["ContainerPort"], "http")))
        for path, container in _definitions(resource):
            mappings = container.get("portMappings")
            for index, item in enumerate(mappings if isinstance(mappings, list) else []):
                if isinstance(item, dict) and "hostPort" in item:
                    protocol = item.get("protocol") if isinstance(item.get("protocol"), str) else "tcp"
                    entries.append((path + ("portMappings", index, "hostPort"), endpoint_entry(item["hostPort"], protocol)))
    return entries


_WORKLOAD_OPTIONS = {
    ("aws:autoscaling:asg", "MinSize"),
    ("aws:autoscaling:asg", "MaxSize"),
    ("aws:elasticbeanstalk:environment", "EnvironmentType"),
    ("aws:elasticbeanstalk:application", "Application Healthcheck URL"),
    ("aws:elasticbeanstalk:environment:process:default", "HealthCheckPath"),
    ("aws:autoscaling:launchconfiguration", "IamInstanceProfile"),
}


def workload(resource: Resource) -> SubjectEntries:
    if _config(resource):
        chosen = [s for s in settings(resource.data) if (s.namespace, s.option_name) in _WORKLOAD_OPTIONS]
        if not chosen:
            return []
        values = {(s.namespace, s.option_name): s.value for s in chosen}
        where = {(s.namespace, s.option_name): s.path for s in chosen}
        single = str(values.get(("aws:elasticbeanstalk:environment", "EnvironmentType"), "")).strip() == "SingleInstance"
        health_url = values.get(("aws:elasticbeanstalk:application", "Application Healthcheck URL")) or values.get(
            ("aws:elasticbeanstalk:environment:process:default", "HealthCheckPath")
        )
        # A CloudFormation function names the profile only at deploy time.
        profile = next((s.value for s in chosen if s.option_name == "IamInstanceProfile" and not s.reference), None)
        entry = workload_entry(
            instances=1 if single else values.get(("aws:autoscaling:asg", "MinSize")),
            max_instances=1 if single else values.get(("aws:autoscaling:asg", "MaxSize")),
            health_check=True if isinstance(health_url, str) and health_url.strip() else None,
            instance_profile=profile.strip() if isinstance(profile, str) and profile.strip() else None,
        )
        sources = {
            "instance_profile": where.get(("aws:autoscaling:launchconfiguration", "IamInstanceProfile")),
            "instances": where.get(("aws:elasticbeanstalk:environment", "EnvironmentType") if single else ("aws:autoscaling:asg", "MinSize")),
            "max_instances": where.get(("aws:elasticbeanstalk:environment", "EnvironmentType") if single else ("aws:autoscaling:asg", "MaxSize")),
            "health_check": where.get(("aws:elasticbeanstalk:application", "Application Healthcheck URL"))
            or where.get(("aws:elasticbeanstalk:environment:process:default", "HealthCheckPath")),
        }
        return [(chosen[0].path, entry.sourced(**{k: v for k, v in sources.items() if v}))]
    if resource.kind != "dockerrun":
        return []
    definitions = _definitions(resource)
    all_mounts = mounts(resource)
    if not definitions:
        # Version 1: one container; the file says nothing about its limits.
        if "Image" not in mapping(resource.data):
            return []
        socket, socket_source = docker_socket(all_mounts)
        entry = workload_entry(docker_socket=socket)
        return [((), entry.sourced(docker_socket=socket_source) if socket_source else entry)]
    entries: SubjectEntries = []
    for path, container in definitions:
        memory = container.get("memory")
        user = container.get("user")
        linux = mapping(container.get("linuxParameters"))
        added = mapping(linux.get("capabilities")).get("add")
        socket, socket_source = docker_socket([m for m in all_mounts if m[0][: len(path)] == path])
        entry = workload_entry(
            memory=memory if isinstance(memory, (int, float)) and not isinstance(memory, bool) else None,
            memory_unit="Mi",
            privileged=container.get("privileged") is True,
            run_as_root=(str(user).split(":")[0] in ("root", "0")) if user is not None else None,
            health_check=True if isinstance(container.get("healthCheck"), dict) else None,
            capabilities_added=[] if added is None else added,
            devices=_devices(linux.get("devices")),
            docker_socket=socket,
        )
        fields = {"memory_bytes": "memory", "privileged": "privileged", "run_as_root": "user", "health_check": "healthCheck"}
        sources = {key: path + (field,) for key, field in fields.items() if field in container}
        if added is not None:
            sources["capabilities_added"] = path + ("linuxParameters", "capabilities", "add")
        if "devices" in linux:
            sources["devices"] = path + ("linuxParameters", "devices")
        if socket_source is not None:
            sources["docker_socket"] = socket_source
        entries.append((path, entry.sourced(**sources)))
    return entries


def _devices(devices: Any) -> list[str] | None:
    if devices is None:
        return []
    if not isinstance(devices, list):
        return None
    return [str(item.get("hostPath")) for item in devices if isinstance(item, dict)]


# Elastic Beanstalk mounts each container's log directory for it.
_LOG_VOLUME = "awseb-logs-"


def mounts(resource: Resource) -> SubjectEntries:
    """Version 1 ``Volumes`` (host directories) and version 2 ``mountPoints``;
    a host volume's finding points at its ``sourcePath``."""
    if resource.kind != "dockerrun":
        return []
    data = mapping(resource.data)
    entries: SubjectEntries = []
    volumes = data.get("Volumes")
    for index, item in enumerate(volumes if isinstance(volumes, list) else []):
        if isinstance(item, dict) and "HostDirectory" in item:
            source = item["HostDirectory"] if isinstance(item["HostDirectory"], str) else None
            view = mount_entry(source, item.get("ContainerDirectory"), True)
            entries.append((("Volumes", index), view.sourced(source=("Volumes", index, "HostDirectory"))))
    declared: dict[str, tuple[Any, bool, tuple]] = {}
    items = data.get("volumes")
    for index, volume in enumerate(items if isinstance(items, list) else []):
        if isinstance(volume, dict) and isinstance(volume.get("name"), str):
            host = mapping(volume.get("host"))
            if "sourcePath" in host:
                path = host["sourcePath"] if isinstance(host["sourcePath"], str) else None
                declared[volume["name"]] = (path, True, ("volumes", index, "host", "sourcePath"))
            else:
                declared[volume["name"]] = (volume["name"], False, ("volumes", index))
    for path, container in _definitions(resource):
        points = container.get("mountPoints")
        for index, point in enumerate(points if isinstance(points, list) else []):
            if not isinstance(point, dict) or not isinstance(point.get("sourceVolume"), str):
                continue
            name = point["sourceVolume"]
            if name in declared:
                source, host, source_path = declared[name]
            elif name.startswith(_LOG_VOLUME):
                source, host, source_path = f"/var/log/containers/{name[len(_LOG_VOLUME):]}", True, path + ("mountPoints", index)
            else:
                continue
            view = mount_entry(source, point.get("containerPath"), host, read_only=point.get("readOnly") is True)
            entries.append((path + ("mountPoints", index), view.sourced(source=source_path)))
    return entries


class ElasticBeanstalk(Platform):
    name = "elasticbeanstalk"
    title = "AWS Elastic Beanstalk"
    file_rules = (
        FileRule(r".*\.config", "yaml", rank=40, under=".ebextensions"),
        FileRule(r"dockerrun\.aws\.json", "json", rank=50),
    )
    sniffs = (Sniff("json", json_keys("AWSEBDockerrunVersion"), order=2),)
    # No health_check: the load balancer always checks instances (by default
    # on /), so an environment that sets no health check URL is not missing one.
    fields = {
        "env": ENV_FIELDS, "images": IMAGE_FIELDS, "endpoints": ENDPOINT_FIELDS,
        "workload": frozenset({"memory_bytes", "instances", "max_instances", "run_as_root", "privileged", "runtime", "instance_profile", "capabilities_added", "devices", "docker_socket"}),
        "mounts": MOUNT_FIELDS,
    }
    subjects = {
        "env": env,
        "images": images,
        "endpoints": endpoints,
        "workload": workload,
        "mounts": mounts,
        "option_settings": option_settings,
        "options": options,
        "listeners": listeners,
        "security_group_rules": security_group_rules,
        "files": files,
        "commands": commands,
        "container_definitions": container_definitions,
        "policy_statements": policy_statements,
    }

    def detect(self, document: Document) -> bool:
        data = document.data
        if not isinstance(data, dict):
            return False
        if "AWSEBDockerrunVersion" in data:
            return True
        return ".ebextensions/" in f"/{document.path}" and bool(set(data) & _CONFIG_KEYS)

    def detect_live(self, document: Document) -> bool:
        return isinstance(document.data, dict) and bool(set(document.data) & _CONFIG_KEYS)

    def resources(self, document: Document) -> list[Resource]:
        data = document.data
        if "AWSEBDockerrunVersion" in data:
            return [self.resource(document, "dockerrun", file_stem(document), data)]
        found = [self.resource(document, "config", file_stem(document), data)]
        for logical_id, kind, spec in cloudformation_resources(data):
            found.append(self.resource(document, kind, logical_id, spec, path=("Resources", logical_id)))
        return found
