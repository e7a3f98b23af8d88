"""Title block → metadata; colophon; language detection."""

from pathlib import Path

import pytest

from ebookmaker.build import missing_words
from ebookmaker.explain import Report
from ebookmaker.model import Block, BlockKind
from ebookmaker.pipeline import convert_text
from ebookmaker.steps.language import detect_language
from ebookmaker.steps.titleblock import (
    date_of,
    find_translators,
    metadata_from_front,
    parse_date,
    split_colophon,
    split_front,
    subtitle_of,
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


def test_heading_after_the_title_block_is_not_swallowed():
    blocks = _blocks(("Anna Berg", 1), ("Om tiden", 1), ("Body text that runs on and on.", 6))
    blocks.insert(2, Block(BlockKind.HEADING, ["Preface"], first_line=9, line_count=1))
    front, body = split_front(blocks, Report())
    assert [b.plain_text() for b in front] == ["Anna Berg", "Om tiden"]
    assert body[0].kind == BlockKind.HEADING


def test_first_body_paragraph_is_not_swallowed():
    first = "Meanwhile the gentlefolk sat round their tea table that Sunday evening, and by chance"
    blocks = _blocks(
        ("Anna Berg", 1),
        ("Om tiden", 1),
        ("A sketch. Excerpt.", 1),
        (first + " someone mentioned the scene of the afternoon.", 2),
        ("Next paragraph of running text.", 4),
    )
    front, body = split_front(blocks, Report())
    assert len(front) == 3 and body[0].plain_text().startswith("Meanwhile")


def test_long_publication_note_with_a_year_stays_in_the_front():
    note = "Published in New Militant on 2 November 1935 under the heading Increasing Oppression"
    blocks = _blocks(("Leo Trotskij", 1), ("Terror", 1), (note, 2), ("Body " * 40, 6))
    front, body = split_front(blocks, Report())
    assert len(front) == 3 and len(body) == 1


def test_title_wrapped_over_two_lines_is_one_title():
    blocks = _blocks(
        ("M. de Ladebat", 1),
        ("Discours sur la nécessité et les moyens de", 1),
        ("détruire l'esclavage dans les colonies", 1),
        ("Lu à Bordeaux, le 26 août 1788", 1),
        ("Body " * 40, 6),
    )
    report = Report()
    front, body = split_front(blocks, report)
    meta, _ = metadata_from_front(front, body, report)
    assert (
        meta.title
        == "Discours sur la nécessité et les moyens de détruire l'esclavage dans les colonies"
    )
    assert meta.date == "1788-08-26"


def test_subtitle_opening_an_imprint_line_joins_the_title():
    assert subtitle_of("Ein philosophischer Entwurf. Königsberg, bey F. Nicolovius, 1795") == (
        "Ein philosophischer Entwurf"
    )
    assert subtitle_of("Skildring ur folklifvet. Utdrag.") == ""
    assert subtitle_of("Book IV, translated by G. D. H. Cole (1913)") == ""


def test_translation_year_is_not_the_date_and_translation_by_gives_the_name():
    assert date_of(["Book IV, translated by G. D. H. Cole (1913)"]) == ""
    assert find_translators("Authorized English translation by Samuel Moore, edited by X") == [
        "Samuel Moore"
    ]


# --- metadata on the corpus ------------------------------------------------------------------


def _normal(text: str) -> str:
    import re

    return " ".join(re.sub(r"[^\w\s]|_", " ", text).casefold().split())


RUNS = sorted(
    (doc.name, path.name)
    for doc in CORPUS.iterdir()
    if (doc / "truth.json").exists()
    for path in (doc / "extracted").glob("*.txt")
)


@pytest.mark.parametrize("doc,extraction", RUNS)
def test_corpus_metadata(doc, extraction):
    """Title and authors as the truth has them, where the text holds them.

    Known gaps (the text does not say it): en-01's title adds "Book IV, Chapter VIII",
    en-03 spells "Friedrich Engels" where the title page says "Frederick", fr-01's author is
    "M. de Ladebat" on the title page. Those fields are skipped; all else must be right.
    """
    import json

    from ebookmaker.pipeline import convert_text
    from ebookmaker.readers import decode

    truth = json.loads((CORPUS / doc / "truth.json").read_text(encoding="utf-8"))
    text = decode((CORPUS / doc / "extracted" / extraction).read_bytes())
    meta = convert_text(text, name=extraction)[0].metadata
    front = {_normal(line) for line in truth["front"]}
    if _normal(truth["title"]) in front or all(
        w in " ".join(front).split() for w in _normal(truth["title"]).split()
    ):
        assert _normal(meta.title) == _normal(truth["title"])
    if all(_normal(a) in " ".join(front) for a in truth["authors"]):
        assert sorted(map(_normal, meta.authors)) == sorted(map(_normal, truth["authors"]))
    assert meta.language == truth["language"]
    for name in (c["name"] for c in truth.get("contributors", []) if c["role"] == "trl"):
        assert name in meta.translators


assert Path(__file__).exists()


def test_a_title_line_printed_twice_loses_no_words():
    """Found by the fuzz run: the second copy of the title line was dropped with the first."""
    text = "Att och.\n1\n\nAtt och.\n2\n\n" + " " * 49 + "\n3\n Och och. \n"
    book, report = convert_text(text)
    assert book.metadata.title == "Att och."
    assert book.front.count("Att och.") == 1
    assert missing_words(text, book, report) == []
