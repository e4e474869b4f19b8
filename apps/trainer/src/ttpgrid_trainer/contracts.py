"""Validation of activity payloads against the JSON Schema exported from the TypeScript contracts.

The zod definitions in packages/contracts/src/trainer.ts are the one source; this module only reads
their export (`$defs/<Name>` of activities.schema.json), fills in zod's defaults, and validates.
"""

from __future__ import annotations

import copy
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

CONTRACT_VERSION = 1


class ContractError(ValueError):
    """A payload that does not satisfy its contract."""


@lru_cache(maxsize=4)
def _load_schema(path: str) -> dict[str, Any]:
    schema_path = Path(path)
    if not schema_path.is_file():
        raise FileNotFoundError(
            f"contract schema not found at {schema_path}; generate it with "
            "`npx tsx packages/contracts/scripts/export-schema.ts` or set TTPGRID_CONTRACTS_SCHEMA"
        )

    document = json.loads(schema_path.read_text(encoding="utf-8"))
    version = document.get("contractVersion")
    if version != CONTRACT_VERSION:
        raise ContractError(
            f"{schema_path} has contractVersion {version}; this trainer speaks {CONTRACT_VERSION}"
        )
    return document


def apply_defaults(schema: dict[str, Any], instance: Any) -> Any:
    """Fills absent object properties with their schema defaults, recursively, in place."""
    if isinstance(instance, dict):
        for name, sub in schema.get("properties", {}).items():
            if name not in instance and "default" in sub:
                instance[name] = copy.deepcopy(sub["default"])
            if name in instance:
                apply_defaults(sub, instance[name])

    items = schema.get("items")
    if isinstance(instance, list) and isinstance(items, dict):
        for element in instance:
            apply_defaults(items, element)
    return instance


def _describe(error: Any) -> str:
    where = "/".join(str(part) for part in error.absolute_path) or "<root>"
    return f"{where}: {error.message}"


class Contracts:
    """The `$defs` of one exported schema document, with validators built on first use."""

    def __init__(self, schema_path: Path | str) -> None:
        self.schema_path = str(schema_path)
        self._validators: dict[str, Draft202012Validator] = {}

    def _validator(self, name: str) -> tuple[dict[str, Any], Draft202012Validator]:
        definitions = _load_schema(self.schema_path)["$defs"]
        if name not in definitions:
            raise ContractError(f"no contract named {name} in {self.schema_path}")

        if name not in self._validators:
            # Each definition is a self-contained schema (zod inlines nested objects).
            definition = dict(definitions[name])
            definition.pop("$schema", None)
            self._validators[name] = Draft202012Validator(definition)
        return definitions[name], self._validators[name]

    def validate(self, name: str, payload: Any) -> dict[str, Any]:
        """A defaults-filled copy of `payload`, or ContractError listing every violation."""
        schema, validator = self._validator(name)
        instance = apply_defaults(schema, copy.deepcopy(payload))

        errors = sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path))
        if errors:
            details = "; ".join(_describe(error) for error in errors[:10])
            raise ContractError(f"{name} is invalid: {details}")
        return instance
