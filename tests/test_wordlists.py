"""ebookmaker.wordlists gives wordfreq's answers, bit for bit, without importing wordfreq."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ebookmaker import wordlists

wordfreq = pytest.importorskip("wordfreq")


@pytest.fixture
def fresh_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("EBOOKMAKER_CACHE", str(tmp_path / "cache"))
    wordlists.table.cache_clear()
    wordlists.combined_table.cache_clear()
    yield tmp_path / "cache"
    wordlists.table.cache_clear()
    wordlists.combined_table.cache_clear()


def test_simple_languages_match_wordfreq_preprocessing():
    from wordfreq.language_info import get_language_info

    langs = set(wordfreq.available_languages("small")) | set(wordfreq.available_languages("large"))
    simple = set()
    for lang in langs:
        info = get_language_info(lang)
        if (
            info["script"] in ("Latn", "Cyrl", "Grek")
            and info["tokenizer"] == "regex"
            and info["normal_form"] == "NFC"
            and not info["remove_marks"]
            and not info["dotless_i"]
            and not info["diacritics_under"]
            and not info["transliteration"]
            and not info["lookup_transliteration"]
        ):
            simple.add(lang)
    assert wordlists.SIMPLE_LANGUAGES == simple
    for wordlist in ("small", "large"):
        assert wordlists.available_languages(wordlist) == set(
            wordfreq.available_languages(wordlist)
        )


def _probe_words(lang: str) -> list[str]:
    listed = [w for bucket in wordfreq.get_frequency_list(lang, "best") for w in bucket]
    sample = listed[::97] + listed[:300]
    variants = []
    for w in sample[::5]:
        variants += [w.capitalize(), w + "s", w[:-1], w + "x", w + "6", "12" + w, w + "-" + w]
    odd = [
        "",
        "1950talet",
        "1950",
        "7",
        "a1b",
        "don't",
        "l'homme",
        "œuvre",
        "straße",
        "ﬁn",
        "naïve",
        "nai\u0308ve",
        "ǅ",
        "ς",
        "σοφία",
        "Σοφία",
        "мир",
        "ёж",
        "x" * 40,
        "_a",
        "a_b",
        "٣",
        "²",
        "ǈ",
        "ŉ",
        "ſ",
        "İ",
        "ı",
        "ș",
        "ş",
        "1,5",
        "3.14",
        "co-op",
        "é",
    ]
    return sample + variants + odd


@pytest.mark.parametrize("lang", ["sv", "en", "de", "fr", "ru", "nb", "cs", "tr", "ro", "el"])
def test_zipf_is_wordfreqs(fresh_cache, lang):
    for word in _probe_words(lang):
        assert wordlists.zipf(word, lang) == wordfreq.zipf_frequency(word, lang), (word, lang)


@pytest.mark.parametrize("lang", ["sv", "da", "nb", "en", "fi", "ru", "sr", "mk", "uk", "bg"])
def test_frequencies_are_wordfreqs(fresh_cache, lang):
    freqs = wordfreq.get_frequency_dict(lang, "small")
    words = list(itertools.islice(freqs, 0, None, 41)) + ["xqzv", "Och", "och", "the", "и"]
    assert wordlists.frequencies(words, lang) == [freqs.get(w, 0.0) for w in words]


def test_frequency_table_is_frequencies_per_language(fresh_cache):
    words = ["och", "the", "und", "xqzv", "Och", "и", "är"]
    langs = ("sv", "en", "de", "ru")
    assert wordlists.frequency_table(words, langs) == [
        wordlists.frequencies(words, lang) for lang in langs
    ]


def test_combined_table_is_wordfreqs_per_language(fresh_cache):
    """Language detection's one table of a dozen lists: each column is wordfreq's list."""
    from ebookmaker.steps.language import LATIN_LANGUAGES

    dicts = {lang: wordfreq.get_frequency_dict(lang, "small") for lang in LATIN_LANGUAGES}
    words = ["xqzv", "Och", "och", "the", "и", "straße", ""]
    for freqs in dicts.values():
        words += itertools.islice(freqs, 0, None, 997)
    table = wordlists.frequency_table(words, LATIN_LANGUAGES)
    assert table == [[dicts[lang].get(w, 0.0) for w in words] for lang in LATIN_LANGUAGES]
    (path,) = (fresh_cache / "wordfreq").glob("small_sv+da+*.table")
    wordlists.combined_table.cache_clear()
    before = path.stat().st_mtime_ns
    assert wordlists.frequency_table(words, LATIN_LANGUAGES) == table  # opened, not rebuilt
    assert path.stat().st_mtime_ns == before


def test_tables_are_cached_and_shared(fresh_cache):
    assert wordlists.zipf("och", "sv") > 6
    files = list((fresh_cache / "wordfreq").glob("large_sv-*.table"))
    assert len(files) == 1
    assert oct(files[0].stat().st_mode & 0o777) == "0o644"
    wordlists.table.cache_clear()
    before = files[0].stat().st_mtime_ns
    assert wordlists.zipf("och", "sv") > 6  # opened, not rebuilt
    assert files[0].stat().st_mtime_ns == before


def test_damaged_table_is_rebuilt(fresh_cache):
    wordlists.zipf("och", "sv")
    (path,) = (fresh_cache / "wordfreq").glob("large_sv-*.table")
    path.write_bytes(b"garbage")
    wordlists.table.cache_clear()
    assert wordlists.zipf("och", "sv") == wordfreq.zipf_frequency("och", "sv")


def test_unwritable_cache_builds_in_memory(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("EBOOKMAKER_CACHE", str(blocker / "cache"))
    wordlists.table.cache_clear()
    try:
        assert wordlists.zipf("och", "sv") == wordfreq.zipf_frequency("och", "sv")
        assert wordlists.frequencies(["och"], "sv") == [wordfreq.get_frequency_dict("sv")["och"]]
    finally:
        wordlists.table.cache_clear()


def test_cache_dir_from_environment(monkeypatch):
    monkeypatch.setenv("EBOOKMAKER_CACHE", "/x/y")
    assert wordlists.cache_dir() == Path("/x/y")
    monkeypatch.delenv("EBOOKMAKER_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", "/c")
    assert wordlists.cache_dir() == Path("/c/ebookmaker")


def test_build_does_not_import_wordfreq(tmp_path):
    """Detection and look-ups of ordinary words need no wordfreq import, cold cache or warm."""
    code = (
        "import sys\n"
        "from ebookmaker.steps.language import detect_language\n"
        "from ebookmaker.steps.hyphenation import WordKnowledge\n"
        "text = 'Det är inte svårt att förklara de psykologiska orsakerna till hans steg.'\n"
        "assert detect_language(text)[0] == 'sv'\n"
        "wk = WordKnowledge('Sovjetunionen är stor.', 'sv')\n"
        "assert wk.decide('Sovjet', 'unionen').action == 'join'\n"
        "assert wk.decide('arbe', 'tarna').action == 'join'\n"
        "assert 'wordfreq' not in sys.modules, 'wordfreq was imported'\n"
    )
    env = dict(os.environ, EBOOKMAKER_CACHE=str(tmp_path / "cache"))
    for _ in range(2):  # cold, then warm
        subprocess.run([sys.executable, "-c", code], check=True, env=env)
