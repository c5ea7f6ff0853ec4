"""The local org's SOQL engine: parse a statement, compile it to SQLite, shape REST records.

``execute`` answers ``GET .../query?q=`` (and ``queryAll`` with ``include_deleted``);
``parse`` exposes the syntax tree. Every refusal is a ``SoqlError`` with a Salesforce code.
"""

from oim_local.org.soql.errors import SoqlError
from oim_local.org.soql.executor import QueryResult, execute
from oim_local.org.soql.nodes import Query
from oim_local.org.soql.parser import parse

__all__ = ["Query", "QueryResult", "SoqlError", "execute", "parse"]
