"""Sector issuers (hospital, bank, telecom, university): credentials bound to the
holder secret of a presented identity credential."""
