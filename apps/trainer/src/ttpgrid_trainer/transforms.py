"""The foundation round-trip's byte transformations (TransformArtifactInput.transform).

Both are defined on bytes so TypeScript can reproduce them exactly:
- 'uppercase' maps ASCII a-z to A-Z and leaves every other byte alone (Python's bytes.upper());
- 'reverse-lines' splits on b"\\n", reverses the lines, and keeps a final terminator if there
  was one: b"a\\nb\\n" -> b"b\\na\\n", b"a\\nb" -> b"b\\na".
"""

from __future__ import annotations

from collections.abc import Callable


def uppercase(data: bytes) -> bytes:
    return data.upper()


def reverse_lines(data: bytes) -> bytes:
    terminated = data.endswith(b"\n")
    body = data[:-1] if terminated else data
    reversed_body = b"\n".join(reversed(body.split(b"\n")))
    return reversed_body + b"\n" if terminated else reversed_body


TRANSFORMS: dict[str, Callable[[bytes], bytes]] = {
    "uppercase": uppercase,
    "reverse-lines": reverse_lines,
}
