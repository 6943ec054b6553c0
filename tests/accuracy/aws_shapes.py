"""A response body checked against an AWS operation's output shape from botocore's service model, recursively:
every key a member of its structure, required members present, each value of its shape's type, enums respected;
and a document's Textract Blocks checked against what the API reference says of them (one PAGE, LINEs and WORDs
linked by CHILD relationships, geometry in ratios of the page)."""

from __future__ import annotations

import uuid
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


def block_problems(blocks: list[dict[str, Any]]) -> list[str]:
    """Where one IdentityDocument's Blocks depart from a Textract page of text: one PAGE whose CHILD ids are exactly
    its LINEs, each LINE's CHILD ids WORDs whose texts make up the line, each WORD (TextType PRINTED) in one LINE;
    every block a UUID Id and Page 1, LINE and WORD a Text and a Confidence in 0–100, geometry within [0, 1] with a
    4-point Polygon inside its BoundingBox."""
    problems: list[str] = []
    by_id = {block.get("Id"): block for block in blocks}
    kinds = [block.get("BlockType") for block in blocks]
    if len(by_id) != len(blocks):
        problems.append("block Ids repeat")
    if kinds.count("PAGE") != 1:
        problems.append(f"{kinds.count('PAGE')} PAGE blocks, not 1")
    for block in blocks:
        problems += [f"{block.get('Id')}: {problem}" for problem in _block_problems(block)]
    lines = [block["Id"] for block in blocks if block.get("BlockType") == "LINE"]
    words = [block["Id"] for block in blocks if block.get("BlockType") == "WORD"]
    page = next((block for block in blocks if block.get("BlockType") == "PAGE"), {})
    if lines and _children(page) != lines:
        problems.append("the PAGE's CHILD ids are not its LINEs")
    claimed: list[str] = []
    for line_id in lines:
        children = _children(by_id[line_id])
        claimed += children
        if not children or any(by_id.get(child, {}).get("BlockType") != "WORD" for child in children):
            problems.append(f"{line_id}: a LINE's CHILD ids are not WORDs")
        elif "".join(by_id[child]["Text"] for child in children) != by_id[line_id]["Text"].replace(" ", ""):
            problems.append(f"{line_id}: the LINE's text is not its WORDs'")
    if sorted(claimed) != sorted(words):
        problems.append("WORDs not each in exactly one LINE")
    return problems


def _block_problems(block: dict[str, Any]) -> list[str]:
    problems = []
    try:
        uuid.UUID(block.get("Id", ""))
    except ValueError:
        problems.append("Id is not a UUID")
    if block.get("Page") != 1:
        problems.append("Page is not 1")
    if block.get("BlockType") in {"LINE", "WORD"}:
        if not isinstance(block.get("Text"), str) or not block["Text"].strip():
            problems.append("no Text")
        if not 0 <= block.get("Confidence", -1) <= 100:
            problems.append("Confidence outside 0-100")
    if block.get("BlockType") == "WORD" and block.get("TextType") != "PRINTED":
        problems.append("a WORD's TextType is not PRINTED")
    geometry = block.get("Geometry", {})
    box, polygon = geometry.get("BoundingBox", {}), geometry.get("Polygon", [])
    left, top, width, height = (box.get(key, -1) for key in ("Left", "Top", "Width", "Height"))
    if not (0 <= left and 0 <= top and 0 <= width and 0 <= height and left + width <= 1 + 1e-6
            and top + height <= 1 + 1e-6):
        problems.append(f"BoundingBox outside the page: {box}")
    if len(polygon) != 4 or not all(left - 1e-6 <= point["X"] <= left + width + 1e-6
                                    and top - 1e-6 <= point["Y"] <= top + height + 1e-6 for point in polygon):
        problems.append("Polygon is not 4 points inside the BoundingBox")
    return problems


def _children(block: dict[str, Any]) -> list[str]:
    return [child for relation in block.get("Relationships", []) if relation.get("Type") == "CHILD"
            for child in relation.get("Ids", [])]
