"""A lawful opening end to end: DKG among 5 trustees (k = 3), a presentation with
escrow, trustees who check the ciphertext and its label before releasing
shares, and a combination that yields exactly the citizen's handle·Q_esc."""

from __future__ import annotations

import dataclasses
import itertools
from functools import cache

import pytest
from tools.world import forum_statement, world

from realdid.crypto._backend import BP1
from realdid.crypto.dkg import Ceremony, run_ceremony, verify_transcript
from realdid.crypto.escrow import (
    EscrowCiphertext,
    EscrowKey,
    EscrowLabel,
    handle_point,
    open_ciphertext,
    trustee_decrypt,
)
from realdid.crypto.presentation import prove, verify
from realdid.crypto.presentation.statement import Statement
from realdid.crypto.threshold import NotEnoughSharesError, PartialDecryptionError
from realdid.errors import VerificationError

N, K = 5, 3


@cache
def ceremony() -> Ceremony:
    return run_ceremony(N, K, session_id=b"trustees-2026")


def _opened_presentation() -> tuple[Statement, EscrowCiphertext]:
    c = ceremony()
    key = EscrowKey(c.result.public_key)
    statement = forum_statement()
    assert statement.escrow is not None
    statement = dataclasses.replace(
        statement, escrow=dataclasses.replace(statement.escrow, key=key)
    )
    verified = verify(statement, prove(statement, [world().alice.identity]))
    assert verified.escrow is not None
    return statement, verified.escrow


def test_the_transcript_gives_the_key_everyone_uses() -> None:
    c = ceremony()
    assert verify_transcript(c.params, c.transcript).public_key == c.result.public_key


@pytest.mark.parametrize("quorum", list(itertools.combinations(range(1, N + 1), K)))
def test_any_k_trustees_recover_exactly_the_citizens_handle(quorum: tuple[int, ...]) -> None:
    c = ceremony()
    statement, ct = _opened_presentation()
    assert statement.escrow is not None
    key, label = statement.escrow.key, statement.escrow.label
    partials = [trustee_decrypt(c.key_shares[j], ct, key, label) for j in quorum]
    opened = open_ciphertext(ct, partials, key=c.result.joint_key())
    alice_handle = world().alice.identity.scalars[
        world().alice.identity.schema.index("escrow_handle")
    ]
    assert opened == handle_point(alice_handle)
    bob_handle = world().bob.identity.scalars[world().bob.identity.schema.index("escrow_handle")]
    assert opened != handle_point(bob_handle)


def test_k_minus_one_trustees_get_nothing() -> None:
    c = ceremony()
    statement, ct = _opened_presentation()
    assert statement.escrow is not None
    key, label = statement.escrow.key, statement.escrow.label
    partials = [trustee_decrypt(c.key_shares[j], ct, key, label) for j in (1, 2)]
    with pytest.raises(NotEnoughSharesError):
        open_ciphertext(ct, partials, key=c.result.joint_key())


def test_a_bad_share_is_named() -> None:
    c = ceremony()
    statement, ct = _opened_presentation()
    assert statement.escrow is not None
    key, label = statement.escrow.key, statement.escrow.label
    partials = [trustee_decrypt(c.key_shares[j], ct, key, label) for j in (1, 2, 4)]
    cheat = dataclasses.replace(partials[1], share=partials[1].share + BP1)
    with pytest.raises(PartialDecryptionError) as info:
        open_ciphertext(ct, [partials[0], cheat, partials[2]], key=c.result.joint_key())
    assert info.value.bad_indexes == (2,)


def test_trustees_refuse_a_ciphertext_for_another_service_or_tampered() -> None:
    c = ceremony()
    statement, ct = _opened_presentation()
    assert statement.escrow is not None
    key, label = statement.escrow.key, statement.escrow.label
    elsewhere = EscrowLabel(b"did:realdid:svc:other", label.nonce, label.purpose, label.epoch)
    with pytest.raises(VerificationError):
        trustee_decrypt(c.key_shares[1], ct, key, elsewhere)
    with pytest.raises(VerificationError):
        trustee_decrypt(c.key_shares[1], dataclasses.replace(ct, V=ct.V + BP1), key, label)


def test_a_share_for_one_ciphertext_does_not_open_another() -> None:
    c = ceremony()
    statement, ct = _opened_presentation()
    _, other = _opened_presentation()
    assert statement.escrow is not None
    key = statement.escrow.key
    shares = [trustee_decrypt(c.key_shares[j], ct, key, ct.label) for j in (1, 2, 3)]
    with pytest.raises(PartialDecryptionError):
        open_ciphertext(other, shares, key=c.result.joint_key())
