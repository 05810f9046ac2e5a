"""The public log of filings: signed tree heads and consistency proofs, for anyone to check.

Nothing here names a dossier or a person: a leaf is the hash of a receipt, so the log can be
public, and a citizen holding a receipt checks that the city published its tree head and
only ever appended to the log since.
"""

from __future__ import annotations

from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from litestar import Request, Response, Router, get
from litestar.params import FromPath, FromQuery

from formkit.receipts._merkle import MerkleTree, encode_hash
from formkit.store.log import leaf_hashes, signed_head
from formkit.web.api import json_response
from formkit.web.problems import ProblemError
from formkit.web.services import services


@get("/", sync_to_thread=True)
def latest_head(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The latest signed tree head."""
    return _head(request, None)


@get("/tree-heads/{size:int}", sync_to_thread=True)
def head_of_size(request: Request[Any, Any, Any], size: FromPath[int]) -> Response[bytes]:
    """The signed tree head published when the log reached `size` (one per batch)."""
    return _head(request, size)


@get("/consistency", sync_to_thread=True)
def consistency(
    request: Request[Any, Any, Any], first: FromQuery[int], second: FromQuery[int]
) -> Response[bytes]:
    """RFC 9162 consistency proof: the log of size `second` extends that of size `first`."""
    with services(request).engine.connect() as connection:
        latest = signed_head(connection)
        size = 0 if latest is None else latest.head.tree_size
        if not 0 <= first <= second <= size:
            raise ProblemError("not-found", f"Kies 0 ≤ first ≤ second ≤ {size}.")
        tree = MerkleTree(leaf_hashes(connection, second))
    proof = tree.consistency_proof(first, second) if first else []
    document = {"first": first, "second": second, "proof": [encode_hash(h) for h in proof]}
    return json_response(document)


@get("/seal.pem", sync_to_thread=False)
def seal_certificates(request: Request[Any, Any, Any]) -> Response[bytes]:
    """The seal's certificate and chain; trust comes from the city's published root."""
    seal = services(request).seal
    pem = b"".join(
        x509.load_der_x509_certificate(der).public_bytes(Encoding.PEM)
        for der in (seal.certificate, *seal.chain)
    )
    return Response(pem, media_type="application/x-pem-file")


router = Router(
    path="/log",
    route_handlers=[latest_head, head_of_size, consistency, seal_certificates],
)


def _head(request: Request[Any, Any, Any], size: int | None) -> Response[bytes]:
    with services(request).engine.connect() as connection:
        head = signed_head(connection, size)
    if head is None:
        raise ProblemError("not-found", "Het logboek heeft (nog) geen boomhoofd van deze grootte.")
    return json_response(head.to_dict())
