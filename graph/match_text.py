"""The text side of the name matcher (graph/match.py): the forms a name is compared in.

- `norm`: case, accents, apostrophes and punctuation away ("Jama'at" -> "jamaat"), in any
  script (graph.mapping.normalise_text keeps only a-z and digits);
- `translit`: spelling variants of transliterated Arabic and of French folded (ou/u, oo/u,
  kh/k, q/k, w/u, y/i, doubled letters, a final French e, the articles al-/el-/ul-), and
  Arabic script normalised (hamza forms, ta marbuta, alef maqsura, tatweel, the article);
- `acronym`: the initials of a name's significant words ("Jama'at Nusrat al-Islam
  wal-Muslimin" -> jnim);
- `name_forms` (an entity's names) and `query_forms` (a queried name, with penalties).
"""

from __future__ import annotations

import re
import unicodedata

_APOSTROPHES = re.compile(r"[\u0027\u2018\u2019\u02bb\u02bc\u02be\u02bf\u0060\u00b4]")
_PAREN = re.compile(r"\s*\(([^()]*)\)\s*")
_YEARS = re.compile(r"\s*\((?:\d{4})?\s*-\s*(?:\d{4})?\)\s*$|\s*\(\d{4}\)\s*$")
_ARABIC = str.maketrans({"ة": "ه", "ى": "ي", "ـ": None, "ؤ": "و", "ئ": "ي", "ء": None})
# Applied in this order, to each word of the normalised form.
_LATIN_FOLDS = (
    ("ou", "u"),
    ("oo", "u"),
    ("ee", "i"),
    ("ph", "f"),
    ("kh", "k"),
    ("gh", "g"),
    ("dh", "d"),
    ("tch", "ch"),
    ("sh", "ch"),
    ("dj", "j"),
    ("q", "k"),
    ("w", "u"),
    ("y", "i"),
)
_ARTICLES = frozenset({"al", "el", "ul", "l", "ad", "ed", "ar", "as", "ash", "an", "at"})
STOPWORDS = frozenset(
    {"of", "the", "for", "and", "in", "to", "a", "an", "de", "du", "des", "la", "le", "les"}
    | {
        "l",
        "et",
        "au",
        "aux",
        "en",
        "d",
        "al",
        "el",
        "ul",
        "wa",
        "ua",
        "wal",
        "fi",
        "li",
        "lil",
        "lid",
    }
)
_NOT_WORD = re.compile(r"[\W_]+")
_ACRONYM_QUERY = re.compile(r"^[A-Za-z][A-Za-z0-9.\-]{1,9}$")


def norm(text: str) -> str:
    """Case-, accent-, apostrophe- and punctuation-insensitive form, in any script
    (graph.mapping.normalise_text keeps only a-z and digits: Arabic would vanish)."""
    text = _APOSTROPHES.sub("", text).replace("ç", "s").replace("Ç", "S").translate(_ARABIC)
    bare = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return " ".join(_NOT_WORD.sub(" ", bare.casefold()).split())


def translit(key: str) -> str:
    """A normalised name with transliteration variants folded (see the module text)."""
    words = []
    for word in key.split():
        if word in _ARTICLES:
            continue
        if word == "wal":
            word = "wa"
        if word[:1].isascii():
            for a, b in _LATIN_FOLDS:
                word = word.replace(a, b)
            word = re.sub(r"(.)\1+", r"\1", word)
            if len(word) > 3 and word.endswith("e"):
                word = word[:-1]
        else:  # Arabic script: the article and a leading "and"
            if word.startswith("وال") and len(word) > 4:
                word = word[3:]
            elif word.startswith("ال") and len(word) > 3:
                word = word[2:]
        words.append(word)
    return " ".join(words)


def acronym(key: str) -> str:
    """Initials of the significant words of a normalised name ('' under three letters)."""
    letters = "".join(w[0] for w in key.split() if w not in STOPWORDS and w[0].isalpha())
    return letters if len(letters) >= 3 and letters.isascii() else ""


def name_forms(name: str) -> list[str]:
    """A name as written, without a trailing '(2021-)' period or '(Mali)' qualifier, an
    acronym inside parentheses, and both sides of 'ACRONYM: Full name' (ACLED's habit)."""
    name = " ".join(name.split())
    if not name:
        return []
    out = [name]
    no_years = _YEARS.sub("", name).strip()
    out.append(no_years)
    out.append(_PAREN.sub(" ", no_years).strip(" ,"))
    out += [p.strip() for p in _PAREN.findall(name) if looks_like_acronym(p.strip())]
    if ":" in no_years:
        head, _, tail = no_years.partition(":")
        out += [head.strip(), tail.strip(), _PAREN.sub(" ", tail).strip()]
    return list(dict.fromkeys(f for f in out if f))


def query_forms(name: str) -> list[tuple[str, float]]:
    """The forms of a queried name, each with the points a hit on it loses: dropping a
    period '(2021-)' or a spelled-out acronym changes nothing (1), one side of 'JNIM: Group
    for...' little (2), the acronym alone a bit (3); dropping a qualifier '(Sahel)' can
    change the entity ('Islamic State (Sahel)' is not 'Islamic State'), hence 12."""
    name = " ".join(name.split())
    if not name:
        return []
    out: dict[str, float] = {name: 0.0}
    no_years = _YEARS.sub("", name).strip()
    out.setdefault(no_years, 1.0)
    inner = [p.strip() for p in _PAREN.findall(no_years)]
    acronyms = [p for p in inner if looks_like_acronym(p)]
    bare = _PAREN.sub(" ", no_years).strip(" ,")
    out.setdefault(bare, 1.0 if inner and len(acronyms) == len(inner) else 12.0)
    for part in acronyms:
        out.setdefault(part, 3.0)
    if ":" in no_years:
        head, _, tail = no_years.partition(":")
        for part in (head.strip(), tail.strip(), _PAREN.sub(" ", tail).strip()):
            out.setdefault(part, 2.0)
    return [(f, p) for f, p in out.items() if f]


def looks_like_acronym(text: str) -> bool:
    first = text.split()[0] if text.split() else ""
    letters = [c for c in first if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    return bool(_ACRONYM_QUERY.match(first)) and upper >= 2 and upper * 2 > len(letters)


def demonyms(place: str) -> set[str]:
    """Likely demonyms of a one-word place name, folded (niger -> nigerien, nigeria ->
    nigerian, mali -> malian, senegal -> senegalese): guesses, used only to tell a word
    from a typo, never as names."""
    stem = place[:-1] if place.endswith(("a", "e")) else place
    return {translit(w) for w in (place + "n", place + "an", place + "ian", place + "ien")} | {
        translit(w) for w in (stem + "ian", stem + "ese", stem + "ien", place + "ese")
    }
