"""exportOnnx: a trained checkpoint as an ONNX graph plus the files a TypeScript runtime needs.

The graph takes `input_ids` and `attention_mask` (int64, batch x sequence, both dynamic) and returns
`logits` (float32, batch x labels). The manifest is {"files": {"model.onnx", "tokenizer.json",
"labels.json"}} mapping each name to its artifact key. torch's TorchScript-based exporter is used
(the newer torch.export path needs onnxscript, which the environment does not pin); the export is
checked against onnxruntime before it is stored.
"""

from __future__ import annotations

import io
import warnings
from typing import Any

import numpy as np
import torch

from .artifacts import ArtifactStore, put_json
from .config import TrainerSettings
from .contracts import CONTRACT_VERSION
from .errors import bad_spec
from .inference import load_classifier
from .logs import get_logger
from .modeling import load_tokenizer
from .stage import resolve_or_fail

log = get_logger(__name__)

OPSET = 17
TOLERANCE = 1e-3


TRACE_TEXTS = ["Adversaries may use PowerShell to execute commands.", "A short one."]
CHECK_TEXTS = [
    "The implant beacons over HTTPS to its command and control server every ten minutes.",
    "It deletes shadow copies.",
    "Stolen credentials were used to move laterally via RDP to the domain controller.",
]


def _sample(tokenizer: Any, texts: list[str], max_length: int) -> dict[str, torch.Tensor]:
    batch = tokenizer(texts, padding=True, truncation=True, max_length=max_length)
    return {name: torch.tensor(batch[name]) for name in ("input_ids", "attention_mask")}


class _LogitsOnly(torch.nn.Module):
    def __init__(self, classifier: torch.nn.Module) -> None:
        super().__init__()
        self.classifier = classifier

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.classifier(input_ids=input_ids, attention_mask=attention_mask)["logits"]


def _onnx_bytes(model: torch.nn.Module, sample: dict[str, torch.Tensor]) -> bytes:
    buffer = io.BytesIO()
    axes = {0: "batch", 1: "sequence"}
    with warnings.catch_warnings():
        # The TorchScript exporter is deprecated and its tracer chatty; the result is checked below.
        warnings.simplefilter("ignore")
        _export(model, sample, buffer, axes)
    return buffer.getvalue()


def _export(
    model: torch.nn.Module, sample: dict[str, torch.Tensor], buffer: io.BytesIO, axes: dict
) -> None:
    torch.onnx.export(
        model,
        (sample["input_ids"], sample["attention_mask"]),
        buffer,
        dynamo=False,
        input_names=["input_ids", "attention_mask"],
        output_names=["logits"],
        dynamic_axes={"input_ids": axes, "attention_mask": axes, "logits": {0: "batch"}},
        opset_version=OPSET,
    )


def _check_with_onnxruntime(
    data: bytes, model: torch.nn.Module, sample: dict[str, torch.Tensor]
) -> float:
    import onnxruntime  # imported here: only this activity needs it

    session = onnxruntime.InferenceSession(data, providers=["CPUExecutionProvider"])
    feeds = {name: tensor.numpy() for name, tensor in sample.items()}
    (onnx_logits,) = session.run(["logits"], feeds)
    with torch.no_grad():
        torch_logits = model(sample["input_ids"], sample["attention_mask"]).numpy()
    return float(np.max(np.abs(onnx_logits - torch_logits)))


def export_onnx(
    spec: dict[str, Any], settings: TrainerSettings, store: ArtifactStore
) -> dict[str, Any]:
    encoder = resolve_or_fail(spec["encoder"], settings.encoder_dir)
    # Eager attention traces into plain ONNX ops; SDPA would need a newer exporter.
    classifier, labels = load_classifier(spec, store, encoder, attn_implementation="eager")
    model = _LogitsOnly(classifier).eval()
    tokenizer = load_tokenizer(encoder)

    data = _onnx_bytes(model, _sample(tokenizer, TRACE_TEXTS, spec["maxLength"]))
    # Checked on other batch and sequence sizes than traced: the axes must really be dynamic.
    difference = _check_with_onnxruntime(data, model, _sample(tokenizer, CHECK_TEXTS, 512))
    if difference > TOLERANCE:
        raise bad_spec(f"ONNX export differs from torch by {difference:.2e} (> {TOLERANCE})")

    tokenizer_json = encoder.tokenizer_path / "tokenizer.json" if encoder.tokenizer_path else None
    if tokenizer_json is None or not tokenizer_json.is_file():
        raise bad_spec(f"encoder {encoder.name} has no tokenizer.json for a TypeScript runtime")
    files = {
        "model.onnx": store.put(data),
        "tokenizer.json": store.put(tokenizer_json.read_bytes()),
        "labels.json": put_json(store, labels),
    }
    manifest_key = put_json(store, {"files": files})
    log.info("onnx exported", checkpointKey=spec["checkpointKey"], maxAbsDifference=difference)
    return {"contractVersion": CONTRACT_VERSION, "manifestKey": manifest_key, "opset": OPSET}
