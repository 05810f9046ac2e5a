"""What the log's Merkle tree costs as it grows, and what caching perfect subtrees saves.

For each tree size prints: building the tree from its leaf hashes (once, at start-up), appending
one leaf, the root, an inclusion proof and a consistency proof (both for random positions), the
two verifications, and, as the baseline a log must avoid, the root recomputed from every leaf
(RFC 9162 §2.1.1 as written). Medians in µs; builds in ms. Compare within one run (absolute
numbers on a shared machine move between runs).

    python benchmarks/merkle.py [--sizes 1000,10000,100000] [--iterations 300]
"""

from __future__ import annotations

import argparse
import platform
import random
from collections.abc import Sequence

from _timing import median_us
from formkit.receipts._merkle import (
    EMPTY_ROOT,
    MerkleTree,
    leaf_hash,
    node_hash,
    verify_consistency,
    verify_inclusion,
)

COLUMNS = (
    ("leaves", 9),
    ("build ms", 9),
    ("append", 7),
    ("root", 7),
    ("incl.", 7),
    ("cons.", 7),
    ("v.incl", 7),
    ("v.cons", 7),
    ("naive root ms", 14),
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000", help="tree sizes, comma-separated")
    parser.add_argument("--iterations", type=int, default=300, help="timed calls per figure")
    options = parser.parse_args()
    sizes = [int(size) for size in options.sizes.split(",")]
    print(f"Python {platform.python_version()}, {platform.machine()}")
    print(f"median µs per call over {options.iterations} calls unless marked ms")
    print()
    header = " ".join(f"{name:>{width}}" for name, width in COLUMNS)
    print(header)
    print("-" * len(header))
    for size in sizes:
        cells = measure(size, options.iterations, random.Random(size))
        print(
            f"{size:>{COLUMNS[0][1]}} "
            + " ".join(
                f"{cell:>{width}.1f}" for cell, (_, width) in zip(cells, COLUMNS[1:], strict=True)
            )
        )
    return 0


def measure(size: int, iterations: int, rng: random.Random) -> list[float]:
    leaves = [leaf_hash(n.to_bytes(8, "big")) for n in range(size)]
    build_ms = median_us(lambda: MerkleTree(leaves), 3) / 1000
    tree = MerkleTree(leaves)
    root = tree.root_hash()
    growing = MerkleTree(leaves)
    extra = iter([leaf_hash(b"extra" + n.to_bytes(8, "big")) for n in range(iterations)])
    append_us = median_us(lambda: growing.append(next(extra)), iterations)
    indexes = [rng.randrange(size) for _ in range(iterations)]
    olds = [rng.randrange(1, size + 1) for _ in range(iterations)]
    proofs = {i: tree.inclusion_proof(i) for i in indexes}
    extensions = {m: (tree.root_hash(m), tree.consistency_proof(m)) for m in olds}
    picks = iter(indexes * 2)
    consistency_picks = iter(olds * 2)

    def verify_one_inclusion() -> bool:
        index = next(picks)
        return verify_inclusion(leaves[index], index, size, proofs[index], root)

    def verify_one_consistency() -> bool:
        old = next(consistency_picks)
        old_root, proof = extensions[old]
        return verify_consistency(old, size, old_root, root, proof)

    assert all(verify_one_inclusion() for _ in range(iterations))
    assert all(verify_one_consistency() for _ in range(iterations))
    return [
        build_ms,
        append_us,
        median_us(tree.root_hash, iterations),
        median_us(lambda: tree.inclusion_proof(rng.randrange(size)), iterations),
        median_us(lambda: tree.consistency_proof(rng.randrange(1, size + 1)), iterations),
        median_us(verify_one_inclusion, iterations),
        median_us(verify_one_consistency, iterations),
        median_us(lambda: naive_root(leaves), 3) / 1000,
    ]


def naive_root(leaves: Sequence[bytes]) -> bytes:
    """MTH by the RFC's recursive definition: every leaf rehashed on every call."""
    if len(leaves) <= 1:
        return leaves[0] if leaves else EMPTY_ROOT
    k = 1 << ((len(leaves) - 1).bit_length() - 1)
    return node_hash(naive_root(leaves[:k]), naive_root(leaves[k:]))


if __name__ == "__main__":
    raise SystemExit(main())
