"""How fast an attachment streams into the blob store, and how little memory it takes.

Streams one generated PDF of `--megabytes` in 64 KiB chunks (what an ASGI server hands over)
and prints, per way of writing it, MB/s and the growth of the process's peak RSS:

- baseline: a plain synchronous loop that hashes and writes the same chunks to a file;
- `blobs.save` into a FileBlobStore, for a few batch sizes;
- `read_multipart` of a multipart body holding the file, into the store's staging.

Then the peak of Python allocations (tracemalloc) for the multipart path, on a smaller file.
The goal: peak RSS grows less than 50 MB while a 500 MB attachment uploads
(`--megabytes 500`). Compare MB/s within one run; disks and shared machines vary.

    python benchmarks/upload.py [--megabytes 200]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import re
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import anyio

from formkit.filing._sniff import PDF
from formkit.filing.blobs import FileBlobStore, UploadLimits, save
from formkit.web._multipart import read_multipart

CHUNK = 64 * 1024
GOAL_MB = 50
BOUNDARY = "benchmarkBoundary"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--megabytes", type=int, default=200, help="size of the attachment")
    parser.add_argument("--traced-megabytes", type=int, default=50, help="size under tracemalloc")
    options = parser.parse_args()
    size = options.megabytes * 1024 * 1024
    print(f"Python {platform.python_version()}, one {options.megabytes} MB file, 64 KiB chunks")
    print("Each row runs right after the baseline, on an emptied folder: the disk's pace drifts.")
    print()
    header = f"{'how':<30} {'MB/s':>7} {'baseline':>9} {'ratio':>6} {'peak RSS growth MB':>19}"
    print(header)
    print("-" * len(header))
    misses = 0
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        rows: list[tuple[str, Callable[[Path], Awaitable[None]]]] = [
            *[
                (f"blobs.save, {kib} KiB batches", _save(size, kib * 1024))
                for kib in (64, 256, 1024)
            ],
            ("read_multipart into staging", _multipart(size)),
        ]
        for name, run in rows:
            baseline, _ = _measure(root, lambda at: _baseline(at, size))
            seconds, growth = _measure(root, run)
            misses += growth >= GOAL_MB * 1024 * 1024
            print(
                f"{name:<30} {size / seconds / 1e6:>7.0f} {size / baseline / 1e6:>9.0f} "
                f"{baseline / seconds:>6.2f} {growth / 1024 / 1024:>19.1f}"
            )
        traced = options.traced_megabytes * 1024 * 1024
        peak = _traced_peak(root, _multipart(traced))
    print()
    print("baseline: a plain synchronous loop hashing and writing the same chunks to one file.")
    print(
        f"tracemalloc peak of read_multipart, {options.traced_megabytes} MB file: "
        f"{peak / 1024 / 1024:.2f} MB"
    )
    print(f"Goal: peak RSS grows < {GOAL_MB} MB while the file uploads. Rows missing it: {misses}")
    return 1 if misses else 0


def _blocks(size: int) -> Iterator[bytes]:
    """`size` bytes as 64 KiB chunks drawn from a few random blocks, starting like a PDF."""
    blocks = [os.urandom(CHUNK) for _ in range(8)]
    blocks[0] = b"%PDF-1.7\n" + blocks[0][9:]
    for index, start in enumerate(range(0, size, CHUNK)):
        yield blocks[index % len(blocks)][: size - start]


async def _chunks(size: int) -> AsyncIterator[bytes]:
    for chunk in _blocks(size):
        yield chunk


async def _baseline(folder: Path, size: int) -> None:
    digest = hashlib.sha256()
    with (folder / "plain").open("wb") as file:
        for chunk in _blocks(size):
            digest.update(chunk)
            file.write(chunk)
        file.flush()
        os.fsync(file.fileno())


def _save(size: int, batch_bytes: int) -> Callable[[Path], Awaitable[None]]:
    async def run(root: Path) -> None:
        store = FileBlobStore(root, batch_bytes=batch_bytes)
        await save(store, UploadLimits(size, frozenset({PDF})), _chunks(size))

    return run


def _multipart(size: int) -> Callable[[Path], Awaitable[None]]:
    async def body() -> AsyncIterator[bytes]:
        yield (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="answers"\r\n\r\n{{}}\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="plan"; '
            'filename="plan.pdf"\r\nContent-Type: application/pdf\r\n\r\n'
        ).encode()
        async for chunk in _chunks(size):
            yield chunk
        yield f"\r\n--{BOUNDARY}--\r\n".encode()

    async def run(root: Path) -> None:
        store = FileBlobStore(root)
        limits = UploadLimits(size, frozenset({PDF}))
        await read_multipart(
            body(),
            f"multipart/form-data; boundary={BOUNDARY}",
            file_limits=lambda name: limits,
            store=store.staging(),
            max_field_bytes=1_000_000,
            max_fields=10,
        )

    return run


def _measure(root: Path, run: Callable[[Path], Awaitable[None]]) -> tuple[float, int]:
    """Seconds taken, and how far the peak RSS rose above the RSS at the start."""
    folder = _empty(root)
    _reset_peak_rss()
    before = _status("VmRSS")
    start = time.perf_counter()
    anyio.run(run, folder)
    seconds = time.perf_counter() - start
    return seconds, max(0, _status("VmHWM") - before)


def _traced_peak(root: Path, run: Callable[[Path], Awaitable[None]]) -> int:
    folder = _empty(root)
    tracemalloc.start()
    try:
        anyio.run(run, folder)
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _empty(root: Path) -> Path:
    """A fresh folder under `root`, after removing what the run before left there."""
    folder = root / "run"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()
    return folder


def _reset_peak_rss() -> None:
    # Linux: writing 5 to clear_refs resets VmHWM to the current RSS.
    Path("/proc/self/clear_refs").write_text("5")


def _status(key: str) -> int:
    text = Path("/proc/self/status").read_text()
    found = re.search(rf"^{key}:\s+(\d+) kB", text, re.MULTILINE)
    assert found, key
    return int(found.group(1)) * 1024


if __name__ == "__main__":
    sys.exit(main())
