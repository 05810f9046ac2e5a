"""Account for every byte of a CMS signature, not only for the bytes its signature covers.

A CMS SignedData signs only its signed attributes. The rest of the structure (its version
numbers, the list of digest algorithms, the signer's issuer-and-serial, the certificates
carried along, an algorithm's parameters) is outside the signature, and validators,
pyHanko's included, read it leniently: a changed byte there changes the file and still
validates. A receipt must not allow that, so `accounted_for` rebuilds the SignedData from what
is either signed or verified (the signed attributes, the signature, the signer certificate,
the certificates of the validated path, a verified timestamp token) plus the values RFC 5652
fixes, and accepts only when the rebuilt DER is the DER found, byte for byte.

Accepted shapes: one SignerInfo, identified by issuer and serial (version 1) or by subject
key identifier (version 3); algorithm identifiers without parameters or with NULL; detached
`data` content (the seal) or encapsulated `tst_info` (a timestamp token); no CRLs; no unsigned
attributes but, where asked for, one signature timestamp token (PAdES B-T), itself accounted
for in the same way.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import TypeVar

from asn1crypto import algos, cms, core, x509

Algorithm = TypeVar("Algorithm", algos.DigestAlgorithm, algos.SignedDigestAlgorithm)


@dataclass(frozen=True, slots=True)
class KnownSigner:
    """Who signed a SignedData, as validation established it.

    `path` holds the DER of every certificate of the validated path (root included); None
    when no path was validated, and then any certificate may come along (the verdict fails on
    trust anyway).
    """

    certificate: x509.Certificate
    path: Collection[bytes] | None


def accounted_for(
    info: cms.ContentInfo, signer: KnownSigner, timestamp: KnownSigner | None = None
) -> bool:
    """Whether every byte of `info` is signed, verified, or fixed by the standard.

    `timestamp` is the TSA of a signature timestamp token in the unsigned attributes; without
    it no unsigned attribute is accepted.
    """
    try:
        return bool(info.dump() == _rebuilt(info, signer, timestamp).dump())
    except (ValueError, KeyError, TypeError, IndexError):
        return False


def _rebuilt(
    info: cms.ContentInfo, signer: KnownSigner, timestamp: KnownSigner | None
) -> cms.ContentInfo:
    if info["content_type"].native != "signed_data":
        raise ValueError("not SignedData")
    signed_data = info["content"]
    if len(signed_data["signer_infos"]) != 1 or _present(signed_data["crls"]):
        raise ValueError("one SignerInfo and no CRLs")
    signer_info = _signer_info(signed_data["signer_infos"][0], signer, timestamp)
    content = _encapsulated(signed_data["encap_content_info"])
    simple = content["content_type"] == "data" and signer_info["version"].native == "v1"
    rebuilt = {
        "version": "v1" if simple else "v3",
        "digest_algorithms": [signer_info["digest_algorithm"]],
        "encap_content_info": content,
        "signer_infos": [signer_info],
    }
    if _present(signed_data["certificates"]):
        rebuilt["certificates"] = _certificates(signed_data["certificates"], signer)
    return cms.ContentInfo({"content_type": "signed_data", "content": cms.SignedData(rebuilt)})


def _signer_info(
    found: cms.SignerInfo, signer: KnownSigner, timestamp: KnownSigner | None
) -> cms.SignerInfo:
    certificate = signer.certificate
    if found["sid"].name == "issuer_and_serial_number":
        version = "v1"
        issuer_and_serial = {
            "issuer": certificate.issuer,
            "serial_number": certificate.serial_number,
        }
        sid = cms.SignerIdentifier({"issuer_and_serial_number": issuer_and_serial})
    else:
        version = "v3"
        sid = cms.SignerIdentifier({"subject_key_identifier": certificate.key_identifier})
    rebuilt = cms.SignerInfo(
        {
            "version": version,
            "sid": sid,
            "digest_algorithm": _algorithm(found["digest_algorithm"], algos.DigestAlgorithm),
            "signed_attrs": found["signed_attrs"],  # covered by the signature
            "signature_algorithm": _algorithm(
                found["signature_algorithm"], algos.SignedDigestAlgorithm
            ),
            "signature": found["signature"],  # verified
        }
    )
    if _present(found["unsigned_attrs"]):
        rebuilt["unsigned_attrs"] = _timestamp_attribute(found["unsigned_attrs"], timestamp)
    return rebuilt


def _timestamp_attribute(
    attributes: cms.CMSAttributes, timestamp: KnownSigner | None
) -> cms.CMSAttributes:
    if timestamp is None or len(attributes) != 1:
        raise ValueError("only a signature timestamp may be unsigned")
    attribute = attributes[0]
    values = attribute["values"]
    if attribute["type"].native != "signature_time_stamp_token" or len(values) != 1:
        raise ValueError("only a signature timestamp may be unsigned")
    if not accounted_for(values[0], timestamp):
        raise ValueError("the timestamp token holds bytes nobody vouches for")
    return attributes


def _encapsulated(found: cms.ContentInfo) -> dict[str, object]:
    kind = found["content_type"].native
    if kind == "data" and not _present(found["content"]):
        return {"content_type": "data"}  # detached: the content is the PDF's signed ranges
    if kind == "tst_info":  # the TSTInfo is covered by the message digest it is signed with
        return {"content_type": "tst_info", "content": found["content"]}
    raise ValueError(f"unexpected content {kind}")


def _certificates(found: cms.CertificateSet, signer: KnownSigner) -> list[cms.CertificateChoices]:
    allowed = signer.path
    certificates = []
    for choice in found:
        if choice.name != "certificate":
            raise ValueError("only X.509 certificates may come along")
        if allowed is not None and choice.chosen.dump() not in allowed:
            raise ValueError("a certificate that is not on the validated path")
        certificates.append(choice)
    return certificates


def _algorithm(found: Algorithm, kind: type[Algorithm]) -> Algorithm:
    """`found`, when it is spelled as RFC 5754 and RFC 8017 allow: no parameters, or NULL."""
    name = found["algorithm"].dotted
    spellings = (kind({"algorithm": name}), kind({"algorithm": name, "parameters": core.Null()}))
    if found.dump() not in {spelling.dump() for spelling in spellings}:
        raise ValueError("algorithm parameters formkit does not expect")
    return found


def _present(value: object) -> bool:
    return not isinstance(value, core.Void) and value is not None
