"""make bench: RealDID's BBS operations against their floor, a peer, and batching.

Setting (issue #3): L = 10 messages of 32 bytes, 5 disclosed (0, 2, 4, 6, 8),
SHA-256 suite, 16-byte header, 32-byte presentation header. Blind and
pseudonym rows add one committed message (the holder secret) and N = 1 nym
secret.

Every figure is a median, measured in this run. Operations and the binding's
primitives are sampled round-robin (one call each per round), so that a
slow spell of the machine hits an operation and its floor alike.

The *floor* of an operation is the sum of the binding's primitive costs that
the draft's algorithm performs on each call: decompressions (with subgroup
check), scalar multiplications, MSMs, the pairing product, compressions and
hash_to_scalar calls. Work a careful implementation does once and caches is
not counted (generators, decoding the issuer key, OP and z of a context id).
A ratio below 1 means RealDID needs fewer primitives than the draft's
literal steps (e.g. Verify folds A·e − B into one MSM).
"""

from __future__ import annotations

import argparse
import functools
import json
import secrets
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from py_arkworks_bls12381 import GT, G1Point, G2Point, Scalar  # noqa: E402  (timed at the source)
from tools.peer import DigitalBazaarPeer, peer_available  # noqa: E402

from realdid.crypto import BLS12_381_SHA_256, bbs, blind, nym  # noqa: E402
from realdid.crypto.batch import BatchVerificationError, ProofToVerify, proof_verify_batch  # noqa: E402
from realdid.crypto.randomness import random_scalar_octets  # noqa: E402

SUITE = BLS12_381_SHA_256
L, DISCLOSED = 10, [0, 2, 4, 6, 8]
R, U = len(DISCLOSED), L - len(DISCLOSED)
TARGET_RATIO = 1.2
BATCH_N, BATCH_TARGET = 64, 0.5

Thunk = Callable[[], object]


def _rand_scalar() -> Scalar:
    return Scalar(secrets.randbelow(2**254) + 1)


def primitives() -> dict[str, Thunk]:
    """One call of each binding primitive the floors are made of."""
    p = G1Point() * _rand_scalar()
    q = G2Point() * _rand_scalar()
    p_octets, q_octets = p.to_compressed_bytes(), q.to_compressed_bytes()
    s = _rand_scalar()
    points = [G1Point() * _rand_scalar() for _ in range(16)]
    scalars = [_rand_scalar() for _ in range(16)]
    out: dict[str, Thunk] = {
        "g1_decompress": lambda: G1Point.from_compressed_bytes(p_octets),
        "g2_decompress": lambda: G2Point.from_compressed_bytes(q_octets),
        "g1_mul": lambda: p * s,
        "g1_compress": lambda: p.to_compressed_bytes(),
        "pairing2": lambda: GT.pairing_check([p, -p], [q, G2Point()]),
        "hash_to_scalar": lambda: SUITE.hash_to_scalar(b"\x5a" * 32, b"BENCH_H2S_DST_"),
    }
    for n in (2, 3, R + 2, U + 1, U + 2, 9, 10, L + 2, L + 5):
        out[f"msm{n}"] = functools.partial(G1Point.multiexp_unchecked, points[:n], scalars[:n])
    return out


#: Floors: (primitive, count) pairs for each operation — the draft's steps, literally.
#: (Pairs, not a dict: ProofVerify needs two MSMs of the same size.)
FLOORS: dict[str, list[tuple[str, int]]] = {
    "Sign": [("hash_to_scalar", L + 2), (f"msm{L + 2}", 1), ("g1_mul", 1), ("g1_compress", 1)],
    "Verify": [
        ("g1_decompress", 1), ("hash_to_scalar", L + 1), (f"msm{L + 2}", 1), ("g1_mul", 1),
        ("pairing2", 1),
    ],
    "ProofGen": [
        ("g1_decompress", 1), ("hash_to_scalar", L + 2), (f"msm{L + 2}", 1), ("g1_mul", 2),
        ("msm2", 2), (f"msm{U + 1}", 1), ("g1_compress", 5),
    ],
    "ProofVerify": [
        ("g1_decompress", 3), ("hash_to_scalar", R + 2), ("msm3", 1), (f"msm{R + 2}", 1),
        (f"msm{U + 2}", 1), ("g1_compress", 2), ("pairing2", 1),
    ],
    "Commit": [("hash_to_scalar", 2), ("msm2", 2), ("g1_compress", 2)],
    "CommitCheck+BlindSign": [
        ("g1_decompress", 1), ("msm3", 1), ("hash_to_scalar", 1 + L + 2), (f"msm{L + 2}", 1),
        ("g1_compress", 4), ("g1_mul", 1),
    ],
    # 13 signed values (10 messages, blind, holder secret, nym); 8 hidden.
    "ProofGenWithNym": [
        ("g1_decompress", 1), ("hash_to_scalar", L + 1 + 3), (f"msm{L + 5}", 1), ("g1_mul", 4),
        ("msm2", 2), ("msm9", 1), ("g1_compress", 7),
    ],
    "ProofVerifyWithNym": [
        ("g1_decompress", 4), ("hash_to_scalar", R + 3), ("msm3", 1), (f"msm{R + 2}", 1),
        ("msm10", 1), ("msm2", 1), ("g1_compress", 3), ("pairing2", 1),
    ],
}  # fmt: skip


@dataclass
class Fixture:
    sk: bytes
    pk: bytes
    header: bytes
    ph: bytes
    messages: list[bytes]
    signature: bytes
    proof: bytes
    commitment: bytes
    nym_commitment: bytes
    nym_blind: bytes
    nym_signature: bytes
    nym_secrets: list[bytes]
    nym_proof: bytes
    pseudonym: bytes


CONTEXT = b"did:realdid:svc:bench"
HOLDER_SECRET = [secrets.token_bytes(32)]


def fixture() -> Fixture:
    sk = bbs.key_gen(secrets.token_bytes(32))
    pk = bbs.sk_to_pk(sk)
    header, ph = secrets.token_bytes(16), secrets.token_bytes(32)
    messages = [secrets.token_bytes(32) for _ in range(L)]
    signature = bbs.sign(sk, pk, header, messages)
    commitment, _ = blind.commit(HOLDER_SECRET)
    prover_nyms = [random_scalar_octets()]
    nym_commitment, nym_blind = nym.commit_with_nym(HOLDER_SECRET, prover_nyms)
    entropy = random_scalar_octets()
    nym_signature = nym.blind_sign_with_nym(sk, pk, nym_commitment, 1, entropy, header, messages)
    nym_secrets = nym.verify_finalize_with_nym(
        pk, nym_signature, header, messages, HOLDER_SECRET, prover_nyms, entropy, nym_blind
    )
    nym_proof, pseudonym = nym.proof_gen_with_nym(
        pk, nym_signature, header, ph, nym_secrets, CONTEXT, messages, HOLDER_SECRET, DISCLOSED,
        (), nym_blind,
    )  # fmt: skip
    proof = bbs.proof_gen(pk, signature, header, ph, messages, DISCLOSED)
    return Fixture(
        sk, pk, header, ph, messages, signature, proof, commitment, nym_commitment, nym_blind,
        nym_signature, nym_secrets, nym_proof, pseudonym,
    )  # fmt: skip


def operations(f: Fixture) -> dict[str, Thunk]:
    revealed = [f.messages[i] for i in DISCLOSED]
    return {
        "Sign": lambda: bbs.sign(f.sk, f.pk, f.header, f.messages),
        "Verify": lambda: bbs.verify(f.pk, f.signature, f.header, f.messages),
        "ProofGen": lambda: bbs.proof_gen(f.pk, f.signature, f.header, f.ph, f.messages, DISCLOSED),
        "ProofVerify": lambda: bbs.proof_verify(f.pk, f.proof, f.header, f.ph, revealed, DISCLOSED),
        "Commit": lambda: blind.commit(HOLDER_SECRET),
        "CommitCheck+BlindSign": lambda: blind.blind_sign(
            f.sk, f.pk, f.commitment, f.header, f.messages
        ),
        "ProofGenWithNym": lambda: nym.proof_gen_with_nym(
            f.pk, f.nym_signature, f.header, f.ph, f.nym_secrets, CONTEXT, f.messages,
            HOLDER_SECRET, DISCLOSED, (), f.nym_blind,
        ),
        "ProofVerifyWithNym": lambda: nym.proof_verify_with_nym(
            f.pk, f.nym_proof, f.header, f.ph, f.pseudonym, CONTEXT, 1, L, revealed, (),
            DISCLOSED, (),
        ),
    }  # fmt: skip


def round_robin(thunks: dict[str, Thunk], rounds: int) -> dict[str, float]:
    """Median milliseconds per thunk, sampling one call of each per round."""
    for fn in thunks.values():  # warm caches (generators, keys, OP)
        fn()
    samples: dict[str, list[float]] = {name: [] for name in thunks}
    for _ in range(rounds):
        for name, fn in thunks.items():
            start = time.perf_counter_ns()
            fn()
            samples[name].append((time.perf_counter_ns() - start) / 1e6)
    return {name: statistics.median(values) for name, values in samples.items()}


def batch_figures(rounds: int) -> dict[str, float]:
    """Per-proof cost of proof_verify_batch at n = 64 (4 issuer keys, 64 different
    credentials) against single ProofVerify on the same proofs."""
    issuers = []
    for _ in range(4):
        sk = bbs.key_gen(secrets.token_bytes(32))
        issuers.append((sk, bbs.sk_to_pk(sk)))
    items = []
    for i in range(BATCH_N):
        sk, pk = issuers[i % 4]
        messages = [secrets.token_bytes(32) for _ in range(L)]
        header, ph = b"schema:v1", secrets.token_bytes(32)
        signature = bbs.sign(sk, pk, header, messages)
        proof = bbs.proof_gen(pk, signature, header, ph, messages, DISCLOSED)
        items.append(
            ProofToVerify(pk, proof, header, ph, [messages[j] for j in DISCLOSED], DISCLOSED)
        )

    def singles() -> None:
        for it in items:
            bbs.proof_verify(
                it.pk, it.proof, it.header, it.ph, it.disclosed_messages, it.disclosed_indexes
            )

    # A proof of a forged signature: its challenge is self-consistent, so only the
    # pairing check rejects it and the batch has to bisect to name it.
    one_bad = list(items)
    _, pk = issuers[(BATCH_N // 3) % 4]
    fake = (G1Point() * _rand_scalar()).to_compressed_bytes() + random_scalar_octets()
    forged_messages = [secrets.token_bytes(32) for _ in range(L)]
    one_bad[BATCH_N // 3] = ProofToVerify(
        pk, bbs.proof_gen(pk, fake, b"schema:v1", b"ph", forged_messages, DISCLOSED),
        b"schema:v1", b"ph", [forged_messages[j] for j in DISCLOSED], DISCLOSED,
    )  # fmt: skip

    def with_one_bad() -> None:
        try:
            proof_verify_batch(one_bad)
        except BatchVerificationError as exc:
            if exc.failed == (BATCH_N // 3,):
                return
        raise AssertionError("batch did not name exactly the forged proof")

    medians = round_robin(
        {"singles": singles, "batch": lambda: proof_verify_batch(items), "one_bad": with_one_bad},
        rounds,
    )
    return {name: value / BATCH_N for name, value in medians.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=50, help="samples per figure (>= 20)")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    rounds = max(args.rounds, 20)
    console = Console(width=max(Console().width, 110))
    console.rule(f"[bold]RealDID BBS benchmark[/]  ({SUITE.name}, L={L}, {R} disclosed)")

    f = fixture()
    ops = operations(f)
    prims = primitives()
    medians = round_robin({**ops, **prims}, rounds)
    floors = {op: sum(medians[p] * count for p, count in parts) for op, parts in FLOORS.items()}

    table = Table(title=f"Operations (median of {rounds}; floor = binding primitives, same run)")
    for col in ("operation", "RealDID ms", "floor ms", "ratio", f"target <= {TARGET_RATIO}"):
        table.add_column(col, justify="right" if col != "operation" else "left")
    misses = []
    for op in ops:
        ratio = medians[op] / floors[op]
        ok = ratio <= TARGET_RATIO
        if not ok:
            misses.append(op)
        table.add_row(
            op, f"{medians[op]:.3f}", f"{floors[op]:.3f}", f"{ratio:.2f}", "met" if ok else "MISSED"
        )
    console.print(table)

    prim_table = Table(title="Binding primitives (median ms)")
    prim_table.add_column("primitive")
    prim_table.add_column("ms", justify="right")
    for name in prims:
        prim_table.add_row(name, f"{medians[name]:.4f}")
    console.print(prim_table)

    sizes = Table(title="Sizes (bytes)")
    sizes.add_column("object")
    sizes.add_column("bytes", justify="right")
    for name, size in (
        ("signature", len(f.signature)),
        (f"proof (U = {U})", len(f.proof)),
        (f"proof with nym (U = {U + 3})", len(f.nym_proof)),
        ("pseudonym", len(f.pseudonym)),
        ("commitment with proof (M = 1)", len(f.commitment)),
        ("public key", len(f.pk)),
    ):
        sizes.add_row(name, str(size))
    console.print(sizes)

    peer_rows: dict[str, float] = {}
    reason = peer_available()
    if reason is None:
        with DigitalBazaarPeer() as peer:
            got = peer.call(
                "bench", ciphersuite=SUITE.name, L=L, disclosed=DISCLOSED, iterations=20
            )
        peer_rows = {
            "Sign": got["sign_ms"],
            "Verify": got["verify_ms"],
            "ProofGen": got["proofgen_ms"],
            "ProofVerify": got["proofverify_ms"],
        }
        peer_table = Table(title="Against @digitalbazaar/bbs-signatures 3.0.0 (Node.js, same run)")
        for col in ("operation", "digitalbazaar ms", "RealDID ms", "speed-up"):
            peer_table.add_column(col, justify="right" if col != "operation" else "left")
        for op, theirs in peer_rows.items():
            peer_table.add_row(
                op, f"{theirs:.2f}", f"{medians[op]:.3f}", f"{theirs / medians[op]:.0f}x"
            )
        console.print(peer_table)
    else:
        console.print(f"[yellow]digitalbazaar peer skipped: {reason}[/]")

    batch = batch_figures(max(rounds // 5, 5))
    batch_ratio = batch["batch"] / batch["singles"]
    if batch_ratio > BATCH_TARGET:
        misses.append("proof_verify_batch")
    bt = Table(title=f"Batch verification, n = {BATCH_N}, 4 issuer keys (ms per proof)")
    for col in ("mode", "ms per proof", "vs single"):
        bt.add_column(col, justify="right" if col != "mode" else "left")
    bt.add_row("single ProofVerify", f"{batch['singles']:.3f}", "1.00")
    verdict = "met" if batch_ratio <= BATCH_TARGET else "MISSED"
    bt.add_row(
        "proof_verify_batch, all valid",
        f"{batch['batch']:.3f}",
        f"{batch_ratio:.2f} (target <= {BATCH_TARGET}: {verdict})",
    )
    bt.add_row(
        "proof_verify_batch, one forged (bisection)",
        f"{batch['one_bad']:.3f}",
        f"{batch['one_bad'] / batch['singles']:.2f}",
    )
    console.print(bt)

    if misses:
        console.print(f"[bold yellow]Rows that miss their target:[/] {', '.join(misses)}")
    else:
        console.print("[bold green]Every row meets its target.[/]")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "medians_ms": medians,
                    "floors_ms": floors,
                    "peer_ms": peer_rows,
                    "batch_ms_per_proof": batch,
                    "misses": misses,
                },
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
