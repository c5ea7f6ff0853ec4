"""``POST /services/apexrest/SCMFFA/v1/post``: the connector's posting endpoint."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from oim_local.org.errors import SalesforceApiError
from oim_local.org.server.sobjects import WriteContext
from oim_local.org.server.wire import ApiResponse

POSTING_PATH = "/services/apexrest/SCMFFA/v1/post"


class DocumentRef(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sobject: str = Field(min_length=1)
    id: str = Field(min_length=1)


class PostingRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    documents: list[DocumentRef] = Field(min_length=1)


def post_documents(context: WriteContext, payload: Any) -> ApiResponse:
    try:
        request = PostingRequest.model_validate(payload)
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in issue['loc']) or 'body'}: {issue['msg']}" for issue in error.errors()
        )
        raise SalesforceApiError(
            400, "JSON_PARSER_ERROR", f'Expected {{"documents": [{{"sobject", "id"}}]}}: {problems}'
        ) from None
    results = context.store.post_documents([(document.sobject, document.id) for document in request.documents])
    context.tally.add(sum(1 for result in results if result.get("success")))
    return ApiResponse(200, {"results": results})
