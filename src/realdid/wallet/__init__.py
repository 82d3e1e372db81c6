"""The citizen wallet: the holder secret, credentials, accounts, consent, presentations."""
