"""The whole system on one machine: moto on 127.0.0.1, provisioned from template.yaml, wired to the handlers."""

from __future__ import annotations

import ctypes
import json
import logging
import os
import resource
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self
from urllib.request import Request, urlopen

import boto3
import botocore.session
from botocore.config import Config
from moto.server import ThreadedMotoServer

from kyc_local import console, moto_patch
from kyc_local.api import HttpApiServer
from kyc_local.dispatch import AsyncInvoker
from kyc_local.faults import FaultInjector
from kyc_local.invocation_log import InvocationLog
from kyc_local.lambdas import Functions
from kyc_local.meter import Meter
from kyc_local.moto_transport import MotoTransport
from kyc_local.naming import Names
from kyc_local.outbox import Outbox
from kyc_local.poller import SqsPoller
from kyc_local.provision import Deployment, Provisioner
from kyc_local.template import load_template, translate

PROJECT_ROOT = Path(__file__).resolve().parent.parent
ACCOUNT = "123456789012"  # moto's default account
CREDENTIALS = ("testing", "testing")
WORKFLOWS = {"lambda": "Lambda", "stepfunctions": "StepFunctions"}
M_ARENA_MAX, MALLOC_ARENAS = -8, 2  # glibc's mallopt parameter, and the arenas the stack's threads share
S3_IN_MEMORY_BYTES = 64 * 1024  # larger S3 objects live in temporary files, so a burst's documents do not fill memory


@dataclass
class StackOptions:
    template: Path = PROJECT_ROOT / "template.yaml"
    workdir: Path = PROJECT_ROOT / ".kyc"
    workflow: str = "lambda"
    parameters: dict[str, str] = field(default_factory=dict)
    stack_name: str = "kyc-onboarding"  # samconfig.toml's stack_name
    region: str = "us-east-1"
    host: str = "127.0.0.1"
    port: int = 0  # moto's port; 0 picks a free one
    retry_wait: float | None = 1.0  # seconds before a failed event is retried; None: AWS's (1-2 min, SQS visibility)
    concurrency: int = 2  # concurrent invocations per function
    vision: bool = True  # serve CompareFaces/AnalyzeID with the local engines
    faults: float = 0.0  # share of the handlers' AWS calls failed with throttling or 5xx (kyc_local.faults)
    deliveries: int = 1  # times each S3/EventBridge event and SQS message is delivered (at-least-once delivery)


class LocalStack:
    """`start()` returns once the AWS side is ready (the engines warm up in the background); `ready()` waits for them.

    Only one stack runs per process: the handlers read their settings from os.environ once.
    """

    def __init__(self, options: StackOptions | None = None):
        self.options = options or StackOptions()
        self.deployment = Deployment()
        self.aws_url = ""
        self.vision_url = ""
        self.api_urls: dict[str, str] = {}
        self.functions = Functions([])
        self.meter: Meter | None = None
        self.outbox: Outbox | None = None
        self.started_in = 0.0
        self._started_at = ""
        self._server: ThreadedMotoServer | None = None
        self._apis: list[HttpApiServer] = []
        self._async: AsyncInvoker | None = None
        self.faults: FaultInjector | None = None
        self._transport: MotoTransport | None = None
        self._pollers: list[SqsPoller] = []
        self._invocation_log: InvocationLog | None = None
        self._vision: Any = None
        self._vision_ready = threading.Event()
        self._warming = False
        self._vision_error: BaseException | None = None
        self._saved_env: dict[str, str | None] = {}
        self._umask: int | None = None
        self._session = boto3.session.Session()
        self._clients: dict[str, Any] = {}
        self._clients_lock = threading.Lock()

    # ------------------------------------------------------------------ lifecycle
    def start(self) -> LocalStack:
        started = time.monotonic()
        options = self.options
        if options.workflow not in WORKFLOWS:
            raise ValueError(f"workflow must be one of {', '.join(WORKFLOWS)}")
        options.workdir.mkdir(parents=True, exist_ok=True)
        options.workdir.chmod(0o700)  # applicants' records, e-mails and logs: private, as is every file written below
        self._umask = os.umask(0o077)
        self._started_at = f"{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}"
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        _allow_open_files()
        _limit_malloc_arenas()
        try:
            self._start_meter()
            self._server = ThreadedMotoServer(ip_address=options.host, port=options.port, verbose=False)
            self._server.start()
            host, port = self._server.get_host_and_port()
            self.aws_url = f"http://{host}:{port}"
            _run_executions(self.aws_url, True)
            self._set_environment({})
            self._provision()
            staff = console.provision(self.client("cognito-idp"), self._apis, self.aws_url, options.region,
                                      CREDENTIALS, options.stack_name)  # the review console's user pool
            self._set_environment({**self.functions.environment(), **staff})
            _prepare_default_session()
            self.faults = FaultInjector(options.faults)  # rate 0: none, until an outage is set (FaultInjector.outage)
            self._transport = MotoTransport(self.aws_url, first=self.faults.answer)
            self._transport.install(self.handler_session())
            moto_patch.install(self, CREDENTIALS[0])
            self._wire()
            self.functions.load()
        except BaseException:
            self.stop()
            raise
        self.started_in = time.monotonic() - started
        self._warm_vision()  # after the start: on a small machine the warm-up would slow it down
        return self

    def handler_session(self) -> botocore.session.Session:
        """The botocore session the handlers' clients come from (kyc.adapters.aws), not the runtime's own nor moto's
        interpreter's: hooks on it see the handlers' calls only. Usable once `start()` has set the functions'
        environment, which the kyc modules read on import (Powertools' Logger and Metrics)."""
        from kyc.adapters import aws

        return aws.session()

    def ready(self, timeout: float = 300.0) -> None:
        """Wait for the vision engines to be warm; raise when they failed to start."""
        if self.options.vision and not self._vision_ready.wait(timeout):
            raise TimeoutError("the vision engines did not warm up in time")
        if self._vision_error is not None:
            raise RuntimeError("the vision endpoint failed to start") from self._vision_error

    def stop(self) -> None:
        for poller in self._pollers:
            poller.stop()
        if self._async:
            self._async.stop()
        if self._server and not self._wait_for_executions(60.0):
            logging.getLogger(__name__).warning("stopping with Step Functions executions still running")
        if self._invocation_log:
            self._invocation_log.stop()
        if self.outbox:
            self.outbox.stop()
        for api in self._apis:
            api.stop()
        if self.meter:
            self.meter.stop()
        if self._warming and self._vision_ready.wait(60) and self._vision is not None and not self._vision_error:
            self._vision.stop()
        moto_patch.uninstall()
        if self._transport:
            self._transport.uninstall(self.handler_session())
            self._transport = None
        if self._server:
            if self.aws_url:
                _run_executions(self.aws_url, False)
            self._server.stop()
            _reset_moto()
        self._pollers, self._apis, self._async, self._server, self.meter, self.outbox = [], [], None, None, None, None
        self._invocation_log = None
        self._clients.clear()
        self._restore_environment()
        if self._umask is not None:
            os.umask(self._umask)
            self._umask = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ what callers use
    def client(self, service: str) -> Any:
        """A boto3 client for this stack, shared (boto3 clients are thread-safe; creating them is not)."""
        with self._clients_lock:
            if service not in self._clients:
                self._clients[service] = self._session.client(
                    service, endpoint_url=self._endpoint(service), region_name=self.options.region,
                    aws_access_key_id=CREDENTIALS[0], aws_secret_access_key=CREDENTIALS[1],
                    config=Config(retries={"max_attempts": 2, "mode": "standard"}, max_pool_connections=20),
                )
            return self._clients[service]

    def knows(self, function: str) -> bool:
        """Whether `function` (name or ARN) is one of the template's: moto's seam asks before invoking."""
        return self.functions.find(function) is not None

    def signed_only(self, function: str) -> bool:
        """Whether `function` serves an AWS_IAM route of an HTTP API: moto's Invoke refuses it, as AWS's IAM would
        refuse a caller without lambda:InvokeFunction, so its signature check cannot be bypassed."""
        spec = self.functions.find(function)
        return spec is not None and any(self.functions.find(route.function) is spec
                                        for api in self._apis for route in api.routes if route.iam)

    def invoke(self, function: str, event: Any) -> Any:
        """Synchronous invocation (RequestResponse); raises kyc_local.lambdas.FunctionError."""
        return self.functions.invoke(function, event)

    def invoke_async(self, function: str, event: Any) -> str:
        """Asynchronous invocation (Event), with Lambda's retries and failure destinations; returns the request id."""
        return self._async.invoke(function, event)

    def resource(self, logical_id: str) -> str:
        """The physical name (Ref) of a template resource: bucket name, table name, queue URL, topic ARN ..."""
        return self.deployment.physical[logical_id]

    def settle(self, timeout: float = 10.0) -> bool:
        """Wait until no event is being processed or waiting for a retry, every e-mail is in the outbox and every
        invocation in CloudWatch Logs.

        Messages a queue hides for their visibility timeout do not count as being processed.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            busy = ((self._async and not self._async.wait_idle(0)) or any(p.busy for p in self._pollers)
                    or self._executions_running())
            written = all(sink is None or sink.drained() for sink in (self.outbox, self._invocation_log))
            if not busy and written:
                return True
            time.sleep(0.05)
        return False

    @property
    def outbox_folder(self) -> Path:
        """This stack's e-mails: a folder per start, so that two stacks sharing a workdir do not mix theirs."""
        return self.options.workdir / "outbox" / self._started_at

    # ------------------------------------------------------------------ inside
    def _executions_running(self) -> bool:
        """Whether a state machine of the template has a RUNNING execution (moto's interpreter runs it)."""
        sfn = self.client("stepfunctions") if self.deployment.state_machines else None
        return any(sfn.list_executions(stateMachineArn=arn, statusFilter="RUNNING", maxResults=1)["executions"]
                   for arn in self.deployment.state_machines)

    def _wait_for_executions(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while self._executions_running():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.1)
        return True

    def _endpoint(self, service: str) -> str:
        if service in ("rekognition", "textract") and self.options.vision and self.meter:
            return self.meter.url
        return self.aws_url

    def _start_meter(self) -> None:
        """The meter in front of the engines' endpoint, on a port chosen now: requests wait for the warm-up."""
        if self.options.vision:
            self.vision_url = f"http://{self.options.host}:{_free_port(self.options.host)}"
            self.meter = Meter(self.vision_url, self._vision_ready)
            self.meter.start()

    def _warm_vision(self) -> None:
        if not self.options.vision:
            return

        def warm() -> None:
            try:
                from kyc_local.vision.server import VisionServer

                port = int(self.vision_url.rsplit(":", 1)[1])
                self._vision = VisionServer(lambda: self.client("s3"), host=self.options.host, port=port)
                self._vision.start()
            except Exception as error:  # noqa: BLE001 (reported by ready())
                self._vision_error = error
            finally:
                self._vision_ready.set()

        self._warming = True
        threading.Thread(target=warm, name="vision-warm-up", daemon=True).start()

    def _provision(self) -> None:
        options = self.options
        template = translate(load_template(options.template), {}, options.region)
        names = Names(template.get("Resources", {}), options.stack_name, ACCOUNT, options.region, self.aws_url)
        overrides = dict(options.parameters)
        if "Workflow" in template.get("Parameters", {}):
            overrides.setdefault("Workflow", WORKFLOWS[options.workflow])
        provisioner = Provisioner(template, overrides, names, options.template.parent, options.region)
        for api in provisioner.http_apis():
            server = console.make_server(provisioner, api, self.invoke, CREDENTIALS, ACCOUNT, options.host)
            names.local_api_urls[api.logical_id] = self.api_urls[api.logical_id] = server.start()
            self._apis.append(server)
        services = ("iam", "sqs", "sns", "dynamodb", "lambda", "s3", "logs", "stepfunctions", "events")
        clients = {name: self.client(name) for name in services}
        self.deployment = provisioner.create(clients)
        self._invocation_log = InvocationLog(clients["logs"])
        self._invocation_log.start()
        self.functions = Functions(self.deployment.functions, options.concurrency, self._invocation_log.record)

    def _wire(self) -> None:
        options = self.options
        async_wait = 60.0 if options.retry_wait is None else options.retry_wait
        self._async = AsyncInvoker(
            self.functions, self.client("sqs"), retry_wait=async_wait, deliveries=options.deliveries
        )
        for mapping in self.deployment.mappings:
            pollers = min(mapping.maximum_concurrency, options.concurrency)  # more would hold messages waiting
            poller = SqsPoller(mapping, self.functions, self.client("sqs"), pollers, retry_wait=options.retry_wait,
                               deliveries=options.deliveries)
            poller.start()
            self._pollers.append(poller)
        self.outbox = Outbox(self.outbox_folder, self.client("sqs"), self.client("sns"),
                             f"{options.stack_name}-local-outbox")
        self.outbox.start(self.deployment.topics)

    def _set_environment(self, variables: dict[str, str]) -> None:
        """What the Lambda runtime would give the handlers, with the local endpoints."""
        values = runtime_environment(self.aws_url, self.options.region, self.meter.url if self.meter else None)
        values.update(variables)
        for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", *values):
            self._saved_env.setdefault(name, os.environ.get(name))
            os.environ.pop(name, None)
        os.environ.update(values)

    def _restore_environment(self) -> None:
        for name, value in self._saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self._saved_env.clear()


def runtime_environment(aws_url: str, region: str, vision_url: str | None) -> dict[str, str]:
    """The variables the local runtime gives every handler besides the template's: endpoints, credentials, region."""
    values = {
        "AWS_ENDPOINT_URL": aws_url,
        "AWS_ACCESS_KEY_ID": CREDENTIALS[0],
        "AWS_SECRET_ACCESS_KEY": CREDENTIALS[1],
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
        "AWS_EC2_METADATA_DISABLED": "true",
        "POWERTOOLS_TRACE_DISABLED": "true",  # no X-Ray daemon locally
        "MOTO_PORT": aws_url.rsplit(":", 1)[-1],  # moto's Step Functions interpreter calls back on it
        "MOTO_S3_DEFAULT_KEY_BUFFER_SIZE": str(S3_IN_MEMORY_BYTES),
    }
    if vision_url:
        values["AWS_ENDPOINT_URL_REKOGNITION"] = values["AWS_ENDPOINT_URL_TEXTRACT"] = vision_url
    return values


def _allow_open_files() -> None:
    """Raise this process's open-file limit to its hard limit: every S3 object in a temporary file holds one open."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 1 << 20 if hard == resource.RLIM_INFINITY else hard  # the kernel's usual nr_open
    if soft != resource.RLIM_INFINITY and soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


def _limit_malloc_arenas() -> None:
    """Let the stack's many threads share two glibc malloc arenas: with glibc's default (up to eight per core) the
    image buffers of concurrent handlers fragment memory, and a 300-bundle burst peaked at 1 GB instead of 430 MB."""
    try:
        libc = ctypes.CDLL("libc.so.6")
    except OSError:  # not glibc: nothing to tune
        return
    libc.mallopt(M_ARENA_MAX, MALLOC_ARENAS)


def _prepare_default_session() -> None:
    """Create boto3's default session and one client now, in this thread: moto's Step Functions interpreter makes its
    clients with `boto3.client` from several threads, and a default session's first client creation is not
    thread-safe. (The handlers' clients come from a session of their own: kyc.adapters.aws.)"""
    if boto3.DEFAULT_SESSION is None:
        boto3.setup_default_session()
    boto3.client("sts")


def _run_executions(aws_url: str, run: bool) -> None:
    """Whether moto's Step Functions interpreter runs executions (a process-wide setting; moto's default: no).

    The interpreter calls Lambda and SQS back on localhost:$MOTO_PORT, set with the other variables."""
    body = json.dumps({"stepfunctions": {"execute_state_machine": run}}).encode()
    request = Request(f"{aws_url}/moto-api/config", data=body, method="POST",
                      headers={"Content-Type": "application/json"})
    with urlopen(request, timeout=10):
        pass


def _free_port(host: str) -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


def _reset_moto() -> None:
    """Forget every resource, so that a later stack in the same process starts empty."""
    from moto.moto_api._internal.models import moto_api_backend

    moto_api_backend.reset()
