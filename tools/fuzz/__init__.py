"""A bounded, repeatable fuzz campaign over every decoder and body that reads outside input.

``make fuzz`` (``python -m tools.fuzz``) runs ``FUZZ_INPUTS`` inputs (default
10^6) spread over the surfaces of :mod:`tools.fuzz.surfaces` by weight:
mutations of valid seeds (bit flips, truncation, extension, splicing,
crypto-shaped chunks, JSON structure, note lines) and plain random bytes, all
from one seeded generator. The property (issue 9 §7): only
:class:`~realdid.errors.RealDIDError` escapes, and where a verify step exists
nothing is accepted that does not mean the same as a seed. Failures are
written to ``tests/fuzz/corpus/`` and the run exits non-zero.
"""
