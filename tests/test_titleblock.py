"""Title block → metadata; colophon; language detection."""

from pathlib import Path

import pytest

from ebookmaker.explain import Report
from ebookmaker.model import Block, BlockKind
from ebookmaker.steps.language import detect_language
from ebookmaker.steps.titleblock import (
    find_translators,
    metadata_from_front,
    parse_date,
    split_colophon,
    split_front,
)

from .conftest import CORPUS


def _blocks(*texts_and_lines):
    return [
        Block(BlockKind.PARAGRAPH, [t], first_line=i, line_count=n)
        for i, (t, n) in enumerate(texts_and_lines)
    ]


def test_title_block_gives_author_title_and_iso_date():
    blocks = _blocks(
        ("Anna Berg", 1),
        ("Om tiden", 1),
        ("3 mars 1921", 1),
        ("Tryckt i Lund.", 1),
        ("A long paragraph of body text.", 6),
    )
    report = Report()
    front, body = split_front(blocks, report)
    meta, lines = metadata_from_front(front, body, report)
    assert (meta.title, meta.authors, meta.date) == ("Om tiden", ["Anna Berg"], "1921-03-03")
    assert lines[-1] == "Tryckt i Lund."
    assert len(body) == 1


@pytest.mark.parametrize(
    "text,expected",
    [
        ("6 september 1935", "1935-09-06"),
        ("Lu à la séance, le 26 août 1788", "1788-08-26"),
        ("January 30, 1888", "1888-01-30"),
        ("den 3. Mai 1795", "1795-05-03"),
        ("Stockholm 1882", "1882"),
        ("no date here", ""),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


def test_translator_credit_in_several_languages():
    assert find_translators("Översättning: P-O Mattsson") == ["P-O Mattsson"]
    assert find_translators("Book IV, translated by G. D. H. Cole (1913)") == ["G. D. H. Cole"]
    assert find_translators("Traduction : Jean Dupont") == ["Jean Dupont"]


def test_colophon_is_the_trailing_credit_line():
    blocks = _blocks(("Body text that is long enough.", 5), ("Translated by Ann Lee", 1))
    split_colophon(blocks, Report())
    assert [b.kind for b in blocks] == [BlockKind.PARAGRAPH, BlockKind.COLOPHON]


@pytest.mark.parametrize(
    "doc",
    sorted(
        p.name
        for p in CORPUS.iterdir()
        if (p / "truth.json").exists() and (p / "extracted" / "pypdf.txt").exists()
    ),
)
def test_language_detection_on_the_corpus(doc):
    import json

    truth = json.loads((CORPUS / doc / "truth.json").read_text())
    text = (CORPUS / doc / "extracted" / "pypdf.txt").read_text()
    assert detect_language(text)[0] == truth["language"]
    # a few hundred words are enough
    assert detect_language(" ".join(text.split()[:200]))[0] == truth["language"]


def test_too_little_text_is_unknown():
    assert detect_language("Hej")[0] == ""


assert Path(__file__).exists()
