"""A sample hook, in place of the source product's SamplePluginRemoveInvoice: it stops the
export of documents for one customer account and tags every other sales invoice.

Set it in the settings of a flow as ``"oim_hooks.skip_customer:remove_customer_invoices"``
(it ships in the layer; hooks of your own go in the same package, see oim_hooks).
"""

from __future__ import annotations

import dataclasses
import os

from oim_connector.hooks import HookContext
from oim_connector.model.documents import Mapped

# The customer whose invoices must stay out of Accounting (an Account Id).
SKIPPED_ACCOUNT_VARIABLE = "OIM_HOOK_SKIPPED_ACCOUNT"


def remove_customer_invoices(items: list[Mapped], context: HookContext) -> list[Mapped]:
    skipped = os.environ.get(SKIPPED_ACCOUNT_VARIABLE)
    kept = []
    for item in items:
        if skipped and any(doc.fields.get("c2g__Account__c") == skipped for doc in item.documents):
            continue  # left out: reported as "dropped by hook", the OIM invoice stays as it is
        tagged = tuple(
            dataclasses.replace(doc, fields={**doc.fields, "c2g__InvoiceDescription__c": f"Exported by {context.flow}"})
            for doc in item.documents
        )
        kept.append(dataclasses.replace(item, documents=tagged))
    return kept
