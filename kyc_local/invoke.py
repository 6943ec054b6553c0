"""`kyc invoke`: one function's handler run once on one event, the way `sam local invoke` runs it, without Docker.

The handler runs in a fresh interpreter (kyc_local.cold_start: a cold start, as in sam's new container) with what the
local runtime gives it: the template's variables as the stack resolved them, the stack's endpoints, credentials and
region, and sam's `--env-vars` on top; nothing of the user's AWS configuration. It calls the stack `kyc up` runs from
the same working folder, or a stack started for this one invocation when none runs there. Standard output gets the
response, or Lambda's error payload; the log stream gets the handler's output between START and END, and the REPORT
line; the stack's CloudWatch Logs get START/END/REPORT as for its own invocations.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TextIO

from kyc_local import triggers
from kyc_local.background import stack_process
from kyc_local.lambdas import FunctionSpec
from kyc_local.stack import WORKFLOWS, runtime_environment
from kyc_local.workspace import Workspace

_NOT_INHERITED = ("AWS_", "POWERTOOLS_")  # the user's AWS configuration and tool settings never reach a handler


class InvokeError(Exception):
    """The invocation cannot be made as asked (exit status 2); the message says why."""


@dataclass
class Request:
    function: str  # the template's logical id
    event: Any
    workflow: str | None = None  # None: the running stack's, else the first workflow that has the function
    parameters: dict[str, str] | None = None
    env_vars: dict[str, Any] | None = None  # sam's --env-vars file: {"Parameters": {...}, "<LogicalId>": {...}}


def invoke(request: Request, workspace: Workspace, template: Path, log: TextIO, out: TextIO) -> int:
    """Run the invocation; 0 when the function returned, 1 when it failed. Raises InvokeError."""
    parameters = request.parameters or {}
    running = workspace.read_stack()
    if running is not None:
        _check_matches(running, request.workflow, parameters)
        _say(f"on the stack of `kyc up` (pid {running['pid']}, workflow {running['workflow']}) at {running['aws_url']}")
        return _invoke_on(running, request, log, out)
    workflow = _workflow_of(request.function, request.workflow, template, parameters)
    _say(f"no stack is running in {workspace.folder}: starting one (workflow {workflow}) for this invocation ...")
    with stack_process(workspace, workflow, parameters, template) as started:
        return _invoke_on(started, request, log, out)


def env_var_overrides(env_vars: dict[str, Any], spec: FunctionSpec) -> tuple[dict[str, str], list[str]]:
    """sam's --env-vars: "Parameters" for every function, the function's own (by logical id or name) over them; as
    sam does, only variables the template declares for the function are set. Returns (variables, ignored names)."""
    given = {**env_vars.get("Parameters", {}), **env_vars.get(spec.name, {}), **env_vars.get(spec.logical_id, {})}
    variables = {name: _text(value) for name, value in given.items() if name in spec.environment}
    return variables, sorted(set(given) - set(variables))


def _invoke_on(running: dict[str, Any], request: Request, log: TextIO, out: TextIO) -> int:
    spec = _spec(running, request.function)
    overrides, ignored = env_var_overrides(request.env_vars or {}, spec)
    if ignored:
        _say(f"--env-vars: not declared for {spec.logical_id} in the template, so not set (as sam): "
             f"{', '.join(ignored)}")
    environment = {name: value for name, value in os.environ.items() if not name.startswith(_NOT_INHERITED)}
    environment |= runtime_environment(running["aws_url"], running["region"], running.get("meter_url"))
    environment |= spec.environment | overrides
    with tempfile.TemporaryDirectory(prefix="kyc-invoke-") as folder:
        response_file = Path(folder) / "response.json"
        job = {"spec": {**asdict(spec), "code_dir": str(spec.code_dir)}, "event": request.event,
               "request_id": str(uuid.uuid4()), "aws_url": running["aws_url"], "region": running["region"],
               "response_file": str(response_file)}
        log.flush()
        done = subprocess.run([sys.executable, "-u", "-m", "kyc_local.cold_start"], input=json.dumps(job), text=True,
                              stdout=log, stderr=log, env=environment, check=False)
        if not response_file.exists():
            raise InvokeError(f"the function's process ended (status {done.returncode}) without a response")
        print(response_file.read_text(encoding="utf-8"), file=out, flush=True)
    return done.returncode


def _spec(running: dict[str, Any], function: str) -> FunctionSpec:
    if "functions" not in running:
        raise InvokeError("the running `kyc up` predates `kyc invoke` and does not publish its functions: restart it")
    specs = {spec["logical_id"]: spec for spec in running["functions"]}
    if function not in specs:
        raise InvokeError(f"{function} is not a function of the running stack (workflow {running['workflow']}); "
                          f"it has {', '.join(specs)}")
    return FunctionSpec(**{**specs[function], "code_dir": Path(specs[function]["code_dir"])})


def _check_matches(running: dict[str, Any], workflow: str | None, parameters: dict[str, str]) -> None:
    """A running stack's workflow and parameters were fixed when it started: a request for others is refused."""
    started_with = running.get("parameters", {})
    differing = [f"--workflow {workflow}"] if workflow and workflow != running.get("workflow") else []
    differing += [f"--param {name}={value}" for name, value in parameters.items() if started_with.get(name) != value]
    if differing:
        raise InvokeError(f"the stack `kyc up` runs (pid {running['pid']}) was not started with "
                          f"{' '.join(differing)}: leave them out, restart `kyc up` with them, or use another "
                          "--workdir for a stack of this invocation's own")


def _workflow_of(function: str, workflow: str | None, template: Path, parameters: dict[str, str]) -> str:
    for candidate in [workflow] if workflow else list(WORKFLOWS):
        if function in triggers.plan(template, candidate, parameters):
            return candidate
    where = f"the {workflow} workflow of " if workflow else ""
    raise InvokeError(f"{function} is not a function of {where}{template.name} (`kyc invoke --list` names them)")


def _text(value: Any) -> str:
    """An --env-vars value as a variable's text: JSON booleans as true/false, like sam."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _say(message: str) -> None:
    print(f"kyc invoke: {message}", file=sys.stderr, flush=True)
