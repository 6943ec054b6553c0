"""`python -m kyc_local.samples [FOLDER] [--today YYYY-MM-DD]`: regenerate the UnitTests bundles and README."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from kyc_local.samples.unittests import UNIT_TESTS, write_all


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m kyc_local.samples", description=__doc__)
    parser.add_argument("folder", nargs="?", type=Path, default=UNIT_TESTS)
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="generation date (default: today)")
    args = parser.parse_args(argv)
    for path in write_all(args.folder, args.today):
        print(f"{path}  {path.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
