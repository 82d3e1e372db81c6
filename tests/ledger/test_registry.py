"""Entries and the registry's admission rules: who may write what, and nothing
changes when a write is refused."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
import rfc8785
from tools.ledger_world import T0, ledger_world, opening_request_body, trustees_body

from realdid.crypto._backend import BP1, G1_IDENTITY, Scalar
from realdid.crypto.escrow import EscrowCiphertext, EscrowKey, EscrowLabel, encrypt
from realdid.crypto.escrow_blinding import BlindedCiphertext
from realdid.crypto.threshold import PartialDecryption
from realdid.errors import (
    DecodeError,
    InvalidArgumentError,
    PermissionDeniedError,
    RealDIDError,
    VerificationError,
)
from realdid.ledger.entries import EntryType, b64url, decode_entry, unb64url
from realdid.ledger.identity import LedgerIdentity
from realdid.ledger.registry import Registry
from realdid.ledger.smt import SmtProof, verify_lookup


def _share(index: int) -> bytes:
    """A well-formed share's bytes for trustee ``index`` (the registry decodes it strictly,
    reads the index, checks no proof)."""
    return PartialDecryption(index, BP1, Scalar(1), Scalar(2)).to_bytes()


def _blinded(tweak: int = 1) -> str:
    """A well-formed blinded copy (the registry decodes it strictly, checks no proof)."""
    return b64url(BlindedCiphertext(BP1, BP1 * Scalar(tweak + 1), *map(Scalar, (1, 2, 3))).encode())


def _registry() -> Registry:
    r = Registry()
    r.replay(list(ledger_world().setup))
    return r


def _refused(r: Registry, entry: bytes, error: type[RealDIDError]) -> None:
    before = (r.size, r.state.root, dict(r.institutions), set(r.retired))
    with pytest.raises(error):
        r.apply(entry)
    assert (r.size, r.state.root, dict(r.institutions), set(r.retired)) == before


def test_the_setup_builds_the_expected_state() -> None:
    w, r = ledger_world(), _registry()
    assert r.origin == "ledger.realdid.example/v1"
    assert r.institutions[w.forum.did].role.value == "service"
    assert f"{w.hospital.did}#bbs-1" in r.issuer_keys
    assert r.services[w.forum.did].permissions.escrow == "required"
    assert r.trustees is not None
    assert r.trustees.threshold == 2
    for key in (f"did:{w.hospital.did}", "schema:realdid:medical:v1", f"service:{w.forum.did}"):
        value = r.state.get(key)
        assert value is not None
        verify_lookup(r.state.root, key, value, SmtProof.decode(r.state.prove(key).encode()))
    verify_lookup(
        r.state.root,
        "service:did:realdid:nobody",
        None,
        r.state.prove("service:did:realdid:nobody"),
    )
    with pytest.raises(VerificationError):
        verify_lookup(
            r.state.root,
            "service:did:realdid:nobody",
            b"x" * 40,
            r.state.prove("service:did:realdid:nobody"),
        )


def test_an_outsider_cannot_write() -> None:
    w, r = ledger_world(), _registry()
    _refused(
        r,
        w.outsider.sign(EntryType.EPOCH, {"epoch": 12, "starts": "2026-12-01"}, T0),
        PermissionDeniedError,
    )


@pytest.mark.parametrize(
    ("who", "kind", "body"),
    [
        (
            "forum",
            EntryType.SCHEMA,
            {
                "schema_id": "x:v1",
                "attributes": [{"name": "a", "kind": "text"}],
                "issuers": ["did:realdid:hospital-1"],
            },
        ),
        ("hospital", EntryType.EPOCH, {"epoch": 12, "starts": "2026-12-01"}),
        ("court", EntryType.ADMIT, None),
        ("forum", EntryType.OPENING_REQUEST, None),
        (
            "court",
            EntryType.OPENING_SHARE,
            {"request": 0, "blinding": 0, "share": b64url(_share(1))},
        ),
        ("court", EntryType.OPENING_BLINDING, {"request": 0, "blinded": _blinded()}),
        ("hospital", EntryType.OPENING_BLINDING, {"request": 0, "blinded": _blinded()}),
    ],
)
def test_roles_are_enforced(who: str, kind: EntryType, body: dict[str, object] | None) -> None:
    w, r = ledger_world(), _registry()
    if kind is EntryType.ADMIT:
        body = {"role": "issuer", "document": w.outsider.document().model_dump(mode="json")}
    if kind is EntryType.OPENING_REQUEST:
        body = opening_request_body(w, "c-1")
    assert body is not None
    _refused(r, getattr(w, who).sign(kind, body, T0), PermissionDeniedError)


def test_an_issuer_publishes_only_its_own_keys() -> None:
    w, r = ledger_world(), _registry()
    body = {
        "key_id": f"{w.forum.did}#bbs-9",
        "ciphersuite": "BLS12-381-SHA-256",
        "public_key": b64url(w.bbs_pk),
        "schemas": ["realdid:medical:v1"],
        "valid_from_epoch": 1,
    }
    _refused(r, w.hospital.sign(EntryType.ISSUER_KEY, body, T0), PermissionDeniedError)


def test_content_rules() -> None:
    w, r = ledger_world(), _registry()
    cases = [
        w.authority.sign(
            EntryType.SCHEMA,
            {
                "schema_id": "realdid:medical:v1",
                "attributes": [{"name": "a", "kind": "text"}],
                "issuers": [w.hospital.did],
            },
            T0,
        ),
        w.authority.sign(
            EntryType.SERVICE,
            {
                "service": w.forum.did,
                "context_id": w.forum.did,
                "permissions": {"disclose": {"realdid:medical:v1": ["no-such"]}},
            },
            T0,
        ),
        w.authority.sign(
            EntryType.SERVICE,
            {"service": w.court.did, "context_id": w.court.did, "permissions": {}},
            T0,
        ),
        w.authority.sign(
            EntryType.SERVICE,
            {"service": w.forum.did, "context_id": "other", "permissions": {}},
            T0,
        ),
        w.authority.sign(
            EntryType.SERVICE,
            {
                "service": w.forum.did,
                "context_id": w.forum.did,
                "permissions": {
                    "predicates": [
                        {
                            "id": "blood",
                            "schema_id": "realdid:medical:v1",
                            "attribute": "blood_type",  # a text attribute: no range on it
                            "relation": "gte",
                            "bound": {"kind": "constant", "value": 1},
                            "text": {"en": "x", "zh-CN": "x"},
                        }
                    ]
                },
            },
            T0,
        ),
        w.authority.sign(EntryType.EPOCH, {"epoch": 11, "starts": "2026-12-01"}, T0),
        w.authority.sign(EntryType.RETIRE, {"state_key": "issuer-key:nope", "reason": "x"}, T0),
        w.trustees[0].sign(
            EntryType.OPENING_SHARE, {"request": 3, "blinding": 4, "share": b64url(_share(1))}, T0
        ),
        w.authority.sign(EntryType.OPENING_BLINDING, {"request": 3, "blinded": _blinded()}, T0),
    ]
    for entry in cases:
        _refused(r, entry, InvalidArgumentError)


def test_signatures_canonical_form_and_bodies_are_checked() -> None:
    w, r = ledger_world(), _registry()
    good = w.authority.sign(
        EntryType.EPOCH, {"epoch": 12, "starts": "2026-12-01"}, T0, r.latest_index("epoch")
    )
    data = json.loads(good)
    forged = dict(data, body={"epoch": 13, "starts": "2026-12-01"})
    _refused(r, rfc8785.dumps(forged), VerificationError)
    _refused(r, json.dumps(data, indent=1).encode(), DecodeError)  # not canonical
    _refused(r, rfc8785.dumps(dict(data, body={**data["body"], "extra": 1})), DecodeError)
    _refused(r, rfc8785.dumps(dict(data, key=f"{w.authority.did}#other")), PermissionDeniedError)
    _refused(r, b"\xff not json", DecodeError)
    _refused(r, b"x" * (300 * 1024), DecodeError)
    with pytest.raises(DecodeError):  # an issuer key that is not a G2 point
        w.hospital.sign(
            EntryType.ISSUER_KEY,
            {
                "key_id": f"{w.hospital.did}#k",
                "ciphersuite": "BLS12-381-SHA-256",
                "public_key": b64url(bytes(96)),
                "schemas": ["realdid:medical:v1"],
                "valid_from_epoch": 1,
            },
            T0,
        )
    r.apply(good)
    assert decode_entry(good).typed_body()


def test_genesis_only_first_and_self_signed() -> None:
    w, r = ledger_world(), _registry()
    _refused(r, w.setup[0], PermissionDeniedError)
    empty = Registry()
    _refused(empty, w.setup[1], PermissionDeniedError)


def test_retirement_by_owner_and_its_effect() -> None:
    w, r = ledger_world(), _registry()
    key = f"issuer-key:{w.hospital.did}#bbs-1"
    _refused(
        r,
        w.forum.sign(EntryType.RETIRE, {"state_key": key, "reason": "x"}, T0),
        PermissionDeniedError,
    )
    r.apply(
        w.hospital.sign(
            EntryType.RETIRE, {"state_key": key, "reason": "compromised"}, T0, r.latest_index(key)
        )
    )
    with pytest.raises(InvalidArgumentError):
        r.require_live(key)
    forum = f"did:{w.forum.did}"
    r.apply(
        w.authority.sign(
            EntryType.RETIRE, {"state_key": forum, "reason": "closed"}, T0, r.latest_index(forum)
        )
    )
    _refused(
        r,
        w.forum.sign(
            EntryType.DID_UPDATE, {"document": w.forum.document().model_dump(mode="json")}, T0
        ),
        PermissionDeniedError,
    )


def test_openings_by_courts_and_trustees() -> None:
    w, r = ledger_world(), _registry()
    request = w.court.sign(
        EntryType.OPENING_REQUEST,
        opening_request_body(w, "2026-CR-0042"),
        T0,
    )
    r.apply(request)
    index = r.size - 1

    def share(trustee: LedgerIdentity, i: int, blinding: int) -> bytes:
        body = {"request": index, "blinding": blinding, "share": b64url(_share(i))}
        return trustee.sign(EntryType.OPENING_SHARE, body, T0)

    _refused(r, share(w.trustees[0], 1, index), InvalidArgumentError)  # nothing blinded yet
    blind = {"request": index, "blinded": _blinded()}
    _refused(  # the blinding of a request that is not on the ledger
        r, w.authority.sign(EntryType.OPENING_BLINDING, dict(blind, request=index - 1), T0),
        InvalidArgumentError,
    )  # fmt: skip
    r.apply(w.authority.sign(EntryType.OPENING_BLINDING, blind, T0))
    blinding = r.size - 1
    assert r.blindings == {index: blinding}
    _refused(  # one blinding per request
        r, w.authority.sign(EntryType.OPENING_BLINDING, dict(blind, blinded=_blinded(2)), T0),
        InvalidArgumentError,
    )  # fmt: skip
    _refused(r, share(w.trustees[0], 1, index), InvalidArgumentError)  # not the blinding
    _refused(r, share(w.trustees[0], 1, blinding + 1), InvalidArgumentError)
    _refused(r, share(w.trustees[0], 2, blinding), InvalidArgumentError)  # another's index
    r.apply(share(w.trustees[0], 1, blinding))
    _refused(r, share(w.outsider, 1, blinding), PermissionDeniedError)


def test_a_blinding_body_is_decoded_strictly() -> None:
    w = ledger_world()
    good = BlindedCiphertext.decode(unb64url(_blinded()))
    for bad in (
        b64url(good.encode()[:-1]),
        b64url(BlindedCiphertext(G1_IDENTITY, good.V, *map(Scalar, (1, 2, 3))).encode()),
        b64url(good.encode()[:96] + b"\xff" * 32 + good.encode()[128:]),  # c >= r
    ):
        with pytest.raises(DecodeError):
            w.authority.sign(EntryType.OPENING_BLINDING, {"request": 0, "blinded": bad}, T0)
    for field, value in (("request", -1), ("request", True), ("extra", 1)):
        body = {"request": 0, "blinded": _blinded(), field: value}
        with pytest.raises(DecodeError):
            w.authority.sign(EntryType.OPENING_BLINDING, body, T0)


def test_a_replayed_or_stale_entry_cannot_roll_the_state_back() -> None:
    w, r = ledger_world(), _registry()
    service = f"service:{w.forum.did}"
    registration = next(e for e in w.setup if decode_entry(e).type is EntryType.SERVICE)
    retire = w.authority.sign(
        EntryType.RETIRE, {"state_key": service, "reason": "suspended"}, T0, r.latest_index(service)
    )
    r.apply(retire)
    _refused(r, registration, InvalidArgumentError)  # un-retiring by replay
    _refused(
        r,
        w.authority.sign(EntryType.SERVICE, decode_entry(registration).body, T0 + 1),
        InvalidArgumentError,
    )  # a new entry, but blind to the retirement
    reopened = w.authority.sign(
        EntryType.SERVICE, decode_entry(registration).body, T0 + 2, r.latest_index(service)
    )
    r.apply(reopened)  # the authority reopens it knowingly
    r.require_live(service)
    _refused(r, retire, InvalidArgumentError)  # nor re-retired by replay

    # A key rotation cannot be undone by re-sending the update that installed the old key.
    hospital = f"did:{w.hospital.did}"
    k2, k3 = (LedgerIdentity.generate(w.hospital.did, "hospital-1", f"ledger-{i}") for i in (2, 3))
    to_k2 = w.authority.sign(
        EntryType.DID_UPDATE,
        {"document": k2.document().model_dump(mode="json")},
        T0,
        r.latest_index(hospital),
    )
    r.apply(to_k2)
    r.apply(
        w.authority.sign(
            EntryType.DID_UPDATE,
            {"document": k3.document().model_dump(mode="json")},
            T0 + 1,
            r.latest_index(hospital),
        )
    )  # k2 was compromised
    _refused(r, to_k2, InvalidArgumentError)
    _refused(
        r,
        k2.sign(
            EntryType.RETIRE, {"state_key": hospital, "reason": "x"}, T0, r.latest_index(hospital)
        ),
        PermissionDeniedError,
    )

    trustees = next(e for e in w.setup if decode_entry(e).type is EntryType.TRUSTEES)
    _refused(r, trustees, InvalidArgumentError)


def test_events_appear_once() -> None:
    w, r = ledger_world(), _registry()
    body = opening_request_body(w, "2026-CR-0042")
    request = w.court.sign(EntryType.OPENING_REQUEST, body, T0)
    r.apply(request)
    index = r.size - 1
    _refused(r, request, InvalidArgumentError)
    data = json.loads(request)
    for c in "ABCDEFGHIJKLMNOP":  # the signature's last character, its unused bits changed
        if c != data["sig"][-1]:
            edited = rfc8785.dumps(dict(data, sig=data["sig"][:-1] + c))
            with pytest.raises(RealDIDError):
                r.check(edited)
    _refused(r, w.court.sign(EntryType.OPENING_REQUEST, body, T0 + 1, 0), InvalidArgumentError)
    r.apply(
        w.authority.sign(EntryType.OPENING_BLINDING, {"request": index, "blinded": _blinded()}, T0)
    )
    share = {"request": index, "blinding": r.size - 1, "share": b64url(_share(1))}
    r.apply(w.trustees[0].sign(EntryType.OPENING_SHARE, share, T0))
    _refused(r, w.trustees[0].sign(EntryType.OPENING_SHARE, share, T0 + 1), InvalidArgumentError)
    r.apply(w.trustees[1].sign(EntryType.OPENING_SHARE, dict(share, share=b64url(_share(2))), T0))


def test_a_retired_issuer_key_or_did_stays_retired() -> None:
    w, r = ledger_world(), _registry()
    key = f"issuer-key:{w.hospital.did}#bbs-1"
    publish = next(e for e in w.setup if decode_entry(e).type is EntryType.ISSUER_KEY)
    r.apply(
        w.authority.sign(
            EntryType.RETIRE, {"state_key": key, "reason": "compromised"}, T0, r.latest_index(key)
        )
    )
    body = decode_entry(publish).body
    _refused(
        r,
        w.hospital.sign(EntryType.ISSUER_KEY, body, T0, r.latest_index(key)),
        InvalidArgumentError,
    )
    forum = f"did:{w.forum.did}"
    r.apply(
        w.authority.sign(
            EntryType.RETIRE, {"state_key": forum, "reason": "closed"}, T0, r.latest_index(forum)
        )
    )
    document = {"document": w.forum.document().model_dump(mode="json")}
    _refused(
        r,
        w.authority.sign(EntryType.DID_UPDATE, document, T0, r.latest_index(forum)),
        InvalidArgumentError,
    )


def test_the_authority_and_the_epoch_are_never_retired() -> None:
    w, r = ledger_world(), _registry()
    for key in (f"did:{w.authority.did}", "epoch"):
        retire = w.authority.sign(
            EntryType.RETIRE, {"state_key": key, "reason": "x"}, T0, r.latest_index(key)
        )
        _refused(r, retire, InvalidArgumentError)


def test_only_a_schemas_named_issuers_may_publish_keys_for_it() -> None:
    w, r = ledger_world(), _registry()
    identity = {
        "schema_id": "realdid:identity:v1",
        "attributes": [{"name": "name", "kind": "text"}],
        "issuers": [w.authority.did],
    }
    r.apply(w.authority.sign(EntryType.SCHEMA, identity, T0))
    key = {
        "key_id": f"{w.hospital.did}#bbs-2",
        "ciphersuite": "BLS12-381-SHA-256",
        "public_key": b64url(w.bbs_pk),
        "schemas": ["realdid:identity:v1"],
        "valid_from_epoch": 11,
    }
    _refused(r, w.hospital.sign(EntryType.ISSUER_KEY, key, T0), PermissionDeniedError)
    stranger = dict(identity, schema_id="x:v2", issuers=[w.forum.did])  # a service, not an issuer
    _refused(r, w.authority.sign(EntryType.SCHEMA, stranger, T0), InvalidArgumentError)


def test_a_trustee_set_must_come_with_its_ceremony() -> None:
    w, r = ledger_world(), _registry()
    prev = r.latest_index("trustees")
    body = trustees_body(w.trustees, 2).model_dump(mode="json")
    other = trustees_body(w.trustees, 2).model_dump(mode="json")
    for lie in (
        dict(body, joint_key=other["joint_key"]),  # a key the ceremony did not make
        dict(body, transcript=other["transcript"]),  # another ceremony's record
        dict(body, transcript_hash=b64url(bytes(32))),
        dict(body, threshold=3),  # the ceremony was 2-of-3
    ):
        _refused(r, w.authority.sign(EntryType.TRUSTEES, lie, T0, prev), InvalidArgumentError)
    r.apply(w.authority.sign(EntryType.TRUSTEES, body, T0, prev))


def test_an_opening_request_names_a_trustee_set_and_a_well_formed_ciphertext() -> None:
    w, r = ledger_world(), _registry()
    body = opening_request_body(w)
    ct = EscrowCiphertext.decode(unb64url(str(body["escrow"])))
    other_label = EscrowLabel(w.hospital.did.encode(), bytes(32), "account", 1)
    relabelled = b64url(replace(ct, label=other_label).encode())  # proof no longer holds
    wrong_f = b64url(replace(ct, f=ct.f + Scalar(1)).encode())
    sealed = decode_entry(w.setup[int(str(body["trustees"]))]).body
    key = EscrowKey.decode(unb64url(sealed["joint_key"]))
    for_hospital, _ = encrypt(key, Scalar(7), other_label)  # a good proof, another service
    for change, match in (
        ({"trustees": 0}, "no trustee set"),
        ({"trustees": r.size + 5}, "no trustee set"),
        ({"escrow": relabelled}, "labelled for another service"),
        ({"escrow": b64url(for_hospital.encode())}, "labelled for another service"),
        ({"escrow": wrong_f}, "proof fails"),
    ):
        with pytest.raises(InvalidArgumentError, match=match):
            r.check(w.court.sign(EntryType.OPENING_REQUEST, {**body, **change}, T0))
    for bad in (b64url(ct.encode()[:-1]), b64url(ct.encode() + b"\0"), "@@"):
        with pytest.raises(DecodeError):
            w.court.sign(EntryType.OPENING_REQUEST, {**body, "escrow": bad}, T0)
    with pytest.raises(DecodeError):  # the evidence digest is 32 bytes
        w.court.sign(EntryType.OPENING_REQUEST, {**body, "evidence_digest": b64url(b"x")}, T0)
    r.apply(w.court.sign(EntryType.OPENING_REQUEST, body, T0))  # the probe is live


def test_shares_answer_to_the_set_the_escrow_was_sealed_to() -> None:
    """A new ceremony re-orders the trustees: a request sealed to the old set takes
    each trustee's old index, one sealed to the new set the new index."""
    w, r = ledger_world(), _registry()
    old = r.apply(w.court.sign(EntryType.OPENING_REQUEST, opening_request_body(w, "old"), T0))
    assert old.type is EntryType.OPENING_REQUEST
    old_index = r.size - 1
    new_set = trustees_body(tuple(reversed(w.trustees)), 2)  # trustee-3 is now 1, trustee-1 3
    r.apply(w.authority.sign(EntryType.TRUSTEES, new_set, T0, r.latest_index("trustees")))
    new_body = opening_request_body(w, "new")
    key = EscrowKey.decode(unb64url(new_set.joint_key))
    label = EscrowLabel(w.forum.did.encode(), bytes(32), "account", 1)
    new_body.update(trustees=r.size - 1, escrow=b64url(encrypt(key, Scalar(3), label)[0].encode()))
    r.apply(w.court.sign(EntryType.OPENING_REQUEST, new_body, T0))
    new_index = r.size - 1
    blindings = {}
    for request in (old_index, new_index):
        blind = {"request": request, "blinded": _blinded()}
        r.apply(w.authority.sign(EntryType.OPENING_BLINDING, blind, T0))
        blindings[request] = r.size - 1

    def share(request: int, index: int) -> bytes:
        body = {"request": request, "blinding": blindings[request], "share": b64url(_share(index))}
        return w.trustees[0].sign(EntryType.OPENING_SHARE, body, T0)

    _refused(r, share(old_index, 3), InvalidArgumentError)  # its new index, for the old set
    r.apply(share(old_index, 1))
    _refused(r, share(new_index, 1), InvalidArgumentError)
    r.apply(share(new_index, 3))
