"""ApexLink type-checks the Apex against stubs of Certinia's published API and the data model.

`make check-salesforce` runs the check over the project itself (0 errors). Here a copy with the
mistakes a reviewer would miss proves the check catches them: a misspelt c2g method, a Context of
the wrong API version, a field the object does not have.
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import sys
from pathlib import Path
from types import ModuleType

from .salesforce_dx import PROJECT

SCRIPT = PROJECT / "scripts" / "check_apex_semantics.py"


def checker() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_apex_semantics", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def broken_copy(tmp_path: Path) -> Path:
    copy = tmp_path / "salesforce"
    copy.mkdir()
    for name in ("sfdx-project.json", ".forceignore"):
        shutil.copy(PROJECT / name, copy / name)
    for package in json.loads((PROJECT / "sfdx-project.json").read_text(encoding="utf-8"))["packageDirectories"]:
        shutil.copytree(PROJECT / package["path"], copy / package["path"])
    classes = copy / "force-app" / "main" / "default" / "classes"

    def edit(cls: str, old: str, new: str) -> None:
        path = classes / f"{cls}.cls"
        source = path.read_text(encoding="utf-8")
        assert old in source, f"{cls}.cls no longer contains {old!r}: update this test"
        path.write_text(source.replace(old, new), encoding="utf-8")

    edit("OimSalesInvoicePoster", "CODAAPISalesInvoice_10_0.PostInvoice(", "CODAAPISalesInvoice_10_0.PostSalesInvoice(")
    edit(
        "OimPayableInvoicePoster",
        "c2g.CODAAPICommon_9_0.Context context = new c2g.CODAAPICommon_9_0.Context();",
        "c2g.CODAAPICommon_10_0.Context context = new c2g.CODAAPICommon_10_0.Context();",
    )
    probe = classes / "OimApexLinkProbe.cls"
    probe.write_text(
        "public with sharing class OimApexLinkProbe {\n"
        "    public static String status(c2g__codaInvoice__c invoice) {\n"
        "        return invoice.c2g__InvoiceState__c;\n"
        "    }\n"
        "    public static Id earlierPackageLookup(SCMC__Invoicing__c invoice) {\n"
        "        return invoice.SCMFFA__Sales_Invoice__c;\n"
        "    }\n"
        "}\n",
        encoding="utf-8",
    )
    shutil.copy(classes / "OimPostingException.cls-meta.xml", classes / "OimApexLinkProbe.cls-meta.xml")
    return copy


def test_apexlink_fails_a_wrong_c2g_method_a_wrong_context_version_and_an_unknown_field(tmp_path: Path) -> None:
    issues = [str(i) for i in checker().check(broken_copy(tmp_path))]

    assert any(
        "No matching method found for 'PostSalesInvoice' on 'c2g.CODAAPISalesInvoice_10_0'" in i for i in issues
    ), issues
    assert any(
        "OimPayableInvoicePoster.cls" in i and "'PostPurchaseInvoice'" in i and "c2g.CODAAPICommon_10_0.Context" in i
        for i in issues
    ), issues
    assert any("Unknown field 'c2g__InvoiceState__c'" in i for i in issues), issues
    assert len(issues) == 3, issues


def test_each_poster_names_the_c2g_call_it_makes() -> None:
    """The posters' tests assert apiCall(); it must be the very call postInCompany makes."""
    posters = sorted((PROJECT / "force-app" / "main" / "default" / "classes").glob("Oim*Poster.cls"))
    checked = 0
    for path in posters:
        source = path.read_text(encoding="utf-8")
        named = re.search(r"String apiCall\(\) \{\s*return '([\w.]+)';", source)
        made = re.search(r"\n\s+(c2g\.CODAAPI\w+\.\w+)\(context,", source)
        if made is None:
            continue
        assert named and named.group(1) == made.group(1), path.name
        checked += 1
    assert checked == 5
