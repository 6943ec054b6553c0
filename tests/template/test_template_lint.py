"""cfn-lint with the serverless rules, and the SAM transform, accept template.yaml as it is."""

from __future__ import annotations

from cfnlint.api import ManualArgs, lint_file

from tests.template.stack import ROOT, TEMPLATE, of_type


def test_cfn_lint_is_clean_with_the_serverless_rules():
    matches = lint_file(TEMPLATE, config=ManualArgs(append_rules=["cfn_lint_serverless.rules"]))
    assert [f"{m.rule.id} {m.message} (line {m.linenumber})" for m in matches] == []


def test_sam_transform_leaves_only_cloudformation(cfn):
    kinds = {r["Type"] for r in cfn["Resources"].values()}
    assert not [k for k in kinds if k.startswith("AWS::Serverless::")]
    assert len(of_type(cfn["Resources"], "AWS::Lambda::Function")) == 5 + 7 + 1  # part 1's three, the status API, the dead-letter consumer; part 2's seven; the review console


def test_code_folders_hold_the_handlers(sam_template):
    functions = of_type(sam_template["Resources"], "AWS::Serverless::Function")
    handler = sam_template["Globals"]["Function"]["Handler"]
    module, _, name = handler.partition(".")
    for function in functions.values():
        source = (ROOT / function["Properties"]["CodeUri"] / f"{module}.py").read_text()
        assert f"def {name}(" in source
    layer = sam_template["Resources"]["SharedLayer"]["Properties"]["ContentUri"]
    assert (ROOT / layer / "requirements.txt").is_file()
    assert (ROOT / layer / "kyc" / "__init__.py").is_file()
