"""The numbers Salesforce enforces on the REST resources the local org serves."""

from __future__ import annotations

import re

# Composite graph (resources_composite_graph_limits).
MAX_GRAPHS_PER_REQUEST = 75
MAX_NODES_PER_REQUEST = 500
MAX_NODES_PER_GRAPH = 500
MAX_DISTINCT_NODE_TYPES = 15
MAX_FAILED_GRAPHS = 14

# Composite and sObject collections.
MAX_COMPOSITE_SUBREQUESTS = 25
MAX_COLLECTION_RECORDS = 200

# Query paging.
MAX_QUERY_PAGE = 2000
MIN_QUERY_BATCH_SIZE = 200
# Since API 56.0 a locator lasts 2 days after its query, however many are open (query.py has the sources).
QUERY_CURSOR_TTL_SECONDS = 2 * 24 * 3600

DEFAULT_DAILY_LIMIT = 5_000_000
DEFAULT_TOKEN_TTL_SECONDS = 7200

API_VERSION_PATTERN = re.compile(r"v(\d{2,3})\.0")
# The versions the org advertises on GET /services/data/; any vNN.0 is accepted in paths.
ADVERTISED_VERSIONS = ("58.0", "59.0", "60.0", "61.0", "62.0", "63.0", "64.0")
