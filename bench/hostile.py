"""Peak memory and time of loading inflating Word documents (zip bombs).

A 1 MB ``.docx`` whose XML inflates to 400 MB used to take 1.5 GB and 45 s before being
ingested; the loader now reads the archive's declared sizes and refuses it first.
Each file is loaded in a fresh process so its peak resident memory is its own.
Run: ``.venv/bin/python -m bench.hostile``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from bench.common import write_result

SIZES_MB = (50, 400, 1500)
_PROBE = """
import json, resource, sys, time
from pathlib import Path
from ingest.loaders import LoadError, load_article
started = time.perf_counter()
try:
    load_article(Path(sys.argv[1]))
    outcome = "ingested"
except LoadError as exc:
    outcome = f"refused: {exc}"
print(json.dumps({"outcome": outcome, "seconds": time.perf_counter() - started,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def inflating_docx(path: Path, xml_mb: int) -> None:
    """A valid Word document whose body XML is padded with ``xml_mb`` MB of whitespace."""
    import docx

    source = path.with_suffix(".src.docx")
    document = docx.Document()
    document.add_paragraph("An HR officer supports managers with recruitment and policy.")
    document.save(str(source))
    with (
        zipfile.ZipFile(source) as original,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb,
    ):
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "word/document.xml":
                with bomb.open(item.filename, "w", force_zip64=True) as part:
                    head, tail = data.split(b"<w:body>", 1)
                    part.write(head + b"<w:body>")
                    chunk = b" " * (1024 * 1024)
                    for _ in range(xml_mb):
                        part.write(chunk)
                    part.write(tail)
                continue
            bomb.writestr(item.filename, data)
    source.unlink()


def main() -> None:
    rows = [
        "| XML inflates to | file size | outcome | seconds | peak memory |",
        "|---|---:|---|---:|---:|",
    ]
    with tempfile.TemporaryDirectory() as folder:
        for size in SIZES_MB:
            path = Path(folder) / f"bomb-{size}.docx"
            inflating_docx(path, size)
            started = time.perf_counter()
            result = subprocess.run(
                [sys.executable, "-c", _PROBE, str(path)],
                capture_output=True,
                text=True,
                check=True,
                timeout=600,
            )
            probe = json.loads(result.stdout.strip().splitlines()[-1])
            print(f"{size} MB: {probe} ({time.perf_counter() - started:.1f} s with start-up)")
            rows.append(
                f"| {size} MB | {path.stat().st_size / 1024:.0f} KB | {probe['outcome']} | "
                f"{probe['seconds']:.2f} | {probe['peak_mb']:.0f} MB |"
            )
    text = (
        "# Inflating Word documents\n\n"
        + __doc__.split("\n\n")[1]
        + "\n\n"
        + "\n".join(rows)
        + "\n"
    )
    print(write_result("hostile.md", text))


if __name__ == "__main__":
    main()
