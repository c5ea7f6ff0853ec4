"""Over random sets of financial records the journal mapping gives a balanced journal (every part
zero-sum, to the currency's decimals, within the line limit, every record linked once) or a clear
refusal, never an unbalanced write."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from hypothesis import event, given, settings
from hypothesis import strategies as st
from oim_connector.mapping.defaults import default_rules
from oim_connector.mapping.journals import map_journal
from oim_connector.model.settings import GeneralSettings, JournalSettings

from tests.unit.connector import journal_builders as b

# WIP has no GLA anywhere: about one record in twenty-five.
CATEGORIES = ("Inventory", "Accrued Purchases", "Miscellaneous", "Cost of Goods Sold") * 6 + ("WIP",)
REFERENCE = b.reference()
RULES = list(default_rules("journals"))

amounts = st.decimals(min_value=Decimal("-5000"), max_value=Decimal("5000"), places=4, allow_nan=False)
record_specs = st.lists(
    st.tuples(st.sampled_from(CATEGORIES), amounts, st.sampled_from(("USD", "USD", "EUR"))), min_size=1, max_size=12
)
journal_settings = st.builds(
    JournalSettings,
    line_limit=st.integers(min_value=1, max_value=6),
    summarise_lines=st.booleans(),
    rounding_gla=st.sampled_from(("7900", None)),
    split_clearing_gla=st.sampled_from(("9990", None)),
)


def _records(specs: list[tuple[str, Decimal, str]], shape: str) -> list[dict[str, Any]]:
    if shape == "pairs":  # a debit and its credit for each movement, as OIM writes most transactions
        specs = [s for c, v, iso in specs for s in ((c, v, iso), ("Inventory", -v, iso))]
    records = [b.financial_record(n, category, str(value), currency=iso)
               for n, (category, value, iso) in enumerate(specs, start=1)]  # fmt: skip
    if (
        shape == "balanced"
    ):  # what OIM does: the records of one transaction net to zero (in USD, to the field's 9 places)
        in_usd = sum((v / Decimal("0.92") if iso == "EUR" else v for _, v, iso in specs), Decimal(0))
        records.append(b.financial_record(len(specs) + 1, "Inventory", str(round(-in_usd, 9))))
    return records


@settings(max_examples=300, deadline=None)
@given(specs=record_specs, shape=st.sampled_from(("pairs", "balanced", "balanced", "any")), journal=journal_settings)
def test_either_every_journal_part_balances_or_the_record_is_refused(
    specs: list[tuple[str, Decimal, str]], shape: str, journal: JournalSettings
) -> None:
    records = _records(specs, shape)

    mapped = map_journal(b.perpetual_record(*records), ref=REFERENCE, settings=journal, general=GeneralSettings(),
                         rules=RULES, today=dt.date(2026, 11, 25))  # fmt: skip

    assert mapped.skip_reason is None
    if mapped.errors:
        event("refused: " + mapped.errors[0].split(":")[0][:40])
        assert mapped.documents == ()
        assert all(error.strip() for error in mapped.errors)
        return
    event(f"written in {min(len(mapped.documents), 3)}{'+' if len(mapped.documents) > 2 else ''} part(s)")
    linked: list[str] = []
    for document in mapped.documents:
        assert len(document.lines) <= journal.line_limit
        assert sum(line.amount for line in document.lines) == 0
        for line in document.lines:
            assert line.amount == line.amount.quantize(Decimal("0.01"))
            assert Decimal(str(line.fields["c2g__Value__c"])) == line.amount
            assert line.fields["c2g__DebitCredit__c"] == ("Credit" if line.amount < 0 else "Debit")
            linked.extend(link.record_id for link in line.source_links)
    assert sorted(linked) == sorted(str(r["Id"]) for r in records)
    given_values = [(Decimal(str(r["SCMC__ICP_Value_Amount__c"])), r["SCMC__ICP_Currency__r"]["Name"]) for r in records]
    if (
        all(iso == "USD" and v == v.quantize(Decimal("0.01")) for v, iso in given_values)
        and not journal.summarise_lines
    ):
        # No conversion and no rounding: the journal's debits are exactly the records' positive values.
        booked = [line.amount for d in mapped.documents for line in d.lines if line.source_links]
        assert sum((v for v in booked if v > 0), Decimal(0)) == sum((v for v, _ in given_values if v > 0), Decimal(0))
