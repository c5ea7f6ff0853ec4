"""The benchmark's figures, as pydantic models so the JSON written for tracking has one shape."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class _Figures(BaseModel):
    model_config = ConfigDict(frozen=True)


class LowerBound(_Figures):
    """The fewest requests any client could use: reads of 2,000 rows a page, writes of 500 nodes and 75 graphs."""

    rows: int = Field(description="source headers + lines the flow reads")
    graphs: int
    nodes: int
    reads: int
    writes: int

    @property
    def requests(self) -> int:
        return self.reads + self.writes


class RunFigures(_Figures):
    documents: int = Field(description="source documents the run handled (created, updated, skipped or failed)")
    created: int
    failed: int
    api_requests: int = Field(description="requests the local org counted")
    requests_by_kind: dict[str, int]
    wall_seconds: float
    peak_memory_mb: float | None = None
    extrapolated_from: int | None = Field(
        default=None, description="documents really run; wall time scaled to the full data set"
    )

    @property
    def requests_per_document(self) -> float:
        return self.api_requests / self.documents if self.documents else 0.0

    @property
    def documents_per_second(self) -> float:
        return self.documents / self.wall_seconds if self.wall_seconds else 0.0


class Floor(_Figures):
    """The least wall time any client could take on this data under the latency model:

    ``first read + max(all requests' latency / in-flight limit, the heaviest lock key's own latency)``,
    where a request costs ``latency_ms_per_request`` plus ``latency_ms_per_record`` per record it writes,
    all requests are the lower bound's, and one lock key's requests run one after another."""

    latency_ms_per_request: int
    latency_ms_per_record: int
    max_in_flight: int
    lock_keys: int
    heaviest_key_nodes: int
    heaviest_key_requests: int
    bound_requests: int
    nodes: int

    @property
    def all_requests_seconds(self) -> float:
        return (self.bound_requests * self.latency_ms_per_request + self.nodes * self.latency_ms_per_record) / 1000

    @property
    def heaviest_key_seconds(self) -> float:
        ms = (
            self.heaviest_key_requests * self.latency_ms_per_request
            + self.heaviest_key_nodes * self.latency_ms_per_record
        )
        return ms / 1000

    @property
    def seconds(self) -> float:
        parallel = self.all_requests_seconds / max(1, self.max_in_flight)
        return self.latency_ms_per_request / 1000 + max(parallel, self.heaviest_key_seconds)


class FlowFigures(_Figures):
    flow: str
    implemented: bool
    note: str = ""
    bound: LowerBound | None = None
    connector: RunFigures | None = None
    baseline: RunFigures | None = None
    competent: RunFigures | None = None
    floor: Floor | None = None

    def wall_over_floor(self) -> float | None:
        if self.floor is None or self.connector is None or not self.floor.seconds:
            return None
        return self.connector.wall_seconds / self.floor.seconds

    def competent_request_ratio(self) -> float | None:
        if self.competent is None or self.connector is None or not self.connector.api_requests:
            return None
        return self.competent.api_requests / self.connector.api_requests

    def competent_time_ratio(self) -> float | None:
        if self.competent is None or self.connector is None or not self.connector.wall_seconds:
            return None
        return self.competent.wall_seconds / self.connector.wall_seconds

    def requests_over_bound(self) -> float | None:
        if self.bound is None or self.connector is None or not self.bound.requests:
            return None
        return self.connector.api_requests / self.bound.requests

    def baseline_request_ratio(self) -> float | None:
        if self.connector is None or self.baseline is None or not self.connector.requests_per_document:
            return None
        return self.baseline.requests_per_document / self.connector.requests_per_document

    def best_request_ratio(self) -> float | None:
        """Baseline requests over the lower bound's: the most any client could save on this data."""
        if self.connector is None or self.baseline is None or self.bound is None or not self.bound.requests:
            return None
        return self.baseline.requests_per_document / (self.bound.requests / self.connector.documents)

    def baseline_time_ratio(self) -> float | None:
        """Seconds per document, baseline over connector: the wall-time ratio for the same data."""
        if self.connector is None or self.baseline is None or not self.connector.documents_per_second:
            return None
        return self.connector.documents_per_second / self.baseline.documents_per_second


class ColdStart(_Figures):
    function: str
    import_ms: float = Field(description="median import time of the handler module in a fresh interpreter")
    import_cpu_ms: float | None = Field(default=None, description="the same imports' CPU time")


class BenchSettings(_Figures):
    documents: int
    lines_per_invoice: int
    latency_ms_per_request: int
    latency_ms_per_record: int
    baseline_documents: int
    max_parallel_requests: int
    batch_size: int | None


class VolumeMemory(_Figures):
    """One scheduled run at volume, the org in its own process: the connector's traced peak."""

    flow: str
    documents: int
    exported: int
    refused: int
    peak_memory_mb: float
    limit_mb: int
    wall_seconds: float

    @property
    def within_limit(self) -> bool:
        return self.peak_memory_mb < self.limit_mb


class VolumeRun(_Figures):
    """One scheduled run at volume through its continuations, read back from the org afterwards."""

    flow: str
    documents: int = Field(description="eligible source documents before the run")
    continuations: int
    wall_seconds: float
    peak_memory_mb: float
    limit_mb: int
    api_requests: int
    requests_by_kind: dict[str, int]
    bound: LowerBound
    latency_ms_per_request: int
    latency_ms_per_record: int
    exported: int
    refused: int
    exported_without_document: int
    accounting_documents: int
    distinct_external_ids: int

    @property
    def duplicates(self) -> int:
        return self.accounting_documents - self.distinct_external_ids

    @property
    def missing(self) -> int:
        """Sources neither exported nor refused, or exported without their document."""
        return self.documents - self.exported - self.refused + self.exported_without_document

    def problems(self) -> list[str]:
        """What the run did not do that it must: every document once, within the memory limit."""
        found = []
        if self.missing:
            found.append(f"{self.missing} documents were neither exported nor refused")
        if self.duplicates:
            found.append(f"{self.duplicates} documents were written more than once")
        if self.peak_memory_mb >= self.limit_mb:
            found.append(f"peak memory {self.peak_memory_mb:.1f} MB is over {self.limit_mb} MB")
        return found

    def requests_over_bound(self) -> float:
        return self.api_requests / self.bound.requests if self.bound.requests else 0.0


class BenchReport(_Figures):
    settings: BenchSettings
    flows: list[FlowFigures]
    cold_starts: list[ColdStart]
    volume_memory: VolumeMemory | None = None
