"""The Merkle tree behind formkit's public, append-only log of filings (RFC 9162).

Why: a receipt alone proves that the city accepted a filing, not that the city still shows it
to everyone else. Every filing therefore becomes a leaf of one public Merkle tree, in the shape
Certificate Transparency uses (RFC 9162, which obsoletes RFC 6962). The city seals a tree head
(size, root hash, time) now and then. With the hashes here anyone can check, offline:

- an inclusion proof (audit path): this filing is leaf `i` of the tree with that sealed root,
  so it cannot be dropped or swapped later without the sealed tree heads contradicting it;
- a consistency proof: the tree of size `m` is a prefix of the tree of size `n`, so between two
  sealed tree heads the log was only appended to; nothing was removed, reordered or backdated.

Hashing (RFC 9162 §2.1.1): a leaf hashes as SHA-256(0x00 || data), an inner node as
SHA-256(0x01 || left || right); the different prefixes keep a leaf from passing as a node. The
tree over `n` leaves splits at the largest power of two below `n`, so every left subtree is
perfect, and a perfect subtree never changes once its last leaf is in. `MerkleTree` keeps the
hash of every perfect subtree, level by level: appending costs one hash on average, and a root
or a proof for any past tree size costs O(log n) lookups plus a few hashes along the right edge,
instead of rehashing every leaf.

Proof generation refuses impossible arguments (ValueError); proof verification never raises on
malformed input (wrong lengths, index out of range, hashes that are not 32 bytes): it says no.
The verifiers are the RFC's iterative algorithms (§2.1.3.2 and §2.1.4.2), word for word, so a
citizen's verifier in any language can follow the same steps.

`TreeHead` gives the exact bytes the city's seal signs; `InclusionProof` travels in a receipt.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import rfc8785

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()  # RFC 9162 §2.1.1: MTH({}) = HASH()
TREE_HEAD_TYPE = "formkit.tree-head.v1"
MAX_JSON_INT = 2**53 - 1  # the largest integer RFC 8785 (I-JSON) represents exactly

_LEAF_PREFIX = b"\x00"
_NODE_PREFIX = b"\x01"


def leaf_hash(data: bytes) -> bytes:
    """The hash of one log entry: SHA-256(0x00 || data)."""
    return hashlib.sha256(_LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """The hash of an inner node: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(_NODE_PREFIX + left + right).digest()


def root_hash(leaf_hashes: Sequence[bytes]) -> bytes:
    """The Merkle Tree Hash (MTH) of the leaves; SHA-256 of nothing for no leaves."""
    return MerkleTree(leaf_hashes).root_hash()


def inclusion_proof(index: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """The audit path PATH(index, leaves) of RFC 9162 §2.1.3.1, nearest sibling first."""
    return MerkleTree(leaf_hashes).inclusion_proof(index)


def consistency_proof(old_size: int, new_size: int, leaf_hashes: Sequence[bytes]) -> list[bytes]:
    """PROOF(old_size, leaves[:new_size]) of RFC 9162 §2.1.4.1; empty when there is no gap."""
    return MerkleTree(leaf_hashes).consistency_proof(old_size, new_size)


class MerkleTree:
    """An append-only Merkle tree over leaf hashes that keeps every perfect subtree's hash.

    `_levels[h][i]` is the hash of the 2**h leaves starting at leaf `i * 2**h`; level 0 holds
    the leaf hashes themselves. Roots and proofs can be asked for any size up to `size`, which
    is what a log needs to answer for the tree heads it sealed earlier. Not thread-safe: one
    writer appends, and readers in other threads share its lock.
    """

    __slots__ = ("_levels",)

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        leaves = list(leaf_hashes)
        for leaf in leaves:
            _require_hash(leaf, "leaf hash")
        self._levels: list[list[bytes]] = [leaves]
        while len(level := self._levels[-1]) > 1:
            pairs = zip(level[::2], level[1::2], strict=False)  # an odd last node waits
            self._levels.append([node_hash(left, right) for left, right in pairs])

    @property
    def size(self) -> int:
        return len(self._levels[0])

    def __len__(self) -> int:
        return self.size

    def append(self, leaf_hash: bytes) -> int:
        """Add one leaf hash; returns its index. Completes at most log2(size) perfect subtrees."""
        _require_hash(leaf_hash, "leaf hash")
        self._levels[0].append(leaf_hash)
        height = 0
        while len(level := self._levels[height]) % 2 == 0:
            if height + 1 == len(self._levels):
                self._levels.append([])
            self._levels[height + 1].append(node_hash(level[-2], level[-1]))
            height += 1
        return self.size - 1

    def leaf_hashes(self) -> list[bytes]:
        """A copy of the leaf hashes, in log order."""
        return list(self._levels[0])

    def root_hash(self, size: int | None = None) -> bytes:
        """MTH of the first `size` leaves (default: all of them)."""
        size = self._checked_size(size)
        return self._subtree_hash(0, size) if size else EMPTY_ROOT

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """The audit path for leaf `index` in the tree of the first `size` leaves."""
        size = self._checked_size(size)
        if not 0 <= index < size:
            raise ValueError(f"leaf index {index} is not in a tree of size {size}")
        path: list[bytes] = []
        start, end = 0, size
        while end - start > 1:  # PATH(m, D[n]) of RFC 9162 §2.1.3.1, top-down
            middle = start + _split_point(end - start)
            if index < middle:
                path.append(self._subtree_hash(middle, end))
                end = middle
            else:
                path.append(self._subtree_hash(start, middle))
                start = middle
        path.reverse()
        return path

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """PROOF(old_size, D[new_size]) of RFC 9162 §2.1.4.1 (SUBPROOF with b = true).

        Empty when `old_size` is 0 or equals `new_size`: every tree extends the empty tree, and
        a tree is consistent with itself when the roots are equal.
        """
        new_size = self._checked_size(new_size)
        if not 0 <= old_size <= new_size:
            raise ValueError(f"no consistency proof from size {old_size} to size {new_size}")
        if old_size in (0, new_size):
            return []
        path: list[bytes] = []
        start, end, old_in_range, whole_old_tree = 0, new_size, old_size, True
        while old_in_range != end - start:  # SUBPROOF(m, D[start:end], b), top-down
            middle = start + _split_point(end - start)
            if start + old_in_range <= middle:
                path.append(self._subtree_hash(middle, end))
                end = middle
            else:
                path.append(self._subtree_hash(start, middle))
                old_in_range -= middle - start
                start, whole_old_tree = middle, False
        if not whole_old_tree:
            path.append(self._subtree_hash(start, end))
        path.reverse()
        return path

    def _checked_size(self, size: int | None) -> int:
        if size is None:
            return self.size
        if not 0 <= size <= self.size:
            raise ValueError(f"tree size {size} is not between 0 and {self.size}")
        return size

    def _subtree_hash(self, start: int, end: int) -> bytes:
        """MTH(D[start:end]) for a non-empty range, from the cache where the range is perfect."""
        width = end - start
        if width & (width - 1) == 0 and start % width == 0:
            return self._levels[width.bit_length() - 1][start // width]
        middle = start + _split_point(width)
        return node_hash(self._subtree_hash(start, middle), self._subtree_hash(middle, end))


def verify_inclusion(
    leaf_hash: bytes, index: int, tree_size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """Whether `proof` shows `leaf_hash` is leaf `index` of the tree with `root` (§2.1.3.2)."""
    if not (_is_hash(leaf_hash) and _is_hash(root) and all(map(_is_hash, proof))):
        return False
    if not 0 <= index < tree_size:
        return False
    fn, sn, r = index, tree_size - 1, leaf_hash
    for p in proof:
        if sn == 0:
            return False  # the proof is longer than the tree is high
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:  # skip the levels where this node has no sibling
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether `proof` shows the tree (`old_size`, `old_root`) is a prefix of the new (§2.1.4.2).

    Beyond the RFC's 0 < old_size < new_size: equal sizes need equal roots and an empty proof,
    and the empty tree (root SHA-256 of nothing) is a prefix of every tree, with an empty proof.
    """
    if not (_is_hash(old_root) and _is_hash(new_root) and all(map(_is_hash, proof))):
        return False
    if not 0 <= old_size <= new_size:
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof and old_root == EMPTY_ROOT
    if not proof:
        return False
    path = list(proof)
    if old_size & (old_size - 1) == 0:
        path.insert(0, old_root)  # the old tree is a perfect subtree the proof leaves out
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False  # the proof is longer than the tree is high
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == old_root and sr == new_root


@dataclass(frozen=True, slots=True)
class TreeHead:
    """The state of the log at one moment, as the city's seal signs it.

    The fields of RFC 9162's TreeHeadDataV2; `timestamp_ms` counts milliseconds since the Unix
    epoch (UTC), as that timestamp does.
    """

    tree_size: int
    root_hash: bytes
    timestamp_ms: int

    def __post_init__(self) -> None:
        _require_json_int(self.tree_size, "tree_size")
        _require_json_int(self.timestamp_ms, "timestamp_ms")
        _require_hash(self.root_hash, "root_hash")

    def signing_input(self) -> bytes:
        """The bytes the seal signs: RFC 8785 canonical JSON of four members, UTF-8, e.g.

        `{"root_hash":"<43 chars>","timestamp_ms":1795000000000,"tree_size":7,
        "type":"formkit.tree-head.v1"}` (one line, no spaces): keys sorted, `root_hash` in
        base64url without padding (RFC 4648 §5), integers in plain decimal. `type` names what is
        signed, so a tree head signature can never pass for a signature over something else the
        same seal key signs. Because every value is an ASCII string or a small integer, a
        verifier can rebuild these bytes with string formatting alone.
        """
        return bytes(rfc8785.dumps({"type": TREE_HEAD_TYPE, **self.to_dict()}))

    def to_dict(self) -> dict[str, Any]:
        return {
            "tree_size": self.tree_size,
            "root_hash": encode_hash(self.root_hash),
            "timestamp_ms": self.timestamp_ms,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> TreeHead:
        """Read `to_dict`'s output; ValueError when anything is missing, extra or malformed."""
        _require_keys(data, {"tree_size", "root_hash", "timestamp_ms"})
        return cls(data["tree_size"], decode_hash(data["root_hash"]), data["timestamp_ms"])


@dataclass(frozen=True, slots=True)
class InclusionProof:
    """Proof that leaf `leaf_index` is in the tree of `tree_size` leaves; carried in a receipt."""

    leaf_index: int
    tree_size: int
    audit_path: tuple[bytes, ...]

    def __post_init__(self) -> None:
        _require_json_int(self.leaf_index, "leaf_index")
        _require_json_int(self.tree_size, "tree_size")
        if self.leaf_index >= self.tree_size:
            raise ValueError(f"leaf_index {self.leaf_index} is not below tree_size")
        if not isinstance(self.audit_path, tuple):
            raise ValueError("audit_path must be a tuple of hashes")
        for node in self.audit_path:
            _require_hash(node, "audit_path element")

    def verify(self, leaf_hash: bytes, root: bytes) -> bool:
        """Whether this proof puts `leaf_hash` in the tree with `root` (of `tree_size` leaves)."""
        return verify_inclusion(leaf_hash, self.leaf_index, self.tree_size, self.audit_path, root)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: the hashes in base64url without padding."""
        return {
            "leaf_index": self.leaf_index,
            "tree_size": self.tree_size,
            "audit_path": [encode_hash(node) for node in self.audit_path],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> InclusionProof:
        """Read `to_dict`'s output; ValueError when anything is missing, extra or malformed."""
        _require_keys(data, {"leaf_index", "tree_size", "audit_path"})
        path = data["audit_path"]
        if not isinstance(path, list):
            raise ValueError("audit_path must be a list of base64url strings")
        return cls(data["leaf_index"], data["tree_size"], tuple(map(decode_hash, path)))


def encode_hash(digest: bytes) -> str:
    """base64url without padding (RFC 4648 §5), as in JOSE: 43 characters for SHA-256."""
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def decode_hash(text: object) -> bytes:
    """The inverse of `encode_hash`, strict: only the canonical 43-character form of 32 bytes."""
    if not isinstance(text, str) or not text.isascii():
        raise ValueError("a hash must be a base64url string")
    padded = text.translate(str.maketrans("-_", "+/")) + "=" * (-len(text) % 4)
    try:
        digest = base64.b64decode(padded, validate=True)
    except binascii.Error as error:
        raise ValueError(f"not base64url: {text!r}") from error
    if len(digest) != HASH_SIZE or encode_hash(digest) != text:
        raise ValueError(f"not the base64url of a {HASH_SIZE}-byte hash: {text!r}")
    return digest


def _split_point(width: int) -> int:
    """The largest power of two smaller than `width` (> 1): where RFC 9162 splits a tree."""
    return 1 << ((width - 1).bit_length() - 1)


def _is_hash(value: object) -> bool:
    return isinstance(value, bytes) and len(value) == HASH_SIZE


def _require_hash(value: object, what: str) -> None:
    if not _is_hash(value):
        raise ValueError(f"{what} must be {HASH_SIZE} bytes")


def _require_json_int(value: object, what: str) -> None:
    # bool is an int in Python but not in JSON; past 2**53 RFC 8785 cannot represent it.
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_JSON_INT:
        raise ValueError(f"{what} must be an integer from 0 to {MAX_JSON_INT}")


def _require_keys(data: Mapping[str, Any], keys: set[str]) -> None:
    if not isinstance(data, Mapping) or set(data) != keys:
        raise ValueError(f"expected exactly the members {sorted(keys)}")
