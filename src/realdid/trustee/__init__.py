"""Trustees: review opening requests on the ledger and publish partial decryptions."""
