"""The log and its light client: honest reads verify; every tampering is caught,
with the two conflicting checkpoints kept as evidence."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from tools.ledger_world import ORIGIN, T0, ledger_world

from realdid.errors import InvalidArgumentError, PermissionDeniedError, VerificationError
from realdid.ledger.checkpoint import CosignatureSigner
from realdid.ledger.client import (
    CLOCK_SKEW,
    ForkDetectedError,
    LightClient,
    LogRollbackError,
    TrustPolicy,
)
from realdid.ledger.entries import EntryType, ServiceBody
from realdid.ledger.log import Log, Lookup
from realdid.ledger.note import Note, NoteSigner, sign_note
from realdid.ledger.stores.sql import SqlStore
from realdid.ledger.witness import Witness

LOG_KEY = NoteSigner.generate("realdid-log")


def _epoch(n: int, k: int = 0) -> bytes:
    """Epoch ``n`` as the ``k``-th epoch entry after the setup (whose last entry is epoch 11)."""
    prev = len(ledger_world().setup) - 1 + k
    return ledger_world().authority.sign(
        EntryType.EPOCH, {"epoch": n, "starts": "2026-12-01"}, T0, prev
    )


def _log(tmp_path: Path, name: str, extra: list[bytes] | None = None) -> Log:
    log = Log(SqlStore.sqlite(tmp_path / f"{name}.db"), LOG_KEY)
    for entry in [*ledger_world().setup, *(extra or [])]:
        log.append(entry)
    return log


def _witnesses() -> list[Witness]:
    return [
        Witness(CosignatureSigner.generate(f"witness-{i}"), {ORIGIN: LOG_KEY.verifier})
        for i in range(3)
    ]


def _policy(witnesses: list[Witness], quorum: int) -> TrustPolicy:
    return TrustPolicy(
        ORIGIN, LOG_KEY.verifier, tuple(w.signer.verifier for w in witnesses), quorum
    )


def test_honest_reads_and_lookups_verify(tmp_path: Path) -> None:
    log, witnesses = _log(tmp_path, "log"), _witnesses()
    log.checkpoint()
    log.cosign(witnesses)
    client = LightClient(_policy(witnesses, 2), log)
    cp = client.update()
    assert cp.size == len(ledger_world().setup)
    assert client.entry(0).type is EntryType.GENESIS
    forum = ledger_world().forum.did
    service = client.lookup(f"service:{forum}")
    assert service is not None
    body = service.typed_body()
    assert isinstance(body, ServiceBody)
    assert body.permissions.disclose == {"realdid:medical:v1": ("blood_type",)}
    assert client.lookup("service:did:realdid:no-such-service") is None  # proved absent
    log.append(_epoch(12))
    log.checkpoint()
    log.cosign(witnesses)
    assert client.update().size == cp.size + 1  # moved on with a consistency proof


def test_writes_need_admission_through_the_log(tmp_path: Path) -> None:
    log = _log(tmp_path, "log")
    size = log.store.size()
    bad = ledger_world().outsider.sign(EntryType.EPOCH, {"epoch": 12, "starts": "2026-12-01"}, T0)
    with pytest.raises(PermissionDeniedError):
        log.append(bad)
    assert log.store.size() == size


def test_two_writer_processes_share_one_store(tmp_path: Path) -> None:
    first = _log(tmp_path, "shared")
    second = Log(SqlStore.sqlite(tmp_path / "shared.db"), LOG_KEY)  # another process
    first.append(_epoch(12))
    second.append(_epoch(13, 1))  # second syncs first's entry inside its transaction
    with pytest.raises(InvalidArgumentError, match="replayed or stale"):
        first.append(_epoch(14, 1))  # first syncs second's: epoch is no longer at entry k=1
    assert first.store.size() == second.store.size()


@pytest.mark.parametrize("tamper", ["rewritten", "truncated", "reordered"])
def test_a_changed_history_is_a_detected_fork(tmp_path: Path, tamper: str) -> None:
    honest = _log(tmp_path, "honest", [_epoch(12), _epoch(13, 1)])
    honest.checkpoint()
    client = LightClient(_policy([], 0), honest)
    client.update()
    setup = list(ledger_world().setup)
    if tamper == "rewritten":
        history = [*setup, _epoch(20), _epoch(21, 1)]
    elif tamper == "truncated":
        history = [*setup, _epoch(12), _epoch(30, 1), _epoch(31, 2)]
    else:
        history = [*setup[:-2], setup[-1], setup[-2], _epoch(12), _epoch(13, 1)]
    evil = Log(SqlStore.sqlite(tmp_path / "evil.db"), LOG_KEY)
    for entry in history:
        try:
            evil.append(entry)
        except Exception:  # noqa: BLE001  (reordering may break admission; force it in)
            evil.store.append(entry)
    evil.registry = honest.registry  # the evil log lies about its state too
    client.source = evil
    note = evil.checkpoint()
    with pytest.raises(ForkDetectedError) as info:
        client.accept(note)
    assert client.evidence == [info.value.evidence]
    first, second = info.value.evidence
    assert first != second
    assert (first, second) == (client.trusted_note, note)  # the two signed texts, kept


def test_a_split_view_is_caught_by_gossip_and_refused_by_witnesses(tmp_path: Path) -> None:
    view_a = _log(tmp_path, "a", [_epoch(12)])
    view_b = _log(tmp_path, "b", [_epoch(13)])  # same size, different history
    alice, bob = LightClient(_policy([], 0), view_a), LightClient(_policy([], 0), view_b)
    alice.accept(view_a.checkpoint())
    bob.accept(view_b.checkpoint())
    with pytest.raises(ForkDetectedError):
        alice.compare(bob.trusted_note or b"")
    assert alice.evidence
    # With witnesses, the second view never gathers a quorum: the witnesses saw view A.
    witnesses = _witnesses()
    view_a.cosign(witnesses)
    cosigned_b = view_b.cosign(witnesses)
    carol = LightClient(_policy(witnesses, 2), view_b)
    with pytest.raises(VerificationError, match="witness cosignatures"):
        carol.accept(cosigned_b)


def test_lying_answers_fail(tmp_path: Path) -> None:
    log = _log(tmp_path, "log")
    log.checkpoint()
    client = LightClient(_policy([], 0), log)
    client.update()
    forum_key = f"service:{ledger_world().forum.did}"
    honest = log.lookup(forum_key)
    other = log.lookup(f"did:{ledger_world().forum.did}")

    class Liar:
        def __init__(self, answer: Lookup) -> None:
            self.answer = answer

        def lookup(self, key: str) -> Lookup:
            return self.answer

        def __getattr__(self, name: str) -> object:
            return getattr(log, name)

    lies = [
        dataclasses.replace(honest, entry=other.entry),  # another entry for the key
        dataclasses.replace(honest, index=other.index),  # another index
        dataclasses.replace(honest, state_proof=other.state_proof),  # another key's proof
        dataclasses.replace(honest, index=None, entry=None),  # "no such service"
        dataclasses.replace(honest, index=None),  # half an absence
        dataclasses.replace(honest, entry=None),
        dataclasses.replace(honest, key=other.key),  # a true answer, for another key
    ]
    for lie in lies:
        client.source = Liar(lie)  # type: ignore[assignment]
        with pytest.raises(VerificationError):
            client.lookup(forum_key)

    class WrongEntry:
        def __getattr__(self, name: str) -> object:
            return getattr(log, name)

        def entry(self, index: int) -> bytes:
            return log.store.entry(index + 1)

    client.source = WrongEntry()  # type: ignore[assignment]
    with pytest.raises(VerificationError):
        client.entry(3)


def test_a_checkpoint_from_another_key_or_origin_is_refused(tmp_path: Path) -> None:
    log = _log(tmp_path, "log")
    forged = Log(log.store, NoteSigner.generate("realdid-log")).checkpoint()
    with pytest.raises(VerificationError):
        LightClient(_policy([], 0), log).accept(forged)
    other_origin = TrustPolicy("other.example/log", LOG_KEY.verifier)
    with pytest.raises(VerificationError):
        LightClient(other_origin, log).accept(log.checkpoint())


def test_a_quorum_needs_distinct_witnesses(tmp_path: Path) -> None:
    log = _log(tmp_path, "log")
    witnesses = _witnesses()
    note = Note.parse(log.cosign(witnesses[:1]))  # one real cosignature
    log_signature, cosignature = note.signatures
    repeated = Note(note.text, (log_signature, cosignature, cosignature, cosignature)).encode()
    with pytest.raises(VerificationError, match="1 witness cosignatures, want 2"):
        LightClient(_policy(witnesses, 2), log).accept(repeated)
    stranger = Witness(CosignatureSigner.generate("witness-1"), {ORIGIN: LOG_KEY.verifier})
    impostor = Note.parse(log.cosign([stranger])).signatures[-1]  # right name, unknown key
    padded = Note(note.text, (log_signature, cosignature, impostor)).encode()
    with pytest.raises(VerificationError):
        LightClient(_policy(witnesses, 2), log).accept(padded)
    second = Note.parse(log.cosign(witnesses[1:2])).signatures[-1]
    LightClient(_policy(witnesses, 2), log).accept(
        Note(note.text, (log_signature, cosignature, second)).encode()
    )
    # One corrupt line (a faulty witness, or whoever relayed the note) cancels nothing else.
    third = Note.parse(log.cosign(witnesses[2:])).signatures[-1]
    corrupt = dataclasses.replace(cosignature, data=cosignature.data[:-1] + b"\x00")
    LightClient(_policy(witnesses, 2), log).accept(
        Note(note.text, (log_signature, corrupt, second, third)).encode()
    )
    with pytest.raises(InvalidArgumentError):  # one key under two names would count twice
        TrustPolicy(ORIGIN, LOG_KEY.verifier, (witnesses[0].signer.verifier,) * 2, 2)


def test_a_lookup_older_than_the_trusted_checkpoint_is_refused(tmp_path: Path) -> None:
    log = _log(tmp_path, "log")
    log.checkpoint()
    service = f"service:{ledger_world().forum.did}"
    old = log.lookup(service)
    log.append(
        ledger_world().authority.sign(
            EntryType.RETIRE,
            {"state_key": service, "reason": "suspended"},
            T0,
            log.registry.latest_index(service),
        )
    )
    log.checkpoint()
    client = LightClient(_policy([], 0), log)
    retired = client.lookup(service)
    assert retired is not None
    assert retired.type is EntryType.RETIRE

    class Stale:
        def lookup(self, key: str) -> Lookup:
            return old

        def __getattr__(self, name: str) -> object:
            return getattr(log, name)

    client.source = Stale()  # type: ignore[assignment]
    with pytest.raises(VerificationError, match="older than the trusted"):
        client.lookup(service)


def test_a_new_client_reads_the_latest_view_and_can_bound_its_age(tmp_path: Path) -> None:
    log = _log(tmp_path, "log")
    witnesses = _witnesses()
    log.checkpoint()
    log.cosign(witnesses)
    service = f"service:{ledger_world().forum.did}"
    old = log.lookup(service)
    prev = log.registry.latest_index(service)
    retire = {"state_key": service, "reason": "x"}
    log.append(ledger_world().authority.sign(EntryType.RETIRE, retire, T0, prev))
    log.checkpoint()
    cosigned_at = T0 + 10_000
    for w in witnesses:
        w.clock = lambda: cosigned_at
    log.cosign(witnesses)

    class Replaying:
        """Serves the old lookup answer, and the truth for everything else."""

        def lookup(self, key: str) -> Lookup:
            return old

        def __getattr__(self, name: str) -> object:
            return getattr(log, name)

    fresh = LightClient(_policy(witnesses, 2), Replaying())  # type: ignore[arg-type]
    with pytest.raises(VerificationError, match="older than the trusted"):
        fresh.lookup(service)  # it took the log's latest view first
    # A log that shows a new client only old views: bounded by the cosignatures' age.
    policy = dataclasses.replace(_policy(witnesses, 2), max_age=3600)
    stale = LightClient(policy, log, clock=lambda: cosigned_at + 7200)
    with pytest.raises(VerificationError, match="witness cosignatures"):
        stale.update()
    assert (
        LightClient(policy, log, clock=lambda: cosigned_at + 60).update().size == log.store.size()
    )


def test_a_cosignature_from_the_future_does_not_pass_max_age(tmp_path: Path) -> None:
    log = _log(tmp_path, "log")
    witnesses = _witnesses()
    now = T0 + 50_000
    log.checkpoint()
    for w, ahead in zip(witnesses, (CLOCK_SKEW, CLOCK_SKEW + 1, 10**9), strict=True):
        w.clock = lambda ahead=ahead: now + ahead  # type: ignore[misc]
    note = log.cosign(witnesses)
    policy = dataclasses.replace(_policy(witnesses, 1), max_age=3600)
    LightClient(policy, log, clock=lambda: now).accept(note)  # within the stated skew
    two = dataclasses.replace(policy, quorum=2)
    with pytest.raises(VerificationError, match="1 witness cosignatures, want 2"):
        LightClient(two, log, clock=lambda: now).accept(note)
    # Still counted once the client's clock catches up, and only while recent enough.
    LightClient(two, log, clock=lambda: now + CLOCK_SKEW + 1).accept(note)


def test_a_truncated_log_is_a_rollback_not_a_fork(tmp_path: Path) -> None:
    full = _log(tmp_path, "full", [_epoch(12), _epoch(13, 1)])
    client = LightClient(_policy([], 0), full)
    client.accept(full.checkpoint())
    truncated = Log(SqlStore.sqlite(tmp_path / "truncated.db"), LOG_KEY)  # lost two entries
    for entry in full.store.entries(0, full.store.size() - 2):
        truncated.append(entry)
    client.source = truncated
    with pytest.raises(LogRollbackError) as info:
        client.update()
    assert not isinstance(info.value, ForkDetectedError)
    assert (info.value.served, info.value.trusted) == (truncated.store.size(), full.store.size())
    assert client.evidence == []  # nothing claimed to conflict
    client.source = full  # an older checkpoint that the log can prove a prefix: kept, no error
    assert client.accept(truncated.checkpoint()).size == full.store.size()


def test_two_texts_for_the_trusted_size_are_a_fork_even_without_cosignatures(
    tmp_path: Path,
) -> None:
    log = _log(tmp_path, "log")
    witnesses = _witnesses()
    log.checkpoint()
    client = LightClient(_policy(witnesses, 2), log)
    client.accept(log.cosign(witnesses))
    cp = client.trusted
    assert cp is not None
    other = dataclasses.replace(cp, extensions=("realdid-state " + "A" * 43 + "=",))
    signed = sign_note(other.text(), [LOG_KEY])  # log-signed, never cosigned
    with pytest.raises(ForkDetectedError):
        client.accept(signed)
    assert client.evidence == [(client.trusted_note, signed)]


def test_verify_checkpoint_needs_the_log_key_and_a_quorum_and_trusts_nothing(
    tmp_path: Path,
) -> None:
    log, witnesses = _log(tmp_path, "log"), _witnesses()
    log.checkpoint()
    note = log.cosign(witnesses[:2])
    client = LightClient(_policy(witnesses, 2), log)
    cp = client.verify_checkpoint(note)
    assert (cp.origin, cp.size) == (ORIGIN, len(ledger_world().setup))
    assert client.trusted is None  # a check, not an update
    log_signature, first, _ = Note.parse(note).signatures
    one = Note(Note.parse(note).text, (log_signature, first)).encode()
    with pytest.raises(VerificationError, match="want 2"):
        LightClient(_policy(witnesses, 2), log).verify_checkpoint(one)
    forged = sign_note(Note.parse(note).text, [NoteSigner.generate("realdid-log")])
    with pytest.raises(VerificationError):
        LightClient(_policy([], 0), log).verify_checkpoint(forged)
    assert LightClient(_policy([], 0), log).verify_checkpoint(note) == cp


def test_entries_are_read_in_the_order_asked(tmp_path: Path) -> None:
    log = _log(tmp_path, "log")
    log.checkpoint()
    client = LightClient(_policy([], 0), log)
    assert client.entries([]) == []
    got = client.entries([1, 0, 1])
    assert got == [client.entry(1), client.entry(0), client.entry(1)]
    assert got[1].type is EntryType.GENESIS
    assert got[0].type is not EntryType.GENESIS


def test_a_rollback_error_names_both_sizes() -> None:
    error = LogRollbackError(3, 5)
    assert (error.served, error.trusted) == (3, 5)
    assert "size 3" in str(error)
    assert "size 5" in str(error)


def test_reads_use_the_trusted_checkpoint_not_the_latest(tmp_path: Path) -> None:
    """Once a checkpoint is trusted, entries are proved against it: a read does not move
    the client to the log's newer view (update() does, with a consistency proof)."""
    log = _log(tmp_path, "log")
    client = LightClient(_policy([], 0), log)
    trusted = client.accept(log.checkpoint())
    log.append(_epoch(12))
    log.checkpoint()
    client.entry(0)
    client.entries([1, 2])
    assert client.trusted == trusted
    assert client.update().size == trusted.size + 1


def test_max_age_is_inclusive_and_a_stale_line_does_not_hide_the_next(tmp_path: Path) -> None:
    """A cosignature exactly max_age old still counts; one older is skipped, and the
    lines after it are still counted (checked one by one)."""
    log = _log(tmp_path, "log")
    witnesses = _witnesses()
    now = T0 + 50_000
    log.checkpoint()
    for w, age in zip(witnesses, (3600, 0, 0), strict=True):
        w.clock = lambda age=age: now - age  # type: ignore[misc]
    note = log.cosign(witnesses)
    policy = dataclasses.replace(_policy(witnesses, 3), max_age=3600)
    LightClient(policy, log, clock=lambda: now).accept(note)  # exactly max_age: counted
    later = dataclasses.replace(policy, quorum=2)
    LightClient(later, log, clock=lambda: now + 1).accept(note)  # first too old: skipped
    with pytest.raises(VerificationError, match="2 witness cosignatures, want 3"):
        LightClient(policy, log, clock=lambda: now + 1).accept(note)


def test_the_trusted_checkpoint_again_needs_no_fetch(tmp_path: Path) -> None:
    """Accepting the note already trusted (a gossip echo) checks signatures only: no
    consistency proof is fetched, so an unreachable log cannot make it fail."""
    log = _log(tmp_path, "log")
    note = log.checkpoint()
    client = LightClient(_policy([], 0), log)
    trusted = client.accept(note)

    class Offline:
        def __getattr__(self, name: str) -> object:
            raise ConnectionError(name)

    client.source = Offline()  # type: ignore[assignment]
    assert client.accept(note) == trusted
