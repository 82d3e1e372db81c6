"""Checkpoints and cosignatures at the edges of what c2sp.org/tlog-checkpoint and
c2sp.org/tlog-cosignature allow (each case once failed to fail: issue #9 §5)."""

from __future__ import annotations

import base64
import dataclasses

import pytest

from realdid.errors import DecodeError, InvalidArgumentError
from realdid.ledger.checkpoint import Checkpoint, CosignatureSigner, is_canonical_decimal

ROOT = bytes(range(32))
ORIGIN = "realdid.test/log"


@pytest.mark.parametrize("origin", ["", "two\nlines", "tab\there", "nul\x00", "\x7f"])
def test_an_origin_that_is_not_one_printable_line_is_refused(origin: str) -> None:
    with pytest.raises(InvalidArgumentError):
        Checkpoint(origin, 1, ROOT)


@pytest.mark.parametrize("size", [0, 1, 2**63 - 1])
def test_sizes_from_0_to_2_63_minus_1_are_accepted(size: int) -> None:
    checkpoint = Checkpoint(ORIGIN, size, ROOT)
    assert Checkpoint.parse(checkpoint.text()) == checkpoint


@pytest.mark.parametrize("size", [-1, 2**63, 2**64, True, 1.0, "1"])
def test_sizes_outside_or_not_ints_are_refused(size: object) -> None:
    with pytest.raises(InvalidArgumentError):
        Checkpoint(ORIGIN, size, ROOT)  # type: ignore[arg-type]


def test_up_to_16_extension_lines() -> None:
    sixteen = tuple(f"ext-{i} value" for i in range(16))
    assert Checkpoint.parse(Checkpoint(ORIGIN, 1, ROOT, sixteen).text()).extensions == sixteen
    with pytest.raises(InvalidArgumentError):
        Checkpoint(ORIGIN, 1, ROOT, (*sixteen, "one more"))


@pytest.mark.parametrize("line", ["", "two\nlines", "tab\there", "nul\x00"])
def test_an_extension_that_is_not_one_printable_line_is_refused(line: str) -> None:
    with pytest.raises(InvalidArgumentError):
        Checkpoint(ORIGIN, 1, ROOT, ("fine", line))


def test_a_root_with_characters_outside_base64_is_refused() -> None:
    root = base64.b64encode(ROOT).decode()
    for bad in (root[:10] + "!" + root[10:], root[:10] + " " + root[10:], root + "*"):
        with pytest.raises(DecodeError):
            Checkpoint.parse(f"{ORIGIN}\n5\n{bad}\n")
    assert Checkpoint.parse(f"{ORIGIN}\n5\n{root}\n").root_hash == ROOT


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("0", True),
        ("200", True),
        (str(2**63 - 1), True),
        (str(2**63), False),
        (str(2**64), False),
        ("01", False),
        ("", False),
        ("-1", False),
        ("\u0661", False),  # an Arabic-Indic digit one: str.isdigit() says yes
    ],
)
def test_canonical_decimals(text: str, canonical: bool) -> None:
    assert is_canonical_decimal(text) is canonical


@pytest.fixture(scope="module")
def signer() -> CosignatureSigner:
    return CosignatureSigner.from_seed("witness.test", bytes(range(32)))


@pytest.mark.parametrize("timestamp", [0, 1, 2**63 - 1])
def test_cosignature_times_of_an_int64_are_signed_and_read_back(
    signer: CosignatureSigner, timestamp: int
) -> None:
    text = Checkpoint(ORIGIN, 3, ROOT).text()
    signature = signer.cosign(text, timestamp)
    assert signature.data[:8] == timestamp.to_bytes(8, "big")
    assert signer.verifier.timestamp(signature) == timestamp
    assert signer.verifier.verify(text, signature)


@pytest.mark.parametrize("timestamp", [-1, 2**63, 2**64 - 1, 2**64, True, 1.0])
def test_cosignature_times_outside_an_int64_are_refused(
    signer: CosignatureSigner, timestamp: object
) -> None:
    with pytest.raises(InvalidArgumentError):
        signer.cosign(Checkpoint(ORIGIN, 3, ROOT).text(), timestamp)  # type: ignore[arg-type]


def test_a_cosignature_verifies_only_under_its_name_key_length_time_and_text(
    signer: CosignatureSigner,
) -> None:
    text = Checkpoint(ORIGIN, 3, ROOT).text()
    good = signer.cosign(text, 1_700_000_000)
    verifier = signer.verifier
    assert verifier.verify(text, good)
    other = CosignatureSigner.from_seed("witness.other", bytes(32)).verifier
    for bad in (
        dataclasses.replace(good, name="witness.other"),  # right key id, wrong name
        dataclasses.replace(good, key_id=other.key_id),  # right name, wrong key id
        dataclasses.replace(good, name="witness.other", key_id=other.key_id),
        dataclasses.replace(good, data=good.data[:71]),
        dataclasses.replace(good, data=good.data + b"\x00"),
        dataclasses.replace(good, data=(1_700_000_001).to_bytes(8, "big") + good.data[8:]),
    ):
        assert not verifier.verify(text, bad)
    assert not verifier.verify(Checkpoint(ORIGIN, 4, ROOT).text(), good)
    assert not other.verify(text, good)
    with pytest.raises(DecodeError):
        verifier.timestamp(dataclasses.replace(good, data=good.data[:71]))


@pytest.mark.parametrize("prefix", ["x ", "x y ", " "])
def test_a_state_line_with_more_than_one_value_is_refused(prefix: str) -> None:
    """``realdid-state`` then one space then the root, nothing else: a word before a valid
    root would make the line read as something else by a reader that splits otherwise."""
    b64 = base64.b64encode(ROOT).decode()
    Checkpoint(ORIGIN, 1, ROOT, (f"realdid-state {b64}",))
    with pytest.raises(InvalidArgumentError):
        Checkpoint(ORIGIN, 1, ROOT, (f"realdid-state {prefix}{b64}",))
