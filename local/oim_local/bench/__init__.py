"""The project's benchmark: the connector against a per-record baseline on the same generated data.

``oim-connector bench`` (``make bench``) prints, per document flow, Salesforce API requests per
document beside the lower bound the composite APIs allow, documents per second, wall time,
peak memory and each handler's import time, and writes the same figures as JSON.
"""
