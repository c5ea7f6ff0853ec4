"""Expand template.yaml's AWS::LanguageExtensions constructs the way CloudFormation does, offline.

template.yaml declares the five document flows once with ``Fn::ForEach`` (the AWS::LanguageExtensions
transform, run by CloudFormation before the SAM transform). The template tests and checkov read the
template as CloudFormation sees it after that first transform, so this module does what the
transform does for the constructs the template uses, and nothing more:

- ``Fn::ForEach::<Loop>: [Identifier, [values...], {OutputKey: OutputValue}]`` anywhere in the
  Conditions, Resources and Outputs sections (nested loops too): one copy of the body per value,
  with ``${Identifier}`` and ``&{Identifier}`` (the value without non-alphanumerics) replaced in
  keys and strings, and ``{"Ref": Identifier}`` replaced by the value;
- ``Fn::FindInMap`` whose three arguments are literal strings, looked up in Mappings;
- ``Fn::Sub [text, {Name: value}]`` whose variables are literal strings: folded into the text, and
  the Sub dropped when no ``${...}`` is left (so ``{"Ref": {"Fn::Sub": "${Flow}Role"}}`` becomes
  ``{"Ref": "SalesInvoicesRole"}``, and ``Fn::GetAtt`` alike).

Every other intrinsic (Ref, GetAtt, If, Sub of parameters and resources) is kept as written, so
what the tests assert about the expanded resources is what they asserted of the hand-written ones.
SAM CLI ships a fuller expander (samcli.lib.cfn_language_extensions, used by ``sam build
--language-extensions``), but it also resolves parameter references to their defaults and drops
resources whose conditions are false, which would hide what the template really says.

Usage: python -m oim_local.cfn_expand TEMPLATE [-o OUTPUT]   (YAML on stdout without -o)
"""

from __future__ import annotations

import argparse
import copy
import re
import sys
from pathlib import Path
from typing import Any

import yaml

LANGUAGE_EXTENSIONS = "AWS::LanguageExtensions"
FOREACH = "Fn::ForEach::"
EXPANDED_SECTIONS = ("Conditions", "Resources", "Outputs")
Template = dict[str, Any]


class TemplateError(ValueError):
    """The template uses a language extension in a way this expander (and CloudFormation) refuses."""


# libyaml's parser when PyYAML has it (its wheels do): the pure-Python one takes about a second per
# read of template.yaml, and every local environment (each end-to-end test) reads the table shapes.
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class CfnLoader(_SafeLoader):  # type: ignore[valid-type,misc]
    """PyYAML loader that turns CloudFormation short forms (!Ref, !GetAtt, !Sub, ...) into the long form."""


def _construct_tag(loader: CfnLoader, suffix: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if suffix == "Ref" else f"Fn::{suffix}"
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
        if suffix == "GetAtt":
            value = str(value).split(".", 1)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    return {name: value}


CfnLoader.add_multi_constructor("!", _construct_tag)


def load(text: str) -> Template:
    """The template as written, intrinsic functions in their long form."""
    data: Template = yaml.load(text, Loader=CfnLoader)  # noqa: S506 - SafeLoader subclass
    return data


def expand(template: Template) -> Template:
    """The template after the AWS::LanguageExtensions transform (a new dict; the input is unchanged)."""
    result = copy.deepcopy(template)
    mappings = result.get("Mappings", {})
    for section in EXPANDED_SECTIONS:
        if section in result:
            result[section] = _resolve(_expand_loops(result[section], path=section), mappings)
    transforms = [t for t in _as_list(result.get("Transform", [])) if t != LANGUAGE_EXTENSIONS]
    if transforms:
        result["Transform"] = transforms[0] if len(transforms) == 1 else transforms
    else:
        result.pop("Transform", None)
    return result


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _expand_loops(node: Any, path: str) -> Any:
    if isinstance(node, list):
        return [_expand_loops(item, path) for item in node]
    if not isinstance(node, dict):
        return node
    expanded: dict[str, Any] = {}
    for key, value in node.items():
        if not key.startswith(FOREACH):
            _put(expanded, key, _expand_loops(value, f"{path}.{key}"), path)
            continue
        where = f"{path}.{key}"
        if not (isinstance(value, list) and len(value) == 3 and isinstance(value[0], str)):
            raise TemplateError(f"{where}: expected [Identifier, Collection, OutputTemplate]")
        identifier, collection, body = value
        if not (isinstance(collection, list) and all(isinstance(item, str) for item in collection)):
            raise TemplateError(f"{where}: the collection must be a literal list of strings")
        if not isinstance(body, dict):
            raise TemplateError(f"{where}: the output template must be a mapping")
        for item in collection:
            copy_of_body = _expand_loops(_substitute(body, identifier, item), where)
            for out_key, out_value in copy_of_body.items():
                _put(expanded, out_key, out_value, where)
    return expanded


def _put(target: dict[str, Any], key: str, value: Any, where: str) -> None:
    if key in target:
        raise TemplateError(f"{where}: {key} is declared twice")
    target[key] = value


def _substitute(node: Any, identifier: str, value: str) -> Any:
    if isinstance(node, str):
        stripped = re.sub(r"[^A-Za-z0-9]", "", value)
        return node.replace(f"${{{identifier}}}", value).replace(f"&{{{identifier}}}", stripped)
    if isinstance(node, list):
        return [_substitute(item, identifier, value) for item in node]
    if isinstance(node, dict):
        if node == {"Ref": identifier}:
            return value
        return {_substitute(k, identifier, value): _substitute(v, identifier, value) for k, v in node.items()}
    return node


def _resolve(node: Any, mappings: dict[str, Any]) -> Any:
    if isinstance(node, list):
        return [_resolve(item, mappings) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _resolve(value, mappings) for key, value in node.items()}
    if len(node) == 1 and "Fn::FindInMap" in node:
        return _find_in_map(node["Fn::FindInMap"], mappings)
    if len(node) == 1 and "Fn::Sub" in node:
        return _fold_sub(_as_list(node["Fn::Sub"]))
    return node


def _find_in_map(args: Any, mappings: dict[str, Any]) -> Any:
    if not (isinstance(args, list) and len(args) == 3 and all(isinstance(a, str) for a in args)):
        return {"Fn::FindInMap": args}  # resolved by CloudFormation at deploy time
    name, top, second = args
    try:
        return copy.deepcopy(mappings[name][top][second])
    except (KeyError, TypeError):
        raise TemplateError(f"Fn::FindInMap {args}: no such entry in Mappings") from None


def _fold_sub(args: list[Any]) -> Any:
    text, variables = args[0], dict(args[1]) if len(args) > 1 else {}
    for name, value in list(variables.items()):
        if isinstance(value, str):
            text = text.replace(f"${{{name}}}", value)
            del variables[name]
    if variables:
        return {"Fn::Sub": [text, variables]}
    if re.search(r"\$\{(?!!)", text):
        return {"Fn::Sub": text}
    return text.replace("${!", "${")  # no variable left: the Sub is its text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("template", type=Path)
    parser.add_argument("-o", "--output", type=Path, help="write the expanded template here (YAML)")
    args = parser.parse_args(argv)
    try:
        expanded = expand(load(args.template.read_text(encoding="utf-8")))
    except TemplateError as error:
        print(f"{args.template}: {error}", file=sys.stderr)
        return 1
    text = yaml.safe_dump(expanded, sort_keys=False, width=1000)
    if args.output is None:
        sys.stdout.write(text)
    else:
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
