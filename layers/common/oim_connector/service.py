"""The connector's application service: what each trigger asks for, in one place.

Triggers parse events into calls on this service; it builds run requests, runs the
engine, and hands long runs to the jobs queue. Dependencies come in through ``Services``
so the command line, tests and Lambda wire the same code to different adapters.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from oim_connector.engine import RunContext, run_flow
from oim_connector.errors import BadRequestError, ConfigurationError, NotFoundError
from oim_connector.flows.registry import document_flow
from oim_connector.jobs import Job, JobMessage, JobQueue, JobStatus, JobStore
from oim_connector.model.flows import FlowId
from oim_connector.model.report import EarlierParts, RunReport, whole_run
from oim_connector.model.report import carry as carry_parts
from oim_connector.model.requests import RunRequest, TriggerKind
from oim_connector.model.settings import ConnectorSettings
from oim_connector.notifications import RunListener
from oim_connector.org.port import OrgPort
from oim_connector.org.renamed import renamed
from oim_connector.reference_carry import CarriedReference, carry, reuse
from oim_connector.settings_store import SettingsStore
from oim_connector.tax.port import TaxPort

MAX_CONTINUATIONS = 10_000


@dataclass
class Services:
    org: Callable[[], OrgPort]
    settings: SettingsStore
    jobs: JobStore | None = None
    queue: JobQueue | None = None
    clock: Callable[[], dt.datetime] = lambda: dt.datetime.now(dt.UTC)
    sync_list_limit: int = 50
    max_list_ids: int = 5000
    safety_margin_seconds: float = 60.0
    batch_size: int = 500
    # Told about each finished background run: notifications and run history.
    listeners: Sequence[RunListener] = ()
    # Avalara AvaTax for "Calculate Tax" runs; read only when a run needs it.
    tax: Callable[[], TaxPort | None] | None = None


@dataclass(frozen=True)
class Accepted:
    job: Job


class ConnectorService:
    def __init__(self, services: Services) -> None:
        self.services = services

    # -- runs --------------------------------------------------------------------------------
    def org(self, settings: ConnectorSettings) -> OrgPort:
        """The org as every run speaks to it: under the admin's field name overrides (general.field_names)."""
        return renamed(self.services.org(), settings.general.field_names)

    def run(
        self,
        request: RunRequest,
        remaining_seconds: Callable[[], float] | None = None,
        progress: Callable[[RunReport], None] | None = None,
    ) -> RunReport:
        return self._run(request, remaining_seconds, progress)[0]

    def _run(
        self,
        request: RunRequest,
        remaining_seconds: Callable[[], float] | None = None,
        progress: Callable[[RunReport], None] | None = None,
        carried: CarriedReference | None = None,
    ) -> tuple[RunReport, CarriedReference | None]:
        """The run's report and, when it stopped at a checkpoint, the reference data its continuation reuses."""
        settings = self.services.settings.load()
        started = self.services.clock()
        flow = document_flow(request.flow)
        ctx = RunContext(
            org=self.org(settings),
            settings=settings,
            today=self.services.clock().date(),
            batch_size=self.services.batch_size,
            remaining_seconds=remaining_seconds,
            min_seconds_per_batch=self.services.safety_margin_seconds,
            fetch_document_names=request.trigger in (TriggerKind.RECORD, TriggerKind.LIST, TriggerKind.CLI),
            progress=progress,
            tax_factory=self.services.tax,
            reference=reuse(carried, settings, started),
        )
        loaded_here = ctx.reference is None
        report = run_flow(request, flow, ctx)
        if not report.checkpoint or ctx.reference is None:
            return report, None
        if not loaded_here and carried is not None:
            return report, carried
        return report, carry(ctx.reference, settings, started)

    def record_action(self, flow: FlowId, record_id: str, calculate_tax: bool = False) -> RunReport:
        return self.run(RunRequest(flow=flow, trigger=TriggerKind.RECORD, run_id=_run_id(), record_ids=(record_id,),
                                   calculate_tax=calculate_tax))  # fmt: skip

    def list_action(
        self,
        flow: FlowId,
        record_ids: Sequence[str] | None,
        all_eligible: bool,
        calculate_tax: bool | None = None,
        requested_by: str | None = None,
    ) -> RunReport | Accepted:
        count = len(record_ids or ())
        if count > self.services.max_list_ids:
            raise BadRequestError(
                f"{count} records were selected; at most {self.services.max_list_ids} are accepted per request: "
                "select fewer records or use 'all eligible'"
            )
        if not all_eligible and count <= self.services.sync_list_limit:
            request = RunRequest(
                flow=flow,
                trigger=TriggerKind.LIST,
                run_id=_run_id(),
                record_ids=tuple(record_ids or ()),
                calculate_tax=calculate_tax,
            )
            return self.run(request)
        jobs, queue = self._async_ports()
        job_id = _run_id()
        job = jobs.create(job_id, flow)
        queue.send(JobMessage(job_id=job_id, flow=flow, record_ids=list(record_ids) if record_ids else None,
                              all_eligible=all_eligible, calculate_tax=calculate_tax,
                              requested_by=requested_by))  # fmt: skip
        return Accepted(job)

    def job_status(self, job_id: str) -> Job:
        jobs, _ = self._async_ports()
        job = jobs.get(job_id)
        if job is None:
            raise NotFoundError(f"No job {job_id[:100]} exists (jobs are kept for 14 days)")
        return job

    def run_job(self, message: JobMessage, remaining_seconds: Callable[[], float] | None) -> RunReport:
        """Run a queued job; an "all eligible" run hands a checkpoint to the next message."""
        jobs, queue = self._async_ports()
        jobs.update(message.job_id, JobStatus.RUNNING, continuations=message.continuation)
        request = RunRequest(
            flow=message.flow,
            trigger=TriggerKind(message.trigger) if message.trigger in TriggerKind else TriggerKind.JOB,
            run_id=f"{message.job_id}:{message.continuation}",
            record_ids=tuple(message.record_ids) if message.record_ids else None,
            all_eligible=message.all_eligible,
            after_id=message.after_id,
            calculate_tax=message.calculate_tax,
        )
        report, reference = self._run(request, remaining_seconds, carried=message.reference)
        # The job's status and the run's summary speak for the whole run, not only for this part.
        whole = whole_run(message.earlier, report)
        whole.started_by = message.requested_by
        if report.checkpoint and message.continuation < MAX_CONTINUATIONS:
            following = {"after_id": report.checkpoint, "continuation": message.continuation + 1,
                         "earlier": carry_parts(message.earlier, report), "reference": reference}  # fmt: skip
            queue.send(message.model_copy(update=following))
            jobs.update(message.job_id, JobStatus.RUNNING, whole.to_json_dict(), message.continuation + 1)
        else:
            status = JobStatus.SUCCEEDED if not report.stopped_reason else JobStatus.FAILED
            jobs.update(message.job_id, status, whole.to_json_dict(), message.continuation)
            self._finished(whole)
        return report

    def scheduled(self, flow: FlowId, run_key: str, remaining_seconds: Callable[[], float] | None) -> RunReport:
        request = RunRequest(flow=flow, trigger=TriggerKind.SCHEDULE, run_id=run_key, all_eligible=True)
        report, reference = self._run(request, remaining_seconds)
        if report.checkpoint:
            earlier = carry_parts(None, report)
            self._continue_later(flow, run_key, report.checkpoint, TriggerKind.SCHEDULE, earlier, reference)
        else:
            self._finished(report)
        return report

    def oim_event(self, flow: FlowId, record_id: str, event: str, started_by: str | None = None) -> RunReport:
        request = RunRequest(flow=flow, trigger=TriggerKind.EVENT, run_id=_run_id(), record_ids=(record_id,),
                             event=event)  # fmt: skip
        report = self.run(request)
        report.started_by = started_by
        counts = report.counts
        if counts.created or counts.updated or counts.failed:  # an event that does not qualify stays quiet
            self._finished(report)
        return report

    def _finished(self, report: RunReport) -> None:
        if not self.services.listeners:
            return
        general = self.services.settings.load().general
        for listener in self.services.listeners:
            listener.run_finished(report, general)

    def _continue_later(
        self, flow: FlowId, run_key: str, after_id: str, trigger: TriggerKind, earlier: EarlierParts,
        reference: CarriedReference | None,
    ) -> None:  # fmt: skip
        jobs, queue = self._async_ports()
        job_id = f"{run_key}-{uuid.uuid4().hex[:8]}"
        jobs.create(job_id, flow)
        queue.send(JobMessage(job_id=job_id, flow=flow, trigger=trigger.value, all_eligible=True, after_id=after_id,
                              continuation=1, earlier=earlier, reference=reference))  # fmt: skip

    def _async_ports(self) -> tuple[JobStore, JobQueue]:
        if self.services.jobs is None or self.services.queue is None:
            raise ConfigurationError("Background jobs need JOBS_TABLE and JOBS_QUEUE_URL in the function's environment")
        return self.services.jobs, self.services.queue


def _run_id() -> str:
    return uuid.uuid4().hex
