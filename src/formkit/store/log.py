"""The log of filings in the database: leaves appended inside each filing's transaction.

Every batch of filings appends one leaf per receipt body, signs one tree head for the whole
batch and stores each receipt with its inclusion proof, all in the batch's transaction: a
filing, its place in the log and its receipt commit together or not at all.

Indexes come from the `log_state` row, updated first thing in the batch: PostgreSQL's row lock
(SQLite's write lock) makes batches of several processes append one after the other. Each
process keeps the tree's hashes in memory and reads the leaves other processes appended since
its last batch before it appends its own.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from formkit.receipts import (
    Receipt,
    ReceiptBody,
    Seal,
    SignedTreeHead,
    assemble_receipt,
    sign_tree_head,
    verification_code_of,
)
from formkit.receipts._merkle import InclusionProof, MerkleTree, TreeHead
from formkit.store import _tables as t
from formkit.store.database import advance

_state = t.LogState.__table__  # type: ignore[attr-defined]
_leaves = t.LogLeaf.__table__  # type: ignore[attr-defined]
_heads = t.TreeHead.__table__  # type: ignore[attr-defined]
_receipts = t.Receipt.__table__  # type: ignore[attr-defined]


@dataclass
class FilingLog:
    seal: Seal
    _tree: MerkleTree | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def append(
        self,
        connection: Connection,
        entries: Sequence[tuple[int, ReceiptBody]],
        now: datetime,
    ) -> list[Receipt]:
        """Log (dossier id, receipt body) pairs; returns their receipts, stored already."""
        if not entries:
            return []
        end = advance(connection, _state, {"id": 1}, "size", len(entries))
        start = end - len(entries)
        with self._lock:
            try:
                return self._append(connection, entries, start, now)
            except BaseException:
                self._tree = None  # the transaction rolls back: re-read the tree next time
                raise

    def _append(
        self,
        connection: Connection,
        entries: Sequence[tuple[int, ReceiptBody]],
        start: int,
        now: datetime,
    ) -> list[Receipt]:
        tree = self._caught_up(connection, start)
        leaves = [body.leaf_hash() for _, body in entries]
        for leaf in leaves:
            tree.append(leaf)
        head = sign_tree_head(
            TreeHead(tree.size, tree.root_hash(), int(now.timestamp() * 1000)), self.seal
        )
        receipts = [
            assemble_receipt(
                body,
                InclusionProof(index, tree.size, tuple(tree.inclusion_proof(index))),
                head,
            )
            for index, (_, body) in enumerate(entries, start)
        ]
        _store(connection, entries, leaves, start, head, receipts, now)
        return receipts

    def _caught_up(self, connection: Connection, start: int) -> MerkleTree:
        """The tree of the leaves before `start`, all committed (we hold the log's lock)."""
        tree = self._tree if self._tree is not None else MerkleTree()
        if tree.size > start:  # cannot happen unless the database was restored: start over
            tree = MerkleTree()
        query = (
            sa.select(_leaves.c.leaf_hash)
            .where(_leaves.c.idx >= tree.size, _leaves.c.idx < start)
            .order_by(_leaves.c.idx)
        )
        for (leaf,) in connection.execute(query):
            tree.append(bytes.fromhex(leaf))
        self._tree = tree
        return tree


def signed_head(connection: Connection, size: int | None = None) -> SignedTreeHead | None:
    """The published tree head of `size`, or the latest."""
    query = sa.select(_heads)
    query = query.where(_heads.c.size == size) if size is not None else query
    row = connection.execute(query.order_by(_heads.c.size.desc()).limit(1)).one_or_none()
    if row is None:
        return None
    head = TreeHead(row.size, bytes.fromhex(row.root_hash), row.timestamp_ms)
    return SignedTreeHead.from_dict({**head.to_dict(), "signature": row.signature})


def leaf_hashes(connection: Connection, size: int) -> list[bytes]:
    query = sa.select(_leaves.c.leaf_hash).where(_leaves.c.idx < size).order_by(_leaves.c.idx)
    return [bytes.fromhex(leaf) for (leaf,) in connection.execute(query)]


def _store(
    connection: Connection,
    entries: Sequence[tuple[int, ReceiptBody]],
    leaves: Sequence[bytes],
    start: int,
    head: SignedTreeHead,
    receipts: Sequence[Receipt],
    now: datetime,
) -> None:
    connection.execute(
        sa.insert(_leaves),
        [
            {"idx": index, "dossier_id": dossier_id, "leaf_hash": leaf.hex()}
            for index, ((dossier_id, _), leaf) in enumerate(
                zip(entries, leaves, strict=True), start
            )
        ],
    )
    document = head.to_dict()
    connection.execute(
        sa.insert(_heads),
        {
            "size": head.head.tree_size,
            "root_hash": head.head.root_hash.hex(),
            "timestamp_ms": head.head.timestamp_ms,
            "signature": document["signature"],
            "created_at": now.astimezone(UTC),
        },
    )
    connection.execute(
        sa.insert(_receipts),
        [
            {
                "dossier_id": dossier_id,
                "document": receipt.to_dict(),
                "verification_code": verification_code_of(receipt.body.verify_url),
            }
            for (dossier_id, _), receipt in zip(entries, receipts, strict=True)
        ],
    )
