"""The command line as a new user meets it (issue 13): a mistyped command is named, a closed
pipe is never a traceback, an article from stdin has one name everywhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_lookup import synthetic

from tui.cli import main
from tui.model import Article
from tui.store import Library, put_analysis


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["anaylze", "x.txt"], "analyze"),
        (["lokup", "Lavrov"], "lookup"),
        (["lsit"], "list"),
        (["annotat", "--library"], "annotate"),
        (["import-annotation", "x.jsonl"], "import-annotations"),
    ],
)
def test_a_mistyped_command_is_named(
    argv: list[str],
    command: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err == f"byline: unknown command '{argv[0]}': did you mean 'byline {command}'?\n"


def test_a_file_named_like_a_command_is_opened_as_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lokup").write_bytes(b"")  # exists: it is the article, however it is named
    assert main(["lokup"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("byline: cannot read 'lokup': ") and "did you mean" not in err


@pytest.mark.parametrize("name", ["x.txt", "article", "notes/lokup", "lokup.txt"])
def test_a_name_far_from_any_command_is_a_file(
    name: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main([name]) == 1
    assert capsys.readouterr().err == f"byline: cannot open '{name}': No such file or directory\n"


def closed_pipe_run(argv: list[str], **env: str) -> subprocess.CompletedProcess[bytes]:
    """Run `byline ARGV` with its standard output a pipe nobody reads (`| head` gone)."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run(
            [sys.executable, "-m", "tui.cli", *argv],
            stdout=write,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **env},
            timeout=300,
            check=False,
        )
    finally:
        os.close(write)


@pytest.fixture(scope="module")
def full_library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library with articles, an entity, annotations: something for every command to print."""
    path = tmp_path_factory.mktemp("pipe") / "lib.sqlite3"
    with Library(path) as library:
        for number in range(40):
            text = f"Ann Lee met Bo Chen in Geneva, report {number}."
            article = Article(text=text, title=f"Report {number}")
            library.add([article])
            put_analysis(
                library,
                article.content_hash,
                "m",
                synthetic(text, {"Ann Lee": ("Ann Lee", "PERSON"), "Geneva": ("Geneva", "GPE")}),
            )
        from tui.store.annotations import Annotations

        session = Annotations(library).session(library.get(1), "ana")
        session.create("PERSON", 0, 7)
    return path


#: Commands that print, and whether they read the library.
PRINTING = [
    (["stats"], True),
    (["stats", "--json"], True),
    (["list"], True),
    (["list", "--json"], True),
    (["lookup", "Ann Lee"], True),
    (["lookup", "Ann Lee", "--json"], True),
    (["export"], True),
    (["export", "--format", "csv"], True),
    (["rm", "40"], True),
    (["--help"], False),
    (["lookup", "--help"], False),
    (["--version"], False),
]


@pytest.mark.parametrize(("argv", "library"), PRINTING)
def test_a_closed_pipe_is_never_a_traceback(
    argv: list[str], library: bool, full_library: Path
) -> None:
    result = closed_pipe_run([*argv, "--db", str(full_library)] if library else argv)
    assert result.stderr == b"", result.stderr.decode()
    assert result.returncode == 0


def test_analyze_into_a_closed_pipe(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_text("Talks\n\nAnn Lee said the talks had failed.", encoding="utf-8")
    result = closed_pipe_run(["analyze", str(article)])
    assert result.stderr == b"", result.stderr.decode()
    assert result.returncode == 0


def byline(*args: str, db: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui.cli", *args, "--db", str(db)],
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
    )


def test_an_article_from_stdin_has_one_name_everywhere(tmp_path: Path) -> None:
    db = tmp_path / "lib.sqlite3"
    # One long first line: no title in it.
    text = (
        "Ann Lee met Bo Chen in Geneva on Monday and said that the talks would go on for as "
        "long as they had to, whatever the cost to either side."
    )
    added = byline("add", "-", db=db, stdin=text)
    assert added.returncode == 0, added.stderr
    with Library(db) as library:
        (entry,) = library.entries()
        assert entry.title == ""
        put_analysis(library, entry.hash, "m", synthetic(text, {"Ann Lee": ("Ann Lee", "PERSON")}))
    listed = byline("list", db=db)
    (row,) = listed.stdout.splitlines()[1:]
    name = row.split()[1]
    assert name == "<stdin>"
    looked_up = byline("lookup", "Ann Lee", db=db)
    assert looked_up.returncode == 0, looked_up.stderr
    articles = looked_up.stdout.split("\n\n")[1].splitlines()
    assert articles[1].split() == ["1", "1×", name]
    assert "(untitled)" not in looked_up.stdout
    data = json.loads(byline("lookup", "Ann Lee", "--json", db=db).stdout)
    assert (
        data["articles"][0]["path"]
        == name
        == json.loads(byline("list", "--json", db=db).stdout)["path"]
    )
