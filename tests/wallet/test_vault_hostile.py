"""A sealed wallet read as hostile input (issue 9 §7): the header is checked before any
key is derived, and the unlocked state before anything is built from it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from realdid.errors import AuthenticationError, DecodeError
from realdid.ledger.entries import b64url
from realdid.sandbox import Nation
from realdid.wallet.vault import SCRYPT_N, open_sealed, seal
from realdid.wallet.wallet import Wallet
from tests.people import new_citizen

PASSPHRASE = "correct horse battery"  # noqa: S105


@pytest.fixture(scope="module")
def sealed() -> dict[str, object]:
    return json.loads(seal(b"{}", PASSPHRASE))  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "kdf",
    [
        {"n": 2**20},
        {"n": 2**16},
        {"n": 2**14},
        {"r": 16},
        {"p": 2},
        {"n": float(SCRYPT_N)},
        {"n": True},
        {"name": "argon2id"},
    ],
)
def test_only_the_parameters_the_wallet_writes_reach_scrypt(
    sealed: dict[str, object], kdf: dict[str, object]
) -> None:
    """n = 2^20 cost 7 s and 1 GiB before the tag check failed: now it is refused first
    (DecodeError, not the AuthenticationError that scrypt + AES-GCM would give)."""
    header = sealed["kdf"]
    assert isinstance(header, dict)
    tampered = json.dumps({**sealed, "kdf": {**header, **kdf}}).encode()
    with pytest.raises(DecodeError, match="kdf"):
        open_sealed(tampered, PASSPHRASE)


@pytest.mark.parametrize(
    "change",
    [{"v": True}, {"v": 2}, {"nonce": b64url(bytes(16))}, {"nonce": 12}, {"ciphertext": None},
     {"extra": 1}, {"kdf": []}],
)  # fmt: skip
def test_a_file_that_seal_could_not_have_written_is_a_decode_error(
    sealed: dict[str, object], change: dict[str, object]
) -> None:
    with pytest.raises(DecodeError):
        open_sealed(json.dumps({**sealed, **change}).encode(), PASSPHRASE)


def test_the_file_is_strict_json(sealed: dict[str, object]) -> None:
    text = json.dumps(sealed)
    for bad in (
        text.replace('"v": 1', '"v": 1, "v": 1'),  # a repeated name
        "[" * 100_000,  # deep
        "[]",
        text.replace('"v": 1', '"v": ' + "1" * 5000),  # Python's int() limit
        b"\xff\xfe",
    ):
        with pytest.raises(DecodeError):
            open_sealed(bad.encode() if isinstance(bad, str) else bad, PASSPHRASE)


def _unlock(nation: Nation, path: Path, plaintext: bytes) -> Wallet:
    path.write_bytes(seal(plaintext, PASSPHRASE))
    return Wallet.unlock(path, PASSPHRASE, nation.view(), clock=nation.clock)


def test_right_passphrase_malformed_state_is_a_decode_error(nation: Nation, tmp_path: Path) -> None:
    path = tmp_path / "wallet.json"
    wallet = nation.enroll(new_citizen(nation), path=path, passphrase=PASSPHRASE)
    good = json.loads(open_sealed(path.read_bytes(), PASSPHRASE))
    assert _unlock(nation, path, json.dumps(good).encode()).held()
    credential = good["credentials"][0]
    bad_states: dict[str, bytes] = {
        "not JSON": b"not json",
        "not UTF-8": b"\xff",
        "deep": b"[" * 10_000 + b"]" * 10_000,
        "a list": b"[]",
        "no credentials": json.dumps({**good, "credentials": None}).encode(),
        "missing field": json.dumps({k: v for k, v in good.items() if k != "pending"}).encode(),
        "unknown field": json.dumps({**good, "x": 1}).encode(),
        "short secret": json.dumps({**good, "recovery_secret": b64url(bytes(31))}).encode(),
        "secret not base64url": json.dumps({**good, "recovery_secret": "+/"}).encode(),
        "account of wrong type": json.dumps({**good, "accounts": {"a": 1}}).encode(),
        "pending of wrong shape": json.dumps({**good, "pending": {"a": {"blind": 1}}}).encode(),
        "credential epoch as text": json.dumps(
            {**good, "credentials": [{**credential, "epoch": "1"}]}
        ).encode(),
        "impossible issue date": json.dumps(
            {**good, "credentials": [{**credential, "issued_on": "2026-02-30"}]}
        ).encode(),
        "repeated name": json.dumps(good).replace('"pending"', '"pending": {}, "pending"').encode(),
    }
    for name, state in bad_states.items():
        try:
            _unlock(nation, path, state)
        except DecodeError:
            continue
        pytest.fail(f"{name}: unlocked, or not a DecodeError")
    with pytest.raises(AuthenticationError):  # still the one answer for a wrong passphrase
        Wallet.unlock(path, "wrong", nation.view(), clock=nation.clock)
    assert wallet.recovery_secret
