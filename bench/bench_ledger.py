"""make bench (part 3): the ledger.

* appends per second through the log (admission check and signature
  verification included; entries signed beforehand) on SQLite, PostgreSQL
  and the EVM registry on anvil;
* inclusion and consistency proofs at 10^3, 10^6 and 10^7 entries (trees
  built from random leaf hashes, without signing each): size and
  verification time;
* gas per registry write (an admission, an entry of ~600 bytes) and per
  root commitment.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.anvil import anvil  # noqa: E402
from tools.ledger_world import T0, ledger_world  # noqa: E402
from tools.postgres import fresh_database, postgres_server  # noqa: E402
from web3 import Web3  # noqa: E402

from realdid.ledger.entries import EntryType, Role  # noqa: E402
from realdid.ledger.log import Log  # noqa: E402
from realdid.ledger.note import NoteSigner  # noqa: E402
from realdid.ledger.rfc9162 import (  # noqa: E402
    consistency_proof,
    inclusion_proof,
    verify_consistency,
    verify_inclusion,
)
from realdid.ledger.stores.evm import EvmStore, deploy_registry  # noqa: E402
from realdid.ledger.stores.sql import SqlStore  # noqa: E402
from realdid.ledger.tree import MemoryTree  # noqa: E402


def _epochs(n: int) -> list[bytes]:
    """n epoch entries to append right after the setup (each supersedes the one before)."""
    world = ledger_world()
    first = len(world.setup) - 1  # the setup's last entry is an epoch
    return [
        world.authority.sign(
            EntryType.EPOCH, {"epoch": 100 + i, "starts": "2026-12-01"}, T0, first + i
        )
        for i in range(n)
    ]


def _rate(log: Log, entries: list[bytes]) -> float:
    start = time.perf_counter()
    for entry in entries:
        log.append(entry)
    return len(entries) / (time.perf_counter() - start)


def append_rates(n_sql: int, n_evm: int) -> tuple[dict[str, float], dict[str, int]]:
    rates: dict[str, float] = {}
    gas: dict[str, int] = {}
    setup = list(ledger_world().setup)
    with tempfile.TemporaryDirectory() as tmp:
        log = Log(SqlStore.sqlite(Path(tmp) / "bench.db"), NoteSigner.generate("log"))
        for entry in setup:
            log.append(entry)
        rates["SQLite (WAL, synchronous=FULL)"] = _rate(log, _epochs(n_sql))
    with postgres_server() as admin, fresh_database(admin) as url:
        log = Log(SqlStore.postgres(url), NoteSigner.generate("log"))
        for entry in setup:
            log.append(entry)
        rates["PostgreSQL 15 (127.0.0.1)"] = _rate(log, _epochs(n_sql))
    with anvil() as node, tempfile.TemporaryDirectory() as tmp:
        w3 = Web3(Web3.HTTPProvider(node))
        world = ledger_world()
        address = deploy_registry(w3, w3.eth.accounts[0], world.authority.did)
        deploy_tx = w3.eth.get_block("latest")["transactions"][0]  # a hash: full_transactions=False
        receipt = w3.eth.get_transaction_receipt(deploy_tx)  # type: ignore[arg-type]
        gas["deploy the registry"] = int(receipt["gasUsed"])
        store = EvmStore(
            w3,
            address,
            {world.authority.did: w3.eth.accounts[0]},
            SqlStore.sqlite(Path(tmp) / "mirror.db"),
        )
        log = Log(store, NoteSigner.generate("log"))
        log.append(setup[0])
        accounts = iter(w3.eth.accounts[1:])
        admissions = []
        for who, role in (
            ("hospital", Role.ISSUER),
            ("forum", Role.SERVICE),
            ("court", Role.COURT),
        ):
            admissions.append(store.admit(getattr(world, who).did, role, next(accounts)))
        for trustee in world.trustees:
            store.admit(trustee.did, Role.TRUSTEE, next(accounts))
        by_type: dict[str, list[tuple[int, int]]] = {}
        for entry in setup[1:]:
            store.gas.clear()
            log.append(entry)
            by_type.setdefault(json.loads(entry)["type"], []).append((len(entry), store.gas[0]))
        for kind, samples in by_type.items():
            size = int(statistics.median(b for b, _ in samples))
            gas[f"append {kind} (~{size} B)"] = int(statistics.median(g for _, g in samples))
        store.gas.clear()
        rates["EVM registry on anvil (tx + receipt)"] = _rate(log, _epochs(n_evm))
        gas[f"append epoch ({len(_epochs(1)[0])} B), median"] = int(statistics.median(store.gas))
        gas["admit: bind an account to a DID (median)"] = int(statistics.median(admissions))
        _, gas["root commitment (commitRoot)"] = store.commit_root()
    return rates, gas


def proof_figures(sizes: list[int]) -> list[dict[str, float]]:
    rows = []
    for n in sizes:
        start = time.perf_counter()
        tree = MemoryTree.from_leaf_hashes(os.urandom(32 * n))
        build = time.perf_counter() - start
        root, index = tree.root(), n // 3
        proof = inclusion_proof(tree, index, n)
        leaf = tree.node(0, index)
        m = n // 2 + 1
        cproof = consistency_proof(tree, m, n)
        root_m = tree.root(m)
        reps = 2000
        start = time.perf_counter()
        for _ in range(reps):
            verify_inclusion(index, n, leaf, proof, root)
        inc_us = (time.perf_counter() - start) / reps * 1e6
        start = time.perf_counter()
        for _ in range(reps):
            verify_consistency(m, n, cproof, root_m, root)
        con_us = (time.perf_counter() - start) / reps * 1e6
        start = time.perf_counter()
        for _ in range(200):
            inclusion_proof(tree, (index * 7) % n, n)
        gen_us = (time.perf_counter() - start) / 200 * 1e6
        rows.append(
            {
                "n": n,
                "build_s": build,
                "inclusion_bytes": 32 * len(proof),
                "consistency_bytes": 32 * len(cproof),
                "verify_inclusion_us": inc_us,
                "verify_consistency_us": con_us,
                "generate_inclusion_us": gen_us,
            }
        )
        del tree
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--max-size", type=int, default=10**7)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    console = Console(width=max(Console().width, 110))
    console.rule("[bold]RealDID ledger[/]")
    rates, gas = append_rates(300, 100)
    t = Table(title="Appends per second through the log (admission + signature check)")
    t.add_column("store")
    t.add_column("appends/s", justify="right")
    for name, rate in rates.items():
        t.add_row(name, f"{rate:,.0f}")
    console.print(t)

    sizes = [s for s in (10**3, 10**6, 10**7) if s <= args.max_size]
    rows = proof_figures(sizes)
    p = Table(title="RFC 9162 proofs (trees built from random leaf hashes)")
    for col in (
        "entries",
        "build s",
        "inclusion B",
        "verify µs",
        "consistency B",
        "verify µs",
        "serve inclusion µs",
    ):
        p.add_column(col, justify="right")
    for r in rows:
        p.add_row(
            f"{int(r['n']):,}",
            f"{r['build_s']:.1f}",
            f"{int(r['inclusion_bytes'])}",
            f"{r['verify_inclusion_us']:.1f}",
            f"{int(r['consistency_bytes'])}",
            f"{r['verify_consistency_us']:.1f}",
            f"{r['generate_inclusion_us']:.1f}",
        )
    console.print(p)

    g = Table(title="Gas on the EVM registry (anvil, solc 0.8.37, optimizer 200 runs)")
    g.add_column("operation")
    g.add_column("gas", justify="right")
    for name, value in gas.items():
        g.add_row(name, f"{value:,}")
    console.print(g)
    if args.json:
        args.json.write_text(json.dumps({"rates": rates, "proofs": rows, "gas": gas}, indent=2))


if __name__ == "__main__":
    main()
