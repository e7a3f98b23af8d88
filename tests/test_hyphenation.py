"""Line-end hyphens: join, keep or suspended, checked on the seed and the development corpus."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from ebookmaker.steps.hyphenation import HyphenDecision, WordKnowledge, split_line_end_hyphen

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "dev"
SEED = CORPUS / "seed-trotskij-terror" / "extracted" / "seed.txt"
# Line-based extractions whose line ends are the printed line ends.
EXTRACTORS = ("pdfminer.txt", "pypdf.txt", "pdftotext-layout.txt", "seedstyle.txt")

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="development corpus not present")

# DECISIONS.md of the seed: (line, left fragment, right fragment, joined word).
SEED_DECISIONS = [
    (12, "Sovjet", "unionen", "Sovjetunionen"),
    (24, "industriali", "sering", "industrialisering"),
    (30, "syste", "matisk", "systematisk"),
    (48, "Till", "sammans", "Tillsammans"),
    (125, "femårs", "planen", "femårsplanen"),
    (133, "efterbliven", "het", "efterblivenhet"),
    (161, "byrå", "kratin", "byråkratin"),
    (165, "avdel", "ningar", "avdelningar"),
    (173, "om", "kring", "omkring"),
    (219, "Kommunis", "tiska", "Kommunistiska"),
    (245, "ställ", "ning", "ställning"),
    (263, "enfal", "diga", "enfaldiga"),
    (275, "bedräg", "lighet", "bedräglighet"),
    (279, "männi", "skor", "människor"),
    (287, "motsätt", "ning", "motsättning"),
    (293, "miss", "lyckande", "misslyckande"),
    (333, "maski", "neri", "maskineri"),
    (341, "för", "giftade", "förgiftade"),
    (359, "möjlig", "heten", "möjligheten"),
    (386, "för", "kroppsligandet", "förkroppsligandet"),
    (441, "fort", "farande", "fortfarande"),
    (466, "ny", "modigheter", "nymodigheter"),
    (475, "nöd", "vändiga", "nödvändiga"),
    (487, "självför", "troende", "självförtroende"),
    (489, "avant", "gardets", "avantgardets"),
    (191, "elimine", "rades", "eliminerades"),
    (197, "kommu", "nister", "kommunister"),
    (511, "Vänsteropposi", "tionen", "Vänsteroppositionen"),
    (513, "kontrarevolu", "tionära", "kontrarevolutionära"),
    (520, "omständig", "heter", "omständigheter"),
    (525, "central", "kommittén", "centralkommittén"),
]


def _first_token_after(lines: list[str], index: int) -> tuple[int, str] | None:
    """The first token of the next non-blank line after ``lines[index]``."""
    for j in range(index + 1, len(lines)):
        if lines[j].strip():
            return j, lines[j].split()[0]
    return None


def _line_end_pairs(text: str) -> list[tuple[int, str, str]]:
    """(1-based line, left token, right token) for every line ending in a word-hyphen."""
    lines = text.replace("\r\n", "\n").replace("\f", "\n").split("\n")
    pairs = []
    for i, line in enumerate(lines):
        split = split_line_end_hyphen(line)
        following = _first_token_after(lines, i)
        if split and following:
            pairs.append((i + 1, split[1], following[1]))
    return pairs


@cache
def _seed_knowledge() -> WordKnowledge:
    return WordKnowledge(SEED.read_text(encoding="utf-8"), "sv")


# -- split_line_end_hyphen ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("befinner sig utanför Sovjet-", ("befinner sig utanför ", "Sovjet")),
        ("splittra sin uppmärk -", ("splittra sin ", "uppmärk")),  # pdfminer, justified
        (" Till-", (" ", "Till")),
        ("denna «sölke-", ("denna ", "«sölke")),
        ("i slutet på 1950-", ("i slutet på ", "1950")),
        ("bolsjevik-lenin-  ", ("", "bolsjevik-lenin")),
        ("en ord\u00ad", ("en ", "ord")),  # soft hyphen
        ("en ord-\r", ("en ", "ord")),
        ("han tog det – ", None),  # en dash
        ("och så —", None),
        ("se nedan --", None),
        ("ett  -", None),  # a free-standing hyphen used as a dash
        ("-", None),
        ("(se s. 12)", None),
        ("", None),
    ],
)
def test_split_line_end_hyphen(line: str, expected: tuple[str, str] | None) -> None:
    assert split_line_end_hyphen(line) == expected


# -- the seed: DECISIONS.md ------------------------------------------------------------------


@needs_corpus
def test_seed_line_end_hyphens_are_the_31_of_decisions_md() -> None:
    found = {(n, left.strip("”“")) for n, left, _ in _line_end_pairs(SEED.read_text("utf-8"))}
    assert found == {(n, left) for n, left, _, _ in SEED_DECISIONS}


@needs_corpus
@pytest.mark.parametrize(("line", "left", "right", "joined"), SEED_DECISIONS)
def test_seed_decision(line: int, left: str, right: str, joined: str) -> None:
    decision = _seed_knowledge().decide(left, right)
    assert (decision.action, decision.result) == ("join", joined), decision
    assert decision.evidence


@needs_corpus
def test_seed_decisions_with_punctuation_as_extracted() -> None:
    """The tokens as the seed has them: punctuation around the fragments is carried over."""
    wk = _seed_knowledge()
    assert wk.decide("Sovjet", "unionen.").result == "Sovjetunionen."
    assert wk.decide("”kontrarevolu", "tionära").result == "”kontrarevolutionära"
    assert wk.decide("Vänsteropposi", "tionen,").result == "Vänsteroppositionen,"


@needs_corpus
@pytest.mark.parametrize(
    ("left", "right", "action", "result"),
    [
        ("1950", "talet", "keep", "1950-talet"),
        ("1920", "talet,", "keep", "1920-talet,"),
        ("anglo", "ryska", "keep", "anglo-ryska"),  # written so mid-line in note 2
        ("Kai", "shek", "keep", "Kai-shek"),  # written so mid-line on 113, 183
        ("bolsjevik", "leninisterna", "keep", "bolsjevik-leninisterna"),
        ("P", "O", "keep", "P-O"),
        ("GPU", "agenten", "keep", "GPU-agenten"),
        ("arbetar", "och", "suspended", "arbetar-"),
    ],
)
def test_seed_keeps_and_suspended(left: str, right: str, action: str, result: str) -> None:
    decision = _seed_knowledge().decide(left, right)
    assert (decision.action, decision.result) == (action, result), decision
    assert decision.evidence


# -- language knowledge without document evidence -------------------------------------------


@pytest.mark.parametrize(
    ("language", "left", "right", "action"),
    [
        ("sv", "Kai", "shek", "keep"),  # a two-part name
        ("sv", "anglo", "ryska", "keep"),  # combining form before a word
        ("sv", "EU", "medlemskap", "keep"),
        ("sv", "Sovjet", "unionen", "join"),
        ("sv", "Till", "sammans", "join"),
        ("sv", "central", "kommittén", "join"),
        ("sv", "December", "dag,", "join"),  # a name before a common word: one compound
        ("sv", "tistel", "och", "suspended"),
        ("sv", "in", "eller", "suspended"),
        ("sv", "1950", "och", "suspended"),  # 1950- och 1960-talen
        ("sv", "EU", "eller", "suspended"),
        ("de", "Ein", "und", "suspended"),
        ("de", "bürgerlich", "gesetzlichen", "keep"),  # coordinated adjectives
        ("de", "Amts", "treue)", "join"),  # nouns are capitalised: no name
        ("de", "Staats", "verfassung", "join"),
        ("en", "some", "thing", "join"),
        ("en", "working", "class", "keep"),
        ("en", "twenty", "five", "keep"),
        ("en", "pre", "and", "suspended"),
        ("en", "col", "or", "join"),  # a word ending in a conjunction's letters
        ("en", "thous", "and", "join"),
        ("fr", "est", "il", "keep"),  # enclitic pronoun
        ("fr", "celui", "ci", "keep"),
        ("fr", "pu", "blique", "join"),
        ("fr", "pré", "et", "suspended"),
        ("", "ord", "och", "suspended"),  # language unknown
        ("", "5", "9", "keep"),
        ("", "Sovjet", "unionen", "join"),
    ],
)
def test_language_knowledge(language: str, left: str, right: str, action: str) -> None:
    decision = WordKnowledge("", language).decide(left, right)
    assert decision.action == action, decision
    assert decision.evidence


def test_document_evidence_beats_word_lists() -> None:
    # Old French writes 'long-temps'; wordfreq only knows 'longtemps'.
    assert WordKnowledge("", "fr").decide("long", "temps").action == "join"
    wk = WordKnowledge("Il y a long-temps. Depuis long-temps ils attendent.", "fr")
    decision = wk.decide("long", "temps,")
    assert (decision.action, decision.result) == ("keep", "long-temps,")
    assert "long-temps" in decision.evidence


def test_inflected_forms_count_as_document_evidence() -> None:
    wk = WordKnowledge("Byråkratins makt. Möjlighet. Wage-labor is sold.", "")
    assert wk.decide("byrå", "kratin").action == "join"  # byråkratins
    assert wk.decide("möjlig", "heten").action == "join"  # möjlighet
    assert wk.decide("wage", "laborers").action == "keep"  # wage-labor
    # The stem must reach past the break: 'för' alone is no evidence for 'förgiftade'.
    assert "document" not in WordKnowledge("förr förut", "").decide("för", "giftade").evidence


def test_line_end_breaks_are_not_evidence_for_themselves() -> None:
    wk = WordKnowledge("utanför Anglo-\nryska gränsen\nuppmärk -\nsamhet", "")
    assert wk.counts["anglo-ryska"] == 0 and wk.counts["anglo"] == 0
    assert wk.counts["uppmärksamhet"] == 0 and wk.counts["gränsen"] == 1


def test_split_inside_a_hyphenated_compound() -> None:
    wk = WordKnowledge("de bolsjevik-leninisterna, Leroy-Beaulieu", "sv")
    assert wk.decide("bolsjevik-lenin", "isterna,").result == "bolsjevik-leninisterna,"
    assert wk.decide("Leroy-Beau", "lieu").result == "Leroy-Beaulieu"


def test_punctuation_where_no_word_continues() -> None:
    decision = WordKnowledge("", "sv").decide("Nord", "»Amerika«")
    assert (decision.action, decision.unsure) == ("keep", True)


def test_pdfium_soft_hyphens() -> None:
    wk = WordKnowledge("i ori\ufffeginalet, här satta", "sv")
    assert wk.counts["originalet"] == 1
    decision = wk.decide("ori", "ginalet")
    assert decision.action == "join" and "originalet" in decision.evidence
    assert WordKnowledge("", "").decide("Kai", "shek", soft=True).action == "join"


def test_decision_is_a_frozen_record() -> None:
    decision = WordKnowledge("", "").decide("ny", "het")
    assert isinstance(decision, HyphenDecision)
    with pytest.raises(AttributeError):
        decision.action = "keep"  # type: ignore[misc]


# -- the development corpus ------------------------------------------------------------------


@dataclass
class Outcome:
    document: str
    language: str
    total: int
    failures: list[str]


def _truth_text(folder: Path) -> tuple[str, str]:
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    parts = [*truth.get("front", []), *(b["text"] for b in truth["blocks"])]
    parts += [n["text"] for n in truth["notes"]]
    return re.sub(r"\[\^[^\]]+\]", "", "\n".join(parts)), truth["language"]


def _expected(truth: str, left: str, right: str) -> str | None:
    """What the truth text writes for the pair, or None when it cannot tell (the next line is
    a footnote or page furniture, or both forms occur)."""
    left = re.split(r"[^\w-]", left)[-1]
    right = re.sub(r"(?<=[^\W\d_])\d+$", "", re.split(r"[^\w-]", right)[0])  # note marker

    words = _truth_words(truth)
    joined, hyphenated = (left + right).casefold() in words, f"{left}-{right}".casefold() in words
    if joined != hyphenated:
        return "join" if joined else "keep"
    if not joined and re.search(rf"(?<!\w){re.escape(left)}- {re.escape(right)}(?!\w)", truth):
        return "suspended"
    return None


@cache
def _truth_words(truth: str) -> frozenset[str]:
    """Every word of the truth text, casefolded: hyphenated compounds and each of their parts."""
    words = set()
    for compound in re.findall(r"[^\W_]+(?:-[^\W_]+)*", truth.casefold()):
        words.add(compound)
        words.update(compound.split("-"))
    return frozenset(words)


def _documents() -> list[Path]:
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.iterdir() if (p / "truth.json").is_file())


def _extractions(folder: Path) -> list[Path]:
    files = [folder / "extracted" / name for name in EXTRACTORS]
    return [f for f in files if f.is_file()] or sorted((folder / "extracted").glob("*.txt"))


@cache
def _outcome(folder: Path) -> Outcome:
    truth, language = _truth_text(folder)
    total, failures = 0, []
    for path in _extractions(folder):
        text = path.read_text(encoding="utf-8")
        wk = WordKnowledge(text, language)
        for line, left, right in _line_end_pairs(text):
            expected = _expected(truth, left, right)
            if expected is None:
                continue
            decision = wk.decide(left, right)
            assert decision.evidence, decision
            total += 1
            if decision.action != expected:
                failures.append(
                    f"{path.name}:{line} {left}-|{right}: expected {expected}, got "
                    f"{decision.action} ({decision.evidence})"
                )
    return Outcome(folder.name, language, total, failures)


@needs_corpus
@pytest.mark.parametrize("folder", _documents(), ids=lambda p: p.name)
def test_corpus_document(folder: Path) -> None:
    outcome = _outcome(folder)
    assert outcome.total > 0
    accuracy = 1 - len(outcome.failures) / outcome.total
    print(f"{outcome.document}: {accuracy:.1%} of {outcome.total}")
    assert accuracy >= 0.9, "\n".join(outcome.failures)


@needs_corpus
def test_corpus_accuracy_per_language() -> None:
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    failures = []
    for folder in _documents():
        outcome = _outcome(folder)
        totals[outcome.language][0] += outcome.total - len(outcome.failures)
        totals[outcome.language][1] += outcome.total
        failures += outcome.failures
    for language, (right, total) in sorted(totals.items()):
        print(f"{language}: {right}/{total} = {right / total:.1%}")
    right = sum(r for r, _ in totals.values())
    total = sum(t for _, t in totals.values())
    assert right / total >= 0.95, "\n".join(failures)


@needs_corpus
def test_word_knowledge_alone() -> None:
    """Without document evidence: the corpus's line-end joins must still join, and the
    compounds its truth writes with a hyphen (politiko-ekonomiska, working-class, est-il), if
    broken at their hyphen, should mostly keep it. Dialect and old spellings (far-din,
    long-temps) need the document, so the bar for keeps is lower."""
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    misses = []
    for folder in _documents():
        truth, language = _truth_text(folder)
        wk = WordKnowledge("", language)
        compounds = set(re.findall(r"(?<![\w-])([^\W\d_]+)-([^\W\d_]+)(?![\w-])", truth))
        joins = set()
        for path in _extractions(folder):
            for _, left, right in _line_end_pairs(path.read_text(encoding="utf-8")):
                if _expected(truth, left, right) == "join":
                    joins.add((left, right))
        for expected, pairs in (("keep", compounds), ("join", joins)):
            for left, right in sorted(pairs):
                decision = wk.decide(left, right)
                counts[language, expected][1] += 1
                if decision.action == expected:
                    counts[language, expected][0] += 1
                else:
                    misses.append(f"{language} {left}-|{right}: {decision.evidence}")
    for (language, expected), (right, total) in sorted(counts.items()):
        print(f"no document, {language} {expected}: {right}/{total}")

    def rate(expected: str) -> float:
        right = sum(r for (_, e), (r, _) in counts.items() if e == expected)
        return right / sum(t for (_, e), (_, t) in counts.items() if e == expected)

    assert rate("join") >= 0.95, "\n".join(misses)
    assert rate("keep") >= 0.7, "\n".join(misses)


@needs_corpus
def test_pdfium_joined_words_decide_join() -> None:
    """PDFium marks the typesetter's hyphens with U+FFFE; asked as pairs, they all join."""
    for folder in _documents():
        path = folder / "extracted" / "pdfium.txt"
        if not path.is_file():
            continue
        truth, language = _truth_text(folder)
        text = path.read_text(encoding="utf-8")
        wk = WordKnowledge(text, language)
        for left, right in re.findall(r"(\w+)\ufffe(\w+)", text):
            if _expected(truth, left, right) == "join":
                assert wk.decide(left, right).action == "join", (folder.name, left, right)


# -- hyphenation patterns --------------------------------------------------------------------


@pytest.mark.parametrize("language", ["sv", "de", "en", "fr", "hu", "ru"])
def test_cached_patterns_give_pyphens_points(tmp_path, monkeypatch, language: str) -> None:
    """Built (first use on a machine) and read back from the cache: pyphen's points, also
    for a pattern file with nonstandard hyphenation (Hungarian)."""
    import pyphen

    from ebookmaker.steps.hyphenation import HyphenationPatterns

    monkeypatch.setenv("EBOOKMAKER_CACHE", str(tmp_path))
    lang = pyphen.language_fallback(language)
    reference = pyphen.Pyphen(lang=lang)
    text = SEED.read_text(encoding="utf-8") if SEED.is_file() else ""
    words = {w.casefold() for w in re.findall(r"[^\W\d_]+", text)}
    words |= {"Sovjetunionen", "lettergrepen", "Schifffahrt", "asszonnyal", "hyphenation", "Ab"}
    built = HyphenationPatterns.of(pyphen.LANGUAGES[lang])
    (cached_file,) = (tmp_path / "pyphen").iterdir()
    assert pyphen.__version__ in cached_file.name
    cached = HyphenationPatterns.of(pyphen.LANGUAGES[lang])
    for word in sorted(words):
        expected = reference.positions(word)
        assert built.positions(word) == expected, word
        assert cached.positions(word) == expected, word


def test_pattern_table_then_all_patterns_give_pyphens_points(tmp_path, monkeypatch) -> None:
    """A process that asks about many words goes over from the cache file's table to a dict
    of all patterns, with the same points before and after."""
    import pyphen

    from ebookmaker.steps import hyphenation
    from ebookmaker.steps.hyphenation import HyphenationPatterns

    monkeypatch.setenv("EBOOKMAKER_CACHE", str(tmp_path))
    monkeypatch.setattr(hyphenation, "_TABLE_WORDS", 5)
    reference = pyphen.Pyphen(lang="de_DE")
    HyphenationPatterns.of(pyphen.LANGUAGES["de_DE"])  # built: the cache file is written
    cached = HyphenationPatterns.of(pyphen.LANGUAGES["de_DE"])
    words = ["Schifffahrt", "Sovjetunionen", "ewigen", "Frieden", "Völkerrecht", "Staaten"]
    words += ["Weltbürgerrecht", "Schifffahrt", "Abschnitt", "Ab"]
    for i, word in enumerate(words):
        assert cached.positions(word.lower()) == reference.positions(word.lower()), word
        assert isinstance(cached._dict.patterns, dict) == (i >= 5), i  # (a new word each)


def test_damaged_pattern_cache_is_rebuilt(tmp_path, monkeypatch) -> None:
    import pyphen

    from ebookmaker.steps.hyphenation import HyphenationPatterns

    monkeypatch.setenv("EBOOKMAKER_CACHE", str(tmp_path))
    HyphenationPatterns.of(pyphen.LANGUAGES["sv"])
    (cached_file,) = (tmp_path / "pyphen").iterdir()
    cached_file.write_bytes(b"garbage")
    patterns = HyphenationPatterns.of(pyphen.LANGUAGES["sv"])
    assert patterns.positions("uppfattning") == pyphen.Pyphen(lang="sv").positions("uppfattning")


# -- speed -----------------------------------------------------------------------------------


@needs_corpus
def test_seed_build_is_fast() -> None:
    """Imports, counting and all 31 decisions of the 3,000-word seed: budget 0.6 s (the
    bound here is loose so that a busy machine does not fail the suite)."""
    code = textwrap.dedent(
        f"""
        import time
        start = time.perf_counter()
        from pathlib import Path
        from ebookmaker.steps.hyphenation import WordKnowledge, split_line_end_hyphen
        text = Path({str(SEED)!r}).read_text(encoding="utf-8")
        wk = WordKnowledge(text, "sv")
        lines = text.split("\\n")
        for i, line in enumerate(lines):
            split = split_line_end_hyphen(line)
            rest = [x for x in lines[i + 1 :] if x.strip()]
            if split and rest:
                wk.decide(split[1], rest[0].split()[0])
        print(time.perf_counter() - start)
        """
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert float(run.stdout) < 1.5
