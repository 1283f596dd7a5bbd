"""The Elastic Beanstalk adapter: detection, resources and every subject."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from platform_helpers import AdapterHelper, entries, line_of, text_line

from pytest_paassec.model.resources import Resource
from pytest_paassec.platforms.elasticbeanstalk import ElasticBeanstalk

PLATFORM = ElasticBeanstalk()

# The format follows the file name: Dockerrun.aws.json is JSON, .ebextensions configs are YAML.
HELPER = AdapterHelper(PLATFORM, ".ebextensions/options.config", lambda relpath: "json" if relpath.endswith(".json") else "yaml")
document = HELPER.document
resource = HELPER.resource


def dockerrun(data: dict) -> Resource:
    return resource(json.dumps(data, indent=2), "Dockerrun.aws.json")


# --- detection -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "relpath"),
    [
        ("option_settings:\n  aws:ec2:vpc:\n    ELBScheme: internal\n", ".ebextensions/vpc.config"),
        ("packages:\n  yum:\n    git: []\n", "src/.ebextensions/inactive/git.config"),
        ("Resources:\n  sg:\n    Type: AWS::EC2::SecurityGroup\n", ".ebextensions/sg.config"),
        ('{"AWSEBDockerrunVersion": "1", "Image": {"Name": "nginx:1.27"}}', "Dockerrun.aws.json"),
    ],
)
def test_detects_configuration_files_and_dockerrun(text: str, relpath: str) -> None:
    assert PLATFORM.detect(document(text, relpath))


@pytest.mark.parametrize(
    ("text", "relpath"),
    [
        # A sample kept outside .ebextensions is not deployed.
        ("option_settings:\n  aws:ec2:vpc:\n    ELBScheme: internal\n", "samples/vpc.config"),
        # Inside .ebextensions but none of the configuration file keys.
        ("settings:\n  debug: true\n", ".ebextensions/app.config"),
        # An ECS task definition looks like Dockerrun v2 without the version key.
        ('{"family": "web", "containerDefinitions": [{"name": "web", "image": "nginx"}]}', "Dockerrun.aws.json"),
        ("- option_settings\n", ".ebextensions/list.config"),
    ],
)
def test_rejects_look_alikes(text: str, relpath: str) -> None:
    assert not PLATFORM.detect(document(text, relpath))


def test_one_resource_per_file() -> None:
    config = resource("option_settings:\n  aws:ec2:vpc:\n    ELBScheme: internal\n", ".ebextensions/01-vpc.config")
    assert (config.kind, config.name, config.ref, config.path) == ("config", "01-vpc.config", "config/01-vpc.config", ())
    run = dockerrun({"AWSEBDockerrunVersion": 2, "containerDefinitions": []})
    assert run.ref == "dockerrun/Dockerrun.aws.json"


# --- option settings ----------------------------------------------------------------

SHORTHAND = """
option_settings:
  aws:elasticbeanstalk:application:environment:
    NODE_ENV: production
  aws:autoscaling:launchconfiguration:
    DisableIMDSv1: true
    RootVolumeSize: 64
"""

STANDARD = """
option_settings:
  - option_name: NODE_ENV
    value: production
  - namespace: aws:autoscaling:launchconfiguration
    option_name: DisableIMDSv1
    value: true
  - namespace: aws:autoscaling:launchconfiguration
    option_name: RootVolumeSize
    value: 64
  - namespace: aws:autoscaling:scheduledaction
    resource_name: ScaleDownAtNight
    option_name: MaxSize
    value: 1
"""


def test_option_settings_are_the_same_in_both_syntaxes() -> None:
    short = [dict(view) for _, view in resource(SHORTHAND).select("option_settings")]
    standard = [dict(view) for _, view in resource(STANDARD).select("option_settings")]
    assert short == standard[:3]
    assert short[0] == {
        "namespace": "aws:elasticbeanstalk:application:environment",
        "option_name": "NODE_ENV",
        "value": "production",
        "resource_name": None,
        "reference": False,
    }
    # Values are strings whatever YAML made of them.
    assert [view["value"] for view in short[1:]] == ["true", "64"]
    assert standard[3]["resource_name"] == "ScaleDownAtNight"


def test_option_settings_point_at_the_value() -> None:
    short = resource(SHORTHAND)
    paths = [path for path, _ in short.select("option_settings")]
    assert [line_of(short, p) for p in paths] == [text_line(short, "NODE_ENV"), text_line(short, "DisableIMDSv1"), text_line(short, "RootVolumeSize")]
    standard = resource(STANDARD)
    path, _ = standard.select("option_settings")[1]
    assert path == ("option_settings", 1, "value")
    assert line_of(standard, path) == text_line(standard, "value: true")


def test_cloudformation_functions_are_references() -> None:
    res = resource(
        """
        option_settings:
          aws:elb:loadbalancer:
            SecurityGroups: '`{ "Ref" : "loadbalancersg" }`'
          aws:elasticbeanstalk:application:environment:
            TABLE: {"Ref": "SignupTable"}
        """
    )
    views = [view for _, view in res.select("option_settings")]
    assert [view["reference"] for view in views] == [True, True]
    assert views[0]["value"] == '`{ "Ref" : "loadbalancersg" }`'


def test_options_merge_both_syntaxes_keyed_like_the_shorthand() -> None:
    expected = {
        "aws:elasticbeanstalk:application:environment": {"NODE_ENV": "production"},
        "aws:autoscaling:launchconfiguration": {"DisableIMDSv1": "true", "RootVolumeSize": "64"},
    }
    short = resource(SHORTHAND)
    ((path, merged),) = short.select("options")
    assert path == ("option_settings",) and merged == expected
    # In the shorthand syntax a key path is the option's own line.
    assert line_of(short, path + ("aws:autoscaling:launchconfiguration", "RootVolumeSize")) == text_line(short, "RootVolumeSize")
    ((_, merged),) = resource(STANDARD).select("options")
    assert merged["aws:autoscaling:launchconfiguration"] == expected["aws:autoscaling:launchconfiguration"]
    assert resource("files: {}\n").select("options") == []


# --- listeners ----------------------------------------------------------------------

LISTENERS = """
option_settings:
  aws:elbv2:listener:default:
    ListenerEnabled: false
  aws:elbv2:listener:443:
    Protocol: https
    SSLCertificateArns: arn:aws:acm:us-east-1:123456789012:certificate/abc
    SSLPolicy: ELBSecurityPolicy-2016-08
  aws:elb:listener:8443:
    ListenerProtocol: SSL
    InstancePort: 8080
    InstanceProtocol: TCP
  aws:elbv2:listenerrule:admin:
    PathPatterns: /admin/*
"""


def test_listeners_normalize_classic_and_v2_namespaces() -> None:
    res = resource(LISTENERS)
    views = {view["namespace"]: view for _, view in res.select("listeners")}
    assert set(views) == {"aws:elbv2:listener:default", "aws:elbv2:listener:443", "aws:elb:listener:8443"}
    assert dict(views["aws:elbv2:listener:443"]) == {
        "namespace": "aws:elbv2:listener:443",
        "load_balancer": "elbv2",
        "port": 443,
        "protocol": "HTTPS",
        "instance_port": None,
        "instance_protocol": None,
        "certificate": "arn:aws:acm:us-east-1:123456789012:certificate/abc",
        "ssl_policy": "ELBSecurityPolicy-2016-08",
        "enabled": None,
    }
    default = views["aws:elbv2:listener:default"]
    assert (default["port"], default["enabled"], default["protocol"]) == (80, "false", None)
    classic = views["aws:elb:listener:8443"]
    assert (classic["load_balancer"], classic["port"], classic["protocol"], classic["instance_port"]) == ("classic", 8443, "SSL", 8080)


def test_listener_fields_point_at_their_options() -> None:
    res = resource(LISTENERS)
    path, view = [(p, v) for p, v in res.select("listeners") if v["port"] == 443][0]
    assert line_of(res, path) == text_line(res, "aws:elbv2:listener:443:")
    assert line_of(res, view.sources["ssl_policy"]) == text_line(res, "SSLPolicy")
    assert line_of(res, view.sources["protocol"]) == text_line(res, "Protocol: https")
    assert "instance_port" not in view.sources


# --- security group rules -------------------------------------------------------------------

RULES = """
Resources:
  lbSecurityGroup:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: lb
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 0.0.0.0/0
        - IpProtocol: "-1"
          CidrIpv6: ::/0
  adminRange:
    Type: AWS::EC2::SecurityGroupIngress
    Properties:
      GroupId: !GetAtt AWSEBSecurityGroup.GroupId
      IpProtocol: tcp
      FromPort: 8000
      ToPort: "8100"
      CidrIp: !Ref AdminCidr
  notARule:
    Type: AWS::S3::Bucket
"""


def test_security_group_rules_from_both_resource_types() -> None:
    res = HELPER.resources(RULES)["config/options.config"]
    entries = res.select("security_group_rules")
    views = [dict(view) for _, view in entries]
    assert views == [
        {"resource": "lbSecurityGroup", "protocol": "tcp", "from_port": 443, "to_port": 443, "ports": "443", "cidr": "0.0.0.0/0"},
        {"resource": "lbSecurityGroup", "protocol": "-1", "from_port": None, "to_port": None, "ports": "all", "cidr": "::/0"},
        # !Ref is loaded as {"Ref": ...}: the source is unknown, not a literal.
        {"resource": "adminRange", "protocol": "tcp", "from_port": 8000, "to_port": 8100, "ports": "8000-8100", "cidr": None},
    ]
    assert [line_of(res, path) for path, _ in entries] == [
        text_line(res, "CidrIp: 0.0.0.0/0"),
        text_line(res, "CidrIpv6"),
        text_line(res, "CidrIp: !Ref"),
    ]
    assert line_of(res, entries[2][1].sources["ports"]) == text_line(res, "FromPort: 8000")


# --- files and commands -----------------------------------------------------------------


def test_file_modes_become_six_octal_digits() -> None:
    res = resource(
        """
        files:
          /opt/a.sh:
            mode: "000755"
            content: echo a
          /opt/b.sh:
            mode: 000777
            content: echo b
          /opt/c.sh:
            mode: 666
            source: https://example.com/c.sh
          /opt/d.sh:
            content: echo d
        """
    )
    entries = res.select("files")
    assert [(entry["path"], entry.get("mode")) for _, entry in entries] == [
        ("/opt/a.sh", "000755"),
        ("/opt/b.sh", "000777"),  # YAML reads 000777 as the number 511
        ("/opt/c.sh", "000666"),  # and 666 as six hundred sixty-six
        ("/opt/d.sh", None),
    ]
    path, entry = entries[1]
    assert line_of(res, path + ("mode",)) == text_line(res, "mode: 000777")
    assert entry["content"] == "echo b"


def test_commands_of_both_sections_with_list_commands_joined() -> None:
    res = resource(
        """
        commands:
          01_perms:
            command: ["chmod", "o+w", "/var/log/app"]
            ignoreErrors: true
        container_commands:
          02_migrate:
            command: python manage.py migrate
            leader_only: true
        """
    )
    entries = res.select("commands")
    assert [(p, e["section"], e["name"], e["command"]) for p, e in entries] == [
        (("commands", "01_perms"), "commands", "01_perms", "chmod o+w /var/log/app"),
        (("container_commands", "02_migrate"), "container_commands", "02_migrate", "python manage.py migrate"),
    ]
    assert entries[1][1]["leader_only"] is True
    assert line_of(res, entries[1][0] + ("command",)) == text_line(res, "manage.py migrate")


# --- normalized subjects ------------------------------------------------------------------


def test_env_from_option_settings() -> None:
    res = resource(
        """
        option_settings:
          aws:elasticbeanstalk:application:environment:
            API_URL: https://api.example.com
            RETRIES: 3
            TABLE: '`{"Ref" : "SignupTable"}`'
          aws:elasticbeanstalk:application:environmentsecrets:
            DB_PASSWORD: arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf
          aws:ec2:vpc:
            ELBScheme: internal
        """
    )
    entries = res.select("env")
    assert [dict(view) for _, view in entries] == [
        {"name": "API_URL", "value": "https://api.example.com", "reference": False},
        {"name": "RETRIES", "value": "3", "reference": False},
        {"name": "TABLE", "value": None, "reference": True},
        {"name": "DB_PASSWORD", "value": None, "reference": True},
    ]
    assert line_of(res, entries[3][0]) == text_line(res, "DB_PASSWORD")


def test_env_from_the_list_syntax_defaults_to_the_environment_namespace() -> None:
    res = resource("option_settings:\n  - option_name: API_KEY\n    value: abc123\n")
    ((path, view),) = res.select("env")
    assert (dict(view), path) == ({"name": "API_KEY", "value": "abc123", "reference": False}, ("option_settings", 0, "value"))


V2 = {
    "AWSEBDockerrunVersion": 2,
    "containerDefinitions": [
        {
            "name": "web",
            "image": "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:2.4.1",
            "memory": 512,
            "user": "root",
            "environment": [{"name": "LOG_LEVEL", "value": "info"}, {"name": "EMPTY"}],
            "secrets": [{"name": "DB_PASSWORD", "valueFrom": "arn:aws:ssm:us-east-1:123456789012:parameter/db"}],
            "portMappings": [{"hostPort": 80, "containerPort": 8080}],
        },
        {"name": "agent", "image": "datadog/agent", "memoryReservation": 128, "privileged": True,
         "portMappings": [{"hostPort": 8125, "containerPort": 8125, "protocol": "udp"}]},
    ],
}


def test_env_from_dockerrun_v2() -> None:
    res = dockerrun(V2)
    entries = res.select("env")
    assert [dict(view) for _, view in entries] == [
        {"name": "LOG_LEVEL", "value": "info", "reference": False},
        {"name": "EMPTY", "value": None, "reference": False},
        {"name": "DB_PASSWORD", "value": None, "reference": True},
    ]
    assert entries[0][0] == ("containerDefinitions", 0, "environment", 0, "value")
    assert line_of(res, entries[0][0]) == text_line(res, '"value": "info"')


def test_images_of_both_dockerrun_versions() -> None:
    res = dockerrun(V2)
    entries = res.select("images")
    assert [(view["registry"], view["repository"], view["tag"]) for _, view in entries] == [
        ("123456789012.dkr.ecr.us-east-1.amazonaws.com", "web", "2.4.1"),
        ("docker.io", "datadog/agent", None),
    ]
    assert line_of(res, entries[1][0]) == text_line(res, '"image": "datadog/agent"')
    v1 = dockerrun({"AWSEBDockerrunVersion": "1", "Image": {"Name": "janedoe/app:1.0"}, "Ports": [{"ContainerPort": "8080"}]})
    ((path, view),) = v1.select("images")
    assert path == ("Image", "Name") and view["tag"] == "1.0"
    assert resource(SHORTHAND).select("images") == []


def test_endpoints_from_listeners_and_port_mappings() -> None:
    res = resource(
        """
        option_settings:
          aws:ec2:vpc:
            ELBScheme: internal
          aws:elbv2:listener:default:
            ListenerEnabled: false
          aws:elbv2:listener:443:
            Protocol: HTTPS
          aws:elb:listener:8080:
            InstancePort: 8080
        """
    )
    views = [dict(view) for _, view in res.select("endpoints")]
    # The disabled default listener is no way in; an unset protocol is unknown.
    assert views == [
        {"port": 443, "protocol": "https", "public": False, "tls": True},
        {"port": 8080, "protocol": None, "public": False, "tls": None},
    ]
    public = resource("option_settings:\n  aws:elb:listener:\n    ListenerProtocol: HTTP\n")
    assert [dict(v) for _, v in public.select("endpoints")] == [{"port": 80, "protocol": "http", "public": None, "tls": False}]
    entries = dockerrun(V2).select("endpoints")
    assert [(view["port"], view["protocol"]) for _, view in entries] == [(80, "tcp"), (8125, "udp")]
    assert entries[0][0] == ("containerDefinitions", 0, "portMappings", 0, "hostPort")


def test_workload_of_dockerrun_containers() -> None:
    res = dockerrun(V2)
    entries = res.select("workload")
    web, agent = (view for _, view in entries)
    assert (web["memory_bytes"], web["privileged"], web["run_as_root"]) == (512 * 2**20, False, True)
    # memoryReservation is a soft limit: no hard memory limit is known.
    assert (agent["memory_bytes"], agent["privileged"], agent["run_as_root"]) == (None, True, None)
    assert line_of(res, agent.sources["privileged"]) == text_line(res, '"privileged": true')
    assert line_of(res, web.sources["memory_bytes"]) == text_line(res, '"memory": 512')
    v1 = dockerrun({"AWSEBDockerrunVersion": "1", "Image": {"Name": "janedoe/app:1.0"}})
    ((path, view),) = v1.select("workload")
    # No Volumes: no runtime socket; everything else is unknown.
    assert path == () and view["docker_socket"] is False
    assert {value for key, value in view.items() if key != "docker_socket"} == {None}


def test_workload_of_a_configuration_file() -> None:
    res = resource(
        """
        option_settings:
          aws:autoscaling:asg:
            MinSize: 2
            MaxSize: 8
          aws:elasticbeanstalk:application:
            Application Healthcheck URL: /health
        """
    )
    ((path, view),) = res.select("workload")
    assert (view["instances"], view["max_instances"], view["health_check"]) == (2, 8, True)
    assert line_of(res, view.sources["max_instances"]) == text_line(res, "MaxSize")
    single = resource("option_settings:\n  aws:elasticbeanstalk:environment:\n    EnvironmentType: SingleInstance\n")
    ((_, view),) = single.select("workload")
    assert (view["instances"], view["max_instances"], view["health_check"]) == (1, 1, None)
    assert resource("option_settings:\n  aws:ec2:vpc:\n    ELBScheme: internal\n").select("workload") == []


def test_container_definitions_are_the_file_s_own() -> None:
    res = dockerrun(V2)
    entries = res.select("container_definitions")
    assert [path for path, _ in entries] == [("containerDefinitions", 0), ("containerDefinitions", 1)]
    assert entries[1][1]["memoryReservation"] == 128
    assert resource(SHORTHAND).select("container_definitions") == []


# --- instance profile, mounts and host access -----------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("my-app-profile", "my-app-profile"), ('\'`{"Ref": "AppProfile"}`\'', None)],
)
def test_instance_profile_from_the_launch_configuration(value: str, expected: str | None) -> None:
    res = resource(f"option_settings:\n  aws:autoscaling:launchconfiguration:\n    IamInstanceProfile: {value}\n")
    ((_, view),) = res.select("workload")
    assert view["instance_profile"] == expected
    assert line_of(res, view.sources["instance_profile"]) == text_line(res, "IamInstanceProfile")


MOUNTS_V2 = {
    "AWSEBDockerrunVersion": 2,
    "volumes": [
        {"name": "app", "host": {"sourcePath": "/var/app/current/app"}},
        {"name": "sock", "host": {"sourcePath": "/var/run/docker.sock"}},
        {"name": "scratch"},
    ],
    "containerDefinitions": [
        {
            "name": "web",
            "image": "web:1",
            "mountPoints": [
                {"sourceVolume": "app", "containerPath": "/srv", "readOnly": True},
                {"sourceVolume": "scratch", "containerPath": "/tmp/scratch"},
                {"sourceVolume": "awseb-logs-web", "containerPath": "/var/log/nginx"},
                {"sourceVolume": "unknown", "containerPath": "/x"},
            ],
            "linuxParameters": {"capabilities": {"add": ["SYS_PTRACE"]}, "devices": [{"hostPath": "/dev/fuse"}]},
        },
        {"name": "builder", "image": "builder:1", "mountPoints": [{"sourceVolume": "sock", "containerPath": "/var/run/docker.sock"}]},
    ],
}


def test_dockerrun_v2_mounts_point_at_the_host_path() -> None:
    res = dockerrun(MOUNTS_V2)
    assert [view for _, view in entries(res, "mounts")] == [
        {"source": "/var/app/current/app", "target": "/srv", "host": True, "read_only": True},
        {"source": "scratch", "target": "/tmp/scratch", "host": False, "read_only": False},
        {"source": "/var/log/containers/web", "target": "/var/log/nginx", "host": True, "read_only": False},
        {"source": "/var/run/docker.sock", "target": "/var/run/docker.sock", "host": True, "read_only": False},
    ]
    (_, socket) = res.select("mounts")[3]
    assert line_of(res, socket.sources["source"]) == text_line(res, '"sourcePath": "/var/run/docker.sock"')


def test_dockerrun_v2_workload_host_access() -> None:
    res = dockerrun(MOUNTS_V2)
    (_, web), (_, builder) = res.select("workload")
    assert (web["capabilities_added"], web["devices"], web["docker_socket"]) == (["SYS_PTRACE"], ["/dev/fuse"], False)
    assert (builder["capabilities_added"], builder["devices"], builder["docker_socket"]) == ([], [], True)
    assert line_of(res, web.sources["capabilities_added"]) == text_line(res, '"add": [')
    assert line_of(res, builder.sources["docker_socket"]) == text_line(res, '"sourcePath": "/var/run/docker.sock"')


def test_dockerrun_v1_volumes_are_host_directories() -> None:
    res = dockerrun(
        {
            "AWSEBDockerrunVersion": "1",
            "Image": {"Name": "app:1"},
            "Volumes": [{"HostDirectory": "/var/run/docker.sock", "ContainerDirectory": "/var/run/docker.sock"}],
        }
    )
    ((path, mount),) = entries(res, "mounts")
    assert path == ("Volumes", 0)
    assert mount == {"source": "/var/run/docker.sock", "target": "/var/run/docker.sock", "host": True, "read_only": False}
    ((_, view),) = res.select("workload")
    assert view["docker_socket"] is True and view["capabilities_added"] is None
    assert line_of(res, view.sources["docker_socket"]) == text_line(res, '"HostDirectory"')


# --- CloudFormation resources -------------------------------------------------------

STORES = """
Resources:
  LogsBucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub '${AWS::StackName}-logs'
      AccessControl: !If [IsProd, Private, PublicRead]
      PublicAccessBlockConfiguration:
        BlockPublicAcls: {"Fn::GetOptionSetting": {"OptionName": "BlockAcls", "DefaultValue": "true"}}
  AppRole:
    Type: AWS::IAM::Role
    Properties:
      ManagedPolicyArns: [!Ref AppPolicy]
      Policies:
        - PolicyName: app
          PolicyDocument:
            Statement:
              - Effect: Allow
                Action: ["s3:*", !Ref ExtraAction]
                Resource: !GetAtt LogsBucket.Arn
  NotAResource: just text
  NoType:
    Properties: {}
option_settings:
  aws:ec2:vpc:
    ELBScheme: internal
"""


def test_each_cloudformation_resource_is_a_resource_of_its_own() -> None:
    found = HELPER.found(STORES)
    assert [(r.kind, r.name, r.ref, r.path) for r in found] == [
        ("config", "options.config", "config/options.config", ()),
        ("AWS::S3::Bucket", "LogsBucket", "AWS_S3_Bucket/LogsBucket", ("Resources", "LogsBucket")),
        ("AWS::IAM::Role", "AppRole", "AWS_IAM_Role/AppRole", ("Resources", "AppRole")),
    ]
    config, bucket, role = found
    # The config file's own subjects are unchanged; the new resources have none of them.
    assert [v["value"] for _, v in config.select("option_settings")] == ["internal"]
    assert bucket.select("option_settings") == [] and bucket.select("env") == [] and bucket.select("workload") == []
    assert bucket.line == text_line(bucket, "LogsBucket:")
    assert line_of(bucket, ("Properties", "AccessControl")) == text_line(bucket, "AccessControl")
    # Short tags are CloudFormation functions in their long form, kept as written.
    properties = bucket.data["Properties"]
    assert properties["AccessControl"] == {"Fn::If": ["IsProd", "Private", "PublicRead"]}
    assert properties["BucketName"] == {"Fn::Sub": "${AWS::StackName}-logs"}
    assert line_of(role, ("Properties", "Policies", 0, "PolicyDocument", "Statement", 0, "Action")) == text_line(role, "Action:")


def test_cloudformation_functions_are_judged_never_crash(tmp_path: Path) -> None:
    from pytest_paassec.rules.catalog import build_catalog
    from pytest_paassec.rules.engine import scan_files

    folder = tmp_path / ".ebextensions"
    folder.mkdir()
    # Functions where every control looks: property values, whole blocks, statements and lists.
    (folder / "odd.config").write_text(
        """
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties: !If [HasProps, {AccessControl: PublicRead}, !Ref AWS::NoValue]
  Db:
    Type: AWS::RDS::DBInstance
    Properties:
      PubliclyAccessible: !Ref Public
      StorageEncrypted: {"Fn::GetOptionSetting": {"OptionName": "Encrypt", "DefaultValue": "true"}}
      MasterUserPassword: !Join ["", ["{{resolve:secretsmanager:", !Ref Secret, "}}"]]
      BackupRetentionPeriod: !FindInMap [Env, !Ref Stage, Days]
  Policy:
    Type: AWS::IAM::Policy
    Properties:
      PolicyDocument: !If [Big, {Statement: [{Effect: Allow, Action: "*", Resource: "*"}]}, !Ref AWS::NoValue]
  Role:
    Type: AWS::IAM::Role
    Properties:
      ManagedPolicyArns: !Split [",", !Ref Arns]
      Policies:
        - !If [Extra, {PolicyName: x, PolicyDocument: {Statement: !Ref Statements}}, !Ref AWS::NoValue]
        - PolicyName: y
          PolicyDocument:
            Statement:
              - !If [A, {Effect: Allow}, {Effect: Deny}]
              - {Effect: !Ref E, Action: !Ref A, Resource: !Ref R, Principal: !Ref P}
  Queue:
    Type: AWS::SQS::Queue
    Properties:
      SqsManagedSseEnabled: !Ref Sse
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      KmsMasterKeyId: !ImportValue shared-key
"""
    )
    scanned = scan_files([(folder / "odd.config", ".ebextensions/odd.config")], build_catalog([]))
    ((parsed, checks),) = scanned.values()
    assert parsed is not None and parsed.error is None
    outcome = {(resource.ref, control.id): not violations for resource, control, violations in checks}
    # A function is a value known only at deploy time: set, but equal to no literal.
    assert outcome[("AWS_RDS_DBInstance/Db", "EB-RDS-001")] is True
    assert outcome[("AWS_RDS_DBInstance/Db", "EB-RDS-002")] is False
    assert outcome[("AWS_RDS_DBInstance/Db", "EB-RDS-004")] is True
    assert outcome[("AWS_RDS_DBInstance/Db", "EB-RDS-005")] is True
    assert outcome[("AWS_S3_Bucket/Bucket", "EB-S3-001")] is False
    assert outcome[("AWS_S3_Bucket/Bucket", "EB-S3-003")] is True
    assert outcome[("AWS_SQS_Queue/Queue", "EB-SQS-001")] is True
    assert outcome[("AWS_SNS_Topic/Topic", "EB-SNS-001")] is True
    # Statements hidden behind functions are not invented.
    assert not any(ref == "AWS_IAM_Policy/Policy" for ref, _ in outcome)
    assert ("AWS_IAM_Role/Role", "EB-IAM-007") in outcome and outcome[("AWS_IAM_Role/Role", "EB-IAM-007")] is True


def test_policy_statements_normalize_action_resource_and_principal() -> None:
    found = HELPER.resources(
        """
        Resources:
          Inline:
            Type: AWS::IAM::Role
            Properties:
              Policies:
                - PolicyName: app
                  PolicyDocument:
                    Statement:
                      - Sid: Read
                        Effect: Allow
                        Action: s3:GetObject
                        Resource: ["arn:aws:s3:::b/*", !Sub "arn:aws:s3:::${B}"]
                      - Effect: Deny
                        NotAction: [iam:*]
                        NotResource: "*"
                        Condition: {Bool: {aws:MultiFactorAuthPresent: "false"}}
                - not a policy
          Single:
            Type: AWS::S3::BucketPolicy
            Properties:
              Bucket: b
              PolicyDocument:
                Statement:
                  Effect: Allow
                  Principal: {AWS: ["*", "arn:aws:iam::123456789012:root"], Service: cloudfront.amazonaws.com}
                  Action: s3:GetObject
                  Resource: !Ref Arn
          AsText:
            Type: AWS::IAM::ManagedPolicy
            Properties:
              ManagedPolicyName: text
              PolicyDocument: '{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}'
        """
    )
    inline = found["AWS_IAM_Role/Inline"].select("policy_statements")
    assert [dict(view) for _, view in inline] == [
        {"policy": "app", "trust": False, "sid": "Read", "effect": "Allow", "actions": ["s3:GetObject"], "not_actions": None,
         "resources": ["arn:aws:s3:::b/*"], "not_resources": None, "principals": None, "conditioned": False},
        {"policy": "app", "trust": False, "sid": None, "effect": "Deny", "actions": None, "not_actions": ["iam:*"],
         "resources": None, "not_resources": ["*"], "principals": None, "conditioned": True},
    ]
    res = found["AWS_IAM_Role/Inline"]
    assert line_of(res, inline[0][1].sources["actions"]) == text_line(res, "Sid: Read") + 2
    assert line_of(res, inline[1][0]) == text_line(res, "- Effect: Deny")
    ((path, single),) = found["AWS_S3_BucketPolicy/Single"].select("policy_statements")
    assert path == ("Properties", "PolicyDocument", "Statement")
    assert (single["policy"], single["principals"], single["resources"]) == (
        "Single", ["*", "arn:aws:iam::123456789012:root", "cloudfront.amazonaws.com"], None,
    )
    ((path, text),) = found["AWS_IAM_ManagedPolicy/AsText"].select("policy_statements")
    # A JSON string document: its statements point at the PolicyDocument line.
    assert (text["policy"], text["actions"], text["resources"], path) == ("text", ["*"], ["*"], ("Properties", "PolicyDocument"))
    assert text.sources == {}


def test_a_role_s_trust_policy_comes_first_and_says_so() -> None:
    role = HELPER.resources(
        """
        Resources:
          AppRole:
            Type: AWS::IAM::Role
            Properties:
              AssumeRolePolicyDocument:
                Statement:
                  - Effect: Allow
                    Principal: {AWS: "*"}
                    Action: sts:AssumeRole
              Policies:
                - PolicyName: app
                  PolicyDocument: {Statement: [{Effect: Allow, Action: sqs:SendMessage, Resource: "*"}]}
        """
    )["AWS_IAM_Role/AppRole"]
    (trust_path, trust), (_, inline) = role.select("policy_statements")
    assert (trust["policy"], trust["trust"], trust["principals"]) == ("AssumeRolePolicyDocument", True, ["*"])
    assert (inline["policy"], inline["trust"], inline["actions"]) == ("app", False, ["sqs:SendMessage"])
    assert line_of(role, trust.sources["principals"]) == text_line(role, "Principal: {AWS")
    assert trust_path == ("Properties", "AssumeRolePolicyDocument", "Statement", 0)


def test_json_configuration_files_give_the_same_resources() -> None:
    found = HELPER.found(json.dumps({"Resources": {"Files": {"Type": "AWS::EFS::FileSystem", "Properties": {"Encrypted": False}}}}, indent=2))
    assert [r.ref for r in found] == ["config/options.config", "AWS_EFS_FileSystem/Files"]
    assert line_of(found[1], ("Properties", "Encrypted")) == text_line(found[1], '"Encrypted": false')


def test_items_name_the_cloudformation_resource_and_its_line(pytester: pytest.Pytester) -> None:
    pytester.makefile(
        ".config",
        **{
            ".ebextensions/data": """
Resources:
  LogsBucket:
    Type: AWS::S3::Bucket
    Properties:
      AccessControl: PublicRead
  AppDatabase:
    Type: AWS::RDS::DBInstance
    Properties:
      MasterUsername: admin
      MasterUserPassword: Example-Passw0rd-For-Tests
"""
        },
    )
    # pytester writes the text stripped: the logical id sits on line 2.
    reprec = pytester.inline_run("-p", "paassec", "-k", "EB-S3-003 or EB-RDS-004")
    failed = {report.nodeid.split("::")[-1]: report for report in reprec.getreports("pytest_runtest_logreport") if report.failed}
    assert sorted(failed) == ["EB-RDS-004[AWS_RDS_DBInstance/AppDatabase]", "EB-S3-003[AWS_S3_Bucket/LogsBucket]"]
    bucket = dict(failed["EB-S3-003[AWS_S3_Bucket/LogsBucket]"].user_properties)
    assert (bucket["paassec.resource"], bucket["paassec.line"]) == ("AWS_S3_Bucket/LogsBucket", "2")
    text = failed["EB-RDS-004[AWS_RDS_DBInstance/AppDatabase]"].longreprtext
    assert ".ebextensions/data.config:10  $.Resources.AppDatabase.Properties.MasterUserPassword" in text
    assert "Example-Passw0rd-For-Tests" not in text
