"""The chaos harness: a generated data set, faults, crashes and concurrent runs against a local
org served by another process, then checks that nothing was duplicated, lost or left stuck.

``run_chaos(ChaosPlan(...))`` returns ``ChaosFigures``; ``oim-connector chaos`` prints them.
"""
