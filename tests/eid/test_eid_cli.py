"""`formkit sign` end to end on a SoftHSM2 card, through a parser like the `formkit` command's."""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest

from formkit.eid import add_sign_command, verify_signed_digest
from formkit.eid._testcard import TestCard
from formkit.eid._testpki import TEST_CITIZEN

DIGEST = hashlib.sha384(b"evenement EVT-2026-000042").digest()


@pytest.fixture
def pin_in_environment(ec_card: TestCard, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORMKIT_PKCS11_PIN", ec_card.pin)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="formkit")
    add_sign_command(parser.add_subparsers(required=True))
    arguments = parser.parse_args(["sign", *args])
    status: int = arguments.command(arguments)
    out, err = capsys.readouterr()
    return status, out, err


def card_options(card: TestCard) -> list[str]:
    return ["--pkcs11-module", card.module, "--token-label", card.token_label]


def to_be_signed(tmp_path: Path, digest: bytes = DIGEST, hash_name: str = "SHA-384") -> str:
    path = tmp_path / "to-be-signed.json"
    document = {"digest": base64.b64encode(digest).decode(), "hash": hash_name}
    path.write_text(json.dumps(document), encoding="utf-8")
    return str(path)


def verifies(card: TestCard, output: dict[str, Any]) -> bool:
    identity = verify_signed_digest(
        base64.b64decode(output["digest"]),
        output["hash"],
        base64.b64decode(output["signature"]),
        base64.b64decode(output["certificate"]),
        trust_roots=[base64.b64decode(output["chain"][-1])],
        intermediates=[base64.b64decode(output["chain"][0])],
        at=card.pki.now,
        crls=card.pki.crls(),
        revocation_required=True,
    )
    return identity.national_number == TEST_CITIZEN.national_number


@pytest.mark.usefixtures("pin_in_environment")
def test_sign_reads_a_digest_file_and_prints_a_signature_that_verifies(
    ec_card: TestCard, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, out, err = run(capsys, *card_options(ec_card), to_be_signed(tmp_path))
    assert (status, err) == (0, "")
    output = json.loads(out)
    assert output["hash"] == "SHA-384"
    assert base64.b64decode(output["digest"]) == DIGEST
    assert verifies(ec_card, output)


@pytest.mark.usefixtures("pin_in_environment")
def test_sign_takes_a_hex_digest_and_tells_the_hash_by_its_length(
    ec_card: TestCard, capsys: pytest.CaptureFixture[str]
) -> None:
    digest = hashlib.sha256(b"x").digest()
    status, out, _ = run(capsys, *card_options(ec_card), digest.hex())
    assert status == 0
    assert json.loads(out)["hash"] == "SHA-256"


@pytest.mark.usefixtures("pin_in_environment")
def test_sign_reads_the_digest_document_from_stdin(
    ec_card: TestCard,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    document = Path(to_be_signed(tmp_path)).read_text(encoding="utf-8")
    monkeypatch.setattr("sys.stdin", io.StringIO(document))
    status, out, _ = run(capsys, *card_options(ec_card), "-")
    assert status == 0
    assert verifies(ec_card, json.loads(out))


def test_sign_asks_for_the_pin_when_the_environment_has_none(
    ec_card: TestCard,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.delenv("FORMKIT_PKCS11_PIN", raising=False)
    prompts: list[str] = []

    def type_the_pin(prompt: str) -> str:
        prompts.append(prompt)
        return ec_card.pin

    monkeypatch.setattr("getpass.getpass", type_the_pin)
    status, _, _ = run(capsys, *card_options(ec_card), to_be_signed(tmp_path))
    assert (status, prompts) == (0, ["PIN: "])


def test_sign_without_a_pin_to_read_is_a_usage_error(
    ec_card: TestCard,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.delenv("FORMKIT_PKCS11_PIN", raising=False)

    def no_terminal(prompt: str) -> str:
        raise EOFError

    monkeypatch.setattr("getpass.getpass", no_terminal)
    status, _, err = run(capsys, *card_options(ec_card), to_be_signed(tmp_path))
    assert status == 2
    assert "no PIN" in err


def test_sign_with_a_wrong_pin_fails_with_status_1(
    ec_card: TestCard,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("FORMKIT_PKCS11_PIN", "0000")
    status, out, err = run(capsys, *card_options(ec_card), to_be_signed(tmp_path))
    assert (status, out, err) == (1, "", "formkit sign: wrong PIN\n")


@pytest.mark.usefixtures("pin_in_environment")
def test_sign_with_the_wrong_token_fails_with_status_1(
    ec_card: TestCard, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    args = ["--pkcs11-module", ec_card.module, "--token-label", "NOPE", to_be_signed(tmp_path)]
    status, _, err = run(capsys, *args)
    assert status == 1
    assert "no token labelled 'NOPE'" in err


@pytest.mark.usefixtures("pin_in_environment")
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "invalid JSON (line 1, column 2)"),
        ('{"digest": "AAAA"}', 'expected {"digest": base64, "hash": name}'),
        ('{"digest": "not base64!", "hash": "SHA-384"}', "the digest is not base64"),
        ('{"digest": 42, "hash": "SHA-384"}', "the digest is not base64"),
        ('{"digest": "AAAA", "hash": ["SHA-384"]}', "unknown hash ['SHA-384']"),
        ('{"digest": "AAAA", "hash": "SHA-384"}', "a SHA-384 digest has 48 bytes, not 3"),
        ('{"digest": "AAAA", "hash": "SHA-1"}', "unknown hash 'SHA-1'"),
        ("[]", 'expected {"digest": base64, "hash": name}'),
        ("[" * 100_000, "invalid JSON: nested deeper than 64 levels"),
        (
            '{"digest": "AAAA", "hash": "SHA-384", "hash": "SHA-256"}',
            "the key 'hash' appears twice",
        ),
    ],
)
def test_sign_refuses_an_unreadable_digest_document_with_status_2(
    ec_card: TestCard,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    content: str,
    message: str,
) -> None:
    path = tmp_path / "broken.json"
    path.write_text(content, encoding="utf-8")
    status, out, err = run(capsys, *card_options(ec_card), str(path))
    assert (status, out) == (2, "")
    assert message in err


@pytest.mark.usefixtures("pin_in_environment")
@pytest.mark.parametrize("argument", ["abcd", "no-such-file.json", "zz" * 48])
def test_sign_refuses_what_is_neither_a_file_nor_a_digest_with_status_2(
    ec_card: TestCard, capsys: pytest.CaptureFixture[str], argument: str
) -> None:
    status, _, err = run(capsys, *card_options(ec_card), argument)
    assert status == 2
    assert "neither a file nor a hex SHA-2 digest" in err


def test_sign_without_a_token_label_is_a_usage_error(
    ec_card: TestCard, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        run(capsys, "--pkcs11-module", ec_card.module, DIGEST.hex())
    assert exited.value.code == 2


def test_the_module_defaults_to_the_environment(
    ec_card: TestCard,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    monkeypatch.setenv("FORMKIT_PKCS11_MODULE", ec_card.module)
    monkeypatch.setenv("FORMKIT_PKCS11_PIN", ec_card.pin)
    status, _, _ = run(capsys, "--token-label", ec_card.token_label, to_be_signed(tmp_path))
    assert status == 0
