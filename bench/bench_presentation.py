"""make bench (part 2): RealDID presentations, trustees, and AnonCreds in the same run.

Rows (issue #4):
* identity presentation: 12-attribute identity credential, pseudonym +
  age >= 18 + validity + escrow, 2 attributes disclosed: prove, verify, size;
* two-credential presentation (identity + medical): verified resident,
  blood type and allergies, holder binding, validity, pseudonym;
* batch verification of 64 identity presentations against 64 single ones;
* DKG for n = 5, k = 3; one partial decryption with its proof; combine;
* AnonCreds 0.2.3 (CL signatures) on the same 12 attributes, the same two
  disclosures, with the age predicate alone and with age + validity.

Targets: prove <= 20 ms, verify <= 15 ms, size <= 3 KB, batch <= 0.5x.
Medians of at least 20 runs; nothing is asserted, figures are printed.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tools.world import EPOCH, IDENTITY, MEDICAL, TODAY, forum_statement, world  # noqa: E402

from realdid.crypto.dkg import run_ceremony, verify_transcript  # noqa: E402
from realdid.crypto.escrow import EscrowKey, opened_index_key, trustee_decrypt  # noqa: E402
from realdid.crypto.escrow_blinding import (  # noqa: E402
    blind,
    blinding_scalars,
    combine_blinded,
    trustee_decrypt_blinded,
    unblind,
)
from realdid.crypto.presentation import (  # noqa: E402
    AttributeRef,
    CredentialRequest,
    RangePredicate,
    Statement,
    prove,
    verify,
    verify_batch,
)

PROVE_MS, VERIFY_MS, SIZE_BYTES, BATCH_RATIO = 20.0, 15.0, 3072, 0.5
BATCH_N = 64


def median_ms(fn: Callable[[], object], rounds: int) -> float:
    fn()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter_ns()
        fn()
        samples.append((time.perf_counter_ns() - start) / 1e6)
    return statistics.median(samples)


def hospital_statement() -> Statement:
    w = world()
    return Statement(
        credentials=(
            CredentialRequest(IDENTITY, w.authority.pk, EPOCH, ("verified_resident",)),
            CredentialRequest(MEDICAL, w.hospital.pk, EPOCH, ("blood_type", "allergies")),
        ),
        nonce=b"hospital-nonce-0001",
        context_id=b"did:realdid:svc:hospital",
        pseudonym_from=0,
        ranges=(RangePredicate(AttributeRef(0, "valid_until"), lower=TODAY),),
        range_params=w.range_params,
    )


def anoncreds_figures(rounds: int) -> dict[str, float]:
    """AnonCreds 0.2.3: the same 12 attributes and 2 disclosures; 1 and 2 predicates."""
    from anoncreds import (
        Credential,
        CredentialDefinition,
        CredentialOffer,
        PresentationRequest,
        PresentCredentials,
        Schema,
        create_link_secret,
        generate_nonce,
    )
    from anoncreds import (
        CredentialRequest as ACRequest,
    )
    from anoncreds import Presentation as ACPresentation

    attrs = [a.name for a in IDENTITY.attributes]
    sid, cid, iss = (
        "did:realdid:a/schema/identity",
        "did:realdid:a/creddef/identity",
        "did:realdid:a",
    )
    schema = Schema.create("identity", "1.0", iss, attrs)
    cred_def, cred_def_private, proof = CredentialDefinition.create(
        sid, schema, iss, "tag", "CL", support_revocation=False
    )
    link_secret = create_link_secret()
    offer = CredentialOffer.create(sid, cid, proof)
    request, metadata = ACRequest.create("entropy", None, cred_def, link_secret, "ls", offer)
    values = {a: "1" for a in attrs}
    values |= {"birth_date": "7370", "valid_until": "20811", "region": "Beijing"}
    values["verified_resident"] = "true"
    credential = Credential.create(cred_def, cred_def_private, offer, request, values).process(
        metadata, link_secret, cred_def
    )
    out: dict[str, float] = {}
    for label, predicates in (
        ("1 predicate", {"p1": {"name": "birth_date", "p_type": "<=", "p_value": 14207}}),
        (
            "2 predicates",
            {
                "p1": {"name": "birth_date", "p_type": "<=", "p_value": 14207},
                "p2": {"name": "valid_until", "p_type": ">=", "p_value": 20781},
            },
        ),
    ):
        pres_req = PresentationRequest.load(
            {
                "nonce": generate_nonce(), "name": "bench", "version": "1.0",
                "requested_attributes": {
                    "r1": {"name": "region"}, "r2": {"name": "verified_resident"},
                },
                "requested_predicates": predicates,
            }
        )  # fmt: skip
        present = PresentCredentials()
        present.add_attributes(credential, "r1", "r2", reveal=True)
        present.add_predicates(credential, *predicates)

        def create(pres_req: Any = pres_req, present: Any = present) -> Any:
            return ACPresentation.create(
                pres_req, present, None, link_secret, {sid: schema}, {cid: cred_def}
            )

        presentation = create()

        def check(pres: Any = presentation, pres_req: Any = pres_req) -> Any:
            return pres.verify(pres_req, {sid: schema}, {cid: cred_def})

        out[f"{label} prove"] = median_ms(create, rounds)
        out[f"{label} verify"] = median_ms(check, rounds)
        out[f"{label} size"] = float(len(presentation.to_json()))
    return out


OPENING_ROWS = (
    "opening: blinding (+ ciphertext check, proof of (b, s))",
    "opening: partial decryption of the blinded copy (+ both checks, DLEQ)",
    "opening: combine 3 shares (+ verify each)",
    "opening: unblind and map (b^-1, index key)",
    "opening: whole (blinding, 3 partial decryptions, combination, mapping)",
)


def opening_figures(
    figures: dict[str, float], rounds: int, ceremony: Any, ct: Any, label: Any
) -> None:
    """A lawful opening's cryptography (docs/crypto.md §11), one party after another;
    the ledger reads and writes around it are in bench_parties."""
    key, joint, request = (
        EscrowKey(ceremony.result.public_key),
        ceremony.result.joint_key(),
        bytes(32),
    )
    b, s = blinding_scalars(bytes(range(32)))

    def blinding() -> Any:
        return blind(ct, key, request=request, b=b, s=s)

    blinded = blinding()

    def share(j: int) -> Any:
        return trustee_decrypt_blinded(
            ceremony.key_shares[j], ct, blinded, key, label, request=request
        )

    partials = [share(j) for j in (1, 3, 5)]

    def whole() -> bytes:
        copy = blinding()
        shares = [
            trustee_decrypt_blinded(ceremony.key_shares[j], ct, copy, key, label, request=request)
            for j in (1, 3, 5)
        ]
        return opened_index_key(
            unblind(combine_blinded(copy, shares, key=joint, request=request), b)
        )

    point = combine_blinded(blinded, partials, key=joint, request=request)
    rows = (
        blinding,
        lambda: share(1),
        lambda: combine_blinded(blinded, partials, key=joint, request=request),
        lambda: opened_index_key(unblind(point, b)),
        whole,
    )
    for name, fn in zip(OPENING_ROWS, rows, strict=True):
        figures[name] = median_ms(fn, rounds * (1 if fn is whole else 4))


def trustee_figures(figures: dict[str, float], rounds: int, console: Console) -> None:
    """DKG (n = 5, k = 3), one partial decryption with its proof, and the combination."""
    ceremony = run_ceremony(5, 3)
    figures["dkg n=5 k=3 (whole ceremony, all trustees)"] = median_ms(
        lambda: run_ceremony(5, 3), rounds
    )
    figures["verify_transcript"] = median_ms(
        lambda: verify_transcript(ceremony.params, ceremony.transcript), rounds
    )
    key = EscrowKey(ceremony.result.public_key)
    base = forum_statement()
    assert base.escrow is not None
    statement = dataclasses.replace(base, escrow=dataclasses.replace(base.escrow, key=key))
    verified = verify(statement, prove(statement, [world().alice.identity]))
    ct = verified.escrow
    assert ct is not None
    label = ct.label
    figures["partial decryption (+ ciphertext check, DLEQ proof)"] = median_ms(
        lambda: trustee_decrypt(ceremony.key_shares[1], ct, key, label), rounds * 4
    )
    opening_figures(figures, rounds, ceremony, ct, label)
    table = Table(title="Trustees")
    table.add_column("operation")
    table.add_column("ms", justify="right")
    for name in (
        "dkg n=5 k=3 (whole ceremony, all trustees)",
        "verify_transcript",
        "partial decryption (+ ciphertext check, DLEQ proof)",
        *OPENING_ROWS,
    ):
        table.add_row(name, f"{figures[name]:.2f}")
    console.print(table)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    rounds = max(args.rounds, 20)
    console = Console(width=max(Console().width, 110))
    console.rule("[bold]RealDID presentations[/]  (BLS12-381-SHA-256, CCS08 u=256, l=2)")
    w = world()
    figures: dict[str, float] = {}

    forum = forum_statement()
    forum_bytes = prove(forum, [w.alice.identity])
    figures["identity prove"] = median_ms(lambda: prove(forum, [w.alice.identity]), rounds)
    figures["identity verify"] = median_ms(lambda: verify(forum, forum_bytes), rounds)
    figures["identity size"] = float(len(forum_bytes))

    hospital = hospital_statement()
    creds = [w.alice.identity, w.alice.medical]
    hospital_bytes = prove(hospital, creds)
    figures["two-credential prove"] = median_ms(lambda: prove(hospital, creds), rounds)
    figures["two-credential verify"] = median_ms(lambda: verify(hospital, hospital_bytes), rounds)
    figures["two-credential size"] = float(len(hospital_bytes))

    batch = []
    for i in range(BATCH_N):
        statement = dataclasses.replace(forum_statement(), request_digest=i.to_bytes(32, "big"))
        batch.append((statement, prove(statement, [w.alice.identity])))

    def singles() -> None:
        for statement, octets in batch:
            verify(statement, octets)

    batch_rounds = max(rounds // 5, 5)
    figures["batch single per presentation"] = median_ms(singles, batch_rounds) / BATCH_N
    figures["batch per presentation"] = (
        median_ms(lambda: verify_batch(batch), batch_rounds) / BATCH_N
    )

    table = Table(title=f"Presentations (median of {rounds})")
    for col in ("presentation", "prove ms", "verify ms", "bytes", "targets"):
        table.add_column(col, justify="left" if col in ("presentation", "targets") else "right")
    misses = []
    for name in ("identity", "two-credential"):
        p, v, s = figures[f"{name} prove"], figures[f"{name} verify"], figures[f"{name} size"]
        ok = p <= PROVE_MS and v <= VERIFY_MS and s <= SIZE_BYTES
        if not ok:
            misses.append(name)
        verdict = f"prove <= {PROVE_MS:.0f}, verify <= {VERIFY_MS:.0f}, <= 3 KB: "
        table.add_row(
            name, f"{p:.2f}", f"{v:.2f}", f"{s:.0f}", verdict + ("met" if ok else "MISSED")
        )
    console.print(table)

    ratio = figures["batch per presentation"] / figures["batch single per presentation"]
    if ratio > BATCH_RATIO:
        misses.append("batch")
    bt = Table(title=f"Batch verification of {BATCH_N} identity presentations")
    for col in ("mode", "ms per presentation", "vs single"):
        bt.add_column(col, justify="left" if col == "mode" else "right")
    bt.add_row("single verify", f"{figures['batch single per presentation']:.2f}", "1.00")
    bt.add_row(
        "verify_batch",
        f"{figures['batch per presentation']:.2f}",
        f"{ratio:.2f} (target <= {BATCH_RATIO}: {'met' if ratio <= BATCH_RATIO else 'MISSED'})",
    )
    console.print(bt)

    trustee_figures(figures, max(rounds // 4, 5), console)

    ac = anoncreds_figures(rounds)
    figures |= {f"anoncreds {k}": v for k, v in ac.items()}
    at = Table(title="Against AnonCreds 0.2.3 (CL signatures; same attributes, same run)")
    for col in ("presentation", "prove ms", "verify ms", "bytes", "RealDID is"):
        at.add_column(col, justify="left" if col == "presentation" else "right")
    for label in ("1 predicate", "2 predicates"):
        p, v, s = ac[f"{label} prove"], ac[f"{label} verify"], ac[f"{label} size"]
        at.add_row(
            f"AnonCreds, {label}", f"{p:.1f}", f"{v:.1f}", f"{s:.0f}",
            f"{p / figures['identity prove']:.1f}x / {v / figures['identity verify']:.1f}x faster, "
            f"{s / figures['identity size']:.0f}x smaller",
        )  # fmt: skip
    at.add_row(
        "RealDID identity (+ pseudonym, escrow)",
        f"{figures['identity prove']:.1f}",
        f"{figures['identity verify']:.1f}",
        f"{figures['identity size']:.0f}",
        "—",
    )
    console.print(at)

    if misses:
        console.print(f"[bold yellow]Rows that miss their target:[/] {', '.join(misses)}")
    else:
        console.print("[bold green]Every presentation row meets its target.[/]")
    if args.json:
        args.json.write_text(json.dumps({"figures": figures, "misses": misses}, indent=2))


if __name__ == "__main__":
    main()
