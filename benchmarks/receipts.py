"""What a receipt costs to issue and to verify, next to the bare signatures inside it.

Prints the median and 95th percentile in ms per call of:

- issuing a JSON receipt: the body (canonical answers hashed), the inclusion proof from the
  log, assembling, and the JWS sealed by the city (the tree head is sealed once per batch:
  its own row);
- a PDF receipt: laid out (fpdf2, tagged, fonts embedded), its structure tree written
  (pikepdf), then sealed with PAdES B-B (pyHanko); once without answers, once with a name
  beyond Western European letters, once printing the answers of the full evenement example
  (`tests/data/evenement/valid-full.json`, four pages);
- verifying each, offline, as `formkit verify` does (seal, chain, tree head, inclusion);
- baselines: one bare ECDSA P-384 signature and verification, the floor under each row.

The seal is a development seal (a P-384 key in memory) made in a temporary folder; an HSM
adds its own signing time to each sealing row. Compare rows within one run; absolute numbers
on a shared machine move between runs.

    python benchmarks/receipts.py [--iterations 200] [--pdf-iterations 40] [--log-size 10000]
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import json
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from importlib.metadata import version
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

from formkit import load_form
from formkit.filing._filing import Attachment
from formkit.receipts import (
    Issuer,
    Receipt,
    ReceiptBody,
    SignedTreeHead,
    assemble_receipt,
    development_root,
    development_seal,
    issue_jws,
    issue_pdf,
    receipt_body,
    sign_tree_head,
    verification_url,
    verify_receipt,
)
from formkit.receipts._merkle import InclusionProof, MerkleTree, TreeHead
from formkit.render import StepAnswers, prune, summarise

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[1]
ISSUER = Issuer("Stad Mechelen", "https://loket.mechelen.be")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=200, help="timed calls, fast rows")
    parser.add_argument("--pdf-iterations", type=int, default=40, help="timed calls, PDF rows")
    parser.add_argument("--log-size", type=int, default=10_000, help="filings in the log")
    options = parser.parse_args()
    fast, slow = options.iterations, options.pdf_iterations

    print(f"Python {platform.python_version()}, {platform.machine()}; ", end="")
    packages = ("cryptography", "joserfc", "fpdf2", "pikepdf", "pyhanko", "pyhanko-certvalidator")
    print(", ".join(f"{name} {version(name)}" for name in packages))
    with tempfile.TemporaryDirectory() as folder:
        seal = development_seal(Path(folder))
        root = x509.load_pem_x509_certificate(development_root(Path(folder)).read_bytes())
        rows = measure(seal, root, options.log_size, fast, slow)
    print(f"a log of {options.log_size} filings; ms per call\n")
    header = f"{'':<44}{'median':>9}{'p95':>9}{'calls':>7}"
    print(header)
    print("-" * len(header))
    for name, (timings, calls) in rows.items():
        median, p95 = statistics.median(timings), _percentile(timings, 95)
        print(f"{name:<44}{median:>9.2f}{p95:>9.2f}{calls:>7}")
    return 0


def measure(
    seal: Any, root: x509.Certificate, log_size: int, fast: int, slow: int
) -> dict[str, tuple[list[float], int]]:
    answers = _answers()
    bodies = [_body(number, answers) for number in range(log_size)]
    tree = MerkleTree(body.leaf_hash() for body in bodies)
    head = sign_tree_head(TreeHead(tree.size, tree.root_hash(), 1_795_000_000_000), seal)
    receipt = _receipt(bodies, tree, head, log_size // 2)
    token = issue_jws(receipt.to_dict(), seal)
    pdf = issue_pdf(receipt, seal, jws=token)
    named = replace(receipt.body, form_title="Feest van Łukasz Wałęsa")
    unicode_receipt = Receipt(named, receipt.proof, receipt.tree_head)
    numbers = iter(range(log_size, log_size + 10 * fast))
    steps = _full_answers()

    def issue_json() -> None:
        index = next(numbers) % log_size
        body = _body(index, answers)
        issue_jws(_receipt(bodies, tree, head, index, body).to_dict(), seal)

    key = ec.generate_private_key(ec.SECP384R1())
    signature = key.sign(b"x" * 2000, ec.ECDSA(hashes.SHA384()))
    public = key.public_key()
    return {
        "baseline: ECDSA P-384 sign (2 kB)": (
            _time(lambda: key.sign(b"x" * 2000, ec.ECDSA(hashes.SHA384())), fast),
            fast,
        ),
        "baseline: ECDSA P-384 verify (2 kB)": (
            _time(lambda: public.verify(signature, b"x" * 2000, ec.ECDSA(hashes.SHA384())), fast),
            fast,
        ),
        "seal a tree head (once per batch)": (
            _time(lambda: sign_tree_head(head.head, seal), fast),
            fast,
        ),
        "issue a JSON receipt (JWS)": (_time(issue_json, fast), fast),
        "issue a PDF receipt (layout + PAdES B-B)": (
            _time(lambda: issue_pdf(receipt, seal, jws=token), slow),
            slow,
        ),
        "  idem, with an embedded Unicode font": (
            _time(lambda: issue_pdf(unicode_receipt, seal, jws=token), slow),
            slow,
        ),
        "  idem, printing the answers (4 pages)": (
            _time(lambda: issue_pdf(receipt, seal, jws=token, answers=steps), slow),
            slow,
        ),
        "verify a JSON receipt": (
            _time(lambda: _check(verify_receipt(token.encode(), trust_roots=[root])), fast),
            fast,
        ),
        "verify a PDF receipt": (
            _time(lambda: _check(verify_receipt(pdf, trust_roots=[root])), slow),
            slow,
        ),
        "  of which: the tree head's signature": (
            _time(lambda: head.holds(seal.certificate), fast),
            fast,
        ),
    }


def _answers() -> dict[str, Any]:
    return {
        "organisator": {"naam": "Anna Peeters", "telefoon": "+32470123456"},
        "evenement": {"naam": "Buurtfeest", "datum": "2027-05-01", "bezoekers": 250},
        "bijlagen": [{"bestand": "sha256:" + "ab" * 32, "naam": f"plan-{n}.pdf"} for n in range(3)],
    }


def _full_answers() -> tuple[StepAnswers, ...]:
    """The full evenement example, summarised as the receipt prints it."""
    form = load_form(ROOT / "schemas" / "evenement.json")
    example = ROOT / "tests" / "data" / "evenement" / "valid-full.json"
    answers = prune(form, json.loads(example.read_text(encoding="utf-8")))
    return summarise(form, answers, lambda _: "", {}, masked=True)


def _body(number: int, answers: dict[str, Any]) -> ReceiptBody:
    attachments = tuple(
        Attachment(
            f"/bijlagen/{n}",
            hashlib.sha256(bytes([n])).hexdigest(),
            123_456,
            "application/pdf",
            f"plan-{n}.pdf",
        )
        for n in range(3)
    )
    return receipt_body(
        number=f"EVT-2026-{number:06d}",
        form_id="evenement",
        form_title="Evenement aanvragen",
        version="sha256:" + "cd" * 32,
        filed_at=NOW + timedelta(seconds=number),
        answers=answers,
        attachments=attachments,
        issuer=ISSUER,
        verify_url=verification_url(ISSUER.url, f"{number:022d}"),  # the same body every time
    )


def _receipt(
    bodies: list[ReceiptBody],
    tree: MerkleTree,
    head: SignedTreeHead,
    index: int,
    body: ReceiptBody | None = None,
) -> Receipt:
    proof = InclusionProof(index, tree.size, tuple(tree.inclusion_proof(index)))
    return assemble_receipt(body or bodies[index], proof, head)


def _check(report: Any) -> None:
    if not report.ok:
        raise SystemExit(f"verification failed: {report.failures}")


def _time(call: Callable[[], object], iterations: int) -> list[float]:
    for _ in range(min(10, iterations)):
        call()
    gc.collect()
    timings = []
    for _ in range(iterations):
        start = time.perf_counter()
        call()
        timings.append((time.perf_counter() - start) * 1000)
    return timings


def _percentile(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(percent / 100 * (len(ordered) - 1)))]


if __name__ == "__main__":
    raise SystemExit(main())
