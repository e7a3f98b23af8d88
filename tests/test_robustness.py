"""Bad input and faults, through the real command line: never crash, never lose a word,
never write a broken book.

Every case ends either in a book that EPUBCheck passes or in one line
``ebookmaker: error: FILE: reason`` with a non-zero exit, no traceback and no output file.
Faults a test cannot cause for real as root (unreadable file, full disk, interrupted write)
are injected in-process under the same command line (click's runner).
"""

from __future__ import annotations

import errno
import os
import re
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from ebookmaker import build as build_module
from ebookmaker.build import BuildError, build_book, missing_words
from ebookmaker.cli import main
from ebookmaker.explain import Report
from ebookmaker.model import Block, BlockKind, Book, Metadata
from ebookmaker.writer import epub as writer

from .conftest import REPO, SEED, epubcheck, problems

HANG_GUARD = 60.0  # seconds; only catches hangs and quadratic blow-ups, not slowness

SV = "Det här är en mening för alla åäö ÅÄÖ, och den fortsätter längre än så."
PARAGRAPHS = (
    f"{SV}\n\nEn annan mening som också är lång nog att fylla en hel rad med ord.\n\n"
    "Sista stycket slutar här.\n"
)


# --- helpers ---------------------------------------------------------------------------


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "ebookmaker.cli", *args]


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float


def run_many(commands: dict[str, list[str]], parallel: int = 4) -> dict[str, Run]:
    """Run CLI commands a few at a time; each one's wall-clock time is measured."""
    runs: dict[str, Run] = {}
    pending = list(commands.items())
    while pending:
        batch, pending = pending[:parallel], pending[parallel:]
        started = {}
        procs = {}
        for name, command in batch:
            started[name] = time.perf_counter()
            procs[name] = subprocess.Popen(
                command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
        for name, proc in procs.items():
            stdout, stderr = proc.communicate(timeout=600)
            runs[name] = Run(proc.returncode, stdout, stderr, time.perf_counter() - started[name])
    return runs


def assert_one_line_error(run: Run, source: Path | str, reason: str = "") -> str:
    """Non-zero exit, exactly one error line naming the file, no traceback."""
    assert run.returncode != 0, run.stdout
    assert "Traceback" not in run.stderr, run.stderr
    errors = [line for line in run.stderr.splitlines() if line.startswith("ebookmaker: error:")]
    assert len(errors) == 1, run.stderr
    assert errors[0].startswith(f"ebookmaker: error: {source}: "), errors[0]
    assert reason.casefold() in errors[0].casefold(), errors[0]
    assert "internal error" not in errors[0], errors[0]
    return errors[0]


def book_text(epub: Path) -> str:
    """All XHTML and the package document of a book, as one string."""
    with zipfile.ZipFile(epub) as z:
        return "\n".join(
            z.read(name).decode("utf-8")
            for name in z.namelist()
            if name.endswith((".xhtml", ".opf"))
        )


def no_leftovers(folder: Path) -> list[str]:
    """Output files or writer temp files in ``folder`` (there should be none)."""
    return sorted(p.name for p in folder.iterdir() if p.suffix in (".epub", ".tmp"))


def png_header(width: int, height: int) -> bytes:
    """A PNG that claims ``width``×``height`` with a tiny (truncated) image stream."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


# --- inputs that must build --------------------------------------------------------------

ENCODED: dict[str, tuple[bytes, list[str]]] = {
    # name: (file bytes, strings the book must contain)
    "utf8": (PARAGRAPHS.encode("utf-8"), ["för alla åäö ÅÄÖ"]),
    "utf8-bom": (b"\xef\xbb\xbf" + PARAGRAPHS.encode("utf-8"), ["för alla åäö ÅÄÖ"]),
    "utf16-le-bom": (PARAGRAPHS.encode("utf-16"), ["för alla åäö ÅÄÖ"]),
    "utf16-be-bom": (b"\xfe\xff" + PARAGRAPHS.encode("utf-16-be"), ["för alla åäö ÅÄÖ"]),
    "utf16-le": (PARAGRAPHS.encode("utf-16-le"), ["för alla åäö ÅÄÖ"]),
    "utf16-be": (PARAGRAPHS.encode("utf-16-be"), ["för alla åäö ÅÄÖ"]),
    "cp1252": ((PARAGRAPHS + "”Citat” – tankstreck …\n").encode("cp1252"), ["åäö", "”Citat”"]),
    "latin1": (PARAGRAPHS.encode("latin-1"), ["för alla åäö ÅÄÖ"]),
    "crlf": (PARAGRAPHS.replace("\n", "\r\n").encode(), ["Sista stycket slutar här."]),
    "cr": (PARAGRAPHS.replace("\n", "\r").encode(), ["Sista stycket slutar här."]),
    "mixed-endings": (
        "Första raden går\r\nvidare på nästa\rrad och\nslutar här.\n\nNytt stycke.\r\n".encode(),
        ["Första raden går vidare på nästa rad och slutar här."],
    ),
    "mojibake": (
        "Det Ã¤r en text fÃ¶r alla, sÃ¥ att sÃ¤ga.\n".encode(),
        ["Det är en text för alla, så att säga."],
    ),
    "noncharacters": (
        f"Ett ord\ufffe\nsom delas. Och \uffffnågot mer. {SV}\n".encode(),
        ["som delas", "något mer"],
    ),
    "controls": (
        f"En NUL\x00 här, en klocka\x07 där, ESC\x1b och DEL\x7f. {SV}\n".encode(),
        ["En NUL här, en klocka där, ESC och DEL."],
    ),
    "ligatures": (
        "Den ﬁna ﬂaggan på ﬀ-fältet var ﬃnt.\n".encode(),
        ["Den fina flaggan på ff-fältet var ffint."],
    ),
    "soft-hyphens": (
        "Ett långt sam\u00adhälls\u00adord mitt i raden.\n".encode(),
        ["Ett långt samhällsord mitt i raden."],
    ),
    "nbsp": ("Pris:\u00a012\u00a0kr och 1\u00a0000 ord.\n".encode(), ["12", "kr", "000 ord"]),
    "markup": (
        b"<script>alert('x')</script> &amp; &lt;b&gt; ]]> {{ title }} <![CDATA[ x ]]> <!-- c -->\n"
        b"<?xml version='1.0'?> <p class=\"a\">hej</p> & ett & tecken.\n",
        [
            "&lt;script&gt;alert('x')&lt;/script&gt;",
            "&amp;amp; &amp;lt;b&amp;gt; ]]&gt; {{ title }}",
            '&lt;p class="a"&gt;hej&lt;/p&gt; &amp; ett &amp; tecken.',
        ],
    ),
    "all-caps": (("DETTA ÄR EN TEXT I VERSALER, RAD EFTER RAD.\n" * 300).encode(), ["VERSALER"]),
    "numbers": (
        "\n".join(
            "  ".join(f"{(i * 37 + j * 11) % 1000:>4}" for j in range(8)) for i in range(1500)
        ).encode()
        + b"\n",
        ["0 11 22 33 44 55 66 77 37"],
    ),
    "rtl": (
        ("هذا نص عربي طويل بما فيه الكفاية. זהו טקסט בעברית שנמשך עוד ועוד.\n" * 200).encode(),
        ["هذا نص عربي", "טקסט בעברית"],
    ),
    "cjk": (
        ("这是一个中文句子。日本語の文章です。한국어 문장입니다.\n" * 300).encode(),
        ["中文句子"],
    ),
    "emoji": (
        ("Hej 😀 värld 👨‍👩‍👧 flaggor 🇸🇪 och ❤️ hjärtan.\n" * 200).encode(),
        ["😀", "👨‍👩‍👧", "🇸🇪"],
    ),
    "one-letter-lines": (("a\n" * 100_000).encode(), ["a a a"]),
    # Most lines without width (soft hyphens alone): no text measure (the fuzz run's crash).
    "blank-width-lines": ("\u00ad\r²\n\n\u00ad\n\nImmanuel Kant\n".encode(), ["Immanuel Kant"]),
    "long-line": (("ordet " * 850_000).encode(), ["ordet ordet"]),  # one 5 MB line
}

SEEDSTYLE_MARKERS = "".join(
    f"Rad nummer {i} i texten med en markör efter sig.\n{i}\n och resten av raden \n\n"
    for i in range(1, 10_001)
)
NOTES_WITHOUT_MARKERS = (
    "Brödtext som inte har några markörer alls, bara vanliga ord. \n\n"
    "Mer brödtext på nästa rad, och den slutar här. \n\n"
    + " " * 49
    + "\n"
    + "".join(f"{i}\n Noten nummer {i} utan markör i texten. \n" for i in range(1, 400))
)
PLAIN_MARKERS = "\f".join(
    "\n".join(f"Rad {p}-{i} med en markör.{i % 9 + 1}" for i in range(40)) + f"\n{p}\n"
    for p in range(250)
)

PATHOLOGICAL: dict[str, bytes] = {
    "seedstyle-10000-markers": SEEDSTYLE_MARKERS.encode(),
    "notes-without-markers": NOTES_WITHOUT_MARKERS.encode(),
    "plain-10000-markers": PLAIN_MARKERS.encode(),
}

NAMES = {
    "with space": "med mellanslag",
    'it\'s "quoted"': "citattecken",
    "åäö-Ökänd-ñ-日本": "icke-ascii",
}


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, tuple[Path, Run]]:
    """Build every case that must build, each as its own command (timed)."""
    folder = tmp_path_factory.mktemp("cases")
    inputs: dict[str, Path] = {}
    for name, (data, _) in ENCODED.items():
        inputs[name] = folder / f"{name}.txt"
        inputs[name].write_bytes(data)
    for name, data in PATHOLOGICAL.items():
        inputs[name] = folder / f"{name}.txt"
        inputs[name].write_bytes(data)
    for name, word in NAMES.items():
        inputs[name] = folder / f"{name}.txt"
        inputs[name].write_text(f"{SV} {word}\n", encoding="utf-8")
    long_title = folder / "long-title.txt"
    long_title.write_text(PARAGRAPHS, encoding="utf-8")
    inputs["long-title"] = long_title
    out = folder / "out"
    commands = {
        name: cli("build", str(path), "-o", str(out / f"{path.stem}.epub"))
        for name, path in inputs.items()
    }
    commands["long-title"] += ["--title", "Titel " * 1666 + "slut", "--author", "A " * 500]
    runs = run_many(commands)
    return {name: (out / f"{inputs[name].stem}.epub", run) for name, run in runs.items()}


def built(builds, name: str) -> Path:
    epub, run = builds[name]
    assert run.returncode == 0, run.stderr
    assert "Traceback" not in run.stderr and "error" not in run.stderr, run.stderr
    assert run.seconds < HANG_GUARD, f"{name} took {run.seconds:.0f} s"
    assert epub.is_file()
    return epub


@pytest.mark.parametrize("name", sorted(ENCODED))
def test_odd_text_builds_with_its_words(builds, name):
    html = book_text(built(builds, name))
    for expected in ENCODED[name][1]:
        assert expected in html, expected


def test_markup_stays_text(builds):
    html = book_text(built(builds, "markup"))
    assert "<script" not in html and '<p class="a">' not in html


def test_forbidden_characters_are_gone(builds):
    for name in ("controls", "noncharacters"):
        html = book_text(built(builds, name))
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]", html)


def test_soft_hyphen_inside_a_word_is_dropped(builds):
    assert "\u00ad" not in book_text(built(builds, "soft-hyphens"))


@pytest.mark.parametrize("name", sorted(PATHOLOGICAL))
def test_pathological_text_builds_in_bounded_time(builds, name):
    built(builds, name)


@pytest.mark.parametrize("name", sorted(NAMES))
def test_file_names_with_odd_characters(builds, name):
    epub = built(builds, name)
    assert epub.name == f"{name}.epub"
    assert NAMES[name] in book_text(epub)


def test_ten_thousand_character_title(builds):
    epub = built(builds, "long-title")
    assert "Titel Titel" in book_text(epub)


def test_every_built_book_passes_epubcheck(builds):
    paths = [epub for epub, run in builds.values() if run.returncode == 0]
    assert len(paths) == len(builds)
    reports = epubcheck(paths)
    assert {path: problems(r) for path, r in reports.items() if problems(r)} == {}


# --- inputs that must fail in one line ------------------------------------------------------


@pytest.fixture(scope="module")
def failures(tmp_path_factory) -> tuple[Path, dict[str, tuple[Path, Run]]]:
    folder = tmp_path_factory.mktemp("bad")
    out = folder / "out"
    out.mkdir()
    seed = SEED.read_text(encoding="utf-8")
    files = {
        "empty": b"",
        "whitespace": b" \n\n\t \r\n \f \n",
        "binary": bytes(range(256)) * 64,
        "pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n",
        "png-renamed": png_header(10, 10),
    }
    cases: dict[str, tuple[Path, list[str]]] = {}
    for name, data in files.items():
        path = folder / f"{name}.txt"
        path.write_bytes(data)
        cases[name] = (path, [])
    # a FIFO named .txt: must not block on reading
    fifo = folder / "fifo.txt"
    os.mkfifo(fifo)
    cases["fifo"] = (fifo, [])
    # hostile sidecars and covers: each its own input with its own sidecar
    outside = Path(str(folder) + "-outside")
    outside.mkdir()
    (outside / "notes.txt").write_text("not an image", encoding="utf-8")
    (outside / "huge.png").write_bytes(png_header(20_000, 20_000))
    sidecars = {
        "bad-toml": 'title = "unclosed\n',
        "bad-type": "authors = 5\n",
        "unknown-key": 'titel = "x"\n',
        "cover-outside-not-image": f'cover = "{os.path.relpath(outside / "notes.txt", folder)}"\n',
        "cover-huge": f'cover = "{outside / "huge.png"}"\n',
        "cover-missing": 'cover = "../../../../nowhere/cover.jpg"\n',
    }
    for name, toml in sidecars.items():
        path = folder / f"{name}.txt"
        path.write_text(seed, encoding="utf-8")
        (folder / f"{name}.toml").write_text(toml, encoding="utf-8")
        cases[name] = (path, [])
    cases["cover-flag-not-image"] = (folder / "cover-flag.txt", ["--cover", str(SEED)])
    cases["cover-flag-not-image"][0].write_text(seed, encoding="utf-8")
    # output under a regular file (as root no folder is unwritable; this path is uncreatable)
    blocker = folder / "blocker"
    blocker.write_text("a file, not a folder", encoding="utf-8")
    good = folder / "good.txt"
    good.write_text(PARAGRAPHS, encoding="utf-8")
    commands = {
        name: cli("build", str(path), "-o", str(out / f"{name}.epub"), *extra)
        for name, (path, extra) in cases.items()
    }
    commands["output-under-file"] = cli("build", str(good), "-o", str(blocker / "x" / "b.epub"))
    cases["output-under-file"] = (good, [])
    commands["missing-file"] = cli("build", str(folder / "nope.txt"), "-o", str(out / "n.epub"))
    cases["missing-file"] = (folder / "nope.txt", [])
    runs = run_many(commands)
    return out, {name: (cases[name][0], run) for name, run in runs.items()}


FAILURE_REASONS = {
    "empty": "empty",
    "whitespace": "whitespace",
    "binary": "binary",
    "pdf": "PDF",
    "png-renamed": "binary",
    "fifo": "",
    "bad-toml": "invalid TOML",
    "bad-type": "authors must be",
    "unknown-key": "unknown key",
    "cover-outside-not-image": "not a readable image",
    "cover-huge": "too many pixels",
    "cover-missing": "cannot read",
    "cover-flag-not-image": "not a readable image",
    "missing-file": "",
    "output-under-file": "",
}


@pytest.mark.parametrize("name", sorted(FAILURE_REASONS))
def test_bad_input_fails_in_one_line(failures, name):
    out, runs = failures
    source, run = runs[name]
    assert_one_line_error(run, source, FAILURE_REASONS[name])
    assert run.seconds < HANG_GUARD
    assert not (out / f"{name}.epub").exists()


def test_no_partial_files_after_failures(failures):
    out, _ = failures
    assert no_leftovers(out) == []


def test_folder_without_inputs_is_a_usage_error(tmp_path):
    (tmp_path / "notes.md").write_text("not an input", encoding="utf-8")
    (tmp_path / "dir.txt").mkdir()  # a folder named like an input
    run = run_many({"x": cli("build", str(tmp_path), "-o", str(tmp_path / "out"))})["x"]
    assert run.returncode == 2
    assert "no input" in run.stderr and "Traceback" not in run.stderr


def test_folder_named_txt_given_as_input(tmp_path):
    folder = tmp_path / "book.txt"
    folder.mkdir()
    run = run_many({"x": cli("build", str(folder), "-o", str(tmp_path / "b.epub"))})["x"]
    assert run.returncode != 0 and "Traceback" not in run.stderr


def test_build_book_names_the_uncreatable_output_folder(tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("x", encoding="utf-8")
    source = tmp_path / "in.txt"
    source.write_text(PARAGRAPHS, encoding="utf-8")
    with pytest.raises(BuildError, match="cannot create output folder"):
        build_book(source, blocker / "sub" / "out.epub")


def test_build_book_refuses_a_fifo_and_a_folder(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "dir.txt").mkdir()
    with pytest.raises(BuildError, match="not a regular file"):
        build_book(tmp_path / "pipe.txt", tmp_path / "p.epub")
    with pytest.raises(BuildError, match="folder"):
        build_book(tmp_path / "dir.txt", tmp_path / "d.epub")


def test_output_may_not_overwrite_the_input(tmp_path):
    source = tmp_path / "same.epub"
    source.write_text(PARAGRAPHS, encoding="utf-8")
    before = source.read_bytes()
    with pytest.raises(BuildError, match="overwrite the input"):
        build_book(source, source)
    assert source.read_bytes() == before


# --- faults injected under the real command line ---------------------------------------------


def invoke(*args: str):
    return CliRunner().invoke(main, ["build", *args], catch_exceptions=False)


def as_run(result) -> Run:
    return Run(result.exit_code, result.stdout, result.stderr, 0.0)


def test_unreadable_file_fails_in_one_line(tmp_path, monkeypatch):
    source = tmp_path / "locked.txt"
    source.write_text(PARAGRAPHS, encoding="utf-8")
    if os.geteuid() != 0:
        source.chmod(0)
    else:  # root reads everything: make the read itself fail
        real_open = Path.open

        def refuse(self, *args, **kwargs):
            if self.name == "locked.txt":
                raise PermissionError(errno.EACCES, "Permission denied", str(self))
            return real_open(self, *args, **kwargs)

        monkeypatch.setattr(Path, "open", refuse)
    result = invoke(str(source), "-o", str(tmp_path / "locked.epub"))
    assert_one_line_error(as_run(result), source, "cannot read input: Permission denied")
    assert no_leftovers(tmp_path) == []


def test_disk_full_leaves_no_file(tmp_path, monkeypatch):
    source = tmp_path / "in.txt"
    source.write_text(PARAGRAPHS, encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(writer.os, "fsync", full)
    result = invoke(str(source), "-o", str(out / "in.epub"))
    assert_one_line_error(as_run(result), source, "No space left on device")
    assert list(out.iterdir()) == []


@pytest.fixture
def tiny_disk(tmp_path):
    """A 64 KiB tmpfs (needs root and mount); skipped where it cannot be made."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {made.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


def test_real_full_disk_leaves_no_file(tiny_disk):
    run = run_many({"x": cli("build", str(SEED), "-o", str(tiny_disk / "seed.epub"))})["x"]
    assert_one_line_error(run, SEED, "No space left on device")
    assert list(tiny_disk.iterdir()) == []


def test_interrupted_write_leaves_no_file_and_keeps_the_old_one(tmp_path, monkeypatch):
    book = Book(Metadata(title="T", language="sv"), blocks=[Block(BlockKind.PARAGRAPH, ["Hej."])])
    target = tmp_path / "book.epub"
    target.write_bytes(b"the previous book")

    def interrupt(fd: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(writer.os, "fsync", interrupt)
    with pytest.raises(KeyboardInterrupt):
        writer.write_epub(book, target)
    assert target.read_bytes() == b"the previous book"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.epub"]
    target.unlink()
    with pytest.raises(KeyboardInterrupt):
        writer.write_epub(book, target)
    assert list(tmp_path.iterdir()) == []


def test_the_source_is_never_modified(tmp_path):
    source = tmp_path / "source.txt"
    source.write_bytes(SEED.read_bytes())
    os.utime(source, (1_000_000_000, 1_000_000_000))
    before = (source.read_bytes(), source.stat().st_mtime_ns)
    run = run_many({"x": cli("build", str(source), "-o", str(tmp_path / "s.epub"))})["x"]
    assert run.returncode == 0, run.stderr
    assert (source.read_bytes(), source.stat().st_mtime_ns) == before


def test_size_limit_message(tmp_path, monkeypatch):
    source = tmp_path / "big.txt"
    source.write_text(PARAGRAPHS * 20, encoding="utf-8")
    monkeypatch.setattr(build_module, "MAX_INPUT_BYTES", 1000)
    result = invoke(str(source), "-o", str(tmp_path / "big.epub"))
    line = assert_one_line_error(as_run(result), source, "over the 1 kB limit")
    assert "--max-size" in line
    assert no_leftovers(tmp_path) == []


def test_size_limit_from_flags(tmp_path):
    source = tmp_path / "big.txt"
    source.write_bytes(b"ord " * 1_000_000)  # 4 MB
    with pytest.raises(BuildError, match=r"input is 4 MB, over the 2 MB limit \(--max-size"):
        build_book(source, tmp_path / "big.epub", {"max_size": 2})
    with pytest.raises(BuildError, match="positive number"):
        build_book(source, tmp_path / "big.epub", {"max_size": "-1"})


# --- nothing lost ------------------------------------------------------------------------


def test_nothing_lost_check_passes_on_the_seed(seed_text):
    from ebookmaker.pipeline import convert_text

    book, report = convert_text(seed_text)
    assert missing_words(seed_text, book, report) == []


def test_nothing_lost_check_finds_a_lost_word():
    text = "Ett ord som försvinner, och ett som blir kvar i boken.\n"
    book = Book(
        Metadata(title=""),
        blocks=[Block(BlockKind.PARAGRAPH, ["Ett ord som, och ett som blir kvar i boken."])],
    )
    assert missing_words(text, book, Report()) == ["försvinner"]


def test_nothing_lost_tokens_match_the_token_pattern():
    from ebookmaker.build import _TOKEN_RE, _fold, _split_tokens, _tokenize

    text = "ex2 fín ab_cd ²x ́a 1950-\ntalet ord­et Sovjet -\nunionen ja- \n"
    assert _tokenize(text) == _TOKEN_RE.findall(text)
    tokens, split = _split_tokens(text)
    assert tokens == _TOKEN_RE.findall(_fold(text))
    # "Sovjet -" is a line-end hyphen of a justified line (pdfminer): a split like the others
    assert [tokens[i] for i in split] == ["1950", "ord", "sovjet", "ja"]


def test_nothing_lost_accepts_joined_hyphens_and_dropped_artefacts():
    text = "Sovjet-\nunionen var stor.\n12\nSidhuvud\nen bok om sam\u00adhället.\n"
    book = Book(
        Metadata(),
        blocks=[Block(BlockKind.PARAGRAPH, ["Sovjetunionen var stor. En bok om samhället."])],
    )
    report = Report()
    report.add("artefacts", "drop", "12")
    report.add("artefacts", "drop", "Sidhuvud")
    assert missing_words(text, book, report) == []


def test_lost_words_become_a_warning(tmp_path, monkeypatch):
    import ebookmaker.build as build_mod

    real = build_mod.convert_text

    def lossy(text, options=None, name=""):
        book, report = real(text, options, name=name)
        book.blocks = book.blocks[:-1]
        return book, report

    monkeypatch.setattr(build_mod, "convert_text", lossy)
    source = tmp_path / "in.txt"
    source.write_text(PARAGRAPHS, encoding="utf-8")
    result = build_book(source, tmp_path / "in.epub")
    assert any(w.startswith("4 words missing: sista, stycket") for w in result.warnings)
    assert (tmp_path / "in.epub").is_file()  # a warning, not a failure
