"""``negsim schema``: the scenario schema as JSON Schema (for editors) or as the Markdown key reference."""

from __future__ import annotations

import argparse
import json


def add_parser(commands) -> None:
    parser = commands.add_parser(
        "schema", help="print the scenario files' JSON Schema (for editors) or, with --reference, the key reference",
        description="Print the JSON Schema of scenario files (docs/scenario.schema.json) or, with --reference, "
                    "the Markdown reference of every key with its range and default (docs/reference.md). Both "
                    "are generated from the schema that checks every file.")
    parser.add_argument("--reference", action="store_true", help="print the Markdown key reference instead")
    parser.add_argument("--questions", action="store_true",
                        help="print the JSON Schema of questions files (negsim score; docs/questions.schema.json)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.questions:
        from sim.scenario.questions import QuestionsFile

        schema = {"$schema": "https://json-schema.org/draft/2020-12/schema",
                  **QuestionsFile.model_json_schema(), "title": "negsim questions file"}
        print(json.dumps(schema, indent=1))
        return 0
    from sim.engine.loading import RULE_SPECS, build_schema
    from sim.scenario.reference import json_schema, markdown_reference

    schema = build_schema(RULE_SPECS)
    text = markdown_reference(schema) if args.reference else json.dumps(json_schema(schema), indent=1) + "\n"
    print(text, end="")
    return 0
