"""CCS08 range proofs: parameters, and the prover's refusal of false statements."""

from __future__ import annotations

import dataclasses

import pytest
from tools.world import world

from realdid.crypto._backend import BP1, Scalar
from realdid.crypto.checks import PairingCheck
from realdid.crypto.range_proof import (
    RangeDecomposition,
    RangeParams,
    RangeProver,
    add_range_equations,
    generate_range_params,
)
from realdid.errors import DecodeError, InvalidArgumentError, StatementError, VerificationError


def _check(params: RangeParams, statement: RangeDecomposition, value: int) -> bool:
    mask, c = Scalar(123456789), Scalar(987654321)
    prover = RangeProver(params, statement, value, mask)
    s_hat, t_hat = prover.respond(c)
    m_hat = mask + c * Scalar(value)
    check = PairingCheck()
    add_range_equations(check, params, statement, m_hat, c, prover.V, prover.R, s_hat, t_hat)
    return check.holds()


@pytest.mark.parametrize("value", [0, 1, 15, 16, 255, 4095, 65535])
def test_values_at_the_edges_of_the_interval_prove(value: int) -> None:
    params = world().range_params
    assert _check(params, RangeDecomposition(1, 0), value)
    assert _check(params, RangeDecomposition(-1, 65535), value)


@pytest.mark.parametrize("value", [-1, 65536, 2**40])
def test_values_outside_are_refused(value: int) -> None:
    with pytest.raises(StatementError):
        _check(world().range_params, RangeDecomposition(1, 0), value)


def test_a_wrong_response_fails() -> None:
    params = world().range_params
    prover = RangeProver(params, RangeDecomposition(1, 0), 1000, Scalar(5))
    s_hat, t_hat = prover.respond(Scalar(7))
    for m_hat in (Scalar(5) + Scalar(7) * Scalar(1001), Scalar(6) + Scalar(7) * Scalar(1000)):
        check = PairingCheck()
        add_range_equations(check, params, RangeDecomposition(1, 0), m_hat, Scalar(7),
                            prover.V, prover.R, s_hat, t_hat)  # fmt: skip
        assert not check.holds()


def test_parameters_round_trip_and_validate() -> None:
    params = world().range_params
    decoded = RangeParams.decode(params.encode())
    assert decoded.encode() == params.encode()
    assert decoded.bound == params.base**params.digits == 65536
    decoded.validate()


def test_a_bad_digit_signature_is_caught_by_validation() -> None:
    params = world().range_params
    sigs = list(params.signatures)
    sigs[7] = sigs[7] + BP1
    with pytest.raises(VerificationError):
        dataclasses.replace(params, signatures=tuple(sigs)).validate()


@pytest.mark.parametrize("cut", [1, 10, 48])
def test_decoding_is_strict(cut: int) -> None:
    octets = world().range_params.encode()
    with pytest.raises(DecodeError):
        RangeParams.decode(octets[:-cut])
    with pytest.raises(DecodeError):
        RangeParams.decode(octets + b"\x00" * cut)


def test_bad_shapes_are_refused() -> None:
    for base, digits in ((1, 4), (2, 0), (2**16, 2), (2, 64)):
        with pytest.raises(InvalidArgumentError):
            generate_range_params(base, digits)
    with pytest.raises(InvalidArgumentError):
        RangeDecomposition(2, 0)
