"""Workflows on Step Functions: DocumentStateMachine's executions, one per name."""

from __future__ import annotations

import json
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from kyc.adapters.aws import client, error_code
from kyc.model import ServiceFailure


class StepFunctionsWorkflows:
    def __init__(self, state_machine_arn: str, stepfunctions: Any = None):
        self._state_machine_arn = state_machine_arn
        self._client = stepfunctions or client("stepfunctions")

    def start(self, name: str, payload: dict[str, Any]) -> bool:
        try:
            self._client.start_execution(stateMachineArn=self._state_machine_arn, name=name, input=json.dumps(payload))
        except ClientError as error:
            if error_code(error) == "ExecutionAlreadyExists":
                return False
            raise ServiceFailure("stepfunctions", error_code(error)) from None
        except BotoCoreError as error:
            raise ServiceFailure("stepfunctions", type(error).__name__) from None
        return True
