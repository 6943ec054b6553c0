"""What triggers each of the template's functions, and which events fit which function (`kyc invoke --list`).

A function's triggers come from the translated template of one workflow: the bucket's Lambda notifications, SQS
event source mappings, HTTP API routes, EventBridge rule targets, and the state machines' Lambda tasks (with the
payload keys each task is given). An event fits a function by its shape: an S3 or SQS record, an HTTP API request on
one of the function's routes, an EventBridge event, or else a Step Functions task payload, which fits the tasks whose
payload keys it carries (the tasks that use most of its keys).
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kyc_local.naming import Names
from kyc_local.provision import Provisioner
from kyc_local.stack import ACCOUNT, WORKFLOWS, StackOptions
from kyc_local.template import CODE_BUCKET, load_template, translate

_PLACEHOLDER = re.compile(r"^\$\{([^}]+)\}$")
# samtranslator warns of its own unpublished metrics when a translator is collected: noise for a command's user
logging.getLogger("samtranslator.metrics.metrics").setLevel(logging.ERROR)


@dataclass(frozen=True)
class Trigger:
    kind: str  # S3, SQS, HTTP, EventBridge, StepFunctions
    detail: str  # what a person reads: the bucket, queue, route ("POST /license") or state
    keys: frozenset[str] = frozenset()  # a Step Functions task's payload keys


def plan(template: Path, workflow: str, parameters: dict[str, str]) -> dict[str, list[Trigger]]:
    """Each function of the template in this workflow (logical id) → its triggers."""
    options = StackOptions(template=template, workflow=workflow)
    translated = translate(load_template(template), {}, options.region)
    names = Names(translated.get("Resources", {}), options.stack_name, ACCOUNT, options.region, "http://127.0.0.1")
    overrides = dict(parameters)
    if "Workflow" in translated.get("Parameters", {}):
        overrides.setdefault("Workflow", WORKFLOWS[workflow])
    provisioner = Provisioner(translated, overrides, names, template.parent, options.region)
    resources, resolve = provisioner.resources, provisioner.resolver.resolve
    functions = {names.name(logical): logical for logical, resource in resources.items()
                 if resource["Type"] == "AWS::Lambda::Function"}
    triggers: dict[str, list[Trigger]] = {logical: [] for logical in functions.values()}

    def add(function: str, trigger: Trigger) -> None:
        logical = functions.get(_function_name(function))
        if logical:
            triggers[logical].append(trigger)

    for logical, resource in resources.items():
        kind, props = resource["Type"], resource.get("Properties", {})
        if kind == "AWS::S3::Bucket":
            for config in resolve(props.get("NotificationConfiguration", {})).get("LambdaConfigurations", []):
                add(config["Function"], Trigger("S3", f"{config['Event']} on {names.name(logical)}"))
        elif kind == "AWS::Lambda::EventSourceMapping":
            mapping = resolve(props)
            add(mapping["FunctionName"], Trigger("SQS", mapping["EventSourceArn"].rsplit(":", 1)[-1]))
        elif kind == "AWS::Events::Rule":
            for target in resolve(props).get("Targets", []):
                add(target["Arn"], Trigger("EventBridge", f"rule {names.name(logical)}"))
        elif kind == "AWS::StepFunctions::StateMachine":
            for function, trigger in _tasks(logical, resolve(props), template.parent):
                add(function, trigger)
    for api in provisioner.http_apis():
        for route in api.routes:
            add(route.function, Trigger("HTTP", route.key))
    return triggers


def fitting(event: Any, triggers: dict[str, list[Trigger]]) -> list[str]:
    """The functions (logical ids) this event fits."""
    kind = kind_of(event)
    if kind == "StepFunctions":
        keys = set(event)
        covered = {logical: max(len(t.keys) for t in found) for logical, ts in triggers.items()
                   if (found := [t for t in ts if t.kind == kind and t.keys <= keys])}
        best = max(covered.values(), default=0)
        return [logical for logical, size in covered.items() if size == best]
    route = event.get("routeKey") if kind == "HTTP" else None
    queue = _queue_name(event) if kind == "SQS" else None
    return [logical for logical, ts in triggers.items()
            if any(t.kind == kind and (route is None or t.detail == route)
                   and (queue is None or t.detail.rsplit("-", 1)[-1] in queue) for t in ts)]


def _queue_name(event: dict[str, Any]) -> str:
    """The queue an SQS event's first record came from ('LicenseQueue', or a stack's physical queue name)."""
    return str(event["Records"][0].get("eventSourceARN", "")).rsplit(":", 1)[-1]


def kind_of(event: Any) -> str:
    """The service an event comes from, by its shape; "" when it is not a JSON object."""
    if not isinstance(event, dict):
        return ""
    records = event.get("Records")
    if isinstance(records, list) and records and isinstance(records[0], dict):
        return {"aws:s3": "S3", "aws:sqs": "SQS"}.get(records[0].get("eventSource", ""), "")
    if "routeKey" in event and "requestContext" in event:
        return "HTTP"
    if "detail-type" in event and "source" in event:
        return "EventBridge"
    return "StepFunctions"


def render(template: Path, events: dict[str, Any], parameters: dict[str, str]) -> str:
    """`kyc invoke --list`: every function of either workflow, its triggers in each, and the events (name → event)
    that fit it."""
    rows: dict[str, tuple[dict[str, str], list[str]]] = {}
    for workflow in WORKFLOWS:
        triggers = plan(template, workflow, parameters)
        fits = {name: fitting(event, triggers) for name, event in events.items()}
        for logical, found in triggers.items():
            how, names = rows.setdefault(logical, ({}, []))
            how[workflow] = "; ".join(f"{trigger.kind} {trigger.detail}" for trigger in found) or "no trigger"
            names += [name for name, functions in fits.items() if logical in functions and name not in names]
    lines: list[str] = []
    for logical, (how, names) in rows.items():
        if len(set(how.values())) == 1:
            lines.append(f"{logical}  (workflow {' and '.join(how)}: {next(iter(how.values()))})")
        else:
            lines.append(f"{logical}  ({'; '.join(f'workflow {w}: {h}' for w, h in how.items())})")
        lines += [f"  {name}" for name in names]
    return "\n".join(lines)


def _tasks(logical: str, props: dict[str, Any], root: Path) -> list[tuple[str, Trigger]]:
    """The Lambda tasks of a state machine: (function, trigger with the payload keys the state gives it)."""
    if "Definition" in props:
        definition = props["Definition"]
    elif "DefinitionString" in props:
        definition = json.loads(props["DefinitionString"])
    else:
        location = props.get("DefinitionS3Location", {})
        if location.get("Bucket") != CODE_BUCKET:
            return []
        definition = json.loads((root / location["Key"]).read_text(encoding="utf-8"))
    substitutions = props.get("DefinitionSubstitutions", {})
    found: list[tuple[str, Trigger]] = []

    def walk(states: dict[str, Any]) -> None:
        for name, state in states.items():
            for branch in state.get("Branches", []) + [state.get("ItemProcessor") or state.get("Iterator") or {}]:
                walk(branch.get("States", {}))
            parameters = state.get("Parameters") if state.get("Type") == "Task" else None
            if not isinstance(parameters, dict) or "FunctionName" not in parameters:
                continue
            function = str(parameters["FunctionName"])
            placeholder = _PLACEHOLDER.match(function)
            if placeholder:
                function = str(substitutions.get(placeholder.group(1), function))
            payload = parameters.get("Payload")
            keys = frozenset(key.removesuffix(".$") for key in payload) if isinstance(payload, dict) else frozenset()
            found.append((function, Trigger("StepFunctions", f"state {name} of {logical}", keys)))

    walk(definition.get("States", {}))
    return found


def _function_name(name_or_arn: str) -> str:
    """`name`, `name:qualifier` or a function ARN → name."""
    parts = name_or_arn.split(":")
    return parts[6] if name_or_arn.startswith("arn:") and len(parts) >= 7 else parts[0]
