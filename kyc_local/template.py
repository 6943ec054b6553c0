"""template.yaml → CloudFormation: YAML with the short intrinsic tags, then the SAM transform."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import boto3
import yaml
from samtranslator.parser.parser import Parser
from samtranslator.translator.translator import Translator

CODE_BUCKET = "kyc-local-code"
"""Stands in for the artifact bucket of `sam package`: Code.S3Key is the CodeUri path relative to the template."""


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps dates as strings (CloudFormation does) and reads `!Ref`, `!GetAtt`, `!Sub` ..."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _intrinsic(loader: _Loader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = value.split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if suffix in ("Ref", "Condition"):
        return {suffix: value}
    return {f"Fn::{suffix}": value}


_Loader.add_multi_constructor("!", _intrinsic)


def load_template(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return yaml.load(handle, Loader=_Loader)


class _NoManagedPolicies:
    """samtranslator falls back to its bundled map of AWS managed policies; no IAM call is made."""

    def load(self) -> dict[str, str]:
        return {}


def _point_code_at_bucket(properties: dict[str, Any]) -> None:
    for key in ("CodeUri", "ContentUri", "DefinitionUri"):
        value = properties.get(key)
        if isinstance(value, str) and not value.startswith("s3://"):
            properties[key] = f"s3://{CODE_BUCKET}/{value}"


def translate(template: dict[str, Any], parameters: dict[str, str], region: str) -> dict[str, Any]:
    """The CloudFormation template SAM would deploy; local code paths become `s3://kyc-local-code/<path>`."""
    for resource in template.get("Resources", {}).values():
        _point_code_at_bucket(resource.get("Properties", {}))
    for section in template.get("Globals", {}).values():
        _point_code_at_bucket(section)
    translator = Translator(None, Parser(), boto_session=boto3.session.Session(region_name=region))
    return translator.translate(
        template, parameter_values=dict(parameters), get_managed_policy_map=_NoManagedPolicies().load
    )
