"""Validation of record writes, as a real org does it: field names, types, lengths,
picklists, required fields (``records``, ``fields``) and the Accounting posting rules (``posting``)."""
