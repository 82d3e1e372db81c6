"""The demo's second half: anonymous at the front desk, real name at the back end.

Five trustees run a distributed key generation (no one ever holds the
escrow key); the authority issues an identity credential carrying an
escrow handle it indexes; the citizen proves "adult, verified resident,
credential still valid" to a forum with a pseudonym and the handle
encrypted to the trustees; under a lawful order three trustees check the
ciphertext and its label and open it, the authority maps the result to a
name — and two trustees alone get nothing.
"""

from __future__ import annotations

import datetime
import secrets
import time
from collections.abc import Callable
from typing import Any, TypeVar

from realdid.cli._terminal import Terminal
from realdid.crypto import bbs
from realdid.crypto.credential import (
    Attribute,
    AttributeValue,
    Kind,
    Schema,
    commit_secrets,
    finalize_credential,
    issue_credential,
)
from realdid.crypto.dkg import run_ceremony
from realdid.crypto.escrow import (
    EscrowKey,
    EscrowLabel,
    handle_index_key,
    open_ciphertext,
    trustee_decrypt,
)
from realdid.crypto.presentation import (
    AttributeRef,
    CredentialRequest,
    EscrowRequest,
    RangePredicate,
    Statement,
    prove,
    verify,
)
from realdid.crypto.randomness import random_scalar_octets
from realdid.crypto.range_proof import generate_range_params
from realdid.errors import InvalidArgumentError

__all__ = ["accountable_walk_through"]

T = TypeVar("T")

IDENTITY = Schema(
    "realdid:identity:v1",
    tuple(
        Attribute(name, kind)
        for name, kind in (
            ("name", Kind.TEXT),
            ("resident_id", Kind.TEXT),
            ("birth_date", Kind.DATE),
            ("region", Kind.TEXT),
            ("verified_resident", Kind.TEXT),
            ("escrow_handle", Kind.HANDLE),
            ("valid_until", Kind.DATE),
        )
    ),
    nym_count=1,
)
TRUSTEES = ("court", "prosecutor", "ombudsman", "authority", "audit office")
N, K, EPOCH = 5, 3, 11
TODAY = datetime.date(2026, 11, 24)


def _timed(fn: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[T, float]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, (time.perf_counter() - start) * 1000


def accountable_walk_through(term: Terminal) -> None:
    term.heading("5. Trustees: a distributed key nobody holds")
    ceremony, t_dkg = _timed(run_ceremony, N, K, session_id=b"realdid-demo-trustees")
    escrow_key = EscrowKey(ceremony.result.public_key)
    term.table(
        "DKG (Gennaro-Jarecki-Krawczyk-Rabin)",
        [
            ("trustees", ", ".join(TRUSTEES)),
            ("threshold", f"any {K} of {N} can open; {K - 1} cannot"),
            ("qualified set", ", ".join(str(i) for i in ceremony.result.qual)),
            ("joint key", escrow_key.encode().hex()[:48] + "…"),
            ("transcript hash", ceremony.result.transcript_hash.hex()[:48] + "…"),
            ("time", f"{t_dkg:.0f} ms for the whole ceremony"),
        ],
    )

    term.heading("6. Issuance with an escrow handle")
    sk = bbs.key_gen(secrets.token_bytes(32), b"realdid-demo-authority-v2")
    pk = bbs.sk_to_pk(sk)
    handle = random_scalar_octets()
    citizen: dict[str, AttributeValue] = {
        "name": "Li Hua",
        "resident_id": "110105199003074536",
        "birth_date": datetime.date(1990, 3, 7),
        "region": "Beijing",
        "verified_resident": "true",
        "escrow_handle": handle,
        "valid_until": datetime.date(2026, 12, 24),
    }
    # The authority's escrow index: handle·Q_esc -> citizen (never on the ledger).
    escrow_index: dict[bytes, str] = {handle_index_key(handle): "Li Hua"}
    holder_secret, nym = random_scalar_octets(), [random_scalar_octets()]
    commitment, blind = commit_secrets(IDENTITY, holder_secret, nym)
    entropy = random_scalar_octets()
    signature = issue_credential(sk, pk, IDENTITY, EPOCH, citizen, commitment, entropy)
    credential = finalize_credential(
        pk, IDENTITY, EPOCH, citizen, signature, holder_secret, nym, entropy, blind
    )
    range_params = generate_range_params(256, 2)
    range_params.validate()
    term.note(
        "The authority signed 7 attributes including a random escrow handle it indexes; "
        "the wallet checked the signature and the range parameters."
    )

    term.heading("7. 'Adult verified resident' at a forum, with escrow")
    context, nonce = b"did:realdid:svc:forum-a", secrets.token_bytes(16)
    statement = Statement(
        credentials=(CredentialRequest(IDENTITY, pk, EPOCH, ("verified_resident",)),),
        nonce=nonce,
        context_id=context,
        pseudonym_from=0,
        ranges=(
            RangePredicate(AttributeRef(0, "birth_date"), upper=datetime.date(2008, 11, 24)),
            RangePredicate(AttributeRef(0, "valid_until"), lower=TODAY),
        ),
        escrow=EscrowRequest(
            AttributeRef(0, "escrow_handle"),
            escrow_key,
            EscrowLabel(context, nonce, "account-registration", EPOCH),
        ),
        range_params=range_params,
    )
    presentation, t_prove = _timed(prove, statement, [credential])
    verified, t_verify = _timed(verify, statement, presentation)
    if verified.escrow is None or verified.pseudonym is None:
        term.abort("the presentation lacks its pseudonym or escrow")
    term.table(
        "what the forum saw",
        [
            ("verified_resident", str(verified.disclosed[0]["verified_resident"])),
            ("age >= 18", "proved (birth date hidden)"),
            ("credential valid today", "proved (expiry date hidden)"),
            ("pseudonym", verified.pseudonym.hex()[:32] + "…"),
            ("escrow", "handle encrypted to the trustees, bound to this forum and nonce"),
            ("presentation", f"{len(presentation)} bytes"),
            ("time", f"prove {t_prove:.1f} ms, verify {t_verify:.1f} ms"),
        ],
    )

    term.heading("8. A lawful opening")
    ct = verified.escrow
    label = ct.label
    partials = [trustee_decrypt(ceremony.key_shares[j], ct, escrow_key, label) for j in (1, 3, 5)]
    opened = open_ciphertext(
        ct, partials, key=escrow_key, public_shares=ceremony.result.public_shares, threshold=K
    )
    name = escrow_index.get(opened.to_compressed_bytes(), "unknown")
    try:
        open_ciphertext(
            ct,
            partials[:2],
            key=escrow_key,
            public_shares=ceremony.result.public_shares,
            threshold=K,
        )
        two_alone = "opened (bug)"
    except InvalidArgumentError:
        two_alone = "refused: not enough shares"
    term.table(
        "opening of the forum account",
        [
            ("trustees", f"{TRUSTEES[0]}, {TRUSTEES[2]}, {TRUSTEES[4]}: each checked the "
             "ciphertext's proof and that its label names the forum"),
            ("combined", "handle·Q_esc (the point only the authority can map)"),
            ("authority's index says", name),
            ("with two trustees", two_alone),
        ],
    )  # fmt: skip
    if name != citizen["name"] or two_alone != "refused: not enough shares":
        term.abort("the opening did not behave as it must")
