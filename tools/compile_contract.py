"""Compile the registry contract with the pinned solcjs (npm solc 0.8.37, no download)
and write the artifact the EVM store loads: ABI, bytecode, compiler version, source hash.

    .venv/bin/python tools/compile_contract.py          # rewrite the artifact
    .venv/bin/python tools/compile_contract.py --check  # fail if it is stale
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "realdid" / "ledger" / "contracts" / "RealDIDRegistry.sol"
ARTIFACT = SOURCE.with_suffix(".json")
_SOLC = """
const solc = require('solc');
let input = '';
process.stdin.on('data', d => input += d);
process.stdin.on('end', () => {
  const output = JSON.parse(solc.compile(input));
  process.stdout.write(JSON.stringify({version: solc.version(), output}));
});
"""


def compile_contract() -> dict[str, Any]:
    source = SOURCE.read_text()
    standard = {
        "language": "Solidity",
        "sources": {"RealDIDRegistry.sol": {"content": source}},
        "settings": {
            "optimizer": {"enabled": True, "runs": 200},
            "evmVersion": "cancun",
            "outputSelection": {"*": {"*": ["abi", "evm.bytecode.object"]}},
        },
    }
    result = subprocess.run(["node", "-e", _SOLC], input=json.dumps(standard), cwd=ROOT,
                            capture_output=True, text=True, check=True)  # fmt: skip
    compiled = json.loads(result.stdout)
    errors = [e for e in compiled["output"].get("errors", []) if e["severity"] == "error"]
    if errors:
        raise RuntimeError("\n".join(e["formattedMessage"] for e in errors))
    contract = compiled["output"]["contracts"]["RealDIDRegistry.sol"]["RealDIDRegistry"]
    return {
        "compiler": compiled["version"],
        "source_sha256": hashlib.sha256(source.encode()).hexdigest(),
        "abi": contract["abi"],
        "bytecode": "0x" + contract["evm"]["bytecode"]["object"],
    }


def main() -> None:
    artifact = compile_contract()
    text = json.dumps(artifact, indent=1, sort_keys=True) + "\n"
    if "--check" in sys.argv:
        if not ARTIFACT.exists() or ARTIFACT.read_text() != text:
            sys.exit("the contract artifact is stale: run tools/compile_contract.py")
        return
    ARTIFACT.write_text(text)
    print(f"wrote {ARTIFACT.relative_to(ROOT)} ({artifact['compiler']})")


if __name__ == "__main__":
    main()
