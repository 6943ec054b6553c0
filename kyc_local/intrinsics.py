"""CloudFormation intrinsic functions and conditions, evaluated against the names the local stack gives resources."""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from typing import Any

NO_VALUE = object()
"""AWS::NoValue: the property (or list item) disappears."""

_SUB = re.compile(r"\$\{([^}]+)\}")


class TemplateError(ValueError):
    """The template uses something this runtime cannot resolve."""


class Resolver:
    """Resolves Ref, Fn::GetAtt, Fn::Sub, Fn::If and the rest against parameters and physical resource values.

    `ref(logical_id)` and `get_att(logical_id, attribute)` give a resource's Ref and attribute values.
    """

    def __init__(
        self,
        template: dict[str, Any],
        parameters: dict[str, Any],
        ref: Callable[[str], Any],
        get_att: Callable[[str, str], Any],
    ):
        self._template = template
        self._parameters = parameters
        self._ref = ref
        self._get_att = get_att
        self._conditions: dict[str, bool] = {}
        self.mappings: dict[str, Any] = template.get("Mappings", {})

    def condition(self, name: str) -> bool:
        if name not in self._conditions:
            definitions = self._template.get("Conditions", {})
            if name not in definitions:
                raise TemplateError(f"unknown condition {name}")
            self._conditions[name] = bool(self.resolve(definitions[name]))
        return self._conditions[name]

    def resolve(self, node: Any) -> Any:
        if isinstance(node, list):
            items = [self.resolve(item) for item in node]
            return [item for item in items if item is not NO_VALUE]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            (key, value), = node.items()
            function = _FUNCTIONS.get(key)
            if function is not None:
                return function(self, value)
        resolved = {key: self.resolve(value) for key, value in node.items()}
        return {key: value for key, value in resolved.items() if value is not NO_VALUE}

    def ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in self._parameters:
            return self._parameters[name]
        return self._ref(name)

    def get_att(self, logical: str, attribute: str) -> Any:
        return self._get_att(logical, attribute)

    def sub(self, text: str, variables: dict[str, Any]) -> str:
        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                return str(variables[name])
            if "." in name and not name.startswith("AWS::"):
                logical, attribute = name.split(".", 1)
                return str(self.get_att(logical, attribute))
            return str(self.ref(name))

        return _SUB.sub(replace, text)


def _sub(resolver: Resolver, value: Any) -> str:
    if isinstance(value, str):
        return resolver.sub(value, {})
    text, variables = value
    return resolver.sub(text, {name: resolver.resolve(item) for name, item in variables.items()})


def _get_att(resolver: Resolver, value: Any) -> Any:
    logical, attribute = value if isinstance(value, list) else value.split(".", 1)
    return resolver.get_att(logical, resolver.resolve(attribute))


def _if(resolver: Resolver, value: Any) -> Any:
    name, when_true, when_false = value
    return resolver.resolve(when_true if resolver.condition(name) else when_false)


def _join(resolver: Resolver, value: Any) -> str:
    separator, items = value
    return separator.join(str(item) for item in resolver.resolve(items))


def _select(resolver: Resolver, value: Any) -> Any:
    index, items = resolver.resolve(value)
    return items[int(index)]


def _split(resolver: Resolver, value: Any) -> list[str]:
    separator, text = resolver.resolve(value)
    return text.split(separator)


def _find_in_map(resolver: Resolver, value: Any) -> Any:
    name, first, second = resolver.resolve(value)
    return resolver.mappings[name][first][second]


def _equals(resolver: Resolver, value: Any) -> bool:
    left, right = resolver.resolve(value)
    return str(left) == str(right)


_FUNCTIONS: dict[str, Callable[[Resolver, Any], Any]] = {
    "Ref": lambda resolver, value: resolver.ref(value),
    "Condition": lambda resolver, value: resolver.condition(value),
    "Fn::Sub": _sub,
    "Fn::GetAtt": _get_att,
    "Fn::If": _if,
    "Fn::Join": _join,
    "Fn::Select": _select,
    "Fn::Split": _split,
    "Fn::FindInMap": _find_in_map,
    "Fn::Equals": _equals,
    "Fn::Not": lambda resolver, value: not resolver.resolve(value[0]),
    "Fn::And": lambda resolver, value: all(resolver.resolve(item) for item in value),
    "Fn::Or": lambda resolver, value: any(resolver.resolve(item) for item in value),
    "Fn::Base64": lambda resolver, value: base64.b64encode(str(resolver.resolve(value)).encode()).decode(),
}
