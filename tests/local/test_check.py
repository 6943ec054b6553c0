"""`kyc check` gives the pipeline's verdict: each sample and hostile upload goes through `kyc check` and through the
pipeline's first step (kyc.services.intake.unzip on the in-memory record), and both must agree: accepted, or REJECTED
with the same reason code."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import unquote_plus

import pytest
from kyc.adapters.memory import MemoryApplications
from kyc.model import Status
from kyc.services.intake import Claimed, IntakeDeps, unzip

from kyc_local import cli
from kyc_local.check import check_file, check_upload
from tests.hostile.corpus import Case, cases
from tests.support.fakes import MemoryStore, RecordingNotifier
from tests.unit.services.conftest import SETTINGS

SAMPLES = sorted((Path(__file__).parents[2] / "UnitTests").glob("*.zip"))
HOSTILE = [case for case in cases() if case.name != "key-object-gone"]  # no object: nothing to check


def pipeline_verdict(key: str, body: bytes) -> tuple[bool, str | None]:
    """What the pipeline's first step decides: the checks are due (accepted), or REJECTED with a reason."""
    store, applications = MemoryStore(), MemoryApplications()
    store.upload(unquote_plus(key), body)  # S3 stores the decoded key; its event carries it encoded
    intake = unzip(key, IntakeDeps(store, applications, RecordingNotifier(), SETTINGS))
    if isinstance(intake, Claimed):
        return True, None
    assert intake.status is Status.REJECTED
    record = applications.read(intake.app_uuid)
    assert record is not None
    return False, str(record.reasons[0])


@pytest.mark.parametrize("sample", SAMPLES, ids=[path.name for path in SAMPLES])
def test_kyc_check_agrees_with_the_pipeline_on_every_sample(sample: Path):
    verdict = check_file(sample)
    accepted, reason = pipeline_verdict(f"zipped/{sample.name}", sample.read_bytes())
    assert verdict.accepted == accepted
    assert [problem.reason for problem in verdict.problems] == ([] if accepted else [reason])


def test_the_samples_include_an_accepted_and_a_rejected_bundle():
    verdicts = [check_file(sample).accepted for sample in SAMPLES]
    assert True in verdicts and False in verdicts


@pytest.mark.parametrize("case", HOSTILE, ids=[case.name for case in HOSTILE])
def test_kyc_check_agrees_with_the_pipeline_on_every_hostile_case(case: Case):
    body = case.build()
    assert body is not None
    verdict = check_upload(case.name, case.key, body)
    assert pipeline_verdict(case.key, body) == (False, str(case.reason))
    (problem,) = verdict.problems
    assert problem.reason == str(case.reason)
    assert problem.fix  # every problem comes with what to change


def test_the_command_prints_one_line_per_problem_and_fails_when_any_bundle_fails(tmp_path, capsys):
    good, hostile = SAMPLES[0] if check_file(SAMPLES[0]).accepted else SAMPLES[1], tmp_path / "x y.ZIP"
    hostile.write_bytes(b"not a zip")

    assert cli.main(["check", str(good), str(hostile)]) == 1

    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"{good}: OK (app_uuid {good.stem})"
    assert lines[1].startswith(f"{hostile}: REJECTED BUNDLE_INVALID: app_uuid must be")
    assert "-> fix: use an app id of 1-64 characters" in lines[1]
    assert len(lines) == 2


def test_json_output_for_ci(tmp_path, capsys):
    upper = tmp_path / "abc123.ZIP"  # an upper-case extension is taken, as the pipeline takes it
    upper.write_bytes(b"")

    assert cli.main(["check", "--json", str(upper)]) == 1

    (verdict,) = json.loads(capsys.readouterr().out)
    assert verdict == {
        "bundle": str(upper), "app_uuid": "abc123", "verdict": "REJECTED",
        "problems": [{"reason": "BUNDLE_INVALID", "detail": "upload is empty",
                      "fix": "upload the zip itself, not an empty file"}],
    }


def test_every_accepted_bundle_exits_zero(capsys):
    accepted = [str(sample) for sample in SAMPLES if check_file(sample).accepted]
    assert cli.main(["check", *accepted]) == 0
    assert capsys.readouterr().out.count(": OK") == len(accepted)
