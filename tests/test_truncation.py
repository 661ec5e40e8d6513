"""Text cut to fit a column counts terminal cells, not characters: a CJK character or an emoji
takes two cells, so a title cut to N characters would take up to 2N and push the next column
out of line. One function (`tui.safe_text.truncate`) cuts for the command line and the widgets."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.cells import cell_len

from tui.cli import main
from tui.safe_text import fit, truncate

#: A headline of wide characters (2 cells each) and one with emoji and a combining accent.
CJK_TITLE = "俄罗斯外长拉夫罗夫表示阿勒颇停火谈判已经破裂叙利亚反对派指责俄罗斯拖延谈判进程"
MIXED_TITLE = "Talks 👍🏽 in Aleppo: café\u0301 owners say 停火 is over, again and again"


@pytest.mark.parametrize("text", [CJK_TITLE, MIXED_TITLE, "Ferry fares to rise in June"])
@pytest.mark.parametrize("width", range(0, 30))
def test_truncated_text_fits_its_cells(text: str, width: int) -> None:
    cut = truncate(text, width)
    assert cell_len(cut) <= width
    if cell_len(text) <= width:
        assert cut == text
    elif width:
        assert cut.endswith("…") and text.startswith(cut[:-1])
        assert cell_len(cut) >= width - 1  # a wide character that does not fit leaves one cell
    assert cell_len(fit(text, width)) == width


def test_a_wide_character_is_never_cut_in_half() -> None:
    assert truncate("中文字", 4) == "中…"
    assert truncate("ab👍🏽cd", 4) == "ab…"
    assert truncate("ab👍🏽cd", 5) == "ab👍🏽…"


def test_library_list_keeps_its_columns_with_wide_titles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    db = str(tmp_path / "lib.sqlite3")
    for number, (title, source) in enumerate(
        [(CJK_TITLE, "新华社新华社新华社新华社"), (MIXED_TITLE, "Reuters"), ("短い", "NHK")]
    ):
        article = tmp_path / f"a{number}.json"
        article.write_text(
            f'{{"title": "{title}", "source": "{source}", "text": "Text {number} of it."}}',
            encoding="utf-8",
        )
        assert main(["add", str(article), "--db", db]) == 0
    capsys.readouterr()
    assert main(["list", "--db", db]) == 0
    header, *rows = capsys.readouterr().out.splitlines()
    assert len(rows) == 3
    assert [cell_len(row) for row in rows] == [cell_len(header)] * 3
    assert "颇停火谈…  新华社新华社新…  " in rows[0]  # cut, padded to 35 and 16 cells


def test_the_library_screen_cuts_wide_titles_with_an_ellipsis() -> None:
    from tui.screens.library import GAP, format_row, widths

    row = format_row([CJK_TITLE, "新华社新华社新华社新华社", "2026-01-01", "3", "4"], 80)
    assert cell_len(row) == sum(widths(80)) + GAP * (len(widths(80)) - 1)
    assert row.count("…") == 2


def test_the_lookup_screen_cuts_titles_to_their_cells() -> None:
    from tui.screens.lookup import TITLE_CHARS, _cut

    assert cell_len(_cut(CJK_TITLE)) <= TITLE_CHARS
    assert _cut(CJK_TITLE).endswith("…")


def test_the_side_panel_cuts_speakers_to_their_cells() -> None:
    from tui.widgets.side_panel import WHO_CHARS, _who

    assert cell_len(_who(CJK_TITLE, "?")) <= WHO_CHARS
    assert _who(CJK_TITLE, "?").endswith("…")


def test_a_concordance_line_lines_up_in_cells_with_wide_characters() -> None:
    """`byline lookup` prints KWIC lines in columns: the left context takes exactly `width`
    cells and the right at most `width`, whatever the script."""
    from tui.lookup import kwic
    from tui.safe_text import cell_width

    left, keyword, right = kwic("会談は" * 20, "Lavrov", "モスクワで" * 20, width=30)
    assert cell_width(left) == 30
    assert left.endswith("会談は")
    assert keyword == "Lavrov"
    assert cell_width(right) <= 30 and right.startswith("モスクワで")
    assert kwic("a 😀", "K", "", width=5)[0] == " a 😀"  # the emoji takes two cells
