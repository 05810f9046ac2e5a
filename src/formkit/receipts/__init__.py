"""Receipts anyone can verify: the city's seal, the receipt as JWS and as sealed PDF, the check.

Issuing, for the filings of one batch (`tree` is the log's MerkleTree):

    seal = load_seal(os.environ, data_dir)           # at start-up
    body = receipt_body(number=..., form_id=..., form_title=..., version=..., filed_at=...,
                        answers=..., attachments=..., issuer=Issuer(name, url), signer=...)
    index = tree.append(body.leaf_hash())            # the body is the log's leaf
    head = sign_tree_head(TreeHead(tree.size, tree.root_hash(), now_ms), seal)  # per batch
    proof = InclusionProof(index, tree.size, tuple(tree.inclusion_proof(index)))
    receipt = assemble_receipt(body, proof, head)
    token = issue_jws(receipt.to_dict(), seal)       # small, at once; keep it
    pdf = issue_pdf(receipt, seal, jws=token)        # from the outbox

Decision letters (`_letter`, `_letter_pdf`): `letter_body(...)` is a leaf of the same log,
`assemble_letter(body, proof, head)` the full letter, `issue_letter_pdf_async(letter, seal,
LetterTemplate.read(folder))` the sealed PDF from the city's template; `verify_receipt` and
`formkit verify` check a letter as they check a receipt (`Report.letter`).

Checking: `verify_receipt(data, trust_roots=..., eid_trust_roots=..., files_dir=...)`
(`verify_receipt_async` in a web handler), or `formkit verify` (`add_verify_command`).

Exceptions (both `formkit.FormkitError`):

    ReceiptError    a receipt that cannot be made or read
    SealError       the seal cannot be loaded or cannot sign
"""

from formkit.receipts._cli import add_verify_command
from formkit.receipts._document import (
    RECEIPT_TYPE,
    RECEIPT_TYPE_V1,
    VERIFICATION_CODE,
    Issuer,
    Receipt,
    ReceiptAttachment,
    ReceiptBody,
    assemble_receipt,
    filing_digest,
    receipt_body,
    verification_code,
    verification_code_of,
    verification_url,
)
from formkit.receipts._issue import issue_pdf, issue_pdf_async
from formkit.receipts._jws import JWS_TYPE, ParsedJws, issue_jws, parse_jws, read_jws
from formkit.receipts._keys import (
    development_root,
    development_seal,
    is_development_seal,
    load_seal,
    pkcs12_seal,
    read_pkcs12_seal,
)
from formkit.receipts._layout import ReceiptLayout, read_layout
from formkit.receipts._letter import (
    LETTER_TYPE,
    Addressee,
    AdviceGiven,
    DecisionLetter,
    DecisionOutcome,
    HandlingDepartment,
    LetterBody,
    Named,
    assemble_letter,
    is_letter,
    letter_body,
)
from formkit.receipts._letter_pdf import (
    LETTER_JSON,
    LETTER_JWS,
    LetterTemplate,
    issue_letter_pdf_async,
    render_letter_pdf,
)
from formkit.receipts._members import ReceiptError
from formkit.receipts._pades import http_timestamper, seal_pdf, seal_pdf_async
from formkit.receipts._pdf import EMBEDDED_JSON, EMBEDDED_JWS, render_receipt_pdf
from formkit.receipts._report import Check, Report
from formkit.receipts._seal import Pkcs11Seal, Seal, SealError, SoftwareSeal, signature_holds
from formkit.receipts._signers import (
    EVIDENCE_TYPE,
    Authentication,
    CitizenSignature,
    SignatureEvidence,
    Signer,
    read_evidence,
)
from formkit.receipts._treehead import SignedTreeHead, sign_tree_head, verify_tree_head
from formkit.receipts._verify import verify_receipt, verify_receipt_async

__all__ = [
    "EMBEDDED_JSON",
    "EMBEDDED_JWS",
    "EVIDENCE_TYPE",
    "JWS_TYPE",
    "LETTER_JSON",
    "LETTER_JWS",
    "LETTER_TYPE",
    "RECEIPT_TYPE",
    "RECEIPT_TYPE_V1",
    "VERIFICATION_CODE",
    "Addressee",
    "AdviceGiven",
    "Authentication",
    "Check",
    "CitizenSignature",
    "DecisionLetter",
    "DecisionOutcome",
    "HandlingDepartment",
    "Issuer",
    "LetterBody",
    "LetterTemplate",
    "Named",
    "ParsedJws",
    "Pkcs11Seal",
    "Receipt",
    "ReceiptAttachment",
    "ReceiptBody",
    "ReceiptError",
    "ReceiptLayout",
    "Report",
    "Seal",
    "SealError",
    "SignatureEvidence",
    "SignedTreeHead",
    "Signer",
    "SoftwareSeal",
    "add_verify_command",
    "assemble_letter",
    "assemble_receipt",
    "development_root",
    "development_seal",
    "filing_digest",
    "http_timestamper",
    "is_development_seal",
    "is_letter",
    "issue_jws",
    "issue_letter_pdf_async",
    "issue_pdf",
    "issue_pdf_async",
    "letter_body",
    "load_seal",
    "parse_jws",
    "pkcs12_seal",
    "read_evidence",
    "read_jws",
    "read_layout",
    "read_pkcs12_seal",
    "receipt_body",
    "render_letter_pdf",
    "render_receipt_pdf",
    "seal_pdf",
    "seal_pdf_async",
    "sign_tree_head",
    "signature_holds",
    "verification_code",
    "verification_code_of",
    "verification_url",
    "verify_receipt",
    "verify_receipt_async",
    "verify_tree_head",
]
