"""No SOQL is built from unvalidated text: every query builder is fuzzed with hostile strings,
and hostile values reach the (local) org's SOQL engine as data, never as query text."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oim_connector.model.settings import ConnectorSettings, FieldRule, FlowSettings
from oim_connector.org.soql import Select, UnsafeSoqlError, check_name, check_path, eq, is_in, literal, not_in
from oim_local.org.store import OrgStore
from pydantic import ValidationError

HOSTILE = [
    "x' OR Name != '",
    "' OR Id != null OR Name = '",
    "\\' OR 1=1 --",
    "a\\",
    "Name FROM Account WHERE Id != null",
    "Id) OR (Id != null",
    "x'\nOR Id != null",
    "%' LIMIT 1",
    "\u2019 OR Id != null",
    "",
]
NAME_LIKE = st.text(min_size=0, max_size=40)


def _closed_literal(text: str) -> bool:
    """One quoted token: it opens and closes with a quote and every quote inside is escaped."""
    if len(text) < 2 or text[0] != "'" or text[-1] != "'":
        return False
    body, index = text[1:-1], 0
    while index < len(body):
        if body[index] == "\\":
            index += 2
            continue
        if body[index] in "'\n\r":
            return False
        index += 1
    return index == len(body)


# No deadline: the first example may load simple-salesforce, whose quoting literal() uses.
@settings(deadline=None)
@given(st.text(max_size=80))
def test_any_text_becomes_one_closed_literal(value: str) -> None:
    assert _closed_literal(literal(value))


@pytest.mark.parametrize("value", HOSTILE)
def test_conditions_keep_hostile_values_inside_their_literal(value: str) -> None:
    assert eq("Name", value).text == f"Name = {literal(value)}"
    assert is_in("Id", [value, "a"]).text == f"Id IN ({literal(value)}, 'a')"
    assert not_in("Id", [value]).text == f"Id NOT IN ({literal(value)})"


@given(NAME_LIKE)
def test_names_and_paths_that_are_not_api_names_are_refused(text: str) -> None:
    for check in (check_name, check_path):
        try:
            checked = check(text)
        except UnsafeSoqlError:
            continue
        assert all(c.isalnum() or c in "_." for c in checked) and checked.isascii()


@pytest.mark.parametrize("hostile", [v for v in HOSTILE if v] + ["Name ASC, (SELECT Id FROM Contacts)", "Id DESC; x"])
def test_select_refuses_hostile_object_field_and_order_names(hostile: str) -> None:
    for select in (
        Select(hostile, ("Id",)),
        Select("Account", (hostile,)),
        Select("Account", ("Id",), order_by=(hostile,)),
        Select("Account", ("Id",), children=(Select(hostile, ("Id",)),)),
    ):
        with pytest.raises(UnsafeSoqlError):
            select.render()
    with pytest.raises(UnsafeSoqlError):
        eq(hostile, 1)


@pytest.mark.parametrize("limit", [0, -1, True, "1; DELETE"])
def test_limit_must_be_a_positive_integer(limit: object) -> None:
    with pytest.raises(UnsafeSoqlError):
        Select("Account", ("Id",), limit=limit).render()  # type: ignore[arg-type]


@pytest.mark.parametrize("hostile", [v for v in HOSTILE if v])
def test_settings_that_end_up_in_queries_refuse_soql(hostile: str) -> None:
    with pytest.raises(ValidationError):
        FlowSettings(custom_criteria_field=hostile)
    with pytest.raises(ValidationError):
        FieldRule(target="c2g__Description__c", source=hostile)
    with pytest.raises(ValidationError):
        FieldRule(target=hostile, constant="x")
    with pytest.raises(ValidationError):
        ConnectorSettings.model_validate({"vendor_accounts": {"duplicate_check_field": hostile}})


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> OrgStore:
    org = OrgStore(Path(tmp_path_factory.mktemp("soql")) / "org.db")
    org.create("Account", {"Name": "Only One"})
    return org


# No deadline: the first example builds the local org's SOQL parser (seconds on a busy machine).
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40)))
def test_the_org_reads_hostile_values_as_data(store: OrgStore, value: str) -> None:
    soql = Select("Account", ("Id", "Name"), where=eq("Name", value)).render()
    rows = store.query(soql).records
    assert [r["Name"] for r in rows] == (["Only One"] if value == "Only One" else [])
