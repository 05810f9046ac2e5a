"""The Merkle tree of the log of filings against RFC 9162 and the published test vectors."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from formkit.receipts._merkle import (
    EMPTY_ROOT,
    InclusionProof,
    MerkleTree,
    TreeHead,
    consistency_proof,
    decode_hash,
    encode_hash,
    inclusion_proof,
    leaf_hash,
    node_hash,
    root_hash,
    verify_consistency,
    verify_inclusion,
)

# -- Known answers -------------------------------------------------------------------------------
# From transparency-dev/merkle (the Go library behind Trillian and Certificate Transparency logs):
# testonly/constants.go (LeafInputs, NodeHashes, RootHashes) and proof/verify_test.go
# (inclusionProofs, consistencyProofs; there leaf numbers count from 1, here indexes from 0).

VECTOR_LEAVES = [
    bytes.fromhex(h)
    for h in (
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    )
]
VECTOR_ROOTS = [  # by tree size, from 0 to 8
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
VECTOR_PERFECT_SUBTREES = [  # [height][position]: the hash of 2**height leaves
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
        "0298d122906dcfc10892cb53a73992fc5b9f493ea4c9badb27b791b4127a7fe7",
        "07506a85fd9dd2f120eb694f86011e5bb4662e5c415a62917033d4a9624487e7",
        "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        "4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658",
        "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
        "46f6ffadd3d06a09ff3c5860d2755c8b9819db7df44251788c7d8e3180de8eb1",
    ],
    [
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
        "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
        "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
    ],
    [
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
    ],
    ["5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"],
]
VECTOR_INCLUSION = [  # (leaf index, tree size, audit path)
    (0, 1, []),
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]
VECTOR_CONSISTENCY = [  # (old size, new size, proof)
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
    (
        6,
        7,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
]
VECTOR_LEAF_HASHES = [leaf_hash(data) for data in VECTOR_LEAVES]


def hexes(hashes: Sequence[bytes]) -> list[str]:
    return [h.hex() for h in hashes]


def test_roots_match_the_transparency_dev_vectors_for_every_size() -> None:
    roots = [root_hash(VECTOR_LEAF_HASHES[:size]).hex() for size in range(9)]
    assert roots == VECTOR_ROOTS


def test_the_empty_tree_hashes_as_sha256_of_nothing() -> None:
    assert root_hash([]) == EMPTY_ROOT == bytes.fromhex(VECTOR_ROOTS[0])
    assert MerkleTree().root_hash() == EMPTY_ROOT


def test_perfect_subtrees_match_the_transparency_dev_vectors() -> None:
    for height, level in enumerate(VECTOR_PERFECT_SUBTREES):
        width = 2**height
        for position, expected in enumerate(level):
            subtree = VECTOR_LEAF_HASHES[position * width : (position + 1) * width]
            assert root_hash(subtree).hex() == expected


@pytest.mark.parametrize(("index", "size", "path"), VECTOR_INCLUSION)
def test_inclusion_proofs_match_the_transparency_dev_vectors(
    index: int, size: int, path: list[str]
) -> None:
    proof = inclusion_proof(index, VECTOR_LEAF_HASHES[:size])
    assert hexes(proof) == path
    root = bytes.fromhex(VECTOR_ROOTS[size])
    assert verify_inclusion(VECTOR_LEAF_HASHES[index], index, size, proof, root)


@pytest.mark.parametrize(("old_size", "new_size", "path"), VECTOR_CONSISTENCY)
def test_consistency_proofs_match_the_transparency_dev_vectors(
    old_size: int, new_size: int, path: list[str]
) -> None:
    proof = consistency_proof(old_size, new_size, VECTOR_LEAF_HASHES)
    assert hexes(proof) == path
    old_root, new_root = (bytes.fromhex(VECTOR_ROOTS[size]) for size in (old_size, new_size))
    assert verify_consistency(old_size, new_size, old_root, new_root, proof)


# -- The worked example of RFC 6962 §2.1.3 (RFC 9162 §2.1.5 repeats it) --------------------------
#             hash
#            /    \
#           k      l
#          / \    / \
#         g   h  i   j
#        / \ / \ / \ |
#        a b c d e f d6
# a..f are the leaf hashes of d0..d5, j the leaf hash of d6.


def rfc_example_names() -> dict[bytes, str]:
    a, b, c, d, e, f, j = (leaf_hash(f"d{n}".encode()) for n in range(7))
    g, h, i = node_hash(a, b), node_hash(c, d), node_hash(e, f)
    k, l = node_hash(g, h), node_hash(i, j)  # noqa: E741 - the RFC's names
    named = {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g, "h": h, "i": i, "j": j}
    named |= {"k": k, "l": l, "hash": node_hash(k, l)}
    return {value: name for name, value in named.items()}


RFC_EXAMPLE_LEAVES = [leaf_hash(f"d{n}".encode()) for n in range(7)]


@pytest.mark.parametrize(
    ("index", "names"),
    [(0, ["b", "h", "l"]), (3, ["c", "g", "l"]), (4, ["f", "j", "k"]), (6, ["i", "k"])],
)
def test_audit_paths_are_the_nodes_the_rfc_example_names(index: int, names: list[str]) -> None:
    by_hash = rfc_example_names()
    assert root_hash(RFC_EXAMPLE_LEAVES) in by_hash  # the tree is the RFC's tree
    assert [by_hash[node] for node in inclusion_proof(index, RFC_EXAMPLE_LEAVES)] == names


@pytest.mark.parametrize(
    ("old_size", "names"), [(3, ["c", "d", "g", "l"]), (4, ["l"]), (6, ["i", "j", "k"])]
)
def test_consistency_proofs_are_the_nodes_the_rfc_example_names(
    old_size: int, names: list[str]
) -> None:
    by_hash = rfc_example_names()
    proof = consistency_proof(old_size, 7, RFC_EXAMPLE_LEAVES)
    assert [by_hash[node] for node in proof] == names


# -- Exhaustive checks against the RFC's recursive definitions -----------------------------------
# The reference below is RFC 9162 §2.1.1 (MTH), §2.1.3.1 (PATH) and §2.1.4.1 (SUBPROOF) as
# written: slow, recursive and independent of the cached tree under test.

MAX_SIZE = 64
LEAVES = [leaf_hash(n.to_bytes(2, "big") * (n % 5)) for n in range(2 * MAX_SIZE)]
TREE = MerkleTree(LEAVES)  # read-only; twice as big so sizes up to 2 * MAX_SIZE have roots


def largest_power_of_two_below(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def reference_root(leaves: Sequence[bytes]) -> bytes:
    if not leaves:
        return EMPTY_ROOT
    if len(leaves) == 1:
        return leaves[0]
    k = largest_power_of_two_below(len(leaves))
    return node_hash(reference_root(leaves[:k]), reference_root(leaves[k:]))


def reference_path(m: int, leaves: Sequence[bytes]) -> list[bytes]:
    if len(leaves) == 1:
        return []
    k = largest_power_of_two_below(len(leaves))
    if m < k:
        return [*reference_path(m, leaves[:k]), reference_root(leaves[k:])]
    return [*reference_path(m - k, leaves[k:]), reference_root(leaves[:k])]


def reference_subproof(m: int, leaves: Sequence[bytes], whole: bool) -> list[bytes]:
    if m == len(leaves):
        return [] if whole else [reference_root(leaves)]
    k = largest_power_of_two_below(len(leaves))
    if m <= k:
        return [*reference_subproof(m, leaves[:k], whole), reference_root(leaves[k:])]
    return [*reference_subproof(m - k, leaves[k:], False), reference_root(leaves[:k])]


@cache
def root_of(size: int) -> bytes:
    return TREE.root_hash(size)


def every_leaf() -> Iterator[tuple[int, int]]:
    for size in range(1, MAX_SIZE + 1):
        for index in range(size):
            yield index, size


def every_extension() -> Iterator[tuple[int, int]]:
    for new_size in range(1, MAX_SIZE + 1):
        for old_size in range(1, new_size + 1):
            yield old_size, new_size


def test_roots_follow_the_rfc_definition_for_every_size() -> None:
    for size in range(2 * MAX_SIZE + 1):
        assert TREE.root_hash(size) == reference_root(LEAVES[:size]), size


def test_audit_paths_follow_the_rfc_definition_for_every_leaf() -> None:
    for index, size in every_leaf():
        expected = reference_path(index, LEAVES[:size])
        assert TREE.inclusion_proof(index, size) == expected, (index, size)


def test_consistency_proofs_follow_the_rfc_definition_for_every_pair_of_sizes() -> None:
    for old_size, new_size in every_extension():
        expected = (
            [] if old_size == new_size else reference_subproof(old_size, LEAVES[:new_size], True)
        )
        assert TREE.consistency_proof(old_size, new_size) == expected, (old_size, new_size)


def test_every_audit_path_verifies() -> None:
    for index, size in every_leaf():
        proof = TREE.inclusion_proof(index, size)
        assert verify_inclusion(LEAVES[index], index, size, proof, root_of(size)), (index, size)


def test_every_consistency_proof_verifies() -> None:
    for old_size, new_size in every_extension():
        proof = TREE.consistency_proof(old_size, new_size)
        ok = verify_consistency(old_size, new_size, root_of(old_size), root_of(new_size), proof)
        assert ok, (old_size, new_size)


def flip_one_byte(proof: Sequence[bytes], element: int, *, seed: int) -> list[bytes]:
    """The proof with one byte of one element changed; which byte varies with `seed`."""
    changed = bytearray(proof[element])
    changed[(seed * 7 + element * 13) % len(changed)] ^= 1 << (seed % 8)
    return [bytes(changed) if n == element else node for n, node in enumerate(proof)]


def mangled(proof: list[bytes], extra: Sequence[bytes]) -> Iterator[list[bytes]]:
    """The proof shortened at either end, lengthened at either end, or with an element doubled."""
    if proof:
        yield proof[:-1]
        yield proof[1:]
        yield [*proof, proof[-1]]
    if len(proof) > 1:
        yield [proof[0], *extra[:1], *proof[1:]]
    for node in extra:
        yield [*proof, node]
        yield [node, *proof]


def test_tampered_audit_paths_fail() -> None:
    for index, size in every_leaf():
        leaf, root, proof = LEAVES[index], root_of(size), TREE.inclusion_proof(index, size)
        case = (index, size)
        assert verify_inclusion(leaf, index, size, proof, root), case
        for element in range(len(proof)):
            wrong_node = flip_one_byte(proof, element, seed=index + size)
            assert not verify_inclusion(leaf, index, size, wrong_node, root), case
        for other in {index - 1, index + 1, index ^ 2} - {index}:
            assert not verify_inclusion(leaf, other, size, proof, root), case
        for other in {size - 1, size + 1, 2 * size, size // 2} - {size}:
            assert not verify_inclusion(leaf, index, other, proof, root_of(other)), case
        # A size of the same shape with this root may pass (leaf 0 of size 3 as of size 4):
        # RFC 9162 binds size to root in the signed tree head, not in the proof.
        for other in (2 * size, size // 2):
            assert not verify_inclusion(leaf, index, other, proof, root), case
        for wrong_root in (root_of(size - 1), root_of(size + 1), EMPTY_ROOT, flip(root)):
            assert not verify_inclusion(leaf, index, size, proof, wrong_root), case
        for wrong_leaf in (LEAVES[index + 1], flip(leaf)):
            assert not verify_inclusion(wrong_leaf, index, size, proof, root), case
        for wrong_proof in [*mangled(proof, [root, leaf, EMPTY_ROOT]), [*proof, b""]]:
            assert not verify_inclusion(leaf, index, size, wrong_proof, root), case


def test_tampered_consistency_proofs_fail() -> None:
    for old, new in every_extension():
        if old == new:
            continue  # no proof to tamper with: see the tests of equal sizes below
        old_root, new_root = root_of(old), root_of(new)
        proof = TREE.consistency_proof(old, new)
        case = (old, new)
        assert verify_consistency(old, new, old_root, new_root, proof), case
        for element in range(len(proof)):
            wrong_node = flip_one_byte(proof, element, seed=old + new)
            assert not verify_consistency(old, new, old_root, new_root, wrong_node), case
        for other in {old - 1, old + 1, old ^ 2} - {old, 0}:
            assert not verify_consistency(other, new, root_of(other), new_root, proof), case
            assert not verify_consistency(other, new, old_root, new_root, proof), case
        for other in {new - 1, new + 1, 2 * new} - {new, old}:
            assert not verify_consistency(old, other, old_root, root_of(other), proof), case
        for other in (2 * new, new // 2):  # same-shape sizes may pass: see the audit paths
            assert not verify_consistency(old, other, old_root, new_root, proof), case
        wrong_roots = [(new_root, old_root), (flip(old_root), new_root), (old_root, flip(new_root))]
        for wrong_old, wrong_new in [*wrong_roots, (EMPTY_ROOT, new_root)]:
            assert not verify_consistency(old, new, wrong_old, wrong_new, proof), case
        for wrong_proof in [[], *mangled(proof, [old_root, new_root, proof[0]])]:
            assert not verify_consistency(old, new, old_root, new_root, wrong_proof), case


def flip(digest: bytes) -> bytes:
    return bytes([digest[0] ^ 0x80]) + digest[1:]


# -- Edges: what the verifiers refuse, what generation refuses -----------------------------------

ROOT_3 = root_of(3)


@pytest.mark.parametrize(
    ("index", "size"), [(0, 0), (1, 0), (1, 1), (3, 3), (-1, 3), (5, 3), (0, -1)]
)
def test_verify_inclusion_refuses_an_index_outside_the_tree(index: int, size: int) -> None:
    assert not verify_inclusion(LEAVES[0], index, size, [], ROOT_3)
    assert not verify_inclusion(LEAVES[0], index, size, TREE.inclusion_proof(0, 3), ROOT_3)


def test_the_single_leaf_tree_has_an_empty_audit_path_and_its_root_is_the_leaf() -> None:
    assert inclusion_proof(0, [LEAVES[0]]) == []
    assert verify_inclusion(LEAVES[0], 0, 1, [], LEAVES[0])
    assert not verify_inclusion(LEAVES[0], 0, 1, [], LEAVES[1])


@pytest.mark.parametrize(
    "bad", [b"", b"\x00" * 31, b"\x00" * 33, "0" * 32, None, bytearray(32)], ids=repr
)
def test_verifiers_refuse_values_that_are_not_32_byte_hashes(bad: Any) -> None:
    proof = TREE.inclusion_proof(1, 3)
    assert not verify_inclusion(bad, 1, 3, proof, ROOT_3)
    assert not verify_inclusion(LEAVES[1], 1, 3, proof, bad)
    assert not verify_inclusion(LEAVES[1], 1, 3, [proof[0], bad], ROOT_3)
    consistency = TREE.consistency_proof(3, 5)
    assert not verify_consistency(3, 5, bad, root_of(5), consistency)
    assert not verify_consistency(3, 5, ROOT_3, bad, consistency)
    assert not verify_consistency(3, 5, ROOT_3, root_of(5), [*consistency[:-1], bad])
    assert not verify_consistency(3, 3, bad, bad, [])


def test_the_empty_tree_is_consistent_with_every_tree_through_an_empty_proof() -> None:
    assert consistency_proof(0, 5, LEAVES) == []
    assert verify_consistency(0, 5, EMPTY_ROOT, root_of(5), [])
    assert verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    assert not verify_consistency(0, 5, root_of(1), root_of(5), [])
    assert not verify_consistency(0, 5, EMPTY_ROOT, root_of(5), [EMPTY_ROOT])


def test_a_tree_is_consistent_with_itself_only_with_its_own_root_and_no_proof() -> None:
    assert consistency_proof(5, 5, LEAVES) == []
    assert verify_consistency(5, 5, root_of(5), root_of(5), [])
    assert not verify_consistency(5, 5, root_of(5), root_of(4), [])
    assert not verify_consistency(5, 5, root_of(5), root_of(5), [root_of(5)])


def test_verify_consistency_refuses_a_shrinking_log() -> None:
    assert not verify_consistency(5, 3, root_of(5), ROOT_3, TREE.consistency_proof(3, 5))
    assert not verify_consistency(-1, 3, EMPTY_ROOT, ROOT_3, [])


@pytest.mark.parametrize(
    "ask",
    [
        lambda tree: tree.inclusion_proof(3),
        lambda tree: tree.inclusion_proof(-1),
        lambda tree: tree.inclusion_proof(0, 4),
        lambda tree: tree.root_hash(4),
        lambda tree: tree.root_hash(-1),
        lambda tree: tree.consistency_proof(2, 4),
        lambda tree: tree.consistency_proof(3, 2),
        lambda tree: tree.consistency_proof(-1),
    ],
)
def test_proofs_for_leaves_or_sizes_the_tree_does_not_have_are_refused(
    ask: Callable[[MerkleTree], object],
) -> None:
    with pytest.raises(ValueError, match=r"size|index"):
        ask(MerkleTree(LEAVES[:3]))


@pytest.mark.parametrize("bad", [b"short", b"\x00" * 33, "0" * 32], ids=repr)
def test_the_tree_only_takes_32_byte_leaf_hashes(bad: Any) -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        MerkleTree([LEAVES[0], bad])
    tree = MerkleTree(LEAVES[:2])
    with pytest.raises(ValueError, match="32 bytes"):
        tree.append(bad)
    assert tree.size == 2


# -- The tree as the log uses it: appended to one leaf at a time, asked about past sizes ---------


def test_appending_gives_the_same_tree_as_building_at_once() -> None:
    grown = MerkleTree()
    for index, leaf in enumerate(LEAVES):
        assert grown.append(leaf) == index
        built = MerkleTree(LEAVES[: index + 1])
        assert grown.root_hash() == built.root_hash() == root_of(index + 1)
        assert grown.inclusion_proof(index // 2) == built.inclusion_proof(index // 2)
        assert grown.consistency_proof(index // 3 + 1) == built.consistency_proof(index // 3 + 1)
    assert len(grown) == len(LEAVES)
    assert grown.leaf_hashes() == LEAVES


def test_a_big_log_answers_with_short_proofs_that_verify() -> None:
    size = 100_003
    leaves = [leaf_hash(n.to_bytes(4, "big")) for n in range(size)]
    tree = MerkleTree(leaves)
    grown = MerkleTree(leaves[:70_000])
    for leaf in leaves[70_000:]:
        grown.append(leaf)
    root = tree.root_hash()
    assert grown.root_hash() == root
    for index in (0, 1, 65_535, 65_536, 99_999, size - 1):
        proof = tree.inclusion_proof(index)
        assert len(proof) <= 17
        assert verify_inclusion(leaves[index], index, size, proof, root)
        assert not verify_inclusion(leaves[index - 1], index, size, proof, root)
    for old in (1, 12_345, 65_536, 99_999, size - 1):
        proof = tree.consistency_proof(old)
        assert len(proof) <= 2 * 17
        assert verify_consistency(old, size, tree.root_hash(old), root, proof)
    assert verify_inclusion(
        leaves[70_000], 70_000, 80_000, tree.inclusion_proof(70_000, 80_000), tree.root_hash(80_000)
    )


# -- Properties ------------------------------------------------------------------------------------

entries = st.lists(st.binary(max_size=24), min_size=1, max_size=200)


@given(entries, st.data())
def test_any_entry_is_proven_in_the_log_and_another_entry_is_not(
    data: list[bytes], draw: st.DataObject
) -> None:
    leaves = [leaf_hash(entry) for entry in data]
    index = draw.draw(st.integers(0, len(leaves) - 1), label="index")
    proof = inclusion_proof(index, leaves)
    root = root_hash(leaves)
    assert verify_inclusion(leaves[index], index, len(leaves), proof, root)
    other_entry = leaf_hash(data[index] + b"!")
    assert not verify_inclusion(other_entry, index, len(leaves), proof, root)


@given(entries, st.data())
def test_growth_is_proven_and_rewritten_history_is_not(
    data: list[bytes], draw: st.DataObject
) -> None:
    leaves = [leaf_hash(entry) for entry in data]
    new = len(leaves)
    old = draw.draw(st.integers(1, new), label="old size")
    old_root, new_root = root_hash(leaves[:old]), root_hash(leaves)
    assert verify_consistency(old, new, old_root, new_root, consistency_proof(old, new, leaves))
    rewritten = draw.draw(st.integers(0, old - 1), label="rewritten entry")
    forged = [*leaves]
    forged[rewritten] = leaf_hash(data[rewritten] + b"!")
    forged_proof = consistency_proof(old, new, forged)
    assert not verify_consistency(old, new, old_root, root_hash(forged), forged_proof)


# -- The values that leave the process: tree heads and inclusion proofs --------------------------

ROOT_7 = bytes.fromhex(VECTOR_ROOTS[7])


def test_a_tree_head_signs_fixed_canonical_json_bytes() -> None:
    head = TreeHead(tree_size=7, root_hash=ROOT_7, timestamp_ms=1_795_000_000_000)
    expected = (
        b'{"root_hash":"3bib5AOAnjJXUNPSY814kpwpQreUKjS3fhIslZSnTIw",'
        b'"timestamp_ms":1795000000000,"tree_size":7,"type":"formkit.tree-head.v1"}'
    )
    assert head.signing_input() == expected
    by_hand = (  # what the docstring promises a verifier in another language can do
        f'{{"root_hash":"{encode_hash(ROOT_7)}","timestamp_ms":{head.timestamp_ms},'
        f'"tree_size":{head.tree_size},"type":"formkit.tree-head.v1"}}'
    )
    assert by_hand.encode() == expected


def test_tree_heads_that_differ_in_anything_sign_different_bytes() -> None:
    head = TreeHead(7, ROOT_7, 1_795_000_000_000)
    others = [TreeHead(8, ROOT_7, 1_795_000_000_000), TreeHead(7, flip(ROOT_7), 1_795_000_000_000)]
    others.append(TreeHead(7, ROOT_7, 1_795_000_000_001))
    assert len({head.signing_input(), *(other.signing_input() for other in others)}) == 4


def test_a_tree_head_survives_json() -> None:
    head = TreeHead(7, ROOT_7, 1_795_000_000_000)
    assert TreeHead.from_dict(json.loads(json.dumps(head.to_dict()))) == head


@pytest.mark.parametrize(
    "fields",
    [
        {"tree_size": -1},
        {"tree_size": 2**53},
        {"tree_size": True},
        {"tree_size": 7.0},
        {"timestamp_ms": -5},
        {"root_hash": ROOT_7[:31]},
        {"root_hash": ROOT_7.hex()},
    ],
    ids=repr,
)
def test_a_tree_head_refuses_values_it_cannot_sign_unambiguously(fields: dict[str, Any]) -> None:
    good: dict[str, Any] = {"tree_size": 7, "root_hash": ROOT_7, "timestamp_ms": 1}
    with pytest.raises(ValueError, match="must be"):
        TreeHead(**(good | fields))


def test_an_inclusion_proof_survives_json_and_still_verifies() -> None:
    proof = InclusionProof(3, 7, tuple(TREE.inclusion_proof(3, 7)))
    document = json.loads(json.dumps(proof.to_dict()))
    assert document["audit_path"][0] == encode_hash(proof.audit_path[0])
    back = InclusionProof.from_dict(document)
    assert back == proof
    assert back.verify(LEAVES[3], root_of(7))
    assert not back.verify(LEAVES[4], root_of(7))
    assert not back.verify(LEAVES[3], root_of(6))


GOOD_PROOF = InclusionProof(3, 7, tuple(TREE.inclusion_proof(3, 7))).to_dict()


@pytest.mark.parametrize(
    "document",
    [
        {k: v for k, v in GOOD_PROOF.items() if k != "tree_size"},
        GOOD_PROOF | {"extra": 1},
        GOOD_PROOF | {"leaf_index": 7},
        GOOD_PROOF | {"leaf_index": "3"},
        GOOD_PROOF | {"audit_path": "abc"},
        GOOD_PROOF | {"audit_path": [encode_hash(ROOT_7) + "="]},  # padded
        GOOD_PROOF | {"audit_path": [encode_hash(ROOT_7)[:-1] + "!"]},
        GOOD_PROOF | {"audit_path": [encode_hash(ROOT_7)[:-4]]},  # 29 bytes
        GOOD_PROOF | {"audit_path": [base64.b64encode(bytes([251] * 32)).decode()]},  # not url
        GOOD_PROOF | {"audit_path": [ROOT_7.hex()]},
        GOOD_PROOF | {"audit_path": [None]},
        [],
    ],
    ids=repr,
)
def test_a_malformed_inclusion_proof_document_is_refused(document: Any) -> None:
    with pytest.raises(ValueError, match=r"expected|must|below|base64url"):
        InclusionProof.from_dict(document)


def test_hashes_travel_as_unpadded_base64url() -> None:
    digest = bytes(range(224, 256))
    text = encode_hash(digest)
    assert len(text) == 43
    assert "=" not in text
    assert set(text) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    assert decode_hash(text) == digest
    with pytest.raises(ValueError, match="base64url"):
        decode_hash(text[:-1] + chr(ord(text[-1]) + 1))  # same bytes but non-canonical last bits
