"""Data sets for the local org, in Salesforce CLI tree format.

- ``sample``: the small, hand-designed sample data set (``python -m oim_local.datagen.sample``);
- ``volume``: generated data sets for benchmarks and the chaos harness;
- ``check``: a schema check of any tree-format plan against ``objects.yaml``.
"""
