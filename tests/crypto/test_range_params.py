"""Range parameters at the edges of what is allowed, made fresh in the test.

The world's parameters are made once per process, before any test runs; a
defect in generation or validation only shows on parameters a test makes
itself (issue #9 §5: every mutant of generate_range_params survived).
"""

from __future__ import annotations

import dataclasses
from functools import cache

import pytest

from realdid.crypto._backend import BP1, BP2, Scalar
from realdid.crypto.checks import PairingCheck
from realdid.crypto.range_proof import (
    RangeDecomposition,
    RangeParams,
    RangeProver,
    add_range_equations,
    generate_range_params,
)
from realdid.errors import DecodeError, InvalidArgumentError, StatementError, VerificationError


def _proves(params: RangeParams, value: int, decomposition: RangeDecomposition) -> bool:
    mask, c = Scalar(424242), Scalar(777)
    prover = RangeProver(params, decomposition, value, mask)
    s_hat, t_hat = prover.respond(c)
    check = PairingCheck()
    add_range_equations(
        check, params, decomposition, mask + c * Scalar(value), c, prover.V, prover.R,
        s_hat, t_hat,
    )  # fmt: skip
    return check.holds()


def test_the_default_parameters_are_base_16_with_4_digits() -> None:
    params = generate_range_params()
    assert (params.base, params.digits, params.bound) == (16, 4, 65536)
    assert len(params.signatures) == 16
    params.validate()
    for i, A in enumerate(params.signatures):  # A_i = (x + i)^-1·g1: e(A_i, y + i·g2) = e(g1, g2)
        check = PairingCheck()
        check.add(
            (
                (A, Scalar(1), b"y", params.y),
                (A, Scalar(i), b"g2", BP2),
                (BP1, -Scalar(1), b"g2", BP2),
            )
        )
        assert check.holds(), i


@pytest.mark.parametrize(("base", "digits"), [(2, 1), (2, 63), (3, 2), (1024, 1), (1024, 6)])
def test_parameters_at_the_edges_are_made_and_prove(base: int, digits: int) -> None:
    params = generate_range_params(base, digits)
    assert (params.base, params.digits, params.bound) == (base, digits, base**digits)
    params.validate()
    assert RangeParams.decode(params.encode()) == params
    top = params.bound - 1
    for value in (0, 1, top):
        assert _proves(params, value, RangeDecomposition(1, 0)), value
        assert _proves(params, value, RangeDecomposition(-1, top)), value


@pytest.mark.parametrize(
    ("base", "digits"), [(1, 4), (0, 1), (1025, 1), (2, 0), (2, 64), (1024, 7), (2**16, 4)]
)
def test_parameters_beyond_the_edges_are_refused(base: int, digits: int) -> None:
    with pytest.raises(InvalidArgumentError):
        generate_range_params(base, digits)


def test_two_parameter_sets_have_different_keys_and_digests() -> None:
    a, b = generate_range_params(4, 2), generate_range_params(4, 2)
    assert a.y != b.y
    assert a.digest != b.digest
    assert a.digest == RangeParams.decode(a.encode()).digest


def test_a_signature_of_another_set_fails_validation() -> None:
    a, b = generate_range_params(4, 2), generate_range_params(4, 2)
    for i in range(4):
        sigs = list(a.signatures)
        sigs[i] = b.signatures[i]
        with pytest.raises(VerificationError):
            dataclasses.replace(a, signatures=tuple(sigs)).validate()
    swapped = (a.signatures[1], a.signatures[0], *a.signatures[2:])
    with pytest.raises(VerificationError):
        dataclasses.replace(a, signatures=swapped).validate()


@cache
def _points() -> tuple[bytes, bytes]:
    encoded = generate_range_params(2, 1).encode()
    return encoded[3 : 3 + 96], encoded[3 + 96 : 3 + 96 + 48]


def _blob(base: int, digits: int) -> bytes:
    """An encoding of the right length for (base, digits), with valid points."""
    y, sig = _points()
    return base.to_bytes(2, "big") + digits.to_bytes(1, "big") + y + sig * base


@pytest.mark.parametrize(
    ("base", "digits"), [(1, 1), (1025, 1), (2, 0), (2, 65), (2, 64), (1024, 7)]
)
def test_decoding_refuses_every_shape_generation_refuses(base: int, digits: int) -> None:
    with pytest.raises(DecodeError):
        RangeParams.decode(_blob(base, digits))


@pytest.mark.parametrize(("base", "digits"), [(2, 1), (2, 63), (1024, 1), (1024, 6)])
def test_decoding_accepts_the_edges(base: int, digits: int) -> None:
    params = RangeParams.decode(_blob(base, digits))
    assert (params.base, params.digits, len(params.signatures)) == (base, digits, base)
    assert params.encode() == _blob(base, digits)


@pytest.mark.parametrize("octets", [b"", b"\x00", b"\x00\x02", b"\x00\x02\x01", bytes(98)])
def test_decoding_refuses_short_input(octets: bytes) -> None:
    with pytest.raises(DecodeError):
        RangeParams.decode(octets)


@pytest.mark.parametrize(
    ("base", "digits", "count"),
    [(1, 1, 1), (1025, 1, 1025), (2, 0, 2), (2, 64, 2), (2, 65, 2), (4, 2, 3), (4, 2, 5)],
)
def test_the_constructor_refuses_bad_shapes(base: int, digits: int, count: int) -> None:
    params = generate_range_params(2, 1)
    with pytest.raises(InvalidArgumentError):
        RangeParams(base, digits, params.y, (params.signatures[0],) * count)


@pytest.mark.parametrize(("base", "digits"), [(2, 1), (2, 63), (1024, 1), (1024, 6)])
def test_the_constructor_accepts_the_edges(base: int, digits: int) -> None:
    params = generate_range_params(2, 1)
    made = RangeParams(base, digits, params.y, (params.signatures[0],) * base)
    assert made.bound == base**digits


def test_a_value_one_past_the_bound_is_refused_by_the_prover() -> None:
    params = generate_range_params(4, 2)
    with pytest.raises(StatementError):
        _proves(params, 16, RangeDecomposition(1, 0))
    with pytest.raises(StatementError):
        _proves(params, 3, RangeDecomposition(1, -4))
