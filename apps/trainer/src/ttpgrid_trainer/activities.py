"""The trainer's Temporal activities, by the names in TRAINER_ACTIVITIES (packages/contracts).

Each activity takes one JSON object, validates it against `$defs/<Activity>Input` (filling zod's
defaults), does its work on artifacts, and returns a small JSON object validated against
`$defs/<Activity>Output`. They are synchronous and run on the worker's thread pool; torch is
imported only when a training activity first runs.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from temporalio import activity

from .artifacts import ArtifactNotFound, LocalArtifactStore
from .config import TrainerSettings
from .contracts import CONTRACT_VERSION, ContractError, Contracts
from .errors import ARTIFACT_MISSING, RESULT_TOO_LARGE, bad_spec, non_retryable
from .logs import get_logger
from .transforms import TRANSFORMS

log = get_logger(__name__)

# Well under Temporal's 2 MB payload limit; a 50-epoch dev curve is about 5 KB.
MAX_RESULT_BYTES = 256 * 1024


class TrainerActivities:
    """Activity implementations bound to one store, one contract schema and the settings."""

    def __init__(self, settings: TrainerSettings) -> None:
        self.settings = settings
        self.store = LocalArtifactStore(settings.artifact_dir)
        self.contracts = Contracts(settings.contracts_schema)

    def all(self) -> list[Callable[..., Any]]:
        return [
            self.transform_artifact,
            self.train_stage,
            self.evaluate_checkpoint,
            self.embed_sentences,
            self.export_onnx,
        ]

    def _input(self, name: str, payload: Any) -> dict[str, Any]:
        try:
            return self.contracts.validate(name, payload)
        except ContractError as error:
            raise bad_spec(str(error)) from None

    def _output(self, name: str, result: dict[str, Any]) -> dict[str, Any]:
        # A contract failure here is our bug, not the caller's: it surfaces (retryable) loudly.
        validated = self.contracts.validate(name, result)
        size = len(json.dumps(validated))
        if size > MAX_RESULT_BYTES:
            # Temporal refuses large payloads; a retry would produce the same result.
            raise non_retryable(
                RESULT_TOO_LARGE, f"{name} is {size} bytes; results above {MAX_RESULT_BYTES} "
                "bytes must travel as artifacts",
            )  # fmt: skip
        return validated

    def _read(self, key: str) -> bytes:
        try:
            return self.store.get(key)
        except ArtifactNotFound as error:
            raise non_retryable(ARTIFACT_MISSING, str(error)) from None

    @activity.defn(name="transformArtifact")
    def transform_artifact(self, payload: dict[str, Any]) -> dict[str, Any]:
        spec = self._input("TransformArtifactInput", payload)
        data = self._read(spec["inputKey"])
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise bad_spec(f"artifact {spec['inputKey']} is not UTF-8 text: {error}") from None

        output = TRANSFORMS[spec["transform"]](data)
        output_key = self.store.put(output)
        log.info(
            "artifact transformed",
            transform=spec["transform"],
            inputKey=spec["inputKey"],
            outputKey=output_key,
        )
        return self._output(
            "TransformArtifactOutput",
            {
                "contractVersion": CONTRACT_VERSION,
                "outputKey": output_key,
                "inputBytes": len(data),
                "outputBytes": len(output),
            },
        )

    # The stage checks for cancellation between steps and stops cleanly (see progress.py), rather
    # than the SDK raising into the thread at an arbitrary point.
    @activity.defn(name="trainStage", no_thread_cancel_exception=True)
    def train_stage(self, payload: dict[str, Any]) -> dict[str, Any]:
        spec = self._input("TrainStageInput", payload)
        from .stage import train_stage

        started = time.monotonic()
        result = train_stage(spec, self.settings, self.store)
        log.info(
            "trainStage finished", stageKey=spec["stageKey"], seconds=time.monotonic() - started
        )
        return self._output("TrainStageOutput", result)

    @activity.defn(name="evaluateCheckpoint")
    def evaluate_checkpoint(self, payload: dict[str, Any]) -> dict[str, Any]:
        spec = self._input("EvaluateInput", payload)
        from .inference import evaluate_checkpoint

        return self._output("EvaluateOutput", evaluate_checkpoint(spec, self.settings, self.store))

    @activity.defn(name="embedSentences")
    def embed_sentences(self, payload: dict[str, Any]) -> dict[str, Any]:
        spec = self._input("EmbedSentencesInput", payload)
        from .inference import embed_sentences

        return self._output(
            "EmbedSentencesOutput", embed_sentences(spec, self.settings, self.store)
        )

    @activity.defn(name="exportOnnx")
    def export_onnx(self, payload: dict[str, Any]) -> dict[str, Any]:
        spec = self._input("ExportOnnxInput", payload)
        from .onnx_export import export_onnx

        return self._output("ExportOnnxOutput", export_onnx(spec, self.settings, self.store))
