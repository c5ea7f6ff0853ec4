"""The org port over simple-salesforce: the same code path for a real org and the local one."""

from __future__ import annotations

import re
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

import requests
from simple_salesforce.api import Salesforce
from simple_salesforce.exceptions import SalesforceError

from oim_connector.errors import (
    AuthenticationError,
    DailyLimitReachedError,
    OrgError,
    TransientOrgError,
)
from oim_connector.model.field_names import missing_name_hint
from oim_connector.org.credentials import SalesforceCredentials, TokenProvider
from oim_connector.org.graph import Graph, GraphResult, parse_graph_response
from oim_connector.org.port import ApiUsage, PostResult, SaveResult
from oim_connector.org.retry import RetryPolicy
from oim_connector.org.soql import Condition, Select

T = TypeVar("T")

TRANSIENT_STATUSES = frozenset({500, 502, 503, 504})
TRANSIENT_ERROR_CODES = frozenset({"UNABLE_TO_LOCK_ROW", "SERVER_UNAVAILABLE"})
POSTING_PATH = "SCMFFA/v1/post"
# Salesforce allows at most five query subrequests in one composite request.
QUERIES_PER_COMPOSITE = 5


class _TimeoutSession(requests.Session):
    """requests has no default timeout and simple-salesforce passes none for most calls."""

    def __init__(self, timeout: tuple[float, float]) -> None:
        super().__init__()
        self._timeout = timeout

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self._timeout)
        # requests lets REQUESTS_CA_BUNDLE override a session's own CA; the session's choice must win.
        kwargs.setdefault("verify", self.verify)
        return super().request(method, url, *args, **kwargs)


def _first_error(content: Any) -> tuple[str, str]:
    if isinstance(content, list) and content and isinstance(content[0], dict):
        return str(content[0].get("errorCode", "")), str(content[0].get("message", ""))
    if isinstance(content, dict):
        return str(content.get("errorCode", content.get("error", ""))), str(content.get("message", ""))
    return "", str(content)[:300]


def classify(error: SalesforceError) -> OrgError:
    code, message = _first_error(error.content)
    status = int(error.status)
    if code == "REQUEST_LIMIT_EXCEEDED" and "TotalRequests" in message:
        return DailyLimitReachedError(
            "The Salesforce org's daily API limit is reached; the run stopped and left the remaining records "
            "untouched. It resumes on the next run.",
            error_code=code,
            status=status,
        )
    if code == "REQUEST_LIMIT_EXCEEDED" or status in TRANSIENT_STATUSES or code in TRANSIENT_ERROR_CODES:
        return TransientOrgError(f"Salesforce answered {status} {code}: {message}", error_code=code, status=status)
    answer = f"Salesforce answered {status} {code}: {message}"
    # An unverified OIM name this org spells differently: say which setting fixes it, first.
    hint = missing_name_hint(message) if code == "INVALID_FIELD" else ""
    return OrgError(f"{hint} ({answer})" if hint else answer, error_code=code, status=status)


class SalesforceOrg:
    """OrgPort implementation. One instance per execution environment; thread-safe for requests."""

    def __init__(
        self,
        credentials: SalesforceCredentials,
        *,
        retry: RetryPolicy | None = None,
        timeout: tuple[float, float] = (5.0, 60.0),
        query_page_size: int | None = None,
    ) -> None:
        self.api_version = credentials.api_version
        self._http = _TimeoutSession(timeout)
        if credentials.ca_bundle:
            self._http.verify = _write_ca_bundle(credentials.ca_bundle)
        self._tokens = TokenProvider(credentials, self._http)
        self._retry = retry or RetryPolicy()
        self._query_page_size = query_page_size
        self._lock = threading.Lock()
        self._requests_made = 0
        self._sf: Salesforce | None = None

    # -- plumbing --------------------------------------------------------------------------
    def _client(self, *, refresh: bool = False) -> Salesforce:
        with self._lock:
            if self._sf is None or refresh:
                session = self._tokens.session(refresh=refresh)
                self._sf = Salesforce(
                    instance_url=session.instance_url,
                    session_id=session.access_token,
                    session=self._http,
                    version=self.api_version,
                )
            return self._sf

    def _once(self, call: Callable[[Salesforce], T]) -> T:
        """One request, with one re-login on an expired session; errors classified."""
        for attempt in (0, 1):
            client = self._client(refresh=attempt == 1)
            with self._lock:
                self._requests_made += 1
            try:
                return call(client)
            except SalesforceError as error:
                if int(error.status) == 401 and attempt == 0:
                    continue
                if int(error.status) == 401:
                    raise AuthenticationError(
                        "Salesforce refused the connector's session twice: check the integration user and secret"
                    ) from None
                raise classify(error) from None
            except (requests.ConnectionError, requests.Timeout) as error:
                raise TransientOrgError(f"Connection to Salesforce failed: {type(error).__name__}") from None
            except requests.exceptions.ChunkedEncodingError:
                raise TransientOrgError("Salesforce closed the connection mid-answer") from None
        raise AssertionError("unreachable")

    def _call(self, call: Callable[[Salesforce], T], *, idempotent: bool) -> T:
        return self._retry.call(lambda: self._once(call), retryable=idempotent)

    # -- OrgPort ---------------------------------------------------------------------------
    def query(self, select: Select) -> Iterator[dict[str, Any]]:
        soql = select.render()
        headers = {"Sforce-Query-Options": f"batchSize={self._query_page_size}"} if self._query_page_size else {}
        page: dict[str, Any] = self._call(lambda sf: sf.query(soql, headers=headers), idempotent=True)
        while True:
            yield from page.get("records", [])
            next_url = page.get("nextRecordsUrl")
            if page.get("done", True) or not next_url:
                return
            page = self._call(_query_more(next_url, headers), idempotent=True)

    def query_batch(self, selects: Sequence[Select]) -> list[list[dict[str, Any]]]:
        results: list[list[dict[str, Any]]] = []
        for start in range(0, len(selects), QUERIES_PER_COMPOSITE):
            chunk = selects[start : start + QUERIES_PER_COMPOSITE]
            body = {
                "allOrNone": False,
                "compositeRequest": [
                    {"method": "GET", "referenceId": f"q{index}",
                     "url": f"/services/data/v{self.api_version}/query?{urlencode({'q': select.render()})}"}
                    for index, select in enumerate(chunk)
                ],
            }  # fmt: skip
            answer = self._call(_restful("composite", "POST", body), idempotent=True) or {}
            for select, sub in zip(chunk, answer.get("compositeResponse", []), strict=True):
                if int(sub.get("httpStatusCode", 500)) >= 300:
                    code, message = _first_error(sub.get("body"))
                    raise OrgError(f"Salesforce refused a query on {select.sobject}: {code} {message}", error_code=code)
                results.append(list(self._rest_of(sub["body"])))
        return results

    def _rest_of(self, page: dict[str, Any]) -> Iterator[dict[str, Any]]:
        while True:
            yield from page.get("records", [])
            next_url = page.get("nextRecordsUrl")
            if page.get("done", True) or not next_url:
                return
            page = self._call(_query_more(next_url, {}), idempotent=True)

    def run_graphs(self, graphs: Sequence[Graph]) -> list[GraphResult]:
        pending = {g.graph_id: g for g in graphs}
        final: dict[str, GraphResult] = {}
        # Every node is a PATCH (upsert by external id or update by id), so resending is safe.
        idempotent = all(node.method == "PATCH" for g in graphs for node in g.nodes)
        for attempt in range(self._retry.max_attempts):
            body = {"graphs": [g.to_json(self.api_version) for g in pending.values()]}
            payload = self._call(_restful("composite/graph", "POST", body), idempotent=idempotent)
            retry_again: dict[str, Graph] = {}
            for result in parse_graph_response(payload or {}):
                final[result.graph_id] = result
                transient = result.error_codes() & (TRANSIENT_ERROR_CODES | {"PROCESSING_HALTED"})
                real_errors = {code for _, code, _ in result.errors()} - TRANSIENT_ERROR_CODES
                if not result.successful and transient and not real_errors and idempotent:
                    retry_again[result.graph_id] = pending[result.graph_id]
            if not retry_again:
                break
            pending = retry_again
            self._retry.sleep(
                self._retry.delay(attempt + 1, TransientOrgError("lock", error_code="UNABLE_TO_LOCK_ROW"))
            )
        return [final[g.graph_id] for g in graphs if g.graph_id in final]

    def update_records(self, sobject: str, records: Sequence[Mapping[str, Any]]) -> list[SaveResult]:
        results: list[SaveResult] = []
        for start in range(0, len(records), 200):
            chunk = [{"attributes": {"type": sobject}, **dict(r)} for r in records[start : start + 200]]
            body = {"allOrNone": False, "records": chunk}
            answer = self._call(_restful("composite/sobjects", "PATCH", body), idempotent=True)
            # Results come in the order sent; a failed one carries no "id", so it is named by the one sent.
            for sent, item in zip(chunk, answer or [], strict=False):
                errors = tuple(str(e.get("message", "")) for e in item.get("errors", []) if isinstance(e, dict))
                results.append(SaveResult(item.get("id") or sent.get("Id"), bool(item.get("success")), errors))
        return results

    def delete_records(self, record_ids: Sequence[str]) -> list[SaveResult]:
        """Deletes by id; a row another transaction holds locked is tried again, and still locked after
        the retries it raises TransientOrgError (the caller leaves the document for the next run: a lock
        is no reason to tell the user the document is wrong)."""
        results: dict[str, SaveResult] = {}
        pending = list(record_ids)
        for attempt in range(self._retry.max_attempts):
            locked: list[str] = []
            for start in range(0, len(pending), 200):
                ids = ",".join(pending[start : start + 200])
                answer = self._call(_restful(f"composite/sobjects?ids={ids}&allOrNone=false", "DELETE", None),
                                    idempotent=True)  # fmt: skip
                for record_id, item in zip(pending[start : start + 200], answer or [], strict=False):
                    codes = {str(e.get("statusCode", "")) for e in item.get("errors", []) if isinstance(e, dict)}
                    gone = codes <= {"ENTITY_IS_DELETED"} and bool(codes)  # deleted by an earlier attempt
                    errors = tuple(str(e.get("message", "")) for e in item.get("errors", []) if isinstance(e, dict))
                    if codes & TRANSIENT_ERROR_CODES:
                        locked.append(record_id)
                    results[record_id] = SaveResult(item.get("id"), bool(item.get("success")) or gone,
                                                    () if gone else errors)  # fmt: skip
            if not locked:
                break
            pending = locked
            lock = TransientOrgError("lock", error_code="UNABLE_TO_LOCK_ROW")
            if attempt + 1 == self._retry.max_attempts:
                raise lock
            self._retry.sleep(self._retry.delay(attempt + 1, lock))
        return [results[r] for r in record_ids if r in results]

    def post_documents(self, documents: Sequence[tuple[str, str]]) -> list[PostResult]:
        body = {"documents": [{"sobject": s, "id": i} for s, i in documents]}
        answer = self._call(lambda sf: sf.apexecute(POSTING_PATH, method="POST", data=body), idempotent=True)
        return [
            PostResult(str(r.get("id")), bool(r.get("success")), r.get("status"), r.get("error"))
            for r in (answer or {}).get("results", [])
        ]

    def count(self, sobject: str, where: Condition | None = None) -> int:
        """``SELECT COUNT() ...``: the number of matching records, without reading them (status view)."""
        from oim_connector.org.soql import check_name

        soql = f"SELECT COUNT() FROM {check_name(sobject)}"  # noqa: S608 - a checked name
        if where is not None:
            soql += f" WHERE {where.text}"
        answer: dict[str, Any] = self._call(lambda sf: sf.query(soql), idempotent=True)
        return int(answer.get("totalSize", 0))

    def send_custom_notification(
        self,
        type_name: str,
        title: str,
        body: str,
        target_id: str | None,
        recipient_ids: Sequence[str] = (),
        group_name: str | None = None,
    ) -> None:
        """The standard action customNotificationAction to the given users and the public group named
        ``group_name`` (recipientIds takes user and group ids); with neither, to the integration user.
        ``type_name`` is the type's id (0ML...) or its DeveloperName."""
        is_id = re.fullmatch(r"0ML[A-Za-z0-9]{12}([A-Za-z0-9]{3})?", type_name) is not None
        type_id = type_name if is_id else self.custom_notification_type_id(type_name)
        recipients = list(dict.fromkeys(recipient_ids))
        if group_name:
            recipients.append(self.public_group_id(group_name))
        if not recipients:
            me = self._call(_restful("chatter/users/me", "GET", None), idempotent=True)
            recipients = [str(me["id"])]
        inputs: dict[str, Any] = {
            "customNotifTypeId": type_id,
            "recipientIds": recipients,
            "title": title,
            "body": body,
        }
        if target_id:
            inputs["targetId"] = target_id
        path = "actions/standard/customNotificationAction"
        self._call(_restful(path, "POST", {"inputs": [inputs]}), idempotent=False)

    def public_group_id(self, developer_name: str) -> str:
        from oim_connector.org.soql import eq

        where = f"{eq('DeveloperName', developer_name).text} AND {eq('Type', 'Regular').text}"
        answer = self._call(lambda sf: sf.query(f"SELECT Id FROM Group WHERE {where}"), idempotent=True)  # noqa: S608
        records = answer.get("records") or []
        if not records:
            raise OrgError(f"No public group {developer_name} in the org: fix the notification_group setting")
        return str(records[0]["Id"])

    def custom_notification_type_id(self, type_name: str) -> str:
        from oim_connector.org.soql import eq

        soql = f"SELECT Id FROM CustomNotificationType WHERE {eq('DeveloperName', type_name).text}"  # noqa: S608
        answer = self._call(lambda sf: sf.toolingexecute(f"query/?q={soql}", method="GET"), idempotent=True)
        records = answer.get("records") or []
        if not records:
            raise OrgError(f"The custom notification type {type_name} is not deployed in the org")
        return str(records[0]["Id"])

    def describe(self, sobject: str) -> dict[str, Any]:
        from oim_connector.org.soql import check_name

        name = check_name(sobject)
        answer = self._call(_restful(f"sobjects/{name}/describe", "GET", None), idempotent=True)
        return answer if isinstance(answer, dict) else {}

    def usage(self) -> ApiUsage:
        used = limit = None
        if self._sf is not None:
            usage = self._sf.api_usage.get("api-usage")
            if usage is not None:
                used, limit = int(usage.used), int(usage.total)
        return ApiUsage(self._requests_made, used, limit)


def _query_more(url: str, headers: dict[str, str]) -> Callable[[Salesforce], Any]:
    return lambda sf: sf.query_more(url, identifier_is_url=True, headers=headers)


def _restful(path: str, method: str, body: Any) -> Callable[[Salesforce], Any]:
    if body is None:
        return lambda sf: sf.restful(path, method=method)
    return lambda sf: sf.restful(path, method=method, json=body)


_CA_FILES: dict[str, str] = {}


def _write_ca_bundle(pem: str) -> str:
    """requests wants a file path; keep one file per distinct PEM for the process's life."""
    path = _CA_FILES.get(pem)
    if path is None:
        handle = tempfile.NamedTemporaryFile("w", suffix=".pem", delete=False)  # noqa: SIM115
        with handle:
            handle.write(pem)
        path = handle.name
        _CA_FILES[pem] = path
    return path if Path(path).exists() else _write_ca_bundle_fresh(pem)


def _write_ca_bundle_fresh(pem: str) -> str:
    _CA_FILES.pop(pem, None)
    return _write_ca_bundle(pem)
