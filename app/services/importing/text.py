"""Which text encoding an uploaded file is in, and whether it is text at all.

UTF-8 (with or without a byte-order mark) wins whenever the file decodes as UTF-8 (but for a stray broken
byte among many good letters, which is read as "\ufffd" rather than mistaking the whole file); a BOM names
UTF-16/32 (Excel's "Unicode text"); anything else is charset-normalizer's guess, checked against the
two encodings spreadsheets are really saved in when they are not Unicode — cp1251 (a Russian Excel
export) and cp1252 (Western Europe) — because on a few rows the detector's first guess is often an
exotic cousin ("mac_latin2" for German text)."""

from __future__ import annotations

import codecs
import io
import re

import charset_normalizer

CHUNK = 1 << 20  # what charset-normalizer is shown of a file that is not UTF-8
VALIDATE_CHUNK = 1 << 16  # UTF-8 validation decodes the file in slices this big
SAMPLE = 1 << 16  # what delimiter sniffing and the binary check look at
BOMS = (
    (codecs.BOM_UTF32_LE, "utf_32"),
    (codecs.BOM_UTF32_BE, "utf_32"),
    (codecs.BOM_UTF8, "utf_8_sig"),
    (codecs.BOM_UTF16_LE, "utf_16"),
    (codecs.BOM_UTF16_BE, "utf_16"),
)
SPREADSHEET_CODEPAGES = ("cp1252", "cp1251")
_WORD = re.compile(r"[^\W\d_]{2,}")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_CASE_MESS = re.compile(r"[^\W\d_]*[a-zа-яё][A-ZА-ЯЁ]")  # "йЧБО" is KOI8-R "Иван" read as cp1251
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")


def utf8_damage(data: bytes) -> tuple[int, int]:
    """(broken, sound): how many bytes of `data` are not UTF-8, and how many characters beyond ASCII
    are. Read in slices: no second copy of a large file."""
    decoder = codecs.getincrementaldecoder("utf_8")(errors="replace")
    view = memoryview(data)
    broken = sound = 0
    for start in range(0, len(view), VALIDATE_CHUNK):
        text = decoder.decode(view[start : start + VALIDATE_CHUNK], final=start + VALIDATE_CHUNK >= len(view))
        if not text.isascii():
            replaced = text.count("\ufffd")
            broken += replaced
            sound += len(text) - len(text.encode("ascii", "ignore")) - replaced
    return broken, sound


def detect_encoding(data: bytes) -> str | None:
    """The codec name to read `data` with, or None when it does not look like text in any encoding."""
    for bom, name in BOMS:
        if data.startswith(bom):
            return name
    broken, sound = utf8_damage(data)
    if not broken or sound >= 4 * broken:  # UTF-8; a stray broken byte among good letters is read as "\ufffd"
        return "utf_8"
    sample = data[: CHUNK - CHUNK % 4]
    matches = charset_normalizer.from_bytes(sample)
    best = matches.best()
    if best is None:
        return None
    guess = codecs.lookup(best.encoding).name.replace("-", "_")
    if guess.startswith("utf"):  # UTF-16/32 without a BOM; UTF-8 with a few broken bytes (read replaced)
        return guess
    text_sample = sample[:SAMPLE]
    candidates = [*SPREADSHEET_CODEPAGES, *([guess] if guess not in SPREADSHEET_CODEPAGES else [])]
    scored = [(_oddity(text_sample, name), order, name) for order, name in enumerate(candidates)]
    return min(scored)[2]


def _oddity(sample: bytes, encoding: str) -> float:
    """How wrong `sample` looks decoded as `encoding`: words that mix Cyrillic and Latin letters ("Mьller"
    is German read as cp1251), are made only of accented Latin letters ("Èâàí" is Russian read as
    cp1252), or turn to capitals mid-word ("йЧБО"). Undecodable is infinitely wrong."""
    try:
        text = sample.decode(encoding)
    except UnicodeDecodeError:
        try:
            text = codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
        except UnicodeDecodeError:
            return float("inf")
    odd = sum(1 for word in _WORD.findall(text) if _odd_word(word))
    return odd + len(_CONTROL.findall(text))


def text_sample(data: bytes, encoding: str) -> str:
    """The first SAMPLE bytes decoded (a character cut in half at the end left out)."""
    return codecs.getincrementaldecoder(encoding)(errors="replace").decode(data[:SAMPLE], final=False)


def looks_binary(sample: str) -> bool:
    """Text has no NULs and almost no control characters; a picture, a PDF or random bytes do."""
    if "\x00" in sample:
        return True
    return len(_CONTROL.findall(sample)) > max(2, len(sample) // 100)


def open_text(data: bytes, encoding: str) -> io.TextIOWrapper:
    """A text stream over `data` (decoded as it is read; newlines kept for the csv module)."""
    return io.TextIOWrapper(io.BytesIO(data), encoding=encoding, errors="replace", newline="")


def _odd_word(word: str) -> bool:
    cyrillic = bool(_CYRILLIC.search(word))
    if cyrillic:
        return bool(_ASCII_LETTER.search(word) or _CASE_MESS.match(word))
    return not _ASCII_LETTER.search(word) and all("\u00c0" <= char <= "\u024f" for char in word)
