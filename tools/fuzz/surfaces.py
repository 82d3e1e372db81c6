"""Every decoder and body that reads outside input, with valid seeds and a verify oracle.

A :class:`Surface` runs one input end to end as a receiving party would (decode,
then verify where a verify step exists). Seeds come from a whole sandbox
deployment (:func:`realdid.sandbox.build_nation`: real keys, a real ledger, a
real enrollment, presentation, issuance and trustee share) and from the draft
APIs directly. ``legit`` says whether an *accepted* input may be accepted: for
a verify surface only inputs that mean the same as a seed may pass.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from realdid.authority.population import generate
from realdid.credentials import request as request_module
from realdid.credentials.did import parse_did
from realdid.credentials.exchange import check_answer
from realdid.credentials.issuance import (
    CredentialApplication,
    EnrollmentRequest,
    IssuedCredential,
    parse,
)
from realdid.credentials.request import Predicate, PresentationRequest
from realdid.credentials.schemas import IDENTITY, MEDICAL
from realdid.credentials.vc import PresentationDocument
from realdid.crypto import bbs, blind, nym
from realdid.crypto._backend import Scalar
from realdid.crypto.credential import check_commitment
from realdid.crypto.dkg import verify_transcript
from realdid.crypto.dkg_messages import (
    Complaint,
    Dealing,
    EncryptedShare,
    FeldmanCommitment,
    RevealedShare,
    Transcript,
)
from realdid.crypto.escrow import EscrowCiphertext, EscrowKey, check_ciphertext
from realdid.crypto.presentation import verify
from realdid.crypto.randomness import random_scalar_octets
from realdid.crypto.range_proof import RangeParams, generate_range_params
from realdid.crypto.threshold import PartialDecryption, partial_decrypt, verify_partial
from realdid.ledger.checkpoint import Checkpoint, CosignatureVerifier
from realdid.ledger.entries import TrusteesBody, b64url, decode_entry, unb64url
from realdid.ledger.note import Note, NoteVerifier, SignatureVerifier, open_note
from realdid.sandbox import build_nation
from realdid.wallet import vault
from realdid.wallet.state import read_state
from realdid.wallet.wallet import Wallet, _Stored

__all__ = ["Surface", "build_surfaces"]


@dataclass
class Surface:
    name: str
    seeds: tuple[bytes, ...]
    run: Callable[[bytes], object]
    kind: str = "bytes"  # which mutator fits: bytes, json, lines
    weight: float = 1.0  # share of the campaign (cheap decoders get more)
    #: None: a decoder only (accepting is fine). Otherwise: may this accepted input pass?
    legit: Callable[[bytes, object], bool] | None = None
    counts: dict[str, int] = field(default_factory=dict)


def _same_bytes(seeds: tuple[bytes, ...]) -> Callable[[bytes, object], bool]:
    return lambda data, _: data in seeds


def _readings(data: bytes) -> tuple[object, object]:
    """``data`` as a parser keeping the first of two equal names reads it, and as one
    keeping the last (Python's): JSON that means two things has two readings."""

    def first(pairs: list[tuple[str, object]]) -> dict[str, object]:
        out: dict[str, object] = {}
        for name, value in pairs:
            out.setdefault(name, value)
        return out

    return json.loads(data, object_pairs_hook=first), json.loads(data)


def _same_json(
    seeds: tuple[bytes, ...], *, unsigned: tuple[str, ...] = ()
) -> Callable[[bytes, object], bool]:
    """An accepted JSON text must mean what a seed means, under both readings (spacing
    and member order may differ; a repeated name, another @context or value may not).
    Top-level ``unsigned`` members are the sender's word, not verified: ignored; so is
    a top-level null, which means what an absent optional member means."""

    def meaning(value: object) -> object:
        if isinstance(value, dict):
            return {k: v for k, v in value.items() if k not in unsigned and v is not None}
        return value

    meanings = [meaning(json.loads(s)) for s in seeds]

    def legit(data: bytes, _: object) -> bool:
        first, last = (meaning(r) for r in _readings(data))
        return any(first == m and last == m for m in meanings)

    return legit


def _crypto_surfaces() -> list[Surface]:
    """The draft-level decoders: BBS signatures and proofs, blind commitments, nym proofs."""
    sk = bbs.key_gen(b"fuzz-campaign-ikm-0123456789abcdef", b"fuzz")
    pk = bbs.sk_to_pk(sk)
    header, ph = b"fuzz header", b"fuzz presentation header"
    messages = [b"alpha", b"beta", b"gamma", b"delta"]
    signature = bbs.sign(sk, pk, header, messages)
    proof = bbs.proof_gen(pk, signature, header, ph, messages, [0, 2])

    def sig_verify(data: bytes) -> None:
        bbs.verify(pk, data, header, messages)

    def proof_verify(data: bytes) -> None:
        bbs.proof_verify(pk, data, header, ph, [messages[0], messages[2]], [0, 2])

    commitment, _ = blind.commit([b"holder secret", b"second"])

    prover_nyms = [random_scalar_octets()]
    committed = [b"holder secret"]
    nym_commitment, prover_blind = nym.commit_with_nym(committed, prover_nyms)
    entropy = random_scalar_octets()
    nym_sig = nym.blind_sign_with_nym(sk, pk, nym_commitment, 1, entropy, header, messages)
    secrets_ = nym.verify_finalize_with_nym(pk, nym_sig, header, messages, committed,
                                            prover_nyms, entropy, prover_blind)  # fmt: skip
    context = b"did:realdid:forum-a"
    nym_proof, pseudonym = nym.proof_gen_with_nym(pk, nym_sig, header, ph, secrets_, context,
                                                  messages, committed, [1], [],
                                                  prover_blind)  # fmt: skip

    def nym_verify(data: bytes) -> None:
        nym.proof_verify_with_nym(pk, data, header, ph, pseudonym, context, 1, len(messages),
                                  [messages[1]], [], [1], [])  # fmt: skip

    def nym_pseudonym(data: bytes) -> None:
        nym.proof_verify_with_nym(pk, nym_proof, header, ph, data, context, 1, len(messages),
                                  [messages[1]], [], [1], [])  # fmt: skip

    return [
        Surface("bbs.signature", (signature,), sig_verify, weight=2,
                legit=_same_bytes((signature,))),
        Surface("bbs.proof", (proof,), proof_verify, weight=1, legit=_same_bytes((proof,))),
        Surface("bbs.public_key", (pk,), bbs.validate_pk, weight=3),
        Surface("blind.commitment", (commitment,),
                lambda d: blind.deserialize_and_validate_commit(d), weight=2,
                legit=_same_bytes((commitment,))),
        Surface("nym.proof", (nym_proof,), nym_verify, weight=1,
                legit=_same_bytes((nym_proof,))),
        Surface("nym.pseudonym", (pseudonym,), nym_pseudonym, weight=0.5,
                legit=_same_bytes((pseudonym,))),
    ]  # fmt: skip


def identity_only() -> Any:
    """What ``RelyingParty.request`` takes for "the identity credential, nothing shown":
    a CredentialQuery, or an Ask once predicates are registered (the same fields)."""
    kind = getattr(request_module, "Ask", request_module.CredentialQuery)
    return kind(id="identity", schema_id=IDENTITY.schema_id)


def build_surfaces(workdir: Path) -> list[Surface]:
    """Stand up a sandbox nation under ``workdir`` and derive every surface's seeds."""
    people = list(generate(4))
    nation = build_nation(lambda name: f"sqlite:///{workdir / name}.db", people)
    view = nation.view()
    person = people[0]
    wallet = nation.wallet()
    code = nation.authority.activation_code(person.resident_id)
    enrollment = wallet.enrollment_request(person.resident_id, person.name, code)
    issued_identity = nation.authority.enroll(enrollment)
    wallet.accept(issued_identity)
    hospital = nation.issuers["hospital-1"]
    hospital.add_record(person.resident_id, {"blood_type": "O+", "allergies": "none",
                                             "chronic_conditions": "none"})  # fmt: skip
    application = wallet.apply(hospital.offer(), MEDICAL.schema_id)
    issued_medical = hospital.issue(application)
    bank = nation.services["bank-1"]
    request = bank.request([identity_only()], purpose="account")
    vp = wallet.present(request)
    forum_request = request.model_copy(
        update={"service": nation.services["forum-a"].did, "purpose": "registration"}
    )
    verified = check_answer(request, vp, view)
    assert verified.escrow is not None
    statement, proof, ct = verified.statement, verified.proof, verified.escrow
    trustees = view.trustees()
    label = ct.label

    # ---------------------------------------------------------------- credentials
    commitment_seed = unb64url(enrollment.commitment, "seed")

    def vp_check(data: bytes) -> PresentationDocument:
        check_answer(request, data, view)
        return PresentationDocument.parse(data)

    badge_request = nation.authority.badge_request()
    # Every field a request can carry: predicates (date and integer bounds), equalities.
    rich = json.loads(request.encode())
    named = {"id": "p"} if "id" in Predicate.model_fields else {}  # registered ids, if any
    rich["credentials"][0].update(
        disclose=["region"],
        predicates=[{**named, "attribute": "birth_date", "lte": "2008-11-24"},
                    {**named, "attribute": "enrollment", "gte": 1, "lte": 9}],
        equal={"nationality": "CN", "enrollment": 1},
    )  # fmt: skip
    rich_request = PresentationRequest.parse(json.dumps(rich))

    def request_parse(data: bytes) -> bytes:
        return PresentationRequest.parse(data).digest

    def wallet_request(data: bytes) -> object:
        """What a wallet does with a request before anyone sees it: the guard, the screen."""
        return wallet.consent(PresentationRequest.parse(data))

    def message(model: type[EnrollmentRequest | CredentialApplication | IssuedCredential],
                ) -> Callable[[bytes], object]:  # fmt: skip
        return lambda data: parse(model, data)

    accept_seed = issued_medical.model_dump_json().encode()
    base_pending = dict(wallet.pending)
    base_credentials = list(wallet.credentials)

    def accept(data: bytes) -> tuple[object, ...]:
        issued = parse(IssuedCredential, data)
        copy = Wallet(view, wallet.recovery_secret, list(base_credentials), {},
                      dict(base_pending), clock=nation.clock)  # fmt: skip
        copy.accept(issued)
        return (issued.schema_id, issued.values, issued.signature, issued.key_id, issued.epoch,
                issued.commitment, issued.nym_entropy, issued.issuer)  # fmt: skip

    wallet.accept(issued_medical)

    # ---------------------------------------------------------------- wallet
    passphrase = "fuzz passphrase"  # noqa: S105  (a throwaway wallet)
    state = {
        "recovery_secret": b64url(wallet.recovery_secret),
        "credentials": [c.__dict__ for c in wallet.credentials],
        "accounts": {k: a.__dict__ for k, a in wallet.accounts.items()},
        "pending": wallet.pending,
    }
    state_seed = json.dumps(state).encode()
    sealed_seed = vault.seal(state_seed, passphrase)
    signed_fields = ("schema_id", "values", "signature", "public_key", "epoch", "blind",
                     "nym_entropy")  # fmt: skip

    def unlock_state(data: bytes) -> list[tuple[object, ...]]:
        parsed = read_state(data)
        unlocked = Wallet(view, parsed.recovery_secret_bytes(),
                          [_Stored(**c.model_dump()) for c in parsed.credentials], {},
                          parsed.pending_dicts(), clock=nation.clock)  # fmt: skip
        unlocked.held()  # every signature verified over the stored values and secrets
        unlocked.documents()
        return [tuple(getattr(c, f) for f in signed_fields) for c in unlocked.credentials]

    seed_state = unlock_state(state_seed)
    sampled = {"n": 0}

    def wallet_file(data: bytes) -> object:
        parts = vault._unsealed_parts(data)  # the gate before scrypt
        sampled["n"] += 1
        if sampled["n"] % 200 == 0:  # the whole path, scrypt included, now and then
            return vault.open_sealed(data, passphrase)
        return parts

    # ---------------------------------------------------------------- escrow, threshold
    ct_seed = ct.encode()
    key_seed = trustees.joint_key.encode()

    def escrow(data: bytes) -> None:
        check_ciphertext(EscrowCiphertext.decode(data), trustees.joint_key, label)

    desk = nation.trustees[0]
    partial = partial_decrypt(desk.share, ct.U, context=ct.ciphertext_id)
    partial_seed = partial.to_bytes()
    public_share = trustees.ceremony.public_shares[desk.share.index]

    def partial_check(data: bytes) -> None:
        verify_partial(PartialDecryption.from_bytes(data), ct.U, public_share=public_share,
                       context=ct.ciphertext_id)  # fmt: skip

    range_seed = generate_range_params(16, 2).encode()

    # ---------------------------------------------------------------- DKG
    entries = [nation.ledger.log.entry(i) for i in range(nation.ledger.log.store.size())]
    trustees_entry = next(decode_entry(e) for e in entries if b'"trustees"' in e)
    body = trustees_entry.typed_body()
    assert isinstance(body, TrusteesBody)
    params, transcript = body.ceremony()
    transcript_seed = transcript.to_bytes()
    message_seeds: tuple[tuple[str, Callable[[bytes], object], tuple[bytes, ...]], ...] = (
        ("Dealing", Dealing.from_bytes, tuple(d.to_bytes() for d in transcript.dealings)),
        ("FeldmanCommitment", FeldmanCommitment.from_bytes,
         tuple(f.to_bytes() for f in transcript.feldman)),
        ("Complaint", Complaint.from_bytes, (Complaint(1, 2).to_bytes(),
                                             Complaint(3, 1).to_bytes())),
        ("RevealedShare", RevealedShare.from_bytes,
         (RevealedShare(1, 2, Scalar(5), Scalar(7)).to_bytes(),)),
        ("EncryptedShare", EncryptedShare.from_bytes,
         tuple(s.to_bytes() for s in transcript.dealings[0].shares)),
    )  # fmt: skip

    def dkg_transcript(data: bytes) -> object:
        return verify_transcript(params, Transcript.from_bytes(data))

    # ---------------------------------------------------------------- ledger
    note_seed = nation.ledger.log.latest_checkpoint()
    policy = nation.ledger.policy("realdid.example/national-registry")
    verifiers: tuple[SignatureVerifier, ...] = (policy.log_key, *policy.witnesses)
    note_text = Note.parse(note_seed).text

    def note(data: bytes) -> Note:
        """The opened note, keeping only the signatures that verify (what a reader trusts)."""
        opened, signed = open_note(data, verifiers)
        by_key = {(v.name, v.key_id): v for v in signed}
        kept = tuple(
            s
            for s in opened.signatures
            if (s.name, s.key_id) in by_key and by_key[s.name, s.key_id].verify(opened.text, s)
        )
        return Note(opened.text, kept)

    def same_note(data: bytes, opened: object) -> bool:
        """The seed's text, and no verified signature but the seed's: junk lines are
        ignored (the signed-note spec lets anyone append lines), but nothing under another
        base64 spelling verifies."""
        assert isinstance(opened, Note)
        seed_lines = set(note_seed.decode().split("\n"))
        return opened.text == note_text and all(
            sig.line().rstrip("\n") in seed_lines for sig in opened.signatures
        )

    def round_trip(encode: Callable[[object], str]) -> Callable[[bytes, object], bool]:
        """A parser without a verify step must still give one text per value (RFC 4648
        §3.5 canonical base64, canonical decimals): what it accepts re-encodes to itself."""
        return lambda data, parsed: encode(parsed) == data.decode("utf-8", "replace")

    def checkpoint(data: bytes) -> Checkpoint:
        return Checkpoint.parse(data.decode("utf-8", "replace"))

    log_vkey = policy.log_key.encode().encode()
    witness_vkeys = tuple(w.encode().encode() for w in policy.witnesses)

    surfaces = [
        *_crypto_surfaces(),
        Surface("credentials.presentation", (vp,), vp_check, "json", 1.5,
                legit=_same_json((vp,))),
        Surface("presentation.proof", (proof,), lambda d: verify(statement, d), weight=0.5,
                legit=_same_bytes((proof,))),
        Surface("credentials.request",
                (request.encode(), badge_request.encode(), rich_request.encode()),
                request_parse, "json", 4),
        Surface("wallet.request", (request.encode(), forum_request.encode()), wallet_request,
                "json", 1),
        Surface("issuance.enrollment", (enrollment.encode(),), message(EnrollmentRequest),
                "json", 4),
        Surface("issuance.commitment", (commitment_seed,),
                lambda d: check_commitment(IDENTITY, d), weight=1,
                legit=_same_bytes((commitment_seed,))),
        Surface("issuance.application", (application.encode(),), message(CredentialApplication),
                "json", 3),
        Surface("issuance.issued", (issued_medical.encode(), issued_identity.encode()),
                message(IssuedCredential), "json", 4),
        Surface("wallet.accept", (accept_seed,), accept, "json", 0.5,
                legit=_same_json((accept_seed,), unsigned=("issued_on",))),
        Surface("wallet.file", (sealed_seed,), wallet_file, "json", 4),
        Surface("wallet.state", (state_seed,), unlock_state, "json", 1,
                legit=lambda _, got: all(c in seed_state for c in got)),  # type: ignore[attr-defined]
        Surface("did.parse", (b"did:realdid:forum-a", b"did:realdid:a.b-c"),
                lambda d: parse_did(d.decode("utf-8", "replace")), weight=3),
        Surface("escrow.ciphertext", (ct_seed,), escrow, weight=1,
                legit=_same_bytes((ct_seed,))),
        Surface("escrow.key", (key_seed,), EscrowKey.decode, weight=2),
        Surface("range.params", (range_seed,), RangeParams.decode, weight=0.5),
        Surface("threshold.partial", (partial_seed,), partial_check, weight=1.5,
                legit=_same_bytes((partial_seed,))),
        Surface("dkg.transcript", (transcript_seed,), dkg_transcript, weight=0.2),
        *(Surface(f"dkg.{name}", seeds, decode, weight=1)
          for name, decode, seeds in message_seeds if seeds),
        Surface("ledger.entry", tuple(entries), decode_entry, "json", 4),
        Surface("ledger.note", (note_seed,), note, "lines", 3, legit=same_note),
        Surface("ledger.checkpoint", (note_text.encode(),), checkpoint, "lines", 4,
                legit=round_trip(lambda c: c.text())),  # type: ignore[attr-defined]
        Surface("ledger.note_vkey", (log_vkey,),
                lambda d: NoteVerifier.parse(d.decode("utf-8", "replace")), "lines", 2,
                legit=round_trip(lambda v: v.encode())),  # type: ignore[attr-defined]
        Surface("ledger.cosignature_vkey", witness_vkeys,
                lambda d: CosignatureVerifier.parse(d.decode("utf-8", "replace")), "lines", 2,
                legit=round_trip(lambda v: v.encode())),  # type: ignore[attr-defined]
    ]  # fmt: skip
    return surfaces
