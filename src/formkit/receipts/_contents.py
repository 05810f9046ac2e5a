"""The checks of what a receipt says, once its seal is known: log, citizen, answers, files.

Each function returns `Check`s in plain Dutch (ids: tree-head, inclusion, citizen-signature,
evidence, authentication, answers, attachment) and never raises on what the receipt or the
citizen's files contain.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

from formkit.eid import SignatureRefused, verify_signed_digest_async
from formkit.filing._filing import canonical
from formkit.forms import _strict_json
from formkit.forms._dutch import moment_text
from formkit.receipts._document import Receipt, ReceiptBody, filing_digest
from formkit.receipts._letter import DecisionLetter
from formkit.receipts._members import ReceiptError
from formkit.receipts._report import Check, fails, holds
from formkit.receipts._signers import Authentication, CitizenSignature, Signer, read_evidence

_CITIZEN_REFUSALS = {
    "malformed": "de handtekening of het certificaat is onleesbaar",
    "bad-signature": "de handtekening hoort niet bij deze gegevens of dit certificaat",
    "wrong-key": "ze is niet gezet met de handtekeningsleutel van de eID",
    "expired": "het certificaat was niet geldig op het moment van indienen",
    "revoked": "het certificaat is ingetrokken",
    "untrusted": "het certificaat leidt niet naar een vertrouwd eID-basiscertificaat",
    "revocation-unknown": "de intrekkingsgegevens ontbreken",
}


def log_checks(
    document: Receipt | DecisionLetter,
    seal_certificate: bytes,
    *,
    named: str = "het ontvangstbewijs",
    what: str = "het dossier",
) -> list[Check]:
    """The tree head is the seal's, and the body is the leaf the proof leads to under it.

    The messages name the document (`named`) and what is in the log (`what`): a receipt's
    dossier, or a decision."""
    head, proof = document.tree_head.head, document.proof
    sealed_at = moment_text(datetime.fromtimestamp(head.timestamp_ms / 1000, tz=UTC))
    count = "1 document" if head.tree_size == 1 else f"{head.tree_size} documenten"
    if document.tree_head.holds(seal_certificate):
        tree_head = holds(
            "tree-head",
            f"De stand van het openbare register ({count} op {sealed_at}) "
            "is met hetzelfde zegel ondertekend.",
        )
    else:
        tree_head = fails(
            "tree-head",
            f"De stand van het openbare register in {named} is niet met hetzelfde zegel "
            "ondertekend.",
        )
    if proof.verify(document.body.leaf_hash(), head.root_hash):
        place = f"op plaats {proof.leaf_index + 1} van {proof.tree_size}"
        inclusion = holds(
            "inclusion", f"{what.capitalize()} staat in het openbare register, {place}."
        )
    else:
        inclusion = fails(
            "inclusion", f"Het bewijs dat {what} in het openbare register staat, klopt niet."
        )
    return [tree_head, inclusion]


async def signer_checks(
    body: ReceiptBody, evidence: bytes | None, eid_roots: list[bytes]
) -> list[Check]:
    """What proves the filing: the eID signature (from the receipt or its evidence), a login.

    A v2 receipt names the signature by its hashes; without the evidence, what holds is the
    city's word under its seal that it checked the signature when the citizen filed.
    """
    if body.signer is None:
        checks = [] if body.authentication is None else [_login_check(body.authentication)]
        if evidence is not None:
            message = "Dit ontvangstbewijs vermeldt geen eID-handtekening: er is geen"
            checks.append(fails("evidence", f"{message} handtekeningbewijs bij nodig."))
        return checks
    if body.v1_signature is not None:
        return [await citizen_check(body, body.v1_signature, eid_roots)]
    if evidence is None:
        return [_city_vouches(body.signer)]
    found = _evidence(body, evidence)
    if isinstance(found, Check):
        return [found]
    return [holds("evidence", _EVIDENCE_HOLDS), await citizen_check(body, found, eid_roots)]


_EVIDENCE_HOLDS = "Het handtekeningbewijs hoort bij dit ontvangstbewijs."


def _evidence(body: ReceiptBody, data: bytes) -> CitizenSignature | Check:
    """The signature in the evidence, when it is the one the receipt names."""
    assert body.signer is not None
    try:
        evidence = read_evidence(data)
    except ReceiptError as error:
        return fails("evidence", f"Het handtekeningbewijs is onleesbaar ({error}).")
    if evidence.number != body.number:
        message = f"Het handtekeningbewijs is dat van dossier {evidence.number}, niet van"
        return fails("evidence", f"{message} {body.number}.")
    differs = body.signer.mismatch(evidence.signature)
    if differs is not None:
        return fails(
            "evidence",
            f"Het handtekeningbewijs hoort niet bij dit ontvangstbewijs ({differs} verschilt).",
        )
    return evidence.signature


def _city_vouches(signer: Signer) -> Check:
    who = f"{signer.name} ({signer.national_number_masked})"
    return holds(
        "citizen-signature",
        f"Volgens de stad ondertekende {who} met de eID; de stad ging de handtekening na bij "
        "het indienen. Wie ze zelf wil nagaan, geeft ook het handtekeningbewijs op (bij formkit "
        "verify: --evidence).",
    )


def _login_check(login: Authentication) -> Check:
    who = f"{login.name} ({login.national_number_masked})"
    return holds(
        "authentication",
        f"Ingediend zonder eID-handtekening, door {who}, aangemeld via {login.provider_name} "
        f"op betrouwbaarheidsniveau {login.assurance}, op {moment_text(login.at)}; de stad "
        "bevestigt dat met haar zegel.",
    )


async def citizen_check(
    body: ReceiptBody, signer: CitizenSignature, eid_roots: list[bytes]
) -> Check:
    """The citizen's eID signature over the answers' digest, at the moment of filing."""
    who = f"{signer.name} ({signer.national_number_masked})"
    try:
        identity = await verify_signed_digest_async(
            signer.signed_digest,
            signer.hash,
            signer.signature,
            signer.certificate,
            trust_roots=eid_roots,
            intermediates=signer.chain,
            at=body.filed_at,
            revocation_required=False,  # the city checked revocation when it accepted the filing
        )
    except SignatureRefused as refusal:
        if refusal.code == "untrusted" and not eid_roots:
            return fails(
                "citizen-signature",
                f"De eID-handtekening van {who} kon niet volledig nagegaan worden: geef de "
                "basiscertificaten van de eID op (--trust-eid).",
            )
        reason = _CITIZEN_REFUSALS[refusal.code]
        return fails(
            "citizen-signature", f"De eID-handtekening van {who} is niet geldig: {reason}."
        )
    except Exception:  # the validator tripping over a crafted certificate: not accepted either
        return fails(
            "citizen-signature",
            f"De eID-handtekening van {who} kon niet nagegaan worden: het certificaat is "
            "onleesbaar.",
        )
    named = f"{identity.given_name} {identity.surname}"
    if (named, identity.masked_national_number) != (signer.name, signer.national_number_masked):
        return fails(
            "citizen-signature",
            "De naam of het rijksregisternummer op het ontvangstbewijs is niet die van het "
            "certificaat van de handtekening.",
        )
    return holds(
        "citizen-signature",
        f"De eID-handtekening van {who} is echt, en het certificaat was geldig op het moment "
        "van indienen.",
    )


def answers_check(body: ReceiptBody, answers: bytes) -> Check:
    """These answers (JSON) are the ones on the receipt, and the ones the citizen signed."""
    try:
        document = _strict_json.decode(answers)
        written = canonical(document)
    except (ValueError, TypeError, OverflowError):
        return fails("answers", "De antwoorden zijn geen leesbare JSON.")
    if hashlib.sha256(written).hexdigest() != body.answers_sha256:
        message = "De antwoorden verschillen van wat op het ontvangstbewijs staat."
        if _sent_references(document):
            message += (
                " Geef de antwoorden zoals de stad ze bewaarde, met elke bijlage als"
                " sha256:… (de answers van het dossier), niet zoals ze verstuurd werden."
            )
        return fails("answers", message)
    signer = body.signer
    if signer is None:
        return holds("answers", "De antwoorden komen overeen met het ontvangstbewijs.")
    if filing_digest(body.form, body.version, document, signer.hash) != signer.signed_digest:
        return fails("answers", f"De antwoorden zijn niet wat {signer.name} ondertekende.")
    return holds(
        "answers",
        "De antwoorden komen overeen met het ontvangstbewijs, en "
        f"{signer.name} ondertekende precies deze antwoorden.",
    )


def _sent_references(node: object) -> bool:
    """Whether the answers name a file as it was sent (a part, an upload) and not by content."""
    if isinstance(node, dict):
        reference = node.get("bestand")
        if isinstance(reference, str) and not reference.startswith("sha256:"):
            return True
        return any(_sent_references(value) for value in node.values())
    if isinstance(node, list):
        return any(_sent_references(item) for item in node)
    return False


def attachment_checks(body: ReceiptBody, folder: Path) -> list[Check]:
    """One check per attachment: a file in `folder` has its SHA-256, by name or by content."""
    try:
        files = _hash_folder(folder)
    except OSError:
        return [fails("attachment", f"De map {folder} kan niet gelezen worden.")]
    by_hash: dict[str, str] = {}
    for name, digest in sorted(files.items()):
        by_hash.setdefault(digest, name)
    checks = []
    for attachment in body.attachments:
        name, sha256 = attachment.name, attachment.sha256
        same_bytes = name if files.get(name) == sha256 else by_hash.get(sha256)
        if same_bytes == name:
            checks.append(holds("attachment", f"De bijlage {name} komt overeen.", name))
        elif same_bytes is not None:
            message = f"De bijlage {name} komt overeen met het bestand {same_bytes}."
            checks.append(holds("attachment", message, name))
        elif name in files:
            message = (
                f"Het bestand {name} verschilt van de bijlage op het ontvangstbewijs "
                "(een andere SHA-256)."
            )
            checks.append(fails("attachment", message, name))
        else:
            checks.append(fails("attachment", f"De bijlage {name} ontbreekt in {folder}.", name))
    return checks


def _hash_folder(folder: Path) -> dict[str, str]:
    """The SHA-256 of every file directly in `folder`, by name; names are never joined."""
    digests: dict[str, str] = {}
    for entry in folder.iterdir():
        if entry.is_file():
            with entry.open("rb") as file:
                digests[entry.name] = hashlib.file_digest(file, "sha256").hexdigest()
    return digests
