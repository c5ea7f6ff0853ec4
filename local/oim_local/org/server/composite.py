"""``POST /composite``: up to 25 subrequests in one call, with references and ``allOrNone``.

With ``allOrNone`` a failure rolls back every subrequest; without it, each subrequest keeps
its own work (a savepoint each) and only those referring to a failed one fail with it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from oim_local.org.errors import SalesforceApiError
from oim_local.org.server.graph import ROLLED_BACK_MESSAGE, node_result
from oim_local.org.server.limits import MAX_COMPOSITE_SUBREQUESTS
from oim_local.org.server.paths import parse_data_path
from oim_local.org.server.references import References
from oim_local.org.server.sobjects import WriteContext
from oim_local.org.server.wire import ApiResponse

# Salesforce allows at most 5 query or collection subrequests in one composite call.
MAX_QUERY_OR_COLLECTION_SUBREQUESTS = 5

# Runs one subrequest (method, url, body) inside the composite's transaction.
SubrequestDispatcher = Callable[[WriteContext, str, str, Any], ApiResponse]


class Subrequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    method: str
    url: str
    reference_id: str = Field(alias="referenceId", min_length=1)
    body: Any = None


class CompositeRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    all_or_none: bool = Field(default=False, alias="allOrNone")
    composite_request: list[Subrequest] = Field(alias="compositeRequest", min_length=1)


class _SubrequestFailed(Exception):
    def __init__(self, response: ApiResponse) -> None:
        super().__init__(response.status)
        self.response = response


class _RollBack(Exception):
    pass


class CompositeExecutor:
    def __init__(self, dispatch: SubrequestDispatcher) -> None:
        self._dispatch = dispatch

    def execute(self, context: WriteContext, payload: Any) -> ApiResponse:
        request = _parse(payload)
        _check_limits(request)
        references = References()
        results: list[dict[str, Any]] = []
        written_at_start = context.tally.count
        failed_index: int | None = None
        try:
            with context.store.transaction():
                for index, sub in enumerate(request.composite_request):
                    response = self._run_one(context, references, sub)
                    results.append(node_result(sub.reference_id, response))
                    if response.status < 400:
                        references.remember(sub.reference_id, response.body)
                    elif request.all_or_none:
                        failed_index = index
                        raise _RollBack
        except _RollBack:
            context.tally.count = written_at_start
            results = [
                results[index]
                if index == failed_index
                else node_result(
                    sub.reference_id,
                    ApiResponse(400, [{"errorCode": "PROCESSING_HALTED", "message": ROLLED_BACK_MESSAGE}]),
                )
                for index, sub in enumerate(request.composite_request)
            ]
        return ApiResponse(200, {"compositeResponse": results})

    def _run_one(self, context: WriteContext, references: References, sub: Subrequest) -> ApiResponse:
        written_before = context.tally.count
        try:
            url = references.resolve_url(sub.url)
            body = references.resolve_body(sub.body)
            with context.store.transaction():  # a savepoint: a failed subrequest leaves nothing
                response = self._dispatch(context, sub.method.upper(), url, body)
                if response.status >= 400:
                    raise _SubrequestFailed(response)
            return response
        except SalesforceApiError as error:
            context.tally.count = written_before
            return ApiResponse(error.status, error.to_json())
        except _SubrequestFailed as failure:
            context.tally.count = written_before
            return failure.response


def _parse(payload: Any) -> CompositeRequest:
    try:
        return CompositeRequest.model_validate(payload)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in issue['loc']) or 'body'}: {issue['msg']}" for issue in error.errors()
        )
        raise SalesforceApiError(400, "JSON_PARSER_ERROR", f"Invalid composite request: {problems}") from None


def _check_limits(request: CompositeRequest) -> None:
    subrequests = request.composite_request
    if len(subrequests) > MAX_COMPOSITE_SUBREQUESTS:
        raise SalesforceApiError(
            400,
            "LIMIT_EXCEEDED",
            f"The composite request has {len(subrequests)} subrequests; the limit is {MAX_COMPOSITE_SUBREQUESTS}.",
        )
    heavy = sum(1 for sub in subrequests if _is_query_or_collection(sub.url))
    if heavy > MAX_QUERY_OR_COLLECTION_SUBREQUESTS:
        raise SalesforceApiError(
            400,
            "LIMIT_EXCEEDED",
            f"The composite request has {heavy} query or collection subrequests; the limit is "
            f"{MAX_QUERY_OR_COLLECTION_SUBREQUESTS}.",
        )


def _is_query_or_collection(url: str) -> bool:
    path = parse_data_path(url)
    if path is None or not path.segments:
        return False
    head = path.segments[0].lower()
    return head in ("query", "queryall") or (
        head == "composite" and len(path.segments) > 1 and path.segments[1] == "sobjects"
    )
