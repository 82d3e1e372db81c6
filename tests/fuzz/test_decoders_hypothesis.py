"""Property: every context-free decoder of outside input raises only RealDIDError, on
arbitrary bytes and on arbitrary JSON (hypothesis, issue 9 §7). The mutation campaign
(``make fuzz``, :mod:`tools.fuzz`) covers the verify steps; this covers shapes the
mutators would never draw from a seed."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from realdid.credentials.did import parse_did
from realdid.credentials.issuance import (
    CredentialApplication,
    EnrollmentRequest,
    IssuedCredential,
    parse,
)
from realdid.credentials.request import PresentationRequest
from realdid.credentials.vc import PresentationDocument
from realdid.crypto import bbs
from realdid.crypto.dkg_messages import Complaint, Dealing, FeldmanCommitment, Transcript
from realdid.crypto.escrow import EscrowCiphertext, EscrowKey
from realdid.crypto.range_proof import RangeParams
from realdid.crypto.threshold import PartialDecryption
from realdid.errors import RealDIDError
from realdid.wallet import vault
from realdid.wallet.state import read_state

DECODERS: dict[str, Callable[[bytes], object]] = {
    "request": lambda d: PresentationRequest.parse(d).digest,
    "presentation": PresentationDocument.parse,
    "enrollment": lambda d: parse(EnrollmentRequest, d),
    "application": lambda d: parse(CredentialApplication, d),
    "issued": lambda d: parse(IssuedCredential, d),
    "wallet state": read_state,
    "wallet file": vault._unsealed_parts,  # the gate before scrypt
    "did": lambda d: parse_did(d.decode("utf-8", "replace")),
    "bbs public key": bbs.validate_pk,
    "escrow ciphertext": EscrowCiphertext.decode,
    "escrow key": EscrowKey.decode,
    "range params": RangeParams.decode,
    "partial decryption": PartialDecryption.from_bytes,
    "dkg transcript": Transcript.from_bytes,
    "dkg dealing": Dealing.from_bytes,
    "dkg complaint": Complaint.from_bytes,
    "dkg feldman": FeldmanCommitment.from_bytes,
}

_scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20)
)
_json = st.recursive(
    _scalars,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "v",
                    "kdf",
                    "n",
                    "nonce",
                    "credentials",
                    "type",
                    "@context",
                    "proof",
                    "values",
                    "issued_on",
                    "schema_id",
                    "x",
                ]
            )
            | st.text(max_size=8),
            inner,
            max_size=5,
        )
    ),
    max_leaves=20,
)


def _typed_only(decoder: Callable[[bytes], object], data: bytes) -> None:
    with contextlib.suppress(RealDIDError):
        decoder(data)


@pytest.mark.parametrize("name", sorted(DECODERS))
@settings(max_examples=50)
@given(data=st.binary(max_size=600))
def test_arbitrary_bytes_raise_only_typed_errors(name: str, data: bytes) -> None:
    _typed_only(DECODERS[name], data)


@pytest.mark.parametrize("name", sorted(DECODERS))
@settings(max_examples=50)
@given(value=_json)
def test_arbitrary_json_raises_only_typed_errors(name: str, value: object) -> None:
    _typed_only(DECODERS[name], json.dumps(value).encode())
