"""The trustees' escrow key by distributed key generation (GJKR).

Gennaro, Jarecki, Krawczyk, Rabin, "Secure Distributed Key Generation for
Discrete-Log Based Cryptosystems", J. Cryptology 20(1), 2007, Fig. 2. Our
threshold k is the paper's t + 1: polynomials of degree k − 1, any k shares
reconstruct. Trustees are indexed 1..n; G = escrow_base(), H = dkg_pedersen_h().

    step   who          broadcasts                                   message
    1a     dealer i     C_ik = a_ik·G + b_ik·H, Enc_j(s_ij, s'_ij)    Dealing
    1b     j            a complaint if its share fails Eq. (4)       Complaint
    1c     dealer i     (s_ij, s'_ij) in the clear, per complaint    RevealedShare
    1d, 2  anyone       QUAL = dealers with <= k − 1 complaints, each answered well
    4a     i in QUAL    A_ik = a_ik·G and a proof of knowing a_i0    FeldmanCommitment
    4b     j            (s_ij, s'_ij) passing Eq. (4), failing (5)   RevealedShare
    4c     QUAL − {i}   (s_ij, s'_ij) for each i to reconstruct      RevealedShare
    3      j            x_j = Σ_{i in QUAL} s_ij, kept secret        KeyShare

The broadcast channel is the ledger: it authenticates each sender and keeps
one ordered record, the :class:`Transcript`. A message that does not decode
or breaks the shape rules checked by :func:`verify_transcript` is never
recorded, i.e. counts as missing. Trustees sign the transcript hash
elsewhere, so that an equivocating ledger would show.

Deliberate differences from Fig. 2:

* shares travel over the broadcast, sealed to each recipient's X25519 key
  (ephemeral-static ECDH, HKDF-SHA-256, ChaCha20-Poly1305), not over private
  channels; an undecryptable share is complained about like a wrong one;
* step 4a carries a Schnorr proof of knowledge of a_i0 (as ElectionGuard's
  ceremony does), bound to the session, the dealer and the phase-1 hash; an
  invalid or missing proof is handled like an upheld 4b complaint: i's
  secret is reconstructed, never dropped (dropping reopens the key bias);
* the ceremony fails if |QUAL| < k: with at most k − 1 cheaters every honest
  trustee is in QUAL, and k dealers guarantee one honest contribution to x.
"""

from __future__ import annotations

import hashlib
import secrets
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Final, TypeVar

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from realdid.crypto._backend import (
    G1,
    G1_IDENTITY,
    OCTET_SCALAR,
    Scalar,
    decode_scalar,
    encode_g1,
    encode_scalar,
    msm_g1,
)
from realdid.crypto.dkg_messages import (
    AUX_KEY_LENGTH,
    MAX_TRUSTEES,
    SHARE_CIPHERTEXT_LENGTH,
    Complaint,
    Dealing,
    DkgParameters,
    DkgResult,
    EncryptedShare,
    FeldmanCommitment,
    RevealedShare,
    Transcript,
    u16,
)
from realdid.crypto.groups import dkg_pedersen_h, escrow_base
from realdid.crypto.randomness import calculate_random_scalars
from realdid.crypto.suites import BLS12_381_SHA_256
from realdid.crypto.threshold import (
    KeyShare,
    check_index,
    dleq_prove,
    dleq_verify,
    evaluate,
    feldman_share_ok,
    interpolate,
    pedersen_share_ok,
    powers,
)
from realdid.errors import DecodeError, InvalidArgumentError, VerificationError

__all__ = [
    "MAX_TRUSTEES",
    "Ceremony",
    "CeremonyHooks",
    "Complaint",
    "Dealing",
    "DkgParameters",
    "DkgResult",
    "EncryptedShare",
    "FeldmanCommitment",
    "RevealedShare",
    "Transcript",
    "Trustee",
    "run_ceremony",
    "verify_transcript",
]

_POK_DOMAIN: Final = b"realdid/dkg/feldman-pok/v1"
_NONCE: Final = bytes(12)  # each AEAD key seals one message: a fresh ephemeral key per share
_T = TypeVar("_T")


def transcript_hash(params: DkgParameters, t: Transcript) -> bytes:
    """SHA-256(domain tag || parameters || canonical transcript)."""
    return hashlib.sha256(b"REALDID-V1-DKG-TRANSCRIPT" + params.to_bytes() + t.to_bytes()).digest()


def _phase1_hash(params: DkgParameters, t: Transcript) -> bytes:
    """The transcript hash of steps 1a–1c only: what the proofs of step 4a are bound to."""
    return transcript_hash(params, Transcript(t.dealings, t.complaints, t.answers))


def _share_aead(
    shared: bytes, ephemeral: bytes, params: DkgParameters, dealer: int, recipient: int
) -> tuple[ChaCha20Poly1305, bytes]:
    """A one-time key (HKDF over both public keys) and the AAD binding session, i and j."""
    info = b"REALDID-V1-DKG-SHARE-KEY" + ephemeral + params.aux_public_keys[recipient - 1]
    key = HKDF(algorithm=SHA256(), length=32, salt=None, info=info).derive(shared)
    sid = bytes([len(params.session_id)]) + params.session_id
    return ChaCha20Poly1305(key), b"REALDID-V1-DKG-SHARE" + sid + u16(dealer) + u16(recipient)


def _encrypt_share(
    params: DkgParameters, dealer: int, recipient: int, share: Scalar, blinding: Scalar
) -> EncryptedShare:
    ephemeral = X25519PrivateKey.generate()
    public = ephemeral.public_key().public_bytes_raw()
    peer = X25519PublicKey.from_public_bytes(params.aux_public_keys[recipient - 1])
    aead, aad = _share_aead(ephemeral.exchange(peer), public, params, dealer, recipient)
    plaintext = encode_scalar(share) + encode_scalar(blinding)
    return EncryptedShare(recipient, public, aead.encrypt(_NONCE, plaintext, aad))


def _decrypt_share(
    params: DkgParameters, dealer: int, key: X25519PrivateKey, sealed: EncryptedShare
) -> tuple[Scalar, Scalar] | None:
    """(s_ij, s'_ij), or None if it does not open (low-order ephemeral, bad tag, s >= r)."""
    try:
        shared = key.exchange(X25519PublicKey.from_public_bytes(sealed.ephemeral_key))
        aead, aad = _share_aead(shared, sealed.ephemeral_key, params, dealer, sealed.recipient)
        plain = aead.decrypt(_NONCE, sealed.ciphertext, aad)
        share, blinding = plain[:OCTET_SCALAR], plain[OCTET_SCALAR:]
        return decode_scalar(share, allow_zero=True), decode_scalar(blinding, allow_zero=True)
    except (ValueError, InvalidTag, DecodeError):
        return None


def _pok_statement(
    params: DkgParameters, dealer: int, phase1_hash: bytes, A: Sequence[G1]
) -> bytes:
    """What step 4a's proof binds: session, dealer, phase-1 hash and every A_ik."""
    sid = bytes([len(params.session_id)]) + params.session_id
    return sid + u16(dealer) + phase1_hash + b"".join(encode_g1(a) for a in A)


def _pok_ok(params: DkgParameters, m: FeldmanCommitment, phase1_hash: bytes) -> bool:
    statement = _pok_statement(params, m.dealer, phase1_hash, m.commitments)
    proof = (m.challenge, m.response)
    return dleq_verify(
        [escrow_base()], m.commitments[:1], proof, domain=_POK_DOMAIN, statement=statement
    )


def _require(condition: bool, what: str) -> None:
    if not condition:
        raise VerificationError(f"dkg transcript: {what}")


def _canonical(keys: Sequence[tuple[int, ...]], n: int, what: str) -> None:
    """Strictly increasing (no repeats), every index in 1..n, and none twice in one key."""
    _require(list(keys) == sorted(set(keys)), f"{what}: out of order or repeated")
    for key in keys:
        _require(all(1 <= j <= n for j in key), f"{what}: {key} names no trustee")
        _require(len(set(key)) == len(key), f"{what}: {key} names a trustee twice")


def _check_dealings(params: DkgParameters, dealings: Sequence[Dealing]) -> dict[int, Dealing]:
    """Shape of step 1a: k commitments, one share for each j != i in order, exact sizes."""
    n, k = params.n, params.threshold
    _canonical([(d.dealer,) for d in dealings], n, "dealings")
    for d in dealings:
        _require(len(d.commitments) == k, f"dealing {d.dealer}: want {k} commitments")
        want = [j for j in range(1, n + 1) if j != d.dealer]
        _require([e.recipient for e in d.shares] == want, f"dealing {d.dealer}: bad recipients")
        sizes = {(len(e.ephemeral_key), len(e.ciphertext)) for e in d.shares}
        _require(
            sizes <= {(AUX_KEY_LENGTH, SHARE_CIPHERTEXT_LENGTH)},
            f"dealing {d.dealer}: bad share sizes",
        )
    return {d.dealer: d for d in dealings}


@dataclass(frozen=True, slots=True)
class _Phase1:
    dealings: Mapping[int, Dealing]
    qual: tuple[int, ...]
    digest: bytes


def _phase1(params: DkgParameters, t: Transcript) -> _Phase1:
    """Shape of steps 1b–1c, then QUAL (steps 1d and 2) from the public messages alone."""
    dealings = _check_dealings(params, t.dealings)
    _canonical([(c.complainer, c.dealer) for c in t.complaints], params.n, "complaints")
    _require(all(c.dealer in dealings for c in t.complaints), "complaint against a non-dealer")
    complained = {(c.dealer, c.complainer) for c in t.complaints}
    _canonical([(a.dealer, a.recipient) for a in t.answers], params.n, "answers")
    _require(all((a.dealer, a.recipient) in complained for a in t.answers), "unasked answer")
    answered = {(a.dealer, a.recipient): a for a in t.answers}
    against = Counter(i for i, _ in complained)

    def good_answer(i: int, j: int) -> bool:
        a = answered.get((i, j))
        return a is not None and pedersen_share_ok(dealings[i].commitments, j, a.share, a.blinding)

    k = params.threshold
    qual = tuple(
        i
        for i in dealings
        if against[i] <= k - 1 and all(good_answer(i, j) for d, j in complained if d == i)
    )
    _require(len(qual) >= k, f"QUAL has {len(qual)} dealers, want at least {k}")
    return _Phase1(dealings, qual, _phase1_hash(params, t))


def _phase2(
    params: DkgParameters, t: Transcript, p1: _Phase1
) -> tuple[dict[int, FeldmanCommitment], tuple[int, ...]]:
    """Shape of steps 4a–4b, then who in QUAL must be reconstructed (step 4c): no
    message, an invalid proof, or an upheld complaint (passes Eq. (4), fails (5))."""
    _canonical([(f.dealer,) for f in t.feldman], params.n, "phase-2 commitments")
    for f in t.feldman:
        _require(f.dealer in p1.qual, f"phase-2 commitments from {f.dealer}, not in QUAL")
        _require(len(f.commitments) == params.threshold, f"phase-2 commitments {f.dealer}: size")
    feldman = {f.dealer: f for f in t.feldman}
    keys = [(c.dealer, c.recipient) for c in t.feldman_complaints]
    _canonical(keys, params.n, "phase-2 complaints")
    _require(all(i in feldman for i, _ in keys), "phase-2 complaint against a silent dealer")
    upheld = {
        c.dealer
        for c in t.feldman_complaints
        if pedersen_share_ok(p1.dealings[c.dealer].commitments, c.recipient, c.share, c.blinding)
        and not feldman_share_ok(feldman[c.dealer].commitments, c.recipient, c.share)
    }
    return feldman, tuple(
        i
        for i in p1.qual
        if i not in feldman or i in upheld or not _pok_ok(params, feldman[i], p1.digest)
    )


def _reconstruct(
    params: DkgParameters, t: Transcript, p1: _Phase1, to_reconstruct: tuple[int, ...]
) -> dict[int, tuple[G1, ...]]:
    """Step 4c: f_i from the first k shares (from QUAL − {i}) that pass Eq. (4); A_ik = a_ik·G.

    Shares passing Eq. (4) at k points lie on f_i unless someone knows log_G H,
    so any k of them give the same polynomial.
    """
    k, keys = params.threshold, [(s.dealer, s.recipient) for s in t.reconstructions]
    _canonical(keys, params.n, "reconstruction shares")
    _require(all(i in to_reconstruct and j in p1.qual for i, j in keys), "unasked reconstruction")
    rebuilt = {}
    for i in to_reconstruct:
        C = p1.dealings[i].commitments
        valid = [
            (s.recipient, s.share)
            for s in t.reconstructions
            if s.dealer == i and pedersen_share_ok(C, s.recipient, s.share, s.blinding)
        ]
        _require(len(valid) >= k, f"dealer {i}: {len(valid)} valid reconstruction shares, want {k}")
        rebuilt[i] = tuple(escrow_base() * a for a in interpolate(valid[:k]))
    return rebuilt


def _verify(params: DkgParameters, t: Transcript) -> tuple[DkgResult, _Phase1]:
    p1 = _phase1(params, t)
    feldman, to_reconstruct = _phase2(params, t, p1)
    rebuilt = _reconstruct(params, t, p1, to_reconstruct)
    sums = [G1_IDENTITY] * params.threshold  # Σ_{i in QUAL} A_ik, for each k
    for i in p1.qual:
        A = rebuilt[i] if i in rebuilt else feldman[i].commitments
        sums = [s + a for s, a in zip(sums, A, strict=True)]
    shares = {j: msm_g1(sums, powers(j, params.threshold)) for j in range(1, params.n + 1)}
    shares_view = MappingProxyType(shares)
    digest = transcript_hash(params, t)
    return DkgResult(p1.qual, to_reconstruct, sums[0], shares_view, digest, params.threshold), p1


def verify_transcript(params: DkgParameters, transcript: Transcript) -> DkgResult:
    """Re-derive the ceremony's outcome from public data alone (anyone can run it).

    1. Shape of phase 1: canonical order, indexes in 1..n, k commitments and
       a share for every other trustee per dealing, complaints only against
       dealers, answers only to complaints.
    2. QUAL (steps 1d, 2): dealers with at most k − 1 complaints, each answered
       with values satisfying Eq. (4); require |QUAL| >= k.
    3. Phase 2 (steps 4a, 4b): commitments only from QUAL; reconstruct each i in
       QUAL with no message, an invalid proof of knowledge or an upheld complaint.
    4. Reconstruction (step 4c): interpolate f_i from k shares passing Eq. (4).
    5. y = Σ_{i in QUAL} A_i0, Y_j = Σ_k j^k·(Σ_i A_ik) (one MSM per j).

    Returns QUAL, the reconstructed dealers, y, Y_1..Y_n and the transcript
    hash, or raises VerificationError naming the first defect. Messages that
    do not count (a false complaint, a bad reconstruction share) are
    tolerated, as the protocol must, but change the hash.
    """
    return _verify(params, transcript)[0]


class Trustee:
    """Trustee ``index``'s side of one ceremony: its polynomials, its shares, what it saw.

    Call deal, receive_dealings, answer, phase2, feldman_complaints,
    reconstruction_shares, finalize in this order; each returns what to
    broadcast. ``polynomials`` (f_i, f'_i: k coefficients each, constant first)
    is for tests; by default they come from the OS CSPRNG. Holds secrets:
    its repr shows the index only.
    """

    def __init__(
        self,
        params: DkgParameters,
        index: int,
        aux_key: X25519PrivateKey,
        *,
        polynomials: tuple[Sequence[Scalar], Sequence[Scalar]] | None = None,
    ) -> None:
        index, k = check_index(index, "trustee index"), params.threshold
        if index > params.n:
            raise InvalidArgumentError(f"trustee index: got {index}, want 1..{params.n}")
        if aux_key.public_key().public_bytes_raw() != params.aux_public_keys[index - 1]:
            raise InvalidArgumentError("aux_key: not this trustee's registered key")
        if polynomials is None:
            drawn = calculate_random_scalars(2 * k, BLS12_381_SHA_256)
            polynomials = drawn[:k], drawn[k:]
        if [len(p) for p in polynomials] != [k, k]:
            raise InvalidArgumentError(f"polynomials: want two lists of {k} coefficients")
        self.params, self.index, self._aux_key = params, index, aux_key
        self._f, self._f_blind = tuple(polynomials[0]), tuple(polynomials[1])
        self._shares: dict[int, tuple[Scalar, Scalar] | None] = {index: self._share_for(index)}
        self._dealings: tuple[Dealing, ...] | None = None
        self._phase1: _Phase1 | None = None

    def __repr__(self) -> str:
        return f"Trustee(index={self.index})"

    def _share_for(self, j: int) -> tuple[Scalar, Scalar]:
        return evaluate(self._f, j), evaluate(self._f_blind, j)

    def _held(self, dealer: int) -> tuple[Scalar, Scalar]:
        if (share := self._shares.get(dealer)) is None:
            raise VerificationError(f"dkg: trustee {self.index} has no valid share from {dealer}")
        return share

    def _seen(self, transcript: Transcript) -> _Phase1:
        if self._phase1 is None:
            raise InvalidArgumentError("Trustee: call phase2 first")
        if _phase1_hash(self.params, transcript) != self._phase1.digest:
            raise VerificationError("dkg transcript: phase 1 differs from what this trustee saw")
        return self._phase1

    def deal(self) -> Dealing:
        """Step 1a: C_ik = a_ik·G + b_ik·H and (f_i(j), f'_i(j)) sealed to each j != i."""
        G, H, n = escrow_base(), dkg_pedersen_h(), self.params.n
        C = tuple(msm_g1([G, H], [a, b]) for a, b in zip(self._f, self._f_blind, strict=True))
        others = (j for j in range(1, n + 1) if j != self.index)
        shares = (_encrypt_share(self.params, self.index, j, *self._share_for(j)) for j in others)
        return Dealing(self.index, C, tuple(shares))

    def receive_dealings(self, dealings: Sequence[Dealing]) -> list[Complaint]:
        """Step 1b: open our share of every other dealing and check it (Eq. (4))."""
        recorded, me = tuple(dealings), self.index
        _check_dealings(self.params, recorded)
        complaints = []
        for d in (d for d in recorded if d.dealer != me):
            sealed = d.shares[me - 1 if me < d.dealer else me - 2]
            opened = _decrypt_share(self.params, d.dealer, self._aux_key, sealed)
            if opened is None or not pedersen_share_ok(d.commitments, me, *opened):
                opened = None
                complaints.append(Complaint(me, d.dealer))
            self._shares[d.dealer] = opened
        self._dealings = recorded
        return complaints

    def answer(self, complaints: Sequence[Complaint]) -> list[RevealedShare]:
        """Step 1c: reveal (f_i(j), f'_i(j)) for each complaint by j against us."""
        mine = (c.complainer for c in complaints if c.dealer == self.index)
        return [RevealedShare(self.index, j, *self._share_for(j)) for j in mine if j != self.index]

    def phase2(self, transcript: Transcript) -> FeldmanCommitment | None:
        """Steps 1d, 2 and 4a: QUAL from phase 1; the answers to our complaints become
        our shares; if in QUAL, publish A_ik with a proof of knowledge of a_i0."""
        if self._dealings is None:
            raise InvalidArgumentError("Trustee: call receive_dealings first")
        p1 = _phase1(self.params, transcript)
        if transcript.dealings != self._dealings:
            raise VerificationError("dkg transcript: dealings differ from those received")
        for a in transcript.answers:
            if a.recipient == self.index and a.dealer in p1.qual:
                self._shares[a.dealer] = a.share, a.blinding  # checked by _phase1
        for i in p1.qual:
            self._held(i)  # a complaint of ours went unrecorded, so it was never answered
        self._phase1 = p1
        if self.index not in p1.qual:
            return None
        A = tuple(escrow_base() * a for a in self._f)
        statement = _pok_statement(self.params, self.index, p1.digest, A)
        c, z = dleq_prove(
            self._f[0], [escrow_base()], A[:1], domain=_POK_DOMAIN, statement=statement
        )
        return FeldmanCommitment(self.index, A, c, z)

    def feldman_complaints(self, transcript: Transcript) -> list[RevealedShare]:
        """Step 4b: for each i in QUAL check s_ij·G = Σ_k j^k·A_ik (Eq. (5)); if not,
        publish (s_ij, s'_ij): they pass Eq. (4), which proves that i cheated."""
        p1, out = self._seen(transcript), []
        for f in transcript.feldman:
            i, k = f.dealer, self.params.threshold
            if i != self.index and i in p1.qual and len(f.commitments) == k:
                s, s_blind = self._held(i)
                if not feldman_share_ok(f.commitments, self.index, s):
                    out.append(RevealedShare(i, self.index, s, s_blind))
        return out

    def reconstruction_shares(self, transcript: Transcript) -> list[RevealedShare]:
        """Step 4c: publish our shares of each dealer whose secret must be reconstructed."""
        p1 = self._seen(transcript)
        if self.index not in p1.qual:
            return []
        _, to_reconstruct = _phase2(self.params, transcript, p1)
        me = self.index
        return [RevealedShare(i, me, *self._held(i)) for i in to_reconstruct if i != me]

    def finalize(self, transcript: Transcript) -> KeyShare:
        """Step 3 with 4c's outcome: x_j = Σ_{i in QUAL} s_ij, which must give Y_j."""
        p1 = self._seen(transcript)
        result = verify_transcript(self.params, transcript)
        x = Scalar(0)
        for i in p1.qual:
            x = x + self._held(i)[0]
        Y = result.public_shares[self.index]
        if escrow_base() * x != Y:
            raise VerificationError(f"dkg: trustee {self.index}'s share does not give Y_j")
        return KeyShare(self.index, x, Y, result.public_key)


class CeremonyHooks:
    """Where a test makes a trustee cheat: each method sees what ``sender`` is about
    to broadcast in one step and returns what it sends instead (None or [] to
    stay silent). The defaults change nothing."""

    def dealing(self, sender: int, message: Dealing) -> Dealing | None:
        return message

    def complaints(self, sender: int, messages: list[Complaint]) -> list[Complaint]:
        return messages

    def answers(self, sender: int, messages: list[RevealedShare]) -> list[RevealedShare]:
        return messages

    def feldman(self, sender: int, message: FeldmanCommitment | None) -> FeldmanCommitment | None:
        return message

    def feldman_complaints(self, sender: int, messages: list[RevealedShare]) -> list[RevealedShare]:
        return messages

    def reconstructions(self, sender: int, messages: list[RevealedShare]) -> list[RevealedShare]:
        return messages


@dataclass(frozen=True, slots=True)
class Ceremony:
    """What :func:`run_ceremony` returns: the public record and every trustee's key share."""

    params: DkgParameters
    transcript: Transcript
    result: DkgResult
    key_shares: Mapping[int, KeyShare] = field(repr=False)


def _record(
    batches: Iterable[Iterable[_T]], key: Callable[[_T], tuple[int, ...]]
) -> tuple[_T, ...]:
    """What the ledger does with one step's broadcasts: keep them in canonical order."""
    return tuple(sorted((m for batch in batches for m in batch), key=key))


def _pair(message: RevealedShare) -> tuple[int, ...]:
    return message.dealer, message.recipient


def run_ceremony(
    n: int,
    k: int,
    *,
    session_id: bytes | None = None,
    aux_keys: Sequence[X25519PrivateKey] | None = None,
    hooks: CeremonyHooks | None = None,
    polynomials: Mapping[int, tuple[Sequence[Scalar], Sequence[Scalar]]] | None = None,
) -> Ceremony:
    """Play all n trustees and the ledger in one process, for tests, benchmarks and demos.

    Real trustees each run a :class:`Trustee`; this shows the order of the
    steps and records the transcript as the ledger would. Every trustee's
    finalize agrees with :func:`verify_transcript` or this raises. ``aux_keys``
    (trustee j's at position j − 1) default to fresh ones.
    """
    if not isinstance(n, int) or not 1 <= n <= MAX_TRUSTEES:
        raise InvalidArgumentError(f"n: got {n!r}, want 1..{MAX_TRUSTEES}")
    aux = (
        list(aux_keys) if aux_keys is not None else [X25519PrivateKey.generate() for _ in range(n)]
    )
    if len(aux) != n:
        raise InvalidArgumentError(f"aux_keys: got {len(aux)}, want n = {n}")
    hooks, polys = hooks or CeremonyHooks(), polynomials or {}
    public = tuple(a.public_key().public_bytes_raw() for a in aux)
    sid = secrets.token_bytes(16) if session_id is None else session_id
    params = DkgParameters(sid, k, public)
    trustees = [Trustee(params, j, aux[j - 1], polynomials=polys.get(j)) for j in range(1, n + 1)]
    dealt = (hooks.dealing(t.index, t.deal()) for t in trustees)
    record = Transcript(_record([[d for d in dealt if d is not None]], lambda d: (d.dealer,)))
    complaints = (hooks.complaints(t.index, t.receive_dealings(record.dealings)) for t in trustees)
    record = replace(record, complaints=_record(complaints, lambda c: (c.complainer, c.dealer)))
    answers = (hooks.answers(t.index, t.answer(record.complaints)) for t in trustees)
    record = replace(record, answers=_record(answers, _pair))
    feldman = (hooks.feldman(t.index, t.phase2(record)) for t in trustees)
    record = replace(
        record, feldman=_record([[f for f in feldman if f is not None]], lambda f: (f.dealer,))
    )
    upheld = (hooks.feldman_complaints(t.index, t.feldman_complaints(record)) for t in trustees)
    record = replace(record, feldman_complaints=_record(upheld, _pair))
    shares = (hooks.reconstructions(t.index, t.reconstruction_shares(record)) for t in trustees)
    record = replace(record, reconstructions=_record(shares, _pair))
    result = verify_transcript(params, record)
    return Ceremony(params, record, result, {t.index: t.finalize(record) for t in trustees})
