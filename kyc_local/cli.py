"""`kyc`: run the whole onboarding pipeline on this machine (moto + the handlers + the local vision engines)."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import signal
import sys
import threading
from collections.abc import Callable
from contextlib import ExitStack
from importlib.metadata import version
from pathlib import Path
from typing import Any, TextIO

from kyc_local import console, triggers
from kyc_local.check import check_file
from kyc_local.check import render as render_check
from kyc_local.check import render_json as render_check_json
from kyc_local.invoke import InvokeError, Request, invoke
from kyc_local.results import Runner, app_uuid_of, dead_letters, read, render_json, render_table, valid_app_uuid
from kyc_local.stack import PROJECT_ROOT, LocalStack, StackOptions
from kyc_local.workspace import Workspace

SAMPLES = PROJECT_ROOT / "UnitTests"
EVENTS = PROJECT_ROOT / "events"
DEFAULT_WORKDIR = PROJECT_ROOT / ".kyc"
EXAMPLES = """examples:
  kyc demo                                  the sample bundles through part 1, a table of results
  kyc run --workflow stepfunctions my.zip   your bundles through part 2
  kyc check my.zip                          the bundle contract (docs/bundle-format.md), offline
  kyc up                                    keep the stack running; prints endpoints and AWS CLI commands
  kyc status 8d247914                       an application's status, reasons and check details on `kyc up`'s stack
  kyc invoke --list                         the functions and the sample events that fit each
"""


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["samples"]:  # everything after it is the generator's
        from kyc_local.samples.__main__ import main as make_samples

        make_samples(argv[1:])
        return 0
    args = _parser().parse_args(argv)
    try:
        return _command(args)
    except KeyboardInterrupt:
        _say("interrupted; the stack is stopped")
        return 130


def _command(args: argparse.Namespace) -> int:
    if args.command == "check":
        return _check(args.bundles, args.json)
    workspace = Workspace(args.workdir)
    if args.command == "status":
        return _status(workspace, args.app_uuid, args.json)
    if args.command == "invoke":
        return _invoke(workspace, args)
    options = StackOptions(template=args.template, workdir=args.workdir, workflow=args.workflow,
                           parameters=dict(args.param), retry_wait=args.retry_wait, port=args.port,
                           vision=not args.no_vision, faults=args.faults, deliveries=args.deliveries)
    _keep_files_in_project()
    if args.command == "up":
        return _up(workspace, options, args.json)
    bundles = sorted(SAMPLES.glob("*.zip")) if args.command == "demo" else args.bundles
    return _run(workspace, options, bundles, args.json, args.timeout)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kyc", description=__doc__, epilog=EXAMPLES,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"%(prog)s {version('kyc-onboarding')}")
    commands = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--workflow", choices=["lambda", "stepfunctions"], default="lambda",
                        help="part 1 (one Lambda) or part 2 (Step Functions); default lambda")
    common.add_argument("--template", type=Path, default=PROJECT_ROOT / "template.yaml", help=argparse.SUPPRESS)
    common.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR,
                        help="working folder (outbox, logs); default .kyc/ in the project")
    common.add_argument("--param", action="append", default=[], type=_key_value, metavar="NAME=VALUE",
                        help="template parameter override, e.g. --param TestMode=true (repeatable)")
    common.add_argument("--retry-wait", type=float, default=1.0, metavar="SECONDS",
                        help="wait before a failed event is retried (AWS: 1-2 min async, the queue's 300 s "
                             "visibility for SQS); default 1")
    common.add_argument("--port", type=int, default=0, help="port of the AWS endpoint; default: any free port")
    common.add_argument("--no-vision", action="store_true", help=argparse.SUPPRESS)
    common.add_argument("--faults", type=float, default=0.0, metavar="SHARE",
                        help="fail this share of the handlers' AWS calls with throttling or 5xx, e.g. 0.2 (hardening)")
    common.add_argument("--deliveries", type=int, default=1, metavar="N",
                        help="deliver every S3/EventBridge event and SQS message N times (duplicate delivery)")
    demo = commands.add_parser("demo", parents=[common], help="run the UnitTests/ sample bundles and show results",
                               epilog="example: kyc demo --workflow stepfunctions")
    run = commands.add_parser(
        "run", parents=[common], help="run bundles through the pipeline",
        epilog="examples: kyc run UnitTests/8d247914.zip; kyc run --json *.zip > results.json (exit 1 when any "
               "bundle ends in ERROR or does not finish)")
    run.add_argument("bundles", nargs="+", type=Path, metavar="BUNDLE.zip")
    for command in (demo, run):
        command.add_argument("--json", action="store_true", help="print a JSON array instead of a table")
        command.add_argument("--timeout", type=float, default=90.0, metavar="SECONDS",
                             help="deadline of each bundle from its upload; default 90")
    up = commands.add_parser("up", parents=[common], help="start the stack and keep it running until Ctrl-C",
                             epilog="examples: kyc up; kyc up --json > endpoints.json & (the endpoints for scripts)")
    up.add_argument("--json", action="store_true", help="print the endpoints as one JSON object once ready")
    status = commands.add_parser(
        "status", help="an application's record on the stack started by `kyc up`",
        epilog="example: kyc status 8d247914 --json (status, reasons, attempt, and each check's details)")
    status.add_argument("app_uuid")
    status.add_argument("--json", action="store_true", help="print the record as JSON")
    status.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR, help=argparse.SUPPRESS)
    check = commands.add_parser(
        "check", help="check bundles against the bundle contract offline, with the pipeline's own code",
        description="Check each bundle as the pipeline would when it is uploaded to zipped/<file name>: every "
                    "problem on one line with its fix (docs/bundle-format.md). Exit 1 when any bundle fails.",
        epilog="examples: kyc check my-app-1.zip; kyc check --json build/*.zip (for CI)")
    check.add_argument("bundles", nargs="+", type=Path, metavar="BUNDLE.zip")
    check.add_argument("--json", action="store_true", help="print a JSON array of verdicts")
    commands.add_parser("samples", help="generate the sample bundles (kyc samples --help: the generator's options)")
    _invoke_parser(commands)
    return parser


def _invoke_parser(commands: Any) -> None:
    invoke_command = commands.add_parser(
        "invoke", help="run one function on one event, like `sam local invoke` (no Docker)",
        description="Run one function's handler on one event as the local runtime runs it, against the stack "
                    "`kyc up` runs from the same --workdir, or a stack started for this invocation when none runs. "
                    "The response (or the error payload: exit 1) on standard output; the function's logs and the "
                    "REPORT line on standard error.")
    invoke_command.add_argument("function", nargs="?", metavar="FUNCTION",
                                help="the template's logical id, e.g. DocumentLambdaFunction")
    invoke_command.add_argument("-e", "--event", metavar="EVENT.json",
                                help="the event: a JSON file, or - for standard input; default {}")
    invoke_command.add_argument("--list", action="store_true",
                                help="name the functions and the sample events in events/ that fit each")
    invoke_command.add_argument("--workflow", choices=["lambda", "stepfunctions"],
                                help="default: the running stack's, else the first workflow that has FUNCTION")
    invoke_command.add_argument("--param", action="append", default=[], type=_key_value, metavar="NAME=VALUE",
                                help="template parameter override (repeatable)")
    invoke_command.add_argument("--parameter-overrides", action="append", default=[], type=_parameter_overrides,
                                metavar="'NAME=VALUE ...'",
                                help="sam's form: 'Name=Value ...' or 'ParameterKey=Name,ParameterValue=Value ...'")
    invoke_command.add_argument("--env-vars", type=Path, metavar="FILE.json",
                                help='sam\'s form: {"Parameters": {"VAR": "value"}, "<LogicalId>": {"VAR": "value"}}')
    invoke_command.add_argument("--log-file", type=Path, metavar="FILE",
                                help="append the function's logs and the REPORT line to FILE, not standard error")
    invoke_command.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR,
                                help="working folder whose `kyc up` stack to use; default .kyc/ in the project")
    invoke_command.add_argument("--template", type=Path, default=PROJECT_ROOT / "template.yaml",
                                help=argparse.SUPPRESS)


def _key_value(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError("expected NAME=VALUE")
    return name, value


def _parameter_overrides(text: str) -> list[tuple[str, str]]:
    pairs = []
    for token in shlex.split(text):
        if token.startswith("ParameterKey="):
            name, sep, value = token.removeprefix("ParameterKey=").partition(",ParameterValue=")
            if not sep or not name:
                raise argparse.ArgumentTypeError("expected ParameterKey=NAME,ParameterValue=VALUE")
            pairs.append((name, value))
        else:
            pairs.append(_key_value(token))
    return pairs


def _invoke(workspace: Workspace, args: argparse.Namespace) -> int:
    parameters = dict(args.param + [pair for pairs in args.parameter_overrides for pair in pairs])
    if args.list:
        events = {f"events/{path.name}": json.loads(path.read_text(encoding="utf-8"))
                  for path in sorted(EVENTS.glob("*.json"))}
        print(triggers.render(args.template, events, parameters))
        return 0
    if not args.function:
        print("kyc invoke: name a FUNCTION (`kyc invoke --list` names them)", file=sys.stderr)
        return 2
    try:
        request = Request(args.function, _read_json(args.event, "{}"), args.workflow, parameters,
                          _read_json(str(args.env_vars) if args.env_vars else None, "{}"))
        with ExitStack() as files:
            log = files.enter_context(open(args.log_file, "a", encoding="utf-8")) if args.log_file else sys.stderr
            return invoke(request, workspace, args.template, log, sys.stdout)
    except (InvokeError, OSError, ValueError, RuntimeError) as error:
        print(f"kyc invoke: {error}", file=sys.stderr)
        return 2


def _read_json(source: str | None, default: str) -> Any:
    """A JSON file's content, standard input's for "-"."""
    if source is None:
        return json.loads(default)
    text = sys.stdin.read() if source == "-" else Path(source).read_text(encoding="utf-8")
    try:
        return json.loads(text)
    except ValueError as error:
        raise ValueError(f"{source} is not JSON: {error}") from None


def _keep_files_in_project() -> None:
    """Nothing written outside the project: the engines' caches and onnxruntime's telemetry storage (read from
    XDG_CACHE_HOME, else HOME/.cache) go under .cache/, and onnxruntime's telemetry events are turned off."""
    cache = PROJECT_ROOT / ".cache"
    os.environ["XDG_CACHE_HOME"] = str(cache)
    os.environ["MPLCONFIGDIR"] = str(cache / "matplotlib")
    os.environ["NUMBA_CACHE_DIR"] = str(cache / "numba")
    try:
        import onnxruntime
    except ImportError:  # installed without the vision engines
        return
    onnxruntime.disable_telemetry_events()


def _check(bundles: list[Path], as_json: bool) -> int:
    missing = [str(bundle) for bundle in bundles if not bundle.is_file()]
    if missing:
        print(f"kyc check: not found: {', '.join(missing)}", file=sys.stderr)
        return 2
    verdicts = [check_file(bundle) for bundle in bundles]
    print(render_check_json(verdicts) if as_json else render_check(verdicts))
    return 0 if all(verdict.accepted for verdict in verdicts) else 1


def _run(workspace: Workspace, options: StackOptions, bundles: list[Path], as_json: bool, timeout: float) -> int:
    problem = _check_bundles(bundles)
    if problem:
        print(f"kyc: {problem}", file=sys.stderr)
        return 2
    with workspace.function_logs() as out, _stack(options) as stack:
        _say(f"stack up in {stack.started_in:.2f} s; warming the vision engines ...")
        stack.ready()
        dlqs = {name: stack.resource(name) for name in ("DocumentDeadLetterQueue", "LicenseDeadLetterQueue")
                if name in stack.deployment.physical}
        runner = Runner(stack.client("s3"), stack.client("dynamodb"), stack.resource("DocumentBucket"),
                        stack.resource("CustomerMetadataTable"), timeout=timeout,
                        locate=dead_letters(stack.client("sqs"), dlqs))
        _say(f"uploading {len(bundles)} bundle(s) to s3://{stack.resource('DocumentBucket')}/zipped/")
        results = runner.run(bundles, _progress_bar(sys.stderr))
        stack.settle()
        _print(out, render_json(results) if as_json else render_table(results))
        _say(f"SECONDS: upload → final status, up to {runner.parallel} bundles in flight")
        if stack.meter:
            _say(f"paid calls: {stack.meter.count('CompareFaces')} CompareFaces, "
                 f"{stack.meter.count('AnalyzeID')} AnalyzeID")
        _say(f"outbox: {len(stack.outbox.files) if stack.outbox else 0} e-mail(s) in {stack.outbox_folder}")
        _say(f"function logs: {workspace.log_file}")
    unfinished = [r.app_uuid for r in results if not r.final]
    errors = [r.app_uuid for r in results if r.status == "ERROR"]
    if unfinished:
        _say(f"did not finish: {', '.join(unfinished)}")
    if errors:
        _say(f"ended in ERROR: {', '.join(errors)}")
    return 1 if unfinished or errors else 0


def _check_bundles(bundles: list[Path]) -> str:
    if not bundles:
        return f"no bundles (the samples live in {SAMPLES}; `kyc samples` makes them)"
    missing = [str(bundle) for bundle in bundles if not bundle.is_file()]
    if missing:
        return f"not found: {', '.join(missing)}"
    ids = [app_uuid_of(bundle) for bundle in bundles]
    invalid = [bundle.name for bundle, app_uuid in zip(bundles, ids, strict=True)
               if bundle.suffix != ".zip" or not valid_app_uuid(app_uuid)]
    if invalid:
        return f"name bundles <app_uuid>.zip, app_uuid 1-64 of A-Z a-z 0-9 _ - (the key): {', '.join(invalid)}"
    if len(set(ids)) != len(ids):
        return "two bundles have the same app_uuid"
    return ""


def _up(workspace: Workspace, options: StackOptions, as_json: bool) -> int:
    # Ctrl-C stops the stack even when `kyc up` was started with SIGINT ignored, as a shell's background job is
    signal.signal(signal.SIGINT, signal.default_int_handler)
    with workspace.function_logs() as out, _stack(options) as stack:
        warming = "; warming the vision engines ..." if stack.meter else ""
        _say(f"stack up in {stack.started_in:.2f} s{warming}")
        stack.ready()
        workspace.write_stack(stack)
        _print(out, json.dumps(_endpoint_map(stack, workspace), indent=2) if as_json else _endpoints(stack, workspace))
        stopped = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stopped.set())
        try:
            stopped.wait()
        finally:
            workspace.forget_stack()
    return 0


def _endpoint_map(stack: LocalStack, workspace: Workspace) -> dict[str, Any]:
    """`kyc up --json`: what a script needs to reach the stack."""
    physical = stack.deployment.physical
    return {
        "aws_url": stack.aws_url,
        "region": stack.options.region,
        "credentials": {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"},
        "vision_url": stack.meter.url if stack.meter else None,
        "http_apis": stack.api_urls,
        "bucket": physical.get("DocumentBucket"),
        "table": physical.get("CustomerMetadataTable"),
        "state_machines": list(stack.deployment.state_machines),
        "queues": {name: url for name, url in physical.items() if name.endswith("Queue")},
        "outbox": str(stack.outbox_folder),
        "function_logs": str(workspace.log_file),
        "workflow": stack.options.workflow,
    }


def _kyc_command() -> str:
    """The absolute command that runs `kyc` from any shell, the virtual environment active or not."""
    script = Path(sys.executable).parent / "kyc"
    return shlex.quote(str(script)) if script.is_file() else f"{shlex.quote(sys.executable)} -m kyc_local.cli"


def _endpoints(stack: LocalStack, workspace: Workspace) -> str:
    """The endpoints and example commands, each working as printed in a POSIX shell with AWS CLI v1 or v2."""
    aws = f"aws --endpoint-url {stack.aws_url} --region {stack.options.region}"
    physical = stack.deployment.physical
    bucket, table = physical.get("DocumentBucket"), physical.get("CustomerMetadataTable")
    lines = [
        "ready. Ctrl-C stops the stack.",
        f"  AWS endpoint (moto)   {stack.aws_url}   region {stack.options.region}, credentials testing/testing",
        f"  vision endpoint       {stack.meter.url if stack.meter else '-'}   (Rekognition, Textract)",
        *[f"  HTTP API {name:<12} {url}" for name, url in stack.api_urls.items()],
        *([f"  {console.sign_in_help(stack.api_urls['ConsoleApi'])}"] if "ConsoleApi" in stack.api_urls else []),
        f"  outbox (e-mails)      {stack.outbox_folder}",
        f"  function logs         {workspace.log_file}",
        "",
        "try (any POSIX shell, AWS CLI v1 or v2):",
        "  export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1",
    ]
    if bucket and table:
        workdir = "" if workspace.folder == DEFAULT_WORKDIR else f" --workdir {shlex.quote(str(workspace.folder))}"
        lines += [
            f"  {_kyc_command()} check {shlex.quote(str(SAMPLES / '8d247914.zip'))}",
            f"  {aws} s3 cp {shlex.quote(str(SAMPLES / '8d247914.zip'))} s3://{bucket}/zipped/",
            f"  {_kyc_command()} status 8d247914{workdir}",
            f"  {aws} dynamodb get-item --table-name {table} --key '{{\"APP_UUID\": {{\"S\": \"8d247914\"}}}}'",
        ]
    for arn in stack.deployment.state_machines:
        lines.append(f"  {aws} stepfunctions list-executions --state-machine-arn {arn}")
    for name in ("LicenseDeadLetterQueue", "DocumentDeadLetterQueue"):
        if name in physical:
            lines.append(f"  {aws} sqs receive-message --queue-url {physical[name]}")
    for spec in stack.functions.specs[:1]:
        lines.append(f"  {aws} logs filter-log-events --log-group-name /aws/lambda/{spec.name} "
                     "--filter-pattern REPORT")
    return "\n".join(lines)


def _status(workspace: Workspace, app_uuid: str, as_json: bool) -> int:
    running = workspace.read_stack()
    if running is None:
        print("kyc: no stack is running (start one with `kyc up`)", file=sys.stderr)
        return 2
    result = read(workspace.dynamodb(running), running["table"], app_uuid)
    if as_json:
        print(json.dumps(result.as_json(), indent=2))
    elif result.status is None:
        print(f"{app_uuid}: no application record")
    else:
        print(render_table([result]))
    return 0 if result.status else 1


class _stack:
    """Start the stack and stop it whatever happens (Ctrl-C too)."""

    def __init__(self, options: StackOptions):
        self._stack = LocalStack(options)

    def __enter__(self) -> LocalStack:
        return self._stack.start()

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is KeyboardInterrupt:
            _say("stopping: running invocations finish first ...")
        self._stack.stop()


def _progress_bar(stream: TextIO) -> Callable[[int, int], None]:
    """A bar redrawn in place on a terminal; elsewhere (a CI log, a pipe) one line per finished bundle."""
    terminal = stream.isatty()

    def show(done: int, total: int) -> None:
        if terminal:
            filled = round(30 * done / total)
            stream.write(f"\r  [{'#' * filled}{'.' * (30 - filled)}] {done}/{total}")
            if done == total:
                stream.write("\n")
        else:
            stream.write(f"  {done}/{total} bundles finished\n")
        stream.flush()

    return show


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _print(out: TextIO, text: str) -> None:
    print(text, file=out, flush=True)


if __name__ == "__main__":
    sys.exit(main())
