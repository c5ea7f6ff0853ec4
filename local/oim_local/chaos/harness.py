"""One chaos run: data in, daily limit, crashes, concurrent runs and record actions under faults,
runs until the dust settles, then the checks. The org serves from another process throughout."""

from __future__ import annotations

import contextlib
import json
import random
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from oim_connector.flows.registry import document_flow, implemented_flows
from oim_connector.mapping.rules import IN_PROCESS_VALUES
from oim_connector.model.documents import EXPORT_STATUS_FIELD
from oim_connector.model.flows import FlowId
from oim_connector.model.settings import ConnectorSettings, JournalSettings, VendorAccountSettings
from oim_connector.org.adapter import SalesforceOrg
from oim_connector.org.credentials import SalesforceCredentials
from oim_connector.org.soql import Select, is_in

from oim_local.chaos.checks import check_flow, existing_headers
from oim_local.chaos.dataset import IDS_FILE, ChaosData, build_data
from oim_local.chaos.edits import EditFigures, SourceEditor
from oim_local.chaos.figures import ChaosFigures, HandlerFigures, OracleVerdict
from oim_local.chaos.handler_runs import run_handler_chaos
from oim_local.chaos.judge import judge
from oim_local.chaos.oracle import SHAPES, Edit
from oim_local.chaos.plan import ChaosPlan
from oim_local.chaos.runs import ConnectorLauncher, RunOutcome
from oim_local.datagen.manifest import read_manifest
from oim_local.org.process import OrgControl, OrgProcess
from oim_local.org.runtime import start_local_org
from oim_local.runner.environment import salesforce_secret_for

DAILY_LIMIT_WORDS = "daily API limit"
EDITS_FILE = "edits.json"  # the source edits the oracle applies, so ``chaos --judge`` judges them too
# The generated data set books conversion rounding to GLA 7900 (Currency Rounding).
CHAOS_SETTINGS = ConnectorSettings(journals=JournalSettings(rounding_gla="7900"))
Say = Callable[[str], None]
HANDLER_AP_CONTROL = "2000"  # the generated data set's Accounts Payable Control GLA (reporting code)


def run_chaos(plan: ChaosPlan, say: Say = lambda _: None) -> ChaosFigures:
    started = time.monotonic()
    flows = plan.flows or tuple(f.value for f in implemented_flows())
    plan.work_dir.mkdir(parents=True, exist_ok=True)
    say(f"generating {plan.documents} documents for {', '.join(flows)}")
    data = build_data(plan.work_dir, flows=flows, documents=plan.documents, lines=plan.lines,
                      invalid_share=plan.invalid_share, seed=plan.seed, stale_claims=plan.stale_claims,
                      large_share=plan.large_share, large_lines=plan.large_lines)  # fmt: skip
    figures = ChaosFigures(flows=list(flows), documents=sum(len(data.entries(f)) for f in flows),
                           stale_claims_planted=len(data.stale_claims))  # fmt: skip
    with _local_org(data.db) as org:
        baseline = {f: existing_headers(org, document_flow(FlowId(f))) for f in flows}
    rng = random.Random(plan.seed)  # noqa: S311 - reproducible chaos, not secrets
    edit_figures = EditFigures()
    with OrgProcess(data.db, plan.work_dir / "org.log") as endpoint:
        control = OrgControl(endpoint)
        settings_file = plan.work_dir / "settings.json"
        settings = _settings(plan)
        settings_file.write_text(settings.model_dump_json(), encoding="utf-8")
        launcher = ConnectorLauncher(endpoint, plan.work_dir, settings_file)
        faults = {"seed": plan.seed, "rate": plan.fault_rate, "latency_ms_per_request": plan.latency_ms}
        if plan.daily_limit_after is not None:
            say(f"daily limit after {plan.daily_limit_after} requests")
            control.set_faults({**faults, "daily_limit_after": plan.daily_limit_after})
            outcome = launcher.start(flows[0]).wait(plan.run_timeout_seconds)
            figures.daily_limit_stopped = DAILY_LIMIT_WORDS in outcome.stopped_reason
            control.set_faults(faults)
            figures.daily_limit_untouched_new, figures.daily_limit_problem = _untouched(data, flows[0], endpoint)
        control.set_faults(faults)
        say(f"{plan.crashes} crashes")
        figures.crashes = _crashes(launcher, control, flows, plan, figures)
        edits: list[Edit] = []
        if plan.edits and "sales-invoices" in flows:
            say(f"editing up to {plan.edits} pending sales invoices in OIM; posting and editing {plan.edits} exported")
            control.set_faults(None)  # the users' own edits are not the connector's to retry
            editor = SourceEditor(endpoint, plan.work_dir / "data", data.ids)
            edits = editor.edit(_eligible(data, "sales-invoices"), rng, plan.edits, edit_figures)
            control.set_faults(faults)
            figures.edits = edit_figures.as_counts()
            (plan.work_dir / IDS_FILE).write_text(json.dumps(data.ids), encoding="utf-8")  # with the added lines
        say(f"{plan.concurrent_runs} concurrent runs and a record action per flow")
        figures.concurrent_runs = _concurrent(launcher, data, flows, plan, rng)
        say("settling, faults still on")
        for flow in flows:
            _settle(launcher, flow, plan)
        control.set_faults(None)
        for flow in flows:  # one clean pass: what the next scheduled run would see
            launcher.start(flow).wait(plan.run_timeout_seconds)
        counters = control.counters()
        figures.faults_injected = dict(counters.get("faults_injected") or {})
        figures.api_requests = int(counters.get("total_requests") or 0)
        figures.runs = launcher.started
    say("checking")
    with _local_org(data.db) as org:
        for flow in flows:
            flow_obj = document_flow(FlowId(flow))
            figures.verdicts.append(check_flow(org, flow_obj, data.entries(flow), data.ids, baseline[flow], settings,
                                               frozen=edit_figures.frozen))  # fmt: skip
        say("judging every field against the oracle")
        figures.oracle = judge(org, plan.work_dir / "data", data.manifest.documents, data.ids, flows, edits,
                               runs_dir=plan.work_dir / "runs")  # fmt: skip
    (plan.work_dir / EDITS_FILE).write_text(json.dumps([e.model_dump() for e in edits]), encoding="utf-8")
    if plan.handler_documents:
        figures.handlers = run_handler_phase(plan, say)
    figures.wall_seconds = time.monotonic() - started
    return figures


def run_handler_phase(plan: ChaosPlan, say: Say) -> HandlerFigures:
    """The handler-level runs, on a data set of their own in ``work_dir/handlers``."""
    flows = tuple(f for f in (plan.flows or tuple(f.value for f in implemented_flows())) if f in SHAPES)
    settings = _settings(plan).model_copy(update={"vendor_accounts": VendorAccountSettings(
        default_ap_control_gla=HANDLER_AP_CONTROL)})  # fmt: skip
    return run_handler_chaos(
        plan.work_dir / "handlers", flows=flows, documents=plan.handler_documents, fault_rate=plan.fault_rate,
        seed=plan.seed, settings=settings, say=say, time_budget_seconds=plan.handler_time_budget_seconds,
    )  # fmt: skip


def judge_work_dir(work_dir: Path, flows: tuple[str, ...] | None = None) -> list[OracleVerdict]:
    """The oracle's verdict on a finished chaos run's work dir (its data set, org and ids)."""
    manifest = read_manifest(work_dir / "data" / "manifest.json")
    ids = json.loads((work_dir / IDS_FILE).read_text(encoding="utf-8"))
    edits_file = work_dir / EDITS_FILE
    edits = [Edit.model_validate(e) for e in json.loads(edits_file.read_text(encoding="utf-8"))] if (
        edits_file.is_file()
    ) else []  # fmt: skip
    chosen = flows or tuple(dict.fromkeys(e.flow for e in manifest.documents if e.flow in SHAPES))
    with _local_org(work_dir / "org.db") as org:
        return judge(org, work_dir / "data", manifest.documents, ids, chosen, edits, runs_dir=work_dir / "runs")


def _settings(plan: ChaosPlan) -> ConnectorSettings:
    general = CHAOS_SETTINGS.general.model_copy(update={"nodes_per_graph": plan.nodes_per_graph})
    return CHAOS_SETTINGS.model_copy(update={"general": general})


@contextlib.contextmanager
def _local_org(db: Path) -> Iterator[SalesforceOrg]:
    with start_local_org(db) as running:
        yield SalesforceOrg(SalesforceCredentials.model_validate(salesforce_secret_for(running)))


def _untouched(data: ChaosData, flow: str, endpoint: object) -> tuple[int, str | None]:
    """After the daily limit stopped a run: nothing it did not finish may be marked or claimed."""
    flow_obj = document_flow(FlowId(flow))
    ids = [data.ids[e.reference_id] for e in data.entries(flow) if e.sobject == flow_obj.source_object]
    with _local_org(data.db) as org:
        records = list(org.query(Select(flow_obj.source_object, ("Id", EXPORT_STATUS_FIELD, flow_obj.back_link_field),
                                        where=is_in("Id", ids[:300]))))  # fmt: skip
    untouched = [r for r in records if not r.get(flow_obj.back_link_field)]
    new = [r for r in untouched if r.get(EXPORT_STATUS_FIELD) in (None, "New")]
    claimed = [r for r in untouched if r.get(EXPORT_STATUS_FIELD) in IN_PROCESS_VALUES
               and str(r["Id"]) not in data.stale_claims]  # fmt: skip
    problem = f"{len(claimed)} untouched records were left 'Export in Process'" if claimed else None
    return len(new), problem


def _crashes(
    launcher: ConnectorLauncher, control: OrgControl, flows: tuple[str, ...], plan: ChaosPlan, figures: ChaosFigures
) -> int:
    """SIGKILL runs at writes: the org holds its answer at the chosen place (after a commit, or between
    the graphs of a large document), the harness kills the run there, then the org answers nobody.
    Places take turns by need; a run that ends before reaching its place counts as a miss and the place
    is tried again (with the next flow). At a 30% fault rate many runs end early on a read whose retries
    ran out (their next run picks up), so up to ten tries a kill are allowed."""
    crashes = attempts = 0
    while crashes < plan.crashes and attempts < plan.crashes * 10:
        # The place with the fewest kills so far: a place missed is tried again, so both get their share.
        place = min(STRIKE_PLACES, key=lambda p: figures.kills_by_place.get(p, 0))
        flow = _large_flow(plan, flows) if place == "between_large_graphs" else flows[attempts % len(flows)]
        attempts += 1
        control.arm_strike(place)
        run = launcher.start(flow)
        deadline = time.monotonic() + plan.run_timeout_seconds
        struck = None
        while run.running() and time.monotonic() < deadline:
            struck = control.strike_status().get("struck")
            if struck:
                break
            time.sleep(0.1)
        if struck and run.kill():
            crashes += 1
            figures.kills_by_place[struck] = figures.kills_by_place.get(struck, 0) + 1
        else:
            figures.kills_by_place["missed (the run ended first)"] = (
                figures.kills_by_place.get("missed (the run ended first)", 0) + 1
            )
        control.release_strike()
        run.wait(plan.run_timeout_seconds)
    return crashes


STRIKE_PLACES = ("between_large_graphs", "after_commit")


def _eligible(data: ChaosData, flow: str) -> list[str]:
    source = document_flow(FlowId(flow)).source_object
    return [e.reference_id for e in data.entries(flow) if e.outcome == "created" and e.sobject == source]


def _large_flow(plan: ChaosPlan, flows: tuple[str, ...]) -> str:
    """Large documents are sales invoices (the data set makes them there when the flow is in)."""
    return "sales-invoices" if "sales-invoices" in flows and plan.large_share > 0 else flows[0]


def _concurrent(
    launcher: ConnectorLauncher, data: ChaosData, flows: tuple[str, ...], plan: ChaosPlan, rng: random.Random
) -> int:
    started = 0
    for flow in flows:
        flow_obj = document_flow(FlowId(flow))
        eligible = [data.ids[e.reference_id] for e in data.entries(flow)
                    if e.outcome == "created" and e.sobject == flow_obj.source_object]  # fmt: skip
        runs = [launcher.start(flow) for _ in range(plan.concurrent_runs)]
        if eligible:  # a user's record action on a document the scheduled runs are processing
            runs.append(launcher.start(flow, [rng.choice(eligible)]))
        started += len(runs)
        for run in runs:
            run.wait(plan.run_timeout_seconds)
    return started


def _settle(launcher: ConnectorLauncher, flow: str, plan: ChaosPlan) -> list[RunOutcome]:
    outcomes = []
    for _ in range(plan.settle_rounds):
        outcome = launcher.start(flow).wait(plan.run_timeout_seconds)
        outcomes.append(outcome)
        if outcome.report is not None and outcome.written == 0 and outcome.unresolved == 0:
            break
    return outcomes
