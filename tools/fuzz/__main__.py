"""``python -m tools.fuzz [--inputs N] [--seed S] [--only NAME,...]`` (see the package doc)."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from tools.fuzz.campaign import run_campaign
from tools.fuzz.surfaces import build_surfaces

CORPUS = Path(__file__).resolve().parents[2] / "tests" / "fuzz" / "corpus"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.fuzz", description=__doc__)
    parser.add_argument("--inputs", type=int, default=int(os.environ.get("FUZZ_INPUTS", 10**6)))
    parser.add_argument("--seed", type=int, default=int(os.environ.get("FUZZ_SEED", 9)))
    parser.add_argument("--only", default=os.environ.get("FUZZ_ONLY", ""))
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="realdid-fuzz-") as tmp:
        surfaces = build_surfaces(Path(tmp))
        if args.only:
            wanted = set(args.only.split(","))
            surfaces = [s for s in surfaces if s.name in wanted]
        print(f"fuzz: {args.inputs} inputs over {len(surfaces)} surfaces, seed {args.seed}")
        report = run_campaign(surfaces, args.inputs, args.seed, progress=True)
    rate = report.inputs / report.seconds if report.seconds else 0.0
    escapes = sum(c["escape"] for c in report.per_surface.values())
    wrong = sum(c["wrongly accepted"] for c in report.per_surface.values())
    print(
        f"fuzz: {report.inputs} inputs in {report.seconds:.0f} s ({rate:.0f} inputs/s); "
        f"{escapes} escapes, {wrong} wrongly accepted, {len(report.findings)} distinct"
    )
    for finding in report.findings:
        folder = args.corpus / finding.surface
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{finding.kind}-{finding.digest}.bin"
        path.write_bytes(finding.data)
        print(f"  {finding.surface}: {finding.kind}: {finding.detail} -> {path}")
    return 1 if report.findings else 0


if __name__ == "__main__":
    sys.exit(main())
