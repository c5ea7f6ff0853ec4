"""Reading ``/services/data/vNN.0/...`` paths, for top-level requests and subrequest urls."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from oim_local.org.server.limits import API_VERSION_PATTERN

DATA_PREFIX = "/services/data"


@dataclass(frozen=True)
class DataPath:
    api_version: str  # "60.0"
    segments: list[str]  # the path after the version, split on "/", empty parts dropped
    query: dict[str, list[str]]

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[0] if values else None


def parse_data_path(url: str) -> DataPath | None:
    """``/services/data/v60.0/sobjects/Account?fields=Name`` -> version, segments, query."""
    parts = urlsplit(url)
    path = parts.path
    if not path.startswith(DATA_PREFIX + "/"):
        return None
    rest = path[len(DATA_PREFIX) + 1 :].split("/")
    version = API_VERSION_PATTERN.fullmatch(rest[0])
    if version is None:
        return None
    segments = [segment for segment in rest[1:] if segment]
    return DataPath(
        api_version=f"{version.group(1)}.0",
        segments=segments,
        query=parse_qs(parts.query, keep_blank_values=True),
    )


def fields_param(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [name.strip() for name in value.split(",") if name.strip()]
