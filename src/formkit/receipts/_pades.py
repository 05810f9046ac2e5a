"""Seal a PDF with PAdES (pyHanko) by the city's seal, and read a sealed PDF back.

Sealing makes PAdES baseline B-B: a CMS signature (ETSI.CAdES.detached) over the whole file,
the seal certificate bound by a signed signing-certificate-v2 attribute, the digest of the
seal's algorithm (SHA-384 for P-384). With a `TimeStamper` (an RFC 3161 TSA, `http_timestamper`
for a URL) it is B-T: the TSA's timestamp over the signature proves it existed at that time.
Any `Seal` signs: pyHanko hands the signed attributes to `_SealSigner`, which asks the seal
(a file key or an HSM) and re-encodes an ECDSA r||s as the DER that CMS wants.

Reading (`read_sealed_pdf`) hands back the embedded files and what pyHanko's validator says of
each signature, plus checks of our own that make every byte of the file count: the signature
must cover the entire file; the /Contents placeholder (the only bytes the signature cannot
cover) must hold exactly the CMS object, hex-encoded as pyHanko writes it, followed by zeros
only; and every byte of that CMS object must be signed, verified or fixed by the standard
(`_cms.accounted_for`).
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from asn1crypto import cms
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.general import SigningError
from pyhanko.sign.signers.pdf_cms import Signer
from pyhanko.sign.timestamps.aiohttp_client import HTTPTimeStamper
from pyhanko.sign.timestamps.api import TimeStamper
from pyhanko.sign.validation import async_validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.path import ValidationPath
from pyhanko_certvalidator.registry import SimpleCertificateStore

from formkit.eid import ecdsa_raw_to_der
from formkit.receipts._cms import KnownSigner, accounted_for
from formkit.receipts._members import ReceiptError
from formkit.receipts._seal import Seal, SealError, hash_name_of

SEAL_FIELD = "Zegel"
_PYHANKO_DIGESTS = {"SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512"}


@dataclass(frozen=True, slots=True)
class PdfSeal:
    """What one signature in a PDF is worth, as pyHanko and our own byte checks see it."""

    intact: bool  # the signed bytes are unchanged and the signature is the key's
    trusted: bool  # the signer certificate leads to a trust root, with the right key usage
    whole_file: bool  # the signature covers every byte but its own placeholder
    clean_placeholder: bool  # the placeholder holds the CMS as written, every byte accounted for
    signer_certificate: bytes  # DER
    timestamp: datetime | None  # B-T: the TSA's time, when a timestamp is there
    timestamp_trusted: bool  # B-T: the timestamp is intact and its TSA trusted

    @property
    def holds(self) -> bool:
        timestamp_ok = self.timestamp is None or self.timestamp_trusted
        checks = (self.intact, self.trusted, self.whole_file, self.clean_placeholder)
        return all(checks) and timestamp_ok


@dataclass(frozen=True, slots=True)
class SealedPdf:
    """A PDF read back: its embedded files by name and its signatures."""

    embedded: dict[str, bytes]
    seals: tuple[PdfSeal, ...]


def seal_pdf(
    pdf: bytes,
    seal: Seal,
    *,
    timestamper: TimeStamper | None = None,
    reason: str = "Ontvangstbewijs",
) -> bytes:
    """`pdf` sealed with PAdES B-B (B-T with a `timestamper`). Not inside an event loop.

    `reason` is what the signature says it is for, as PDF readers show it."""
    return asyncio.run(seal_pdf_async(pdf, seal, timestamper=timestamper, reason=reason))


async def seal_pdf_async(
    pdf: bytes,
    seal: Seal,
    *,
    timestamper: TimeStamper | None = None,
    reason: str = "Ontvangstbewijs",
) -> bytes:
    """`seal_pdf` for async callers."""
    digest = _PYHANKO_DIGESTS[hash_name_of(seal.algorithm)]
    metadata = signers.PdfSignatureMetadata(
        field_name=SEAL_FIELD,
        md_algorithm=digest,
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
    )
    signer = signers.PdfSigner(metadata, signer=_SealSigner(seal, digest), timestamper=timestamper)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=True)
    try:
        output = await signer.async_sign_pdf(writer)
    except SigningError as error:
        raise SealError(f"sealing the PDF failed: {error}") from None
    return bytes(output.getbuffer())


def http_timestamper(url: str) -> TimeStamper:
    """An RFC 3161 timestamp authority at `url`, for PAdES B-T."""
    return HTTPTimeStamper(url)


def read_sealed_pdf(data: bytes, trust_roots: Sequence[bytes]) -> SealedPdf:
    """The embedded files and signatures of a PDF; ReceiptError when it is no readable PDF."""
    return asyncio.run(read_sealed_pdf_async(data, trust_roots))


async def read_sealed_pdf_async(data: bytes, trust_roots: Sequence[bytes]) -> SealedPdf:
    """`read_sealed_pdf` for async callers."""
    roots = [asn1_x509.Certificate.load(root) for root in trust_roots]
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=True)
        embedded = dict(_embedded_files(reader))
        signatures = list(reader.embedded_regular_signatures)
        seals = [await _validate(data, signature, roots) for signature in signatures]
    except Exception as error:  # whatever the parser trips over in these bytes
        raise ReceiptError(f"not a readable sealed PDF ({type(error).__name__})") from None
    return SealedPdf(embedded, tuple(seals))


class _SealSigner(Signer):
    """pyHanko's view of a `Seal`: the certificates, and raw signatures on request."""

    def __init__(self, seal: Seal, digest: str) -> None:
        chain = SimpleCertificateStore()  # type: ignore[no-untyped-call]
        chain.register_multiple(asn1_x509.Certificate.load(ca) for ca in seal.chain)
        super().__init__(
            signing_cert=asn1_x509.Certificate.load(seal.certificate),
            cert_registry=chain,
            embed_roots=False,  # the verifier brings its own roots; an embedded one proves nothing
        )
        self._seal = seal
        self._digest = digest

    async def async_sign_raw(
        self, data: bytes, digest_algorithm: str, dry_run: bool = False
    ) -> bytes:
        if digest_algorithm != self._digest:
            raise SigningError(f"the seal signs with {self._digest}, not {digest_algorithm}")
        if dry_run:  # pyHanko sizes the placeholder: the longest signature this key makes
            return self._longest_signature()
        signature = self._seal.sign(data)
        return ecdsa_raw_to_der(signature) if self._seal.algorithm.startswith("ES") else signature

    def _longest_signature(self) -> bytes:
        key = self.signing_cert.public_key
        if self._seal.algorithm.startswith("ES"):
            largest = 2 ** (8 * ((key.bit_size + 7) // 8)) - 1
            return encode_dss_signature(largest, largest)
        return bytes((key.bit_size + 7) // 8)

    @property
    def signing_cert(self) -> asn1_x509.Certificate:
        certificate = super().signing_cert
        assert certificate is not None
        return certificate


async def _validate(
    data: bytes, signature: EmbeddedPdfSignature, roots: list[asn1_x509.Certificate]
) -> PdfSeal:
    context = ValidationContext(trust_roots=roots, allow_fetching=False)
    timestamp_context = ValidationContext(trust_roots=roots, allow_fetching=False)
    status = await async_validate_pdf_signature(
        signature, signer_validation_context=context, ts_validation_context=timestamp_context
    )
    stamp = status.timestamp_validity
    certificate = status.signing_cert
    seal = KnownSigner(certificate, _path(status.validation_path))
    authority = (
        None if stamp is None else KnownSigner(stamp.signing_cert, _path(stamp.validation_path))
    )
    every_byte = accounted_for(cms.ContentInfo.load(signature.pkcs7_content), seal, authority)
    return PdfSeal(
        intact=bool(status.intact and status.valid),
        trusted=bool(status.trusted),
        whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        clean_placeholder=every_byte and _clean_placeholder(data, signature),
        signer_certificate=certificate.dump(),
        timestamp=None if stamp is None else stamp.timestamp,
        timestamp_trusted=stamp is not None
        and bool(stamp.intact and stamp.valid and stamp.trusted),
    )


def _path(path: ValidationPath | None) -> frozenset[bytes] | None:
    """The DER of every certificate of a validated path, root included."""
    if path is None:
        return None
    return frozenset(certificate.dump() for certificate in path.iter_certs(include_root=True))


def _clean_placeholder(data: bytes, signature: EmbeddedPdfSignature) -> bool:
    """Whether the bytes between the two signed ranges are `<HEX>` of the CMS, zeros after.

    These are the only bytes a signature over the whole file cannot cover. A parser reads the
    CMS object from the front and ignores what follows, and a hex digit reads the same in
    either case; so without this check a changed padding byte or a changed letter case would
    pass unnoticed.
    """
    byte_range = signature.sig_object["/ByteRange"]
    start, end = byte_range[0] + byte_range[1], byte_range[2]
    written = data[start:end]
    contents = signature.pkcs7_content
    spellings = (contents.hex().upper(), contents.hex())
    if written not in {f"<{hex_digits}>".encode("ascii") for hex_digits in spellings}:
        return False
    try:
        used = len(cms.ContentInfo.load(contents).dump())
    except ValueError:
        return False
    return not any(contents[used:])


def _embedded_files(reader: PdfFileReader) -> Iterator[tuple[str, bytes]]:
    names = reader.root.get("/Names")
    if names is None or "/EmbeddedFiles" not in names:
        return
    yield from _name_tree(names["/EmbeddedFiles"])


def _name_tree(node: Any) -> Iterator[tuple[str, bytes]]:
    for kid in node.get("/Kids", ()):
        yield from _name_tree(_resolved(kid))
    pairs = [_resolved(item) for item in node.get("/Names", ())]
    for name, file_spec in zip(pairs[::2], pairs[1::2], strict=True):
        stream = _resolved(_resolved(file_spec["/EF"])["/F"])
        if isinstance(stream, generic.StreamObject):
            yield str(name), stream.data


def _resolved(item: Any) -> Any:
    if isinstance(item, generic.IndirectObject):
        return item.get_object()  # type: ignore[no-untyped-call]
    return item
