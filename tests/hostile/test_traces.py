"""No personal value reaches X-Ray: handlers run as on Lambda with tracing on, their segments captured where the
X-Ray daemon would receive them (a UDP socket of the test's own), and searched for the applicant's values."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from tests.hostile.test_personal_data import MARKERS, assert_no_marker, csv_of

ROOT = Path(__file__).resolve().parents[2]
TRACE = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"


def test_the_handlers_segments_carry_no_personal_value():
    daemon = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    daemon.bind(("127.0.0.1", 0))
    daemon.settimeout(0.5)
    address = f"127.0.0.1:{daemon.getsockname()[1]}"
    environment = {
        **os.environ, "LAMBDA_TASK_ROOT": str(ROOT), "_X_AMZN_TRACE_ID": TRACE, "AWS_XRAY_DAEMON_ADDRESS": address,
        "POWERTOOLS_TRACE_DISABLED": "false", "DOCUMENT_BUCKET": "documentbucket-123456789012",
        "CUSTOMER_TABLE": "CustomerMetadataTable", "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
    }
    run = subprocess.run([sys.executable, "-m", "tests.hostile.traced_run"], input=csv_of(MARKERS), cwd=ROOT,
                         env=environment, capture_output=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr.decode()[-2000:]
    segments = []
    try:
        while True:
            segments.append(daemon.recv(65536).decode())
    except TimeoutError:
        pass
    daemon.close()

    traced = "\n".join(segments)
    assert len(segments) >= 4 and '"name": "## lambda_handler"' in traced.replace('":"', '": "')
    assert "dynamodb" in traced and "GetItem" in traced  # the AWS calls are traced, with their metadata
    assert_no_marker(traced)
