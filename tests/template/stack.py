"""template.yaml as written (SAM), as CloudFormation after the SAM transform, and small lookups in it."""

from __future__ import annotations

import copy
from pathlib import Path

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"


class NoManagedPolicyNames:
    """ManagedPolicyLoader stand-in: the template names no managed policy, so SAM must never look one up."""

    def load(self) -> dict[str, str]:
        raise AssertionError("template.yaml refers to a managed policy by name")


def packaged(sam: dict) -> dict:
    """What `sam package` hands to CloudFormation: local code folders and definition files replaced by S3 URIs."""
    sam = copy.deepcopy(sam)
    for resource in sam["Resources"].values():
        properties = resource.get("Properties", {})
        for key in ("CodeUri", "ContentUri"):
            if isinstance(properties.get(key), str):
                properties[key] = f"s3://deployment-bucket/{properties[key].strip('/')}.zip"
        if isinstance(properties.get("DefinitionUri"), str):
            properties["DefinitionUri"] = f"s3://deployment-bucket/{properties['DefinitionUri']}"
    return sam


def to_cloudformation(sam: dict) -> dict:
    return transform(packaged(sam), {}, NoManagedPolicyNames())


def load() -> dict:
    return yaml_parse(TEMPLATE.read_text())


def of_type(resources: dict, kind: str) -> dict:
    return {name: r for name, r in resources.items() if r["Type"] == kind}


def function_role(resources: dict, function: str) -> dict:
    role = resources[function]["Properties"]["Role"]
    return resources[role["Fn::GetAtt"][0]]


def as_list(value) -> list:
    return value if isinstance(value, list) else [value]
