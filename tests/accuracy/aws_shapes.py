"""A response body checked against an AWS operation's output shape from botocore's service model, recursively:
every key a member of its structure, required members present, each value of its shape's type, enums respected."""

from __future__ import annotations

from typing import Any

import botocore.session
from botocore.model import Shape

_SCALARS: dict[str, tuple[type, ...]] = {
    "string": (str,), "integer": (int,), "long": (int,), "float": (float, int), "double": (float, int),
    "boolean": (bool,), "timestamp": (str, int, float), "blob": (str,),
}


def output_shape(service: str, operation: str) -> Shape:
    model = botocore.session.get_session().get_service_model(service)
    return model.operation_model(operation).output_shape


def violations(value: Any, shape: Shape, path: str = "$") -> list[str]:
    """Where `value` (decoded JSON) departs from `shape`; empty when it conforms."""
    kind = shape.type_name
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{path}: {type(value).__name__}, not a {shape.name} structure"]
        found = [f"{path}.{key}: not a member of {shape.name}" for key in value if key not in shape.members]
        found += [f"{path}.{key}: required by {shape.name}, missing" for key in shape.required_members
                  if key not in value]
        for key, item in value.items():
            if key in shape.members:
                found += violations(item, shape.members[key], f"{path}.{key}")
        return found
    if kind == "list":
        if not isinstance(value, list):
            return [f"{path}: {type(value).__name__}, not a list"]
        return [problem for index, item in enumerate(value)
                for problem in violations(item, shape.member, f"{path}[{index}]")]
    if kind == "map":
        if not isinstance(value, dict):
            return [f"{path}: {type(value).__name__}, not a map"]
        return [problem for key, item in value.items() for problem in violations(item, shape.value, f"{path}.{key}")]
    allowed = _SCALARS[kind]
    if not isinstance(value, allowed) or (isinstance(value, bool) and bool not in allowed):
        return [f"{path}: {type(value).__name__}, not {kind}"]
    enum = shape.metadata.get("enum")
    if enum and value not in enum:
        return [f"{path}: {value!r} not one of {shape.name}"]
    return []
