"""The data model every party shares: schemas, DIDs, requests, W3C VC/VP JSON, and a
typed, verified view of the ledger. Above ``realdid.ledger``, below the parties."""
