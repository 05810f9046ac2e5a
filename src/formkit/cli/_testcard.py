"""`formkit test-card`: a TEST eID card on SoftHSM2, certified by this instance's TEST PKI.

    formkit test-card [--data-dir DIR]

For integrators and developers who file a form that needs an eID signature against a
development instance (one without `FORMKIT_EID_TRUST_DIR`, which trusts only the TEST PKI in
its data folder). The card is a SoftHSM2 token laid out like a Belgian eID card, in
`<data dir>/eid-test-card/`; it holds the keys of the TEST citizen whose national number the
answers must name as the applicant. Printed on stdout: the shell lines that point
`formkit sign` at the card. Run again, it prints them again. Exit status: 0 the card is
there, 1 SoftHSM2 is missing or the token cannot be made.
"""

from __future__ import annotations

import argparse
import os
import secrets
import subprocess
import sys
from pathlib import Path

from formkit.cli._ops import OK, PROBLEMS, settings_from
from formkit.eid._testcard import TEST_PIN, SoftHsm, find_softhsm_module
from formkit.eid._testpki import TEST_CITIZEN

FOLDER = "eid-test-card"
CARD_LABEL = "formkit TEST eID"


def add_test_card_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    card = commands.add_parser(
        "test-card", help="make a TEST eID card (SoftHSM2) for this development instance"
    )
    card.add_argument("--data-dir", help="data folder (default submissions/)")
    card.set_defaults(command=_test_card)


def _test_card(arguments: argparse.Namespace) -> int:
    settings = settings_from(arguments)
    if settings.eid_trust_dir is not None:
        print(
            "formkit: FORMKIT_EID_TRUST_DIR is set: this instance trusts real eID cards, "
            "not a TEST card",
            file=sys.stderr,
        )
        return PROBLEMS
    module = find_softhsm_module()
    if module is None:
        print("formkit: SoftHSM2 is not installed: apt-get install softhsm2", file=sys.stderr)
        return PROBLEMS
    folder = settings.data_dir.resolve() / FOLDER
    softhsm = SoftHsm(folder, module)
    if not softhsm.config.exists():
        try:
            _make(folder, module, settings.data_dir)
        except (OSError, subprocess.CalledProcessError) as error:
            print(f"formkit: the TEST card cannot be made: {error}", file=sys.stderr)
            return PROBLEMS
    print(f"export SOFTHSM2_CONF={softhsm.config}")
    print(f"export FORMKIT_PKCS11_MODULE={module}")
    print(f"export FORMKIT_PKCS11_PIN={TEST_PIN}")
    print(
        f"formkit: TEST card '{CARD_LABEL}' of {TEST_CITIZEN.given_names} "
        f"{TEST_CITIZEN.surname}, national number {TEST_CITIZEN.national_number}; sign with "
        f"formkit sign --token-label '{CARD_LABEL}' DIGEST",
        file=sys.stderr,
    )
    return OK


def _make(folder: Path, module: str, data_dir: Path) -> None:
    """Made in a folder of its own and renamed whole: a failed attempt leaves no half card."""
    from formkit.eid._devpki import development_pki
    from formkit.eid._testcard import provision_card

    draft = folder.with_name(f"{folder.name}.{secrets.token_hex(4)}")
    softhsm = SoftHsm.create(draft, module)
    softhsm.init_token(CARD_LABEL)
    # SoftHSM2 reads its configuration when this process first loads it: point it here now.
    os.environ.update(softhsm.environment())
    provision_card(module, CARD_LABEL, development_pki(data_dir))
    softhsm.config.write_text(
        softhsm.config.read_text(encoding="utf-8").replace(str(draft), str(folder)),
        encoding="utf-8",
    )
    draft.rename(folder)
