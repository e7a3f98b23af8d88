"""The real command line, end to end: the seed, small hand-made inputs, errors, overrides."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from .conftest import SEED, SEED_DIR, epubcheck, problems, run_cli, score


@pytest.fixture(scope="module")
def seed_build(tmp_path_factory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("seed") / "seed.epub"
    result = run_cli("build", str(SEED), "-o", str(out), "--explain")
    assert result.returncode == 0, result.stderr
    return out, result.stdout


def test_seed_meets_the_quality_bar(seed_build):
    epub, _ = seed_build
    report = score(epub, SEED_DIR / "truth.json")
    assert report["body_wer"] <= 0.002
    assert report["hyphen_errors"] == 0
    assert report["paragraph_f1"] == 1.0
    assert report["notes"]["notes_correct"] == 15
    assert report["notes"]["noterefs_broken"] == 0
    assert report["metadata"]["score"] == 1.0


def test_seed_is_reproducible(seed_build, tmp_path):
    epub, _ = seed_build
    again = tmp_path / "again.epub"
    assert run_cli("build", str(SEED), "-o", str(again)).returncode == 0
    assert again.read_bytes() == epub.read_bytes()


def test_seed_explain_shows_each_step(seed_build):
    _, explain = seed_build
    lines = explain.splitlines()

    def has(step: str, *words: str) -> bool:
        return any(line.startswith(step) and all(w in line for w in words) for line in lines)

    assert has("hyphenation", "join", "Sovjet-|unionen", "solid")
    assert has("notes", "recover", "12")
    assert has("notes", "attach", "https://")
    assert has("notes", "link", "marker 1 ")
    assert has("paragraphs", "page break")
    assert has("titleblock", "metadata", "1935-09-06")
    assert has("titleblock", "colophon")
    assert has("language", "sv")


def small_inputs(folder: Path) -> dict[str, Path]:
    """Hand-made inputs in the copy-paste shape, one per cleaning step."""
    sep = " " * 49
    texts = {
        # title block, a marker, a note, a line-end hyphen joined, a page break mid-sentence
        "essay": (
            " Anna Berg \n\nOm tiden och rummet \n\n3 mars 1921 \n\n"
            "Detta är den första raden i en lång text som fyller hela bredden av sidan i \n\n"
            "boken, och den fortsätter med ett ord som delas vid radslutet: samhälls-\n\n"
            "utvecklingen är viktig för alla.\n1\n Sedan kommer mer text som går vidare till \n\n"
            f"{sep}\n1\n En fotnot om samhällsutvecklingen i landet. \n"
            " nästa sida där meningen slutar. \n\nKort stycke. \n\n"
            "Översättning: Per Ek \n"
        ),
        # a suspended hyphen and a hyphen after digits at line ends
        "hyphens": (
            " Karl Lund \n\nOm arbete \n\n1950 \n\n"
            "Under hela perioden var det en fråga om hur man skulle organisera arbetar-\n\n"
            "och bondestaten, och många skrev om detta under 1950-\n\n"
            "talet och senare i en lång rad av böcker som ännu finns kvar på biblioteken. \n"
        ),
    }
    paths = {}
    for name, text in texts.items():
        paths[name] = folder / f"{name}.txt"
        paths[name].write_text(text, encoding="utf-8")
    return paths


@pytest.fixture(scope="module")
def small_builds(tmp_path_factory) -> dict[str, tuple[Path, str]]:
    folder = tmp_path_factory.mktemp("small")
    builds = {}
    for name, path in small_inputs(folder).items():
        out = folder / f"{name}.epub"
        result = run_cli("build", str(path), "-o", str(out), "--explain")
        assert result.returncode == 0, result.stderr
        builds[name] = (out, result.stdout)
    return builds


def body_text(epub: Path) -> str:
    """The body XHTML without its page-break markers (empty spans between words)."""
    with zipfile.ZipFile(epub) as z:
        html = z.read("EPUB/text.xhtml").decode("utf-8")
    return re.sub(r'<span [^>]*epub:type="pagebreak"[^>]*/>', "", html)


def test_small_inputs_clean_as_expected(small_builds):
    essay, explain = small_builds["essay"]
    html = body_text(essay)
    assert "samhällsutvecklingen är viktig" in html
    assert "går vidare till nästa sida där meningen slutar." in html
    assert 'epub:type="noteref"' in html and 'epub:type="footnote"' in html
    assert "hyphenation  join" in explain
    hyphens, explain = small_builds["hyphens"]
    html = body_text(hyphens)
    assert "arbetar- och bondestaten" in html
    assert "1950-talet" in html
    assert "suspended" in explain


def test_all_built_books_pass_epubcheck(seed_build, small_builds):
    paths = [seed_build[0]] + [epub for epub, _ in small_builds.values()]
    for path, report in epubcheck(paths).items():
        assert problems(report) == [], path


def test_flags_override_detected_metadata(tmp_path):
    out = tmp_path / "x.epub"
    result = run_cli(
        "build",
        str(SEED),
        "-o",
        str(out),
        "--title",
        "Egen titel",
        "--author",
        "A Person",
        "--language",
        "da",
        "--date",
        "2001-02-03",
    )
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out) as z:
        opf = z.read("EPUB/content.opf").decode()
    for expected in ("Egen titel", "A Person", ">da<", "2001-02-03"):
        assert expected in opf


def test_sidecar_and_cover_are_picked_up(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    (tmp_path / "covers").mkdir()
    (source / "book.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (source / "book.toml").write_text('title = "Från sidovagnen"\n', encoding="utf-8")
    Image.new("RGB", (400, 640), "navy").save(tmp_path / "covers" / "book.png")
    result = run_cli("build", str(source), "-o", str(tmp_path / "dist"))
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(tmp_path / "dist" / "book.epub") as z:
        assert "Från sidovagnen" in z.read("EPUB/content.opf").decode()
        assert any(name.endswith(".png") for name in z.namelist())


def test_bad_inputs_fail_in_one_line_and_the_batch_goes_on(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.txt").write_text("", encoding="utf-8")
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (folder / "pdf.txt").write_bytes(b"%PDF-1.7\n...")
    (folder / "good.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "bad.toml").write_text("title = ", encoding="utf-8")
    (folder / "bad.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    result = run_cli("build", str(folder), "-o", str(tmp_path / "out"))
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("ebookmaker: error")]
    assert len(errors) == 4, result.stderr
    assert "Traceback" not in result.stderr
    assert (tmp_path / "out" / "good.epub").exists()
    assert not (tmp_path / "out" / "empty.epub").exists()
    assert "invalid TOML" in result.stderr


def test_usage_errors_exit_2(tmp_path):
    empty = tmp_path / "nothing"
    empty.mkdir()
    assert run_cli("build", str(empty)).returncode == 2
    assert run_cli("build").returncode == 2
    assert run_cli("--version").stdout.startswith("ebookmaker")


def test_pdf_input_builds_a_valid_book_through_the_cli(tmp_path):
    from .conftest import CORPUS

    doc = CORPUS / "sv-01-wicksell-utvandringen"
    out = tmp_path / "pdf.epub"
    result = run_cli("build", str(doc / "source.pdf"), "-o", str(out), "--explain")
    assert result.returncode == 0, result.stderr
    assert "reader       shape    pdf" in result.stdout
    report = score(out, doc / "truth.json")
    assert report["body_wer"] <= 0.005
    assert report["paragraph_f1"] >= 0.99
    assert report["notes"]["notes_correct"] == len(report["notes"]["details"])
    assert problems(epubcheck([out])[out]) == []
