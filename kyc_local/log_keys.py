"""Each invocation's own Powertools log keys, though the template's functions share one process here.

On AWS a process serves one invocation at a time, and the handlers' Logger keeps its keys (the Lambda context that
`inject_lambda_context` adds, the `app_uuid` the code appends) for the whole process. Here every function shares that
one Logger and runs at once: ValidateLicense, invoked inside SubmitLicense's call, left its function name and request
id on SubmitLicense's later lines, and one bundle's app id could label another's. `install` keeps the formatter's
keys per `contextvars` context instead. The runtime runs each invocation in a context of its own
(`kyc_local.lambdas`); a handler's thread that logs is given a copy of it (`kyc.services.checks`).
"""

from __future__ import annotations

from contextvars import ContextVar
from typing import Any

_KEYS: ContextVar[dict[str, Any]] = ContextVar("kyc_local_log_keys")


class _KeysPerContext:
    """Mixed into the formatter's class: its keys (`log_format`) are read and written in the current context, and a
    context starts from the keys the process had when the runtime installed this."""

    _process_keys: dict[str, Any]

    @property
    def log_format(self) -> dict[str, Any]:
        try:
            return _KEYS.get()
        except LookupError:
            keys = dict(self._process_keys)
            _KEYS.set(keys)
            return keys

    @log_format.setter
    def log_format(self, keys: dict[str, Any]) -> None:
        _KEYS.set(keys)


def install(formatter: Any) -> None:
    """Keep `formatter`'s keys (a Powertools LambdaPowertoolsFormatter's) per context."""
    if isinstance(formatter, _KeysPerContext):
        return
    process_keys = formatter.__dict__.pop("log_format")
    formatter.__class__ = type(f"PerInvocation{type(formatter).__name__}", (_KeysPerContext, type(formatter)), {})
    formatter._process_keys = process_keys


def uninstall(formatter: Any) -> None:
    """Back to the process's keys, as they were at `install`."""
    if isinstance(formatter, _KeysPerContext):
        process_keys = formatter._process_keys
        formatter.__class__ = type(formatter).__bases__[1]
        del formatter._process_keys
        formatter.log_format = process_keys
