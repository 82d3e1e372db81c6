"""The relying-party SDK: requests, verification through the ledger, accounts by pseudonym."""
