#!/usr/bin/env python3
"""Prints, one per line, what `sam build` compiles for each function of template.yaml:
`<CodeUri> <Binary>`. Its rust-cargolambda builder runs `cargo lambda build --release --arm64
--bin <Binary>` in the CodeUri, without -p; `make package` runs exactly that for each line."""
import pathlib
import sys

import yaml


class Template(yaml.SafeLoader):
    """Reads CloudFormation's short tags (!Ref, !Sub, ...) as plain values."""


Template.add_multi_constructor("!", lambda loader, suffix, node: None)

path = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "template.yaml")
resources = yaml.load(path.read_text(), Loader=Template)["Resources"]
for logical_id, resource in resources.items():
    if resource.get("Type") != "AWS::Serverless::Function":
        continue
    metadata = resource.get("Metadata") or {}
    if metadata.get("BuildMethod") != "rust-cargolambda":
        sys.exit(f"{logical_id} is not built with rust-cargolambda")
    binary = metadata["BuildProperties"]["Binary"]
    print(resource["Properties"]["CodeUri"], binary)
