"""The log of filings in the database: leaves appended inside each filing's transaction.

Every batch of filings appends one leaf per receipt body, signs one tree head for the whole
batch and stores each receipt with its inclusion proof, all in the batch's transaction: a
filing, its place in the log and its receipt commit together or not at all. A decided
dossier's letter joins the same log the same way (`append_leaves`, `store.letters`), so every
document the city seals is in one append-only sequence.

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


RECEIPT_LEAF = "receipt"
LETTER_LEAF = "decision"


@dataclass(frozen=True, slots=True)
class Appended:
    """Leaves just appended: their proofs (in order) and the tree head that seals them."""

    head: SignedTreeHead
    proofs: tuple[InclusionProof, ...]


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
        leaves = [(dossier_id, body.leaf_hash()) for dossier_id, body in entries]
        appended = self.append_leaves(connection, leaves, RECEIPT_LEAF, now)
        try:
            receipts = [
                assemble_receipt(body, proof, appended.head)
                for (_, body), proof in zip(entries, appended.proofs, strict=True)
            ]
            _store_receipts(connection, entries, receipts)
        except BaseException:
            self.forget()
            raise
        return receipts

    def append_leaves(
        self,
        connection: Connection,
        leaves: Sequence[tuple[int, bytes]],
        document: str,
        now: datetime,
    ) -> Appended:
        """Log (dossier id, leaf hash) pairs of one kind of `document` and seal a tree head.

        In the caller's transaction; a caller whose transaction fails after this must
        `forget`, so the next append re-reads the tree rather than build on rolled-back leaves.
        """
        end = advance(connection, _state, {"id": 1}, "size", len(leaves))
        start = end - len(leaves)
        with self._lock:
            try:
                tree = self._caught_up(connection, start)
                for _, leaf in leaves:
                    tree.append(leaf)
                head = sign_tree_head(
                    TreeHead(tree.size, tree.root_hash(), int(now.timestamp() * 1000)), self.seal
                )
                proofs = tuple(
                    InclusionProof(index, tree.size, tuple(tree.inclusion_proof(index)))
                    for index in range(start, tree.size)
                )
                _store_leaves(connection, leaves, document, start, head, now)
            except BaseException:
                self._tree = None  # the transaction rolls back: re-read the tree next time
                raise
        return Appended(head, proofs)

    def forget(self) -> None:
        """Drop the tree kept in memory: the next append reads it from the database."""
        with self._lock:
            self._tree = None

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


def _store_leaves(
    connection: Connection,
    leaves: Sequence[tuple[int, bytes]],
    document: str,
    start: int,
    head: SignedTreeHead,
    now: datetime,
) -> None:
    connection.execute(
        sa.insert(_leaves),
        [
            {"idx": index, "dossier_id": dossier_id, "leaf_hash": leaf.hex(), "document": document}
            for index, (dossier_id, leaf) in enumerate(leaves, start)
        ],
    )
    document_of_head = head.to_dict()
    connection.execute(
        sa.insert(_heads),
        {
            "size": head.head.tree_size,
            "root_hash": head.head.root_hash.hex(),
            "timestamp_ms": head.head.timestamp_ms,
            "signature": document_of_head["signature"],
            "created_at": now.astimezone(UTC),
        },
    )


def _store_receipts(
    connection: Connection,
    entries: Sequence[tuple[int, ReceiptBody]],
    receipts: Sequence[Receipt],
) -> None:
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
