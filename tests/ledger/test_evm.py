"""The registry contract on a real node (anvil): admission on chain, one root for all
stores, and the light client checking proofs against roots read from the chain."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from tools.compile_contract import compile_contract
from tools.ledger_world import ORIGIN, T0, LedgerWorld, ledger_world, opening_request_body
from web3 import Web3

from realdid.crypto._backend import BP1, Scalar
from realdid.crypto.escrow_blinding import BlindedCiphertext
from realdid.errors import PermissionDeniedError
from realdid.ledger.client import LightClient, TrustPolicy
from realdid.ledger.entries import EntryType, Role, b64url
from realdid.ledger.identity import LedgerIdentity
from realdid.ledger.log import Log
from realdid.ledger.note import NoteSigner
from realdid.ledger.rfc9162 import hash_leaf
from realdid.ledger.stores.evm import ENTRY_TYPES, ROLE_CODES, EvmStore, registry_artifact
from realdid.ledger.stores.sql import SqlStore
from realdid.ledger.tree import MemoryTree
from tests.ledger.conftest import evm_store

ROLES = {"hospital": Role.ISSUER, "forum": Role.SERVICE, "court": Role.COURT}


def _admit_all(store: EvmStore, w3: Web3, world: LedgerWorld) -> None:
    accounts = iter(w3.eth.accounts[1:])
    for name, role in ROLES.items():
        store.admit(getattr(world, name).did, role, next(accounts))
    for trustee in world.trustees:
        store.admit(trustee.did, Role.TRUSTEE, next(accounts))


def _mined(chain: Web3, tx: Any) -> None:
    """Wait for a raw transaction's receipt: anvil answers eth_sendTransaction before the
    block is applied, so a read straight after it may still see the old state."""
    assert chain.eth.wait_for_transaction_receipt(tx, timeout=30)["status"] == 1


def test_the_checked_in_artifact_is_what_solc_builds() -> None:
    built = compile_contract()
    assert built == registry_artifact()
    assert built["compiler"].startswith("0.8.37")


def test_admission_is_enforced_on_chain(chain: Web3, tmp_path: Path) -> None:
    w, store = ledger_world(), evm_store(chain, tmp_path)
    store.append(w.setup[0])  # genesis by the authority
    _admit_all(store, chain, w)
    hospital_account = store.accounts[w.hospital.did]
    contract = store.contract

    def raw_append(account: str, code: int, entry: bytes) -> None:
        with pytest.raises(Exception, match=r"0x|revert"):
            contract.functions.append(code, entry, store.size()).transact({"from": account})

    schema = w.hospital.sign(
        EntryType.SCHEMA,
        {
            "schema_id": "x:v1",
            "attributes": [{"name": "a", "kind": "text"}],
            "issuers": [w.hospital.did],
        },
        T0,
    )
    raw_append(hospital_account, 3, schema)  # an issuer may not write schemas
    epoch_as_forum = w.forum.sign(EntryType.EPOCH, {"epoch": 1, "starts": "2026-12-01"}, T0)
    raw_append(hospital_account, 7, epoch_as_forum)  # writing as another DID (and type)
    outsider = list(chain.eth.accounts)[9]
    raw_append(
        outsider, 7, w.authority.sign(EntryType.EPOCH, {"epoch": 1, "starts": "2026-12-01"}, T0)
    )
    key = w.hospital.sign(
        EntryType.ISSUER_KEY,
        {
            "key_id": f"{w.hospital.did}#bbs-7",
            "ciphersuite": "BLS12-381-SHA-256",
            "public_key": b64url(w.bbs_pk),
            "schemas": ["x:v1"],
            "valid_from_epoch": 1,
        },
        T0,
    )
    raw_append(hospital_account, 3, key)  # the declared type must be the entry's type
    before = store.size()
    with pytest.raises(Exception, match=r"0x|revert"):  # at a stale index
        contract.functions.append(4, key, before - 1).transact({"from": hospital_account})
    _mined(chain, contract.functions.append(4, key, before).transact({"from": hospital_account}))
    assert store.size() == before + 1
    for account in (store.accounts[w.forum.did], list(chain.eth.accounts)[9]):
        with pytest.raises(Exception, match=r"0x|revert"):  # another DID, or nobody
            contract.functions.retire(hospital_account).transact({"from": account})
    with pytest.raises(Exception, match=r"0x|revert"):  # the authority is never retired
        contract.functions.retire(store.accounts[w.authority.did]).transact(
            {"from": store.accounts[w.authority.did]}
        )
    _mined(
        chain,
        contract.functions.retire(hospital_account).transact(
            {"from": store.accounts[w.authority.did]}
        ),
    )
    raw_append(hospital_account, 4, key)
    with pytest.raises(PermissionDeniedError):  # through the store: a typed refusal
        store.append(
            w.hospital.sign(
                EntryType.DID_UPDATE,
                {"document": w.hospital.document().model_dump(mode="json")},
                T0,
            )
        )


def test_the_same_entries_give_the_same_roots_in_all_three_stores(
    chain: Web3, tmp_path: Path, postgres_url: str
) -> None:
    w = ledger_world()
    evm = evm_store(chain, tmp_path)
    evm.append(w.setup[0])
    _admit_all(evm, chain, w)
    sqlite, postgres = SqlStore.sqlite(tmp_path / "l.db"), SqlStore.postgres(postgres_url)
    state_roots = set()
    for store in (sqlite, postgres, evm):
        log = Log(store, NoteSigner.generate("log"))
        for entry in w.setup[1 if store is evm else 0 :]:
            log.append(entry)
        state_roots.add(Log(store, NoteSigner.generate("log")).registry.state.root)  # a reader
    assert len(state_roots) == 1
    reference = MemoryTree()
    reference.extend(hash_leaf(e) for e in w.setup)
    roots = {sqlite.root(), postgres.root(), evm.root(), evm.chain_root(), reference.root()}
    assert len(roots) == 1
    for size in (1, 5, len(w.setup) - 1):
        assert sqlite.root(size) == evm.root(size) == reference.root(size)


def test_the_light_client_checks_proofs_against_the_chain_root(chain: Web3, tmp_path: Path) -> None:
    w = ledger_world()
    store = evm_store(chain, tmp_path)
    store.append(w.setup[0])
    _admit_all(store, chain, w)
    signer = NoteSigner.generate("realdid-log")
    log = Log(store, signer)
    for entry in w.setup[1:]:
        log.append(entry)
    log.checkpoint()
    client = LightClient(TrustPolicy(ORIGIN, signer.verifier), log)
    cp = client.update()
    assert cp.root_hash == store.chain_root()
    assert client.entry(4).type is EntryType.ADMIT
    assert client.lookup(f"service:{w.forum.did}") is not None


def test_an_entry_on_chain_that_breaks_a_rule_changes_nothing(chain: Web3, tmp_path: Path) -> None:
    w = ledger_world()
    store = evm_store(chain, tmp_path)
    store.append(w.setup[0])
    _admit_all(store, chain, w)
    log = Log(store, NoteSigner.generate("log"))
    for entry in w.setup[1:]:
        log.append(entry)
    stale = w.authority.sign(
        EntryType.EPOCH, {"epoch": 3, "starts": "2026-12-01"}, T0
    )  # epochs only increase
    _mined(
        chain,
        store.contract.functions.append(7, stale, store.size()).transact(
            {"from": store.accounts[w.authority.did]}
        ),
    )
    state = log.registry.state.root
    fresh = Log(store, NoteSigner.generate("log"))  # a reader replaying the chain
    assert fresh.registry.refused == [len(w.setup)]
    assert fresh.registry.state.root == state
    assert fresh.registry.epoch is not None
    assert fresh.registry.epoch.epoch == 11


def test_gas_is_recorded(chain: Web3, tmp_path: Path) -> None:
    store = evm_store(chain, tmp_path)
    store.append(ledger_world().setup[0])
    root, gas = store.commit_root()
    assert root == store.chain_root()
    assert store.gas[0] > 21_000
    assert gas > 21_000
    assert json.dumps(registry_artifact()["abi"])


def test_a_writer_overtaken_between_check_and_send_rechecks_and_lands_once(
    chain: Web3, tmp_path: Path
) -> None:
    w = ledger_world()
    first = evm_store(chain, tmp_path)
    log = Log(first, NoteSigner.generate("log"))
    for entry in w.setup[:1]:
        log.append(entry)
    _admit_all(first, chain, w)
    for entry in w.setup[1:]:
        log.append(entry)
    # A second writer process: its own mirror of the same contract.
    second = EvmStore(
        chain, first.contract.address, first.accounts, SqlStore.sqlite(tmp_path / "other.db")
    )
    other = Log(second, NoteSigner.generate("log"))
    checked: list[int] = []
    epoch = log.registry.latest_index("epoch")

    def overtaken(index: int) -> None:
        checked.append(index)
        if len(checked) == 1:  # the other writer lands between our check and our send
            other.append(
                w.authority.sign(EntryType.EPOCH, {"epoch": 12, "starts": "2026-12-01"}, T0, epoch)
            )

    size = first.size()
    ours = w.court.sign(
        EntryType.OPENING_REQUEST,
        opening_request_body(w, "c-1"),
        T0,
    )
    assert first.append(ours, overtaken) == size + 1
    assert checked == [size, size + 1]  # checked again at the index it got
    assert first.size() == size + 2
    assert [first.entry(size + 1)] == [ours]


def test_roots_inside_a_block_with_several_appends(chain: Web3, tmp_path: Path) -> None:
    w = ledger_world()
    store = evm_store(chain, tmp_path)
    store.append(w.setup[0])
    authority = store.accounts[w.authority.did]
    chain.provider.make_request("evm_setAutomine", [False])  # type: ignore[arg-type]
    try:
        for i, entry in enumerate(w.setup[1:4]):
            store.contract.functions.append(1, entry, 1 + i).transact(
                {"from": authority, "gas": 300_000}
            )
        chain.provider.make_request("evm_mine", [])  # type: ignore[arg-type]
    finally:
        chain.provider.make_request("evm_setAutomine", [True])  # type: ignore[arg-type]
    reference = MemoryTree()
    reference.extend(hash_leaf(e) for e in w.setup[:4])
    assert store.size() == 4
    for size in (1, 2, 3, 4):
        assert store.root(size) == reference.root(size)


def test_a_retired_institution_loses_its_write_right_on_chain(chain: Web3, tmp_path: Path) -> None:
    w = ledger_world()
    store = evm_store(chain, tmp_path)
    log = Log(store, NoteSigner.generate("log"))
    log.append(w.setup[0])
    _admit_all(store, chain, w)
    for entry in w.setup[1:]:
        log.append(entry)
    court = f"did:{w.court.did}"
    request = w.court.sign(
        EntryType.OPENING_REQUEST,
        opening_request_body(w, "c-2"),
        T0,
    )
    account = store.accounts[w.court.did]

    def send() -> object:
        call = store.contract.functions.append(9, request, store.size())
        return call.estimate_gas({"from": account})

    assert send()  # the court could write it
    prev = log.registry.latest_index(court)
    # The writing process need not know the court's account: the chain's events name it.
    restarted = EvmStore(
        chain,
        store.contract.address,
        {w.authority.did: store.accounts[w.authority.did]},
        SqlStore.sqlite(tmp_path / "restarted.db"),
    )
    retire = w.authority.sign(EntryType.RETIRE, {"state_key": court, "reason": "x"}, T0, prev)
    Log(restarted, NoteSigner.generate("log")).append(retire)
    assert store.contract.functions.members(account).call()[1] is True
    with pytest.raises(Exception, match=r"0x|revert"):  # now the chain refuses it
        send()


def test_only_the_authority_writes_a_blinding_on_chain(chain: Web3, tmp_path: Path) -> None:
    """opening.blinding is type code 11: the authority's, nobody else's (the contract
    checks the declared type against the entry's own "type", so the name matters too)."""
    w, store = ledger_world(), evm_store(chain, tmp_path)
    store.append(w.setup[0])
    _admit_all(store, chain, w)
    contract, code = store.contract, ENTRY_TYPES.index(EntryType.OPENING_BLINDING)
    assert code == 11
    for role, allowed in ROLE_CODES.items():
        bit = contract.functions.allowedTypes(allowed).call() >> code & 1
        assert bit == (role is Role.AUTHORITY)
    blinded = BlindedCiphertext(BP1, BP1 * Scalar(2), Scalar(1), Scalar(2), Scalar(3))
    body = {"request": 0, "blinded": b64url(blinded.encode())}

    def append(who: LedgerIdentity) -> Any:
        entry = who.sign(EntryType.OPENING_BLINDING, body, T0)
        call = contract.functions.append(code, entry, store.size())
        return call.transact({"from": store.accounts[who.did]})

    for who in (w.court, w.trustees[0]):
        with pytest.raises(Exception, match=r"0x|revert"):
            append(who)
    before = store.size()
    _mined(chain, append(w.authority))
    assert store.size() == before + 1
