"""Content-addressed artifact store, shared byte for byte with the TypeScript side.

A blob's key is the lowercase hex SHA-256 of its bytes; it lives at `<root>/<key[0:2]>/<key>`.
Writes go to a temporary file in the same folder and are renamed into place, so readers never see
a partial blob; writing content that is already there is a no-op.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Protocol

KEY_PATTERN = re.compile(r"^[0-9a-f]{64}$")


class ArtifactNotFound(LookupError):
    """No blob under that key."""


class ArtifactCorrupt(ValueError):
    """A blob's bytes no longer hash to its key."""


def artifact_key(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_key(key: str) -> str:
    if not KEY_PATTERN.match(key):
        raise ValueError(f"not an artifact key (64 lowercase hex characters): {key!r}")
    return key


class ArtifactStore(Protocol):
    """What the trainer needs from a store; a local folder today, an object store later."""

    def put(self, data: bytes) -> str: ...

    def get(self, key: str, *, verify: bool = False) -> bytes: ...

    def exists(self, key: str) -> bool: ...


class LocalArtifactStore:
    """The store as a folder tree on a local or shared file system."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root)

    def path_of(self, key: str) -> Path:
        check_key(key)
        return self.root / key[:2] / key

    def exists(self, key: str) -> bool:
        return self.path_of(key).is_file()

    def put(self, data: bytes) -> str:
        key = artifact_key(data)
        target = self.path_of(key)
        if target.is_file():
            return key

        target.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temp_name = tempfile.mkstemp(
            prefix=f".{key}.", suffix=".tmp", dir=target.parent
        )
        try:
            with os.fdopen(descriptor, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temp_name, target)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        return key

    def get(self, key: str, *, verify: bool = False) -> bytes:
        path = self.path_of(key)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise ArtifactNotFound(f"artifact {key} not found under {self.root}") from None

        if verify and artifact_key(data) != key:
            raise ArtifactCorrupt(f"artifact {key} at {path} does not hash to its key")
        return data


def put_json(store: ArtifactStore, value: Any) -> str:
    """A JSON document as compact UTF-8, no trailing newline (equal values give equal keys)."""
    return store.put(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def put_jsonl(store: ArtifactStore, rows: Iterable[dict[str, Any]]) -> str:
    """JSON Lines: one compact object per line, "\\n" separated, last line terminated."""
    lines = [json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n" for row in rows]
    return store.put("".join(lines).encode("utf-8"))
