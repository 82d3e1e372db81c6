"""The identity authority: population registry, enrollment, issuance, renewal,
revocation, the escrow index, and its keys on the ledger."""
