"""What a caller of GET /query sees: record shape, parents, children, order, paging, COUNT()."""

from __future__ import annotations

from collections.abc import Callable

from oim_local.org.soql import QueryResult

Run = Callable[..., QueryResult]  # the `run` fixture: execute SOQL against the fixture org
Insert = Callable[..., str]  # the `insert` fixture: add a row, get its Id
URL = "/services/data/v59.0/sobjects/"


def test_fields_come_back_in_selected_order_with_salesforce_types(run: Run, org: dict[str, str]) -> None:
    result = run(
        "SELECT SCMC__Total_Tax__c, Name, SCMC__Proforma__c, SCMC__Invoice_Date__c, Id "
        "FROM SCMC__Invoicing__c WHERE Name = 'INV-000001'"
    )

    assert result.total_size == 1
    record = result.records[0]
    assert record == {
        "attributes": {"type": "SCMC__Invoicing__c", "url": f"{URL}SCMC__Invoicing__c/{org['inv1']}"},
        "SCMC__Total_Tax__c": 10.5,
        "Name": "INV-000001",
        "SCMC__Proforma__c": False,
        "SCMC__Invoice_Date__c": "2026-11-20",
        "Id": org["inv1"],
    }
    assert list(record) == [
        "attributes",
        "SCMC__Total_Tax__c",
        "Name",
        "SCMC__Proforma__c",
        "SCMC__Invoice_Date__c",
        "Id",
    ]


def test_names_are_case_insensitive_and_come_back_canonical(run: Run, org: dict[str, str]) -> None:
    result = run("select NAME, scmc__status__C from scmc__invoicing__C where name = 'inv-000002'")

    assert result.records[0]["attributes"]["type"] == "SCMC__Invoicing__c"
    assert list(result.records[0])[1:] == ["Name", "SCMC__Status__c"]


def test_api_version_appears_in_urls(run: Run, org: dict[str, str]) -> None:
    result = run("SELECT Id FROM Account WHERE Name = 'Acme Corp'", api_version="62.0")

    assert result.records[0]["attributes"]["url"] == f"/services/data/v62.0/sobjects/Account/{org['acme']}"


def test_deleted_rows_are_left_out_unless_query_all(run: Run, org: dict[str, str]) -> None:
    live = run("SELECT Id FROM SCMC__Invoicing__c")
    everything = run("SELECT Id FROM SCMC__Invoicing__c", include_deleted=True)

    assert org["inv_deleted"] not in {r["Id"] for r in live.records}
    assert live.total_size == 3
    assert org["inv_deleted"] in {r["Id"] for r in everything.records}
    assert everything.total_size == 4


def test_parent_path_three_levels_deep_with_an_empty_middle_link(run: Run, org: dict[str, str]) -> None:
    result = run(
        "SELECT Name, SCMC__Invoicing__r.SCMC__Sales_Order__r.SCMC__Customer_Account__r.Name, "
        "SCMC__Invoicing__r.Name FROM SCMC__Invoice_Line_Item__c WHERE Name IN ('INVL-0000001', 'INVL-0000005') "
        "ORDER BY Name"
    )

    full, broken = result.records
    assert full["SCMC__Invoicing__r"] == {
        "attributes": {"type": "SCMC__Invoicing__c", "url": f"{URL}SCMC__Invoicing__c/{org['inv1']}"},
        "SCMC__Sales_Order__r": {
            "attributes": {"type": "SCMC__Sales_Order__c", "url": f"{URL}SCMC__Sales_Order__c/{org['so1']}"},
            "SCMC__Customer_Account__r": {
                "attributes": {"type": "Account", "url": f"{URL}Account/{org['acme']}"},
                "Name": "Acme Corp",
            },
        },
        "Name": "INV-000001",
    }
    assert broken["SCMC__Invoicing__r"]["SCMC__Sales_Order__r"] is None
    assert broken["SCMC__Invoicing__r"]["Name"] == "INV-000003"


def test_an_empty_lookup_is_null(run: Run, org: dict[str, str]) -> None:
    result = run("SELECT Id, SCMC__Sales_Order__r.Name FROM SCMC__Invoicing__c WHERE Name = 'INV-000003'")

    assert result.records[0]["SCMC__Sales_Order__r"] is None


def test_child_subquery_with_filter_and_order(run: Run, org: dict[str, str]) -> None:
    result = run(
        "SELECT Name, (SELECT Name, SCMC__Quantity__c FROM SCMC__Invoice_Line_Items__r "
        "WHERE SCMC__Quantity__c >= 2 ORDER BY SCMC__Quantity__c DESC) "
        "FROM SCMC__Invoicing__c ORDER BY Name"
    )

    by_name = {r["Name"]: r["SCMC__Invoice_Line_Items__r"] for r in result.records}
    assert by_name["INV-000001"] == {
        "totalSize": 2,
        "done": True,
        "records": [
            {
                "attributes": {
                    "type": "SCMC__Invoice_Line_Item__c",
                    "url": f"{URL}SCMC__Invoice_Line_Item__c/{org['l2']}",
                },
                "Name": "INVL-0000002",
                "SCMC__Quantity__c": 5.0,
            },
            {
                "attributes": {
                    "type": "SCMC__Invoice_Line_Item__c",
                    "url": f"{URL}SCMC__Invoice_Line_Item__c/{org['l1']}",
                },
                "Name": "INVL-0000001",
                "SCMC__Quantity__c": 2.0,
            },
        ],
    }
    assert by_name["INV-000002"] is None  # its only line has quantity 1
    assert by_name["INV-000003"]["totalSize"] == 1


def test_child_subquery_leaves_out_deleted_children_and_applies_limit_per_parent(run: Run, org: dict[str, str]) -> None:
    result = run(
        "SELECT Id, (SELECT Id FROM SCMC__Invoice_Line_Items__r ORDER BY Name LIMIT 1) "
        "FROM SCMC__Invoicing__c WHERE Name = 'INV-000001'"
    )
    every = run("SELECT Id, (SELECT Id FROM SCMC__Invoice_Line_Items__r) FROM SCMC__Invoicing__c")

    assert [r["Id"] for r in result.records[0]["SCMC__Invoice_Line_Items__r"]["records"]] == [org["l1"]]
    first = next(r for r in every.records if r["Id"] == org["inv1"])
    assert {r["Id"] for r in first["SCMC__Invoice_Line_Items__r"]["records"]} == {org["l1"], org["l2"]}


def test_child_subquery_may_follow_parent_paths(run: Run, org: dict[str, str]) -> None:
    result = run(
        "SELECT Id, (SELECT SCMC__Invoicing__r.SCMC__Sales_Order__r.Name FROM SCMC__Invoice_Line_Items__r) "
        "FROM SCMC__Invoicing__c WHERE Name = 'INV-000002'"
    )

    line = result.records[0]["SCMC__Invoice_Line_Items__r"]["records"][0]
    assert line["SCMC__Invoicing__r"]["SCMC__Sales_Order__r"]["Name"] == "SO-000002"


def test_parent_fields_merge_into_one_nested_record(run: Run, org: dict[str, str]) -> None:
    result = run(
        "SELECT SCMC__Sales_Order__r.Name, Name, SCMC__Sales_Order__r.Id FROM SCMC__Invoicing__c "
        "WHERE Name = 'INV-000001'"
    )

    record = result.records[0]
    assert list(record) == ["attributes", "SCMC__Sales_Order__r", "Name"]
    assert list(record["SCMC__Sales_Order__r"]) == ["attributes", "Name", "Id"]


def test_order_by_parent_path_and_nulls_position(run: Run, org: dict[str, str]) -> None:
    by_parent = run("SELECT Name FROM SCMC__Invoicing__c ORDER BY SCMC__Sales_Order__r.Name DESC NULLS LAST")
    nulls_first_desc = run("SELECT Name FROM SCMC__Invoicing__c ORDER BY SCMC__Total_Tax__c DESC NULLS FIRST")
    default_asc = run("SELECT Name FROM SCMC__Invoicing__c ORDER BY SCMC__Total_Tax__c")

    assert [r["Name"] for r in by_parent.records] == ["INV-000002", "INV-000001", "INV-000003"]
    assert [r["Name"] for r in nulls_first_desc.records] == ["INV-000002", "INV-000001", "INV-000003"]
    assert [r["Name"] for r in default_asc.records] == ["INV-000002", "INV-000003", "INV-000001"]


def test_order_by_text_ignores_case(run: Run, org: dict[str, str]) -> None:
    result = run(
        "SELECT SCMC__Description__c FROM SCMC__Invoice_Line_Item__c "
        "WHERE SCMC__Description__c != null ORDER BY SCMC__Description__c, Name"
    )

    assert [r["SCMC__Description__c"] for r in result.records] == ["Gadget 50%", "Widget", "widget"]


def test_limit_and_offset(run: Run, org: dict[str, str]) -> None:
    page = run("SELECT Name FROM SCMC__Invoicing__c ORDER BY Name LIMIT 1 OFFSET 1")
    rest = run("SELECT Name FROM SCMC__Invoicing__c ORDER BY Name OFFSET 2")

    assert [r["Name"] for r in page.records] == ["INV-000002"]
    assert [r["Name"] for r in rest.records] == ["INV-000003"]


def test_count_gives_total_size_only(run: Run, org: dict[str, str]) -> None:
    result = run("SELECT COUNT() FROM SCMC__Invoicing__c WHERE SCMC__Status__c = 'Open'")
    capped = run("SELECT count() FROM SCMC__Invoicing__c LIMIT 2")
    with_deleted = run("SELECT COUNT() FROM SCMC__Invoicing__c", include_deleted=True)

    assert (result.total_size, result.records) == (2, [])
    assert capped.total_size == 2
    assert with_deleted.total_size == 4


def test_alias_and_object_name_prefixes_are_accepted(run: Run, org: dict[str, str]) -> None:
    result = run("SELECT i.Name, SCMC__Invoicing__c.Id FROM SCMC__Invoicing__c i WHERE i.Name = 'INV-000001'")

    assert result.records[0]["Name"] == "INV-000001"
    assert result.records[0]["Id"] == org["inv1"]


def test_order_by_checkbox_treats_empty_as_false(run: Run, insert: Insert, org: dict[str, str]) -> None:
    insert("SCMC__Invoicing__c", Name="INV-000000", SCMC__Proforma__c=None)

    result = run("SELECT Name, SCMC__Proforma__c FROM SCMC__Invoicing__c ORDER BY SCMC__Proforma__c DESC, Name")

    assert [r["Name"] for r in result.records] == ["INV-000002", "INV-000000", "INV-000001", "INV-000003"]
    assert result.records[1]["SCMC__Proforma__c"] is False
