"""Writes test/fixtures/tiny-model: a 3-label bag-of-words ONNX classifier for unit tests.

The graph has the trainer's interface (`input_ids`, `attention_mask` int64 [batch, sequence] ->
`logits` float32 [batch, labels]) and computes the masked mean of a per-token score table, so
unit tests can check batching, padding and label order without a trained model. The tokenizer is a
real Hugging Face WordPiece tokenizer (lowercasing, [CLS] ... [SEP]) over a 40-token vocabulary.

    $VENV/bin/python packages/classifier/test/support/make_tiny_model.py
    npx prettier --write packages/classifier/test/fixtures
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper
from tokenizers import Tokenizer, normalizers, pre_tokenizers, processors
from tokenizers.models import WordPiece

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "tiny-model"
LABELS = ["T1059", "T1105", "T1016"]
SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"]
WORDS = [
    "the",
    "actor",
    "runs",
    "powershell",
    "cmd",
    "script",
    "command",
    "downloads",
    "payload",
    "file",
    "from",
    "server",
    "network",
    "configuration",
    "ipconfig",
    "route",
    "lists",
    "interfaces",
    "it",
    "then",
    "and",
    "a",
    "to",
    "of",
    "host",
    ".",
    ",",
    "##s",
    "##ed",
]
# Words that vote for a label: execution, transfer, network discovery.
VOTES = {
    "powershell": 0, "cmd": 0, "script": 0, "command": 0, "runs": 0,
    "downloads": 1, "payload": 1, "file": 1, "server": 1,
    "network": 2, "configuration": 2, "ipconfig": 2, "route": 2, "interfaces": 2,
}  # fmt: skip


def _tokenizer(vocab: dict[str, int]) -> Tokenizer:
    tokenizer = Tokenizer(WordPiece(vocab, unk_token="[UNK]", max_input_chars_per_word=100))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=True)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", vocab["[CLS]"]), ("[SEP]", vocab["[SEP]"])],
    )
    return tokenizer


def _scores(vocab: dict[str, int]) -> np.ndarray:
    scores = np.zeros((len(vocab), len(LABELS)), dtype=np.float32)
    for word, label in VOTES.items():
        scores[vocab[word], label] = 4.0
    scores[vocab["[UNK]"]] = [0.5, -0.5, 0.0]
    return scores


def _graph(scores: np.ndarray) -> onnx.ModelProto:
    nodes = [
        helper.make_node("Gather", ["scores", "input_ids"], ["token_scores"]),
        helper.make_node("Cast", ["attention_mask"], ["mask_float"], to=TensorProto.FLOAT),
        helper.make_node("Unsqueeze", ["mask_float", "last_axis"], ["mask_3d"]),
        helper.make_node("Mul", ["token_scores", "mask_3d"], ["masked"]),
        helper.make_node("ReduceSum", ["masked", "sequence_axis"], ["summed"], keepdims=0),
        helper.make_node("ReduceSum", ["mask_3d", "sequence_axis"], ["count"], keepdims=0),
        helper.make_node("Div", ["summed", "count"], ["logits"]),
    ]
    initializers = [
        helper.make_tensor("scores", TensorProto.FLOAT, scores.shape, scores.flatten().tolist()),
        helper.make_tensor("last_axis", TensorProto.INT64, [1], [2]),
        helper.make_tensor("sequence_axis", TensorProto.INT64, [1], [1]),
    ]
    ids = helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "sequence"])
    mask = helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", "sequence"])
    logits = helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", len(LABELS)])
    graph = helper.make_graph(nodes, "tiny-bag-of-words", [ids, mask], [logits], initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def main() -> None:
    vocab = {token: index for index, token in enumerate(SPECIAL + WORDS)}
    scores = _scores(vocab)
    FIXTURE.mkdir(parents=True, exist_ok=True)

    onnx.save(_graph(scores), FIXTURE / "model.onnx")
    _tokenizer(vocab).save(str(FIXTURE / "tokenizer.json"))
    (FIXTURE / "labels.json").write_text(json.dumps(LABELS))
    (FIXTURE / "scores.json").write_text(json.dumps(scores.tolist()))


if __name__ == "__main__":
    main()
