"""``realdid demo``: the promise in one walk-through, on embedded defaults.

An issuer key; a holder who commits to a secret (and a nym secret) that the
issuer never sees and receives a blind signature on a ten-attribute
identity credential; presentations to two services, each seeing only what
it asked for plus a pseudonym that is stable for it and different for the
other.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from realdid.cli._demo_accountable import accountable_walk_through
from realdid.cli._terminal import Terminal
from realdid.crypto import BLS12_381_SHA_256, bbs, nym
from realdid.crypto.randomness import random_scalar_octets
from realdid.errors import RealDIDError

__all__ = ["run"]

T = TypeVar("T")

#: Signer-known attributes of the demo identity credential, in schema order.
ATTRIBUTES: tuple[tuple[str, str], ...] = (
    ("credential_type", "RealDIDIdentity/v1"),
    ("name", "Li Hua"),
    ("resident_id", "110105199003074536"),
    ("birth_date", "1990-03-07"),
    ("sex", "F"),
    ("region", "Beijing"),
    ("nationality", "CN"),
    ("verified_resident", "true"),
    ("valid_until", "2026-12-24"),
)
#: Fixed per schema and epoch: the same for every citizen, so it cannot tag anyone.
HEADER = b"realdid:identity:v1:epoch:2026-11"
NYM_COUNT = 1


@dataclass(frozen=True)
class Service:
    context_id: bytes
    label: str
    asks_for: tuple[str, ...]


def _timed(fn: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[T, float]:
    start = time.perf_counter()
    result = fn(*args, **kwargs)
    return result, (time.perf_counter() - start) * 1000


def run() -> None:
    """Issue a credential blindly and present it to two services (one of them twice)."""
    term = Terminal()
    try:
        _walk_through(term)
        accountable_walk_through(term)
    except RealDIDError as exc:  # a failure here is a bug; say so plainly
        term.abort(f"the walk-through failed: {exc}")


def _walk_through(term: Terminal) -> None:
    suite = BLS12_381_SHA_256
    names = [name for name, _ in ATTRIBUTES]
    messages = [value.encode() for _, value in ATTRIBUTES]

    term.heading("1. The identity authority's key")
    sk = bbs.key_gen(secrets.token_bytes(32), b"realdid-demo-authority", ciphersuite=suite)
    pk = bbs.sk_to_pk(sk)
    term.table("authority", [("public key (G2)", pk.hex()[:48] + "…"), ("suite", suite.name)])

    term.heading("2. Blind issuance")
    holder_secret = secrets.token_bytes(32)
    prover_nyms = [random_scalar_octets() for _ in range(NYM_COUNT)]
    (commitment, prover_blind), t_commit = _timed(
        nym.commit_with_nym, [holder_secret], prover_nyms, ciphersuite=suite
    )
    entropy = random_scalar_octets()
    signature, t_sign = _timed(
        nym.blind_sign_with_nym,
        sk, pk, commitment, NYM_COUNT, entropy, HEADER, messages, ciphersuite=suite,
    )  # fmt: skip
    nym_secrets, t_finalize = _timed(
        nym.verify_finalize_with_nym,
        pk, signature, HEADER, messages, [holder_secret], prover_nyms, entropy, prover_blind,
        ciphersuite=suite,
    )  # fmt: skip
    term.table(
        "what the authority saw",
        [
            *((name, value) for name, value in ATTRIBUTES),
            ("holder secret", "— (only a hiding commitment)"),
            ("nym secret", "— (holder part hidden; it added its own entropy)"),
            ("commitment", f"{len(commitment)} bytes, made in {t_commit:.1f} ms"),
            ("blind signature", f"{len(signature)} bytes, signed in {t_sign:.1f} ms"),
        ],
    )
    term.note(
        f"The wallet verified the signature against the authority's key in {t_finalize:.1f} ms "
        f"and now holds {len(ATTRIBUTES) + 2} signed values (9 attributes, holder secret, "
        "nym secret)."
    )

    services = (
        Service(b"did:realdid:svc:forum-a", "Forum A", ("verified_resident",)),
        Service(b"did:realdid:svc:shop-b", "Shop B", ("region", "nationality")),
    )
    pseudonyms: dict[str, list[bytes]] = {}
    term.heading("3. Presentations")
    for service, visit in ((services[0], 1), (services[1], 1), (services[0], 2)):
        nonce = secrets.token_bytes(32)
        disclosed = sorted(names.index(name) for name in service.asks_for)
        (proof, pseudonym), t_prove = _timed(
            nym.proof_gen_with_nym,
            pk, signature, HEADER, nonce, nym_secrets, service.context_id, messages,
            [holder_secret], disclosed, (), prover_blind, ciphersuite=suite,
        )  # fmt: skip
        _, t_verify = _timed(
            nym.proof_verify_with_nym,
            pk, proof, HEADER, nonce, pseudonym, service.context_id, NYM_COUNT, len(messages),
            [messages[i] for i in disclosed], (), disclosed, (), ciphersuite=suite,
        )  # fmt: skip
        pseudonyms.setdefault(service.label, []).append(pseudonym)
        term.table(
            f"what {service.label} saw (visit {visit})",
            [
                *((names[i], messages[i].decode()) for i in disclosed),
                ("pseudonym", pseudonym.hex()[:32] + "…"),
                ("proof", f"{len(proof)} bytes"),
                ("time", f"prove {t_prove:.1f} ms, verify {t_verify:.1f} ms"),
                ("everything else", "hidden (name, id number, birth date, expiry, secrets)"),
            ],
        )

    a1, a2 = pseudonyms["Forum A"]
    (b1,) = pseudonyms["Shop B"]
    term.heading("4. What the pseudonyms show")
    term.table(
        "pseudonyms",
        [
            ("Forum A, visit 1 == visit 2", "yes" if a1 == a2 else "NO (bug)"),
            ("Forum A != Shop B", "yes" if a1 != b1 else "NO (bug)"),
        ],
    )
    if a1 != a2 or a1 == b1:
        term.abort("pseudonym properties did not hold")
