import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from tests.conftest import FORM_IDS, SCHEMAS, write_json

from formkit.cli import main
from formkit.filing.blobs import FileBlobStore
from formkit.settings import Settings
from formkit.store.database import open_database
from formkit.store.drafts import DraftStore

NOW = "2026-11-28T10:00:00+01:00"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def test_check_passes_on_the_city_forms(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "check", str(SCHEMAS))
    assert status == 0
    assert out == ""
    assert err.count(": ok (sha256:") == len(FORM_IDS)


def test_check_prints_file_pointer_message_and_fails(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    form = json.loads((SCHEMAS / "evenement.json").read_text(encoding="utf-8"))
    form["x-formkit"]["prefix"] = "E"
    path = write_json(tmp_path / "evenement.json", form)
    (tmp_path / "defs").symlink_to(SCHEMAS / "defs")
    status, out, _ = run(capsys, "check", str(path))
    assert status == 1
    assert out.startswith(f"{path}:/x-formkit/prefix: ")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["check", "nergens/"], "nergens: no such file or folder"),
        (["validate", "onbekend", "x.json"], "unknown form 'onbekend'"),
        (["validate", "evenement", "ontbreekt.json"], "ontbreekt.json: no such file"),
        (["new", "Slecht Id"], "form id 'Slecht Id'"),
    ],
)
def test_bad_usage_exits_2_with_a_clear_message(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    status, _, err = run(
        capsys, *args, *(["--schemas", str(SCHEMAS)] if args[0] != "check" else [])
    )
    assert status == 2
    assert message in err


def test_unknown_command_and_option_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "vertaal")[0] == 2
    assert run(capsys, "check", "--verbose")[0] == 2


def test_broken_answers_json_names_line_and_column(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    broken = tmp_path / "antwoorden.json"
    broken.write_text('{"organisator": \n  {,}\n}')
    status, _, err = run(capsys, "validate", str(SCHEMAS / "evenement.json"), str(broken))
    assert status == 2
    assert "invalid JSON (line 2, column 4)" in err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"organisator": {}, "organisator": {}}', "the key 'organisator' appears twice"),
        (b"[" * 100_000, "nested deeper than 64 levels"),
        (b'{"naam": "\xff"}', "invalid JSON: not UTF-8"),
    ],
)
def test_answers_the_api_would_refuse_are_refused_with_status_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "antwoorden.json"
    path.write_bytes(content)
    status, _, err = run(capsys, "validate", str(SCHEMAS / "evenement.json"), str(path))
    assert status == 2
    assert message in err


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_example_validates_and_invalid_example_has_one_problem(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, form_id: str
) -> None:
    form = ["--schemas", str(SCHEMAS), form_id]
    status, out, _ = run(capsys, "example", "--now", NOW, *form)
    assert status == 0
    valid = write_json(tmp_path / "valid.json", json.loads(out))
    assert run(capsys, "validate", "--now", NOW, *form, str(valid))[:2] == (0, "geldig\n")

    status, out, _ = run(capsys, "example", "--invalid", "--now", NOW, *form)
    assert status == 0
    broken = write_json(tmp_path / "invalid.json", json.loads(out))
    status, out, _ = run(capsys, "validate", "--now", NOW, *form, str(broken))
    assert status == 1
    assert len(out.splitlines()) == 1


def test_validate_reads_stdin_and_speaks_dutch(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "formkit",
            "validate",
            "--now",
            NOW,
            str(SCHEMAS / "evenement.json"),
            "-",
        ],
        input="{}",
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert (
        "/organisator: Kies een antwoord bij" in result.stdout or "/organisator: " in result.stdout
    )


def test_new_refuses_to_overwrite(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run(capsys, "new", "melding", "--schemas", str(tmp_path))[0] == 0
    assert run(capsys, "check", str(tmp_path / "melding.json"))[0] == 0
    status, _, err = run(capsys, "new", "melding", "--schemas", str(tmp_path))
    assert status == 2
    assert "already exists" in err


def test_purge_removes_what_the_sweeper_would_and_says_what(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    database_url: str,
) -> None:
    monkeypatch.setenv("FORMKIT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("FORMKIT_DATABASE_URL", database_url)
    settings = Settings.from_env()
    engine = open_database(settings.database)
    drafts = DraftStore(engine, settings.draft_ttl, settings.upload_ttl)
    blobs = FileBlobStore(tmp_path / "blobs")
    now = datetime.now(UTC)
    gone = drafts.create("evenement", {}, 0, now - settings.draft_ttl - timedelta(minutes=1))
    kept = drafts.create("evenement", {}, 0, now)
    old = now - settings.upload_ttl - timedelta(minutes=1)
    files = {"a" * 64: gone.id, "b" * 64: kept.id}
    for sha256, draft_id in files.items():
        blobs.path_of(sha256).parent.mkdir(parents=True, exist_ok=True)
        blobs.path_of(sha256).write_bytes(b"%PDF-1.7")
        drafts.record_upload(draft_id, sha256, 8, "application/pdf", "plan.pdf", old)
    try:
        status, out, _ = run(capsys, "purge")
        assert status == 0
        assert out.splitlines() == [
            "formkit: removed 1 expired draft, 1 unclaimed upload and 1 file nothing refers to",
            f"removed file sha256:{'a' * 64}",
        ]
        assert not blobs.path_of("a" * 64).exists()
        assert blobs.path_of("b" * 64).exists()  # its draft lives: the citizen may come back
        assert drafts.load(kept.id, now) is not None
        status, out, _ = run(capsys, "purge")
        assert (status, out) == (
            0,
            "formkit: removed 0 expired drafts, 0 unclaimed uploads"
            " and 0 files nothing refers to\n",
        )
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "args",
    [
        ("example", "bouwaanvraag"),
        ("meta-schema",),
        ("validate", "evenement", str(Path(__file__).parent / "data/evenement/valid-full.json")),
    ],
)
def test_a_reader_that_left_gets_no_traceback(args: tuple[str, ...]) -> None:
    """`formkit example x | head`: the reader closes the pipe before all is written."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # gone before the first byte: every write meets a closed pipe
    try:
        run = subprocess.run(
            [sys.executable, "-m", "formkit", *args],
            stdout=write_end,
            stderr=subprocess.PIPE,
            text=True,
            cwd=SCHEMAS.parent,
            check=False,
        )
    finally:
        os.close(write_end)
    assert run.stderr == ""
    assert run.returncode == 141


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("nergens", "nergens: no such file or folder"),
        ("leeg", "no forms (*.json) in "),
        ("leeg/notities.txt", "notities.txt: not a form"),
        ("leeg/organisatie.json", "organisatie.json: not a form"),
    ],
)
def test_preview_says_why_it_cannot_show_a_path_and_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, message: str
) -> None:
    (tmp_path / "leeg").mkdir()
    (tmp_path / "leeg" / "notities.txt").write_text("geen formulier", encoding="utf-8")
    (tmp_path / "leeg" / "organisatie.json").write_text("{}", encoding="utf-8")
    status, out, err = run(capsys, "preview", str(tmp_path / name))
    assert (status, out) == (2, "")
    assert err.startswith("formkit: ")
    assert message in err


def test_preview_without_the_page_templates_says_where_it_looked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORMKIT_RENDERERS_DIR", str(tmp_path))
    status, _, err = run(capsys, "preview", str(SCHEMAS / "evenement.json"))
    assert status == 2
    assert f"no page templates in {tmp_path}/templates" in err
