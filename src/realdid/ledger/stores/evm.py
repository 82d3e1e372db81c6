"""The EVM store: the registry contract on a chain, with an off-chain mirror for proofs.

Writes are transactions to ``RealDIDRegistry.append`` sent from the author's
EVM account; the contract enforces admission (account → DID → role → entry
types) and keeps the RFC 9162 root in O(log n) storage. An append is
acknowledged when its receipt is mined with status 1 (add confirmations on a
chain whose blocks can be reorganised; the permissioned chains RealDID
targets have immediate finality).

Entries live in ``EntryAppended`` events. A local mirror (a :class:`SqlStore`)
replays them in order to serve entries and proofs, and after each sync its
root must equal the root the contract reports, so the light client checks
proofs from the mirror against a root read from the chain.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from importlib.resources import files
from typing import Any, Final

from web3 import Web3
from web3.contract import Contract
from web3.exceptions import ContractCustomError, ContractLogicError, Web3Exception

from realdid.errors import InvalidArgumentError, PermissionDeniedError
from realdid.ledger.entries import Entry, EntryType, RetireBody, Role, decode_entry
from realdid.ledger.rfc9162 import EMPTY_ROOT
from realdid.ledger.stores.base import Validator
from realdid.ledger.stores.sql import SqlStore, StoreError

__all__ = ["ENTRY_TYPES", "ROLE_CODES", "EvmStore", "deploy_registry", "registry_artifact"]

#: The contract's typeNames, in order: the entry type code is the index.
ENTRY_TYPES: Final = (
    EntryType.GENESIS,
    EntryType.ADMIT,
    EntryType.DID_UPDATE,
    EntryType.SCHEMA,
    EntryType.ISSUER_KEY,
    EntryType.SERVICE,
    EntryType.TRUSTEES,
    EntryType.EPOCH,
    EntryType.RETIRE,
    EntryType.OPENING_REQUEST,
    EntryType.OPENING_SHARE,
    EntryType.OPENING_BLINDING,
)
_RACE_ATTEMPTS: Final = 5
ROLE_CODES: Final = {
    Role.AUTHORITY: 1,
    Role.ISSUER: 2,
    Role.SERVICE: 3,
    Role.TRUSTEE: 4,
    Role.COURT: 5,
}


def registry_artifact() -> dict[str, Any]:
    """ABI and bytecode compiled from contracts/RealDIDRegistry.sol (tools/compile_contract.py)."""
    text = files("realdid.ledger").joinpath("contracts/RealDIDRegistry.json").read_text()
    artifact: dict[str, Any] = json.loads(text)
    return artifact


def _wait(w3: Web3, tx_hash: Any) -> Any:
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=60)
    if receipt["status"] != 1:
        raise PermissionDeniedError("the registry contract refused the transaction")
    return receipt


def deploy_registry(w3: Web3, authority_account: str, authority_did: str) -> str:
    """Deploy the registry from the authority's account; returns the contract address."""
    artifact = registry_artifact()
    factory = w3.eth.contract(abi=artifact["abi"], bytecode=artifact["bytecode"])
    receipt = _wait(w3, factory.constructor(authority_did).transact({"from": authority_account}))
    return str(receipt["contractAddress"])


class EvmStore:
    """A LedgerStore on the registry contract. ``accounts`` maps each author DID to the
    EVM account that writes for it (unlocked on the node, or managed by a signer)."""

    def __init__(
        self, w3: Web3, address: str, accounts: Mapping[str, str], mirror: SqlStore
    ) -> None:
        self.w3 = w3
        checksum = Web3.to_checksum_address(address)
        self.contract: Contract = w3.eth.contract(address=checksum, abi=registry_artifact()["abi"])
        self.accounts = dict(accounts)
        self.mirror = mirror
        self._block_of_size: dict[int, int] = {}
        self._size_after_block: dict[int, int] = {}
        self._next_block = 0
        self.gas: list[int] = []  # gas used by each append this store sent (for benchmarks)

    # ------------------------------------------------------------ on-chain admission

    def admit(self, did: str, role: Role, account: str) -> int:
        """The authority binds ``account`` to ``did`` with ``role`` on chain; returns gas used."""
        authority = self.accounts[self._authority_did()]
        tx = self.contract.functions.admit(account, did, ROLE_CODES[role]).transact(
            {"from": authority}
        )
        self.accounts[did] = account
        return int(_wait(self.w3, tx)["gasUsed"])

    def _authority_did(self) -> str:
        owner = self.contract.functions.authority().call()
        return str(self.contract.functions.members(owner).call()[2])

    def commit_root(self) -> tuple[bytes, int]:
        """Record (size, root) on chain; returns the root and the gas used."""
        authority = self.accounts[self._authority_did()]
        receipt = _wait(self.w3, self.contract.functions.commitRoot().transact({"from": authority}))
        return self.chain_root(), int(receipt["gasUsed"])

    # ------------------------------------------------------------ the store interface

    def size(self) -> int:
        return int(self.contract.functions.size().call())

    def chain_root(self, size: int | None = None) -> bytes:
        if size is None:
            return bytes(self.contract.functions.root().call())
        if size == 0:
            return EMPTY_ROOT
        self.sync()
        block = self._block_of_size.get(size)
        if block is None:
            raise InvalidArgumentError(f"root: no chain state with size {size}")
        if self._size_after_block[block] != size:
            # Inside a block: no chain state has this size. The mirror's leaves up to the
            # block's end were checked against the chain's root there, so its root is it.
            return self.mirror.root(size)
        return bytes(self.contract.functions.root().call(block_identifier=block))

    def sync(self) -> None:
        """Replay new EntryAppended events into the mirror; check its root against the chain."""
        try:
            head = self.w3.eth.block_number
            if head < self._next_block:
                return
            logs = self.contract.events.EntryAppended.get_logs(
                from_block=self._next_block, to_block=head
            )
        except Web3Exception as exc:
            raise StoreError(f"chain: cannot read events ({exc.__class__.__name__})") from None
        for log in sorted(logs, key=lambda e: (e["blockNumber"], e["logIndex"])):
            index = int(log["args"]["index"])
            if index == self.mirror.size():
                self.mirror.append(bytes(log["args"]["entry"]))
            elif index > self.mirror.size():
                raise StoreError(f"chain: event {index} arrived before its predecessors")
            block = int(log["blockNumber"])
            self._block_of_size[index + 1] = block
            self._size_after_block[block] = max(self._size_after_block.get(block, 0), index + 1)
        self._next_block = head + 1
        size = self.mirror.size()
        if size and self.mirror.root(size) != self.chain_root_at_block(size):
            raise StoreError("chain: the mirror's root differs from the contract's")

    def chain_root_at_block(self, size: int) -> bytes:
        block = self._block_of_size[size]
        return bytes(self.contract.functions.root().call(block_identifier=block))

    def append(self, entry: bytes, validate: Validator | None = None) -> int:
        """Send the entry from its author's account; returns its index once mined.

        ``validate(index)`` runs against the mirror at ``index``, and the
        transaction names that index (the contract's compare-and-swap), so
        the entry lands only where it was checked; if another writer landed
        first, nothing was written and the check runs again at the new size.
        """
        parsed = decode_entry(entry)
        sender = self.accounts.get(parsed.author)
        if sender is None:
            raise PermissionDeniedError(f"{parsed.author} has no account on the chain")
        code = ENTRY_TYPES.index(parsed.type)
        for _ in range(_RACE_ATTEMPTS):
            self.sync()
            index = self.mirror.size()
            if validate is not None:
                validate(index)
            try:
                tx = self.contract.functions.append(code, entry, index).transact({"from": sender})
            except (ContractCustomError, ContractLogicError):
                if self.size() != index:
                    continue  # StaleIndex: another writer came first; nothing was written
                raise PermissionDeniedError("the registry contract refused the entry") from None
            except Web3Exception as exc:
                raise StoreError(f"chain: append failed ({exc.__class__.__name__})") from None
            try:
                receipt = self.w3.eth.wait_for_transaction_receipt(tx, timeout=60)
            except Web3Exception as exc:
                raise StoreError(
                    f"chain: no receipt ({exc.__class__.__name__}); the entry may still land,"
                    " re-read the log before retrying (a replay would be refused)"
                ) from None
            if receipt["status"] != 1:
                if self.size() != index:
                    continue  # overtaken inside the block: reverted, nothing written
                raise PermissionDeniedError("the registry contract refused the entry")
            self.gas.append(int(receipt["gasUsed"]))
            self.sync()
            self._revoke_on_chain(parsed, sender)
            return index
        raise StoreError(f"chain: overtaken {_RACE_ATTEMPTS} times; nothing was written")

    def _revoke_on_chain(self, entry: Entry, sender: str) -> None:
        """A retired DID loses every account bound to it on chain (readers refuse its
        entries anyway; this keeps them off the chain). The accounts come from the
        chain's Admitted events, not from what this process happens to know."""
        body = entry.typed_body()
        if not isinstance(body, RetireBody) or not body.state_key.startswith("did:"):
            return
        did = body.state_key[len("did:") :]
        try:
            bound = {
                str(log["args"]["account"])
                for log in self.contract.events.Admitted.get_logs(from_block=0)
                if log["args"]["did"] == did
            }
            for account in sorted(bound):
                if not self.contract.functions.members(account).call()[1]:
                    tx = self.contract.functions.retire(account).transact({"from": sender})
                    _wait(self.w3, tx)
        except (Web3Exception, PermissionDeniedError):
            raise StoreError(
                f"chain: the retirement of {did} is committed, but revoking its accounts"
                " on chain failed; the authority must call retire() for each"
            ) from None

    def entry(self, index: int) -> bytes:
        self.sync()
        return self.mirror.entry(index)

    def entries(self, start: int, end: int) -> list[bytes]:
        self.sync()
        return self.mirror.entries(start, end)

    def leaf_hash(self, index: int) -> bytes:
        return self.mirror.leaf_hash(index)

    def node(self, level: int, index: int) -> bytes:
        return self.mirror.node(level, index)

    def root(self, size: int | None = None) -> bytes:
        """The root read from the chain (for a past size: at the block that reached it)."""
        self.sync()
        return (
            self.chain_root(size) if size is not None and size != self.size() else self.chain_root()
        )

    def save_checkpoint(self, size: int, note: bytes) -> None:
        self.mirror.save_checkpoint(size, note)

    def latest_checkpoint(self) -> bytes | None:
        return self.mirror.latest_checkpoint()

    def close(self) -> None:
        self.mirror.close()
