"""RealDID's ledger: a verifiable append-only registry (RFC 9162 log, C2SP notes)."""
