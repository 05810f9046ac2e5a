"""`formkit verify`: check a receipt or decision letter offline and say in Dutch what holds.

    formkit verify RECEIPT [--trust ROOT.pem ...] [--trust-eid ROOT.pem ...]
                           [--evidence EVIDENCE.json] [--files DIR] [--answers ANSWERS.json]
                           [--json]

RECEIPT is the JWS receipt (text), the sealed PDF receipt or the sealed PDF decision letter
(beslissing). `--trust` names the city's seal
root certificate (PEM or DER; also a timestamp authority's root), `--trust-eid` the roots of
the eID certificates, `--evidence` the signature evidence of a receipt signed with the eID
(the download beside the receipt: without it, the receipt names the signature only by its
hashes, and the city's seal vouches for it), `--files` a folder holding the attachments
(found by name or by content), `--answers` the answers as JSON. Each check is printed with
✓ or ✗; `--json` prints them as JSON instead. Exit status: 0 everything holds, 1 something does not,
2 the command was used wrongly or a file cannot be read.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from cryptography import x509

from formkit.forms._dutch import moment_text
from formkit.receipts._document import ReceiptBody
from formkit.receipts._report import Report
from formkit.receipts._verify import verify_receipt

OK, FAILED, USAGE = 0, 1, 2


class _UsageError(Exception):
    """A file named on the command line cannot be used: exit status 2."""


def add_verify_command(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `verify` to the `formkit` command's subcommands; its handler is `verify_command`."""
    verify = subparsers.add_parser(
        "verify",
        help="verify a receipt (JWS or PDF) or a decision letter (PDF) offline",
        description=__doc__.split("\n\n")[0],
    )
    verify.add_argument(
        "receipt", metavar="RECEIPT", help="the receipt (JWS text or PDF) or decision letter (PDF)"
    )
    verify.add_argument(
        "--trust",
        action="append",
        default=[],
        metavar="ROOT.pem",
        help="a root certificate of the city's seal (repeatable)",
    )
    verify.add_argument(
        "--trust-eid",
        action="append",
        default=[],
        metavar="ROOT.pem",
        help="a root certificate of the eID cards (repeatable)",
    )
    verify.add_argument(
        "--evidence",
        metavar="EVIDENCE.json",
        help="the signature evidence of a receipt signed with the eID",
    )
    verify.add_argument("--files", metavar="DIR", help="a folder with the attachments")
    verify.add_argument("--answers", metavar="ANSWERS.json", help="the answers as JSON")
    verify.add_argument("--json", action="store_true", help="print the checks as JSON")
    verify.set_defaults(command=verify_command)


def verify_command(arguments: argparse.Namespace) -> int:
    """Run `formkit verify` with parsed `arguments`; returns the exit status."""
    try:
        data = _read(arguments.receipt)
        trust = [c for path in arguments.trust for c in _certificates(path)]
        trust_eid = [c for path in arguments.trust_eid for c in _certificates(path)]
        answers = None if arguments.answers is None else _read(arguments.answers)
        evidence = None if arguments.evidence is None else _read(arguments.evidence)
        files = None if arguments.files is None else _folder(arguments.files)
    except _UsageError as error:
        print(f"formkit verify: {error}", file=sys.stderr)
        return USAGE
    # pyHanko logs what it trips over in a damaged PDF, with tracebacks; the report says it
    # in plain words, so its log stays quiet here.
    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    report = verify_receipt(
        data,
        trust_roots=trust,
        eid_trust_roots=trust_eid,
        files_dir=files,
        answers=answers,
        evidence=evidence,
    )
    print(_json(report) if arguments.json else _text(report))
    return OK if report.ok else FAILED


def _text(report: Report) -> str:
    lines = []
    if report.receipt is not None:
        body = report.receipt.body
        lines.append(
            f"Ontvangstbewijs {body.number}: {body.form_title}, "
            f"ingediend op {moment_text(body.filed_at)} bij {body.issuer.name}"
        )
        lines.append(f"Bewijs van indiening: {_proof_of_filing(body)}")
    if report.letter is not None:
        decided = report.letter.body
        lines.append(
            f"Beslissing over dossier {decided.number} ({decided.form_title}): "
            f"{decided.outcome.title}, beslist op {moment_text(decided.decided_at)} door "
            f"{decided.decided_by.title} ({decided.issuer.name})"
        )
    lines += [f"{'✓' if check.ok else '✗'} {check.message}" for check in report.checks]
    failed = len(report.failures)
    if report.ok:
        lines.append("Alles klopt.")
    else:
        verb = "faalt" if failed == 1 else "falen"
        lines.append(f"Niet alles klopt: {failed} van de {len(report.checks)} controles {verb}.")
    return "\n".join(lines)


def _proof_of_filing(body: ReceiptBody) -> str:
    """Which of the two proves that this citizen filed: the card's signature, or a login."""
    if body.signer is not None:
        return f"de eID-handtekening van {body.signer.name}"
    login = body.authentication
    if login is not None:
        return (
            f"de aanmelding van {login.name} via {login.provider_name} "
            f"(betrouwbaarheidsniveau {login.assurance})"
        )
    return "geen: niet ondertekend, en niet ingediend na aanmelding"


def _json(report: Report) -> str:
    checks = [
        {
            "id": c.id,
            "ok": c.ok,
            "message": c.message,
            **({"subject": c.subject} if c.subject else {}),
        }
        for c in report.checks
    ]
    read = report.receipt or report.letter
    number = None if read is None else read.body.number
    what = "receipt" if report.receipt else "decision" if report.letter else None
    document = {
        "ok": report.ok,
        "kind": report.kind,
        "document": what,
        "number": number,
        "filed_by": None if report.receipt is None else _filed_by(report.receipt.body),
        "checks": checks,
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def _filed_by(body: ReceiptBody) -> str | None:
    """`signature`, `authentication` or None: what proves the filing, for programs."""
    if body.signer is not None:
        return "signature"
    return None if body.authentication is None else "authentication"


def _read(name: str) -> bytes:
    try:
        return Path(name).read_bytes()
    except OSError as error:
        raise _UsageError(f"{name}: {error.strerror}") from None


def _certificates(name: str) -> list[x509.Certificate]:
    data = _read(name)
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except ValueError:
        raise _UsageError(f"{name}: no certificate (PEM or DER)") from None


def _folder(name: str) -> Path:
    folder = Path(name)
    if not folder.is_dir():
        raise _UsageError(f"{name}: no such folder")
    return folder
