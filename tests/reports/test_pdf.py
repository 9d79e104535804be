from __future__ import annotations

from pathlib import Path

import pytest

from requests_app.reports.pdf import LocalFileFetcher, NetworkFetchRefused, font_dir, font_faces


def test_documents_never_fetch_from_the_network(tmp_path: Path) -> None:
    fetcher = LocalFileFetcher([tmp_path])
    for url in ("https://example.org/font.ttf", "http://127.0.0.1/x.png", "ftp://host/file"):
        with pytest.raises(NetworkFetchRefused):
            fetcher.fetch(url)


def test_only_files_in_the_allowed_folders_are_read(tmp_path: Path) -> None:
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    (allowed / "ok.txt").write_text("fine")
    fetcher = LocalFileFetcher([allowed])
    assert fetcher.allows((allowed / "ok.txt").as_uri())
    assert not fetcher.allows((tmp_path / "secret.txt").as_uri())
    assert not fetcher.allows((allowed / ".." / "secret.txt").as_uri())
    with pytest.raises(NetworkFetchRefused):
        fetcher.fetch(Path("/etc/passwd").as_uri())


def test_the_fonts_are_local_files_that_exist() -> None:
    css = str(font_faces())
    assert css.count("@font-face") == 9
    assert "http" not in css
    assert (font_dir() / "DejaVuSans.ttf").is_file()


def test_text_in_a_margin_box_cannot_break_out_of_the_stylesheet() -> None:
    from requests_app.reports.templatetags import css_string

    assert css_string('Say "no" \\ </style><script>') == (
        '"Say \\"no\\" \\\\ \\3C /style\\3E \\3C script\\3E "'
    )
    assert css_string("two\nlines") == '"two lines"'
