"""Supplier sites -> vendor Accounts in real time (and, behind a setting, the reverse).

Change events arrive on a FIFO queue (one message group per record); each is applied by
reading the record's current state from the org, so a late or repeated event can only
re-apply what is already true and never brings back an older state.
"""
