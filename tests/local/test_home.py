"""The local run writes nothing outside the project folder: a `kyc run` with a clean HOME leaves HOME empty."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import user_environment
from tests.local.conftest import ROOT, SAMPLES


def test_kyc_run_leaves_a_clean_home_empty(tmp_path: Path) -> None:
    home, workdir = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    environment = {name: value for name, value in user_environment().items()
                   if name not in ("XDG_CACHE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "MPLCONFIGDIR")}
    environment["HOME"] = str(home)
    command = [sys.executable, "-m", "kyc_local.cli", "run", str(SAMPLES / "8d247914.zip"), "--workdir", str(workdir)]

    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=400, check=False,
                          env=environment)

    assert done.returncode == 0, done.stderr
    assert "paid calls: 1 CompareFaces, 1 AnalyzeID" in done.stderr  # the engines ran
    assert sorted(str(path.relative_to(home)) for path in home.rglob("*")) == []
