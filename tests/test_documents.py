"""Parsing: documents, line numbers and located errors, without pytest in the loop."""

from __future__ import annotations

import pytest

from pytest_paassec.errors import ParseError
from pytest_paassec.parsing.documents import parse_text, read_text

MULTI = """\
# leading comment
apiVersion: v1
kind: ConfigMap
metadata:
  name: one
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: two
spec:
  template:
    spec:
      containers:
        - name: app
          image: nginx
          env:
            - name: A
              value: b
"""


def test_yaml_documents_and_start_lines() -> None:
    parsed = parse_text("m.yaml", "yaml", MULTI)
    assert parsed.error is None
    assert [d.data["metadata"]["name"] for d in parsed.documents] == ["one", "two"]
    assert [d.start_line for d in parsed.documents] == [2, 6]


def test_yaml_line_of_nested_fields() -> None:
    second = parse_text("m.yaml", "yaml", MULTI).documents[1]
    containers = ("spec", "template", "spec", "containers")
    assert second.line_of(containers + (0, "image")) == 16
    assert second.line_of(containers + (0, "env", 0, "value")) == 19
    # A missing field points at the deepest part that exists.
    assert second.line_of(containers + (0, "securityContext", "privileged")) == 15


def test_yaml_syntax_error_is_located_and_keeps_earlier_documents() -> None:
    text = "a: 1\n---\nb: [1, 2\n"
    parsed = parse_text("bad.yaml", "yaml", text)
    assert [d.data for d in parsed.documents] == [{"a": 1}]
    assert isinstance(parsed.error, ParseError)
    assert parsed.error.path == "bad.yaml"
    assert parsed.error.line == 3  # where the unclosed [ began
    assert str(parsed.error).startswith("bad.yaml:3:")


def test_yaml_error_never_quotes_the_line() -> None:
    parsed = parse_text("s.yaml", "yaml", "password: hunter2-secret\n\tbad: tab\n")
    assert parsed.error is not None
    assert "hunter2" not in str(parsed.error)


def test_helm_template_gets_a_hint() -> None:
    parsed = parse_text("t.yaml", "yaml", "metadata:\n  name: {{ .Values.name }}\n  labels: {{- include \"x\" . }}\n")
    assert parsed.error is not None
    assert "helm template" in str(parsed.error)


def test_python_tags_are_refused_not_executed() -> None:
    parsed = parse_text("p.yaml", "yaml", "a: !!python/object/apply:os.system ['echo pwned']\n")
    assert parsed.error is not None and parsed.error.line == 1
    assert not parsed.documents


def test_cloudformation_short_tags_load_as_long_form() -> None:
    parsed = parse_text("e.config", "yaml", "Resources:\n  sg:\n    Properties:\n      GroupId: !Ref Sg\n      Arn: !GetAtt Role.Arn\n")
    properties = parsed.documents[0].data["Resources"]["sg"]["Properties"]
    assert properties == {"GroupId": {"Ref": "Sg"}, "Arn": {"Fn::GetAtt": ["Role", "Arn"]}}


def test_duplicate_keys_are_recorded_at_the_second_key() -> None:
    parsed = parse_text("d.yaml", "yaml", "securityContext:\n  privileged: false\n  privileged: true\n")
    assert parsed.documents[0].data == {"securityContext": {"privileged": True}}
    [duplicate] = parsed.duplicates
    assert (duplicate.key, duplicate.line, duplicate.first_line) == ("privileged", 3, 2)


def test_yaml_bomb_is_an_error() -> None:
    lines = ['a0: &a0 ["x","x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 9):
        refs = ",".join([f"*a{i - 1}"] * 10)
        lines.append(f"a{i}: &a{i} [{refs}]")
    parsed = parse_text("bomb.yaml", "yaml", "\n".join(lines) + "\n")
    assert parsed.error is not None and "bomb" in parsed.error.problem


def test_json_lines_and_errors() -> None:
    text = '{\n  "kind": "Pod",\n  "spec": {\n    "containers": [\n      {"image": "nginx"}\n    ]\n  }\n}\n'
    document = parse_text("p.json", "json", text).documents[0]
    assert document.line_of(("spec", "containers", 0, "image")) == 5
    assert document.line_of(("kind",)) == 2
    bad = parse_text("p.json", "json", '{\n  "a": 1\n  "b": 2\n}')
    assert bad.error is not None and (bad.error.line, bad.error.column) == (3, 3)


def test_json_with_comments_and_trailing_commas_is_accepted() -> None:
    text = '{\n  // a comment\n  "a": [1, 2,],\n  "b": {"c": "x//y",},\n}\n'
    parsed = parse_text("t.json", "json", text)
    assert parsed.error is None
    assert parsed.documents[0].data == {"a": [1, 2], "b": {"c": "x//y"}}
    assert parsed.documents[0].line_of(("b", "c")) == 4


def test_toml_lines_including_arrays_of_tables() -> None:
    text = 'app = "x"\n\n[http_service]\n  force_https = false\n\n[[services]]\n  internal_port = 1\n\n[[services]]\n  internal_port = 2\n  [[services.ports]]\n    port = 5432\n'
    document = parse_text("fly.toml", "toml", text).documents[0]
    assert document.line_of(("http_service", "force_https")) == 4
    assert document.line_of(("services", 1, "internal_port")) == 10
    assert document.line_of(("services", 1, "ports", 0, "port")) == 12
    bad = parse_text("fly.toml", "toml", 'app = "x"\nbroken =\n')
    assert bad.error is not None and bad.error.line == 2


def test_procfile() -> None:
    document = parse_text("Procfile", "procfile", "web: gunicorn app:app\n\nworker: celery -A app worker\n").documents[0]
    assert document.data == {"processes": {"web": "gunicorn app:app", "worker": "celery -A app worker"}}
    assert document.line_of(("processes", "worker")) == 3
    assert parse_text("Procfile", "procfile", "no colon here\n").error.line == 1  # type: ignore[union-attr]


def test_read_text_limits_and_encodings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    big = tmp_path / "big.yaml"
    big.write_text("a: 1\n" * 100)
    with pytest.raises(ParseError, match="over the paassec_max_file_size"):
        read_text(big, "big.yaml", 10)
    binary = tmp_path / "bin.yaml"
    binary.write_bytes(b"\x00\x01\x02")
    with pytest.raises(ParseError, match="binary"):
        read_text(binary, "bin.yaml", 1000)
    latin = tmp_path / "l.yaml"
    latin.write_bytes(b"a: 1\nb: caf\xe9\n")
    with pytest.raises(ParseError) as info:
        read_text(latin, "l.yaml", 1000)
    assert info.value.line == 2
    bom = tmp_path / "bom.yaml"
    bom.write_bytes(b"\xef\xbb\xbfa: 1\r\nb: 2\r\n")
    assert parse_text("bom.yaml", "yaml", read_text(bom, "bom.yaml", 1000)).documents[0].data == {"a": 1, "b": 2}


def test_no_base60_numbers_as_in_yaml_1_2() -> None:
    data = parse_text("c.yml", "yaml", 'ports:\n  - 22:22\n  - "80:80"\ntime: 12:30\nn: 0x1f\n').documents[0].data
    assert data == {"ports": ["22:22", "80:80"], "time": "12:30", "n": 31}
