"""The alias table: every name under which an actor, place or organisation of the graph may
appear, from the ontology and seeds (rdfs:label, skos:altLabel, in every language, plus the
acronym or the name outside a label's parentheses) and from seeds/aliases.csv, the curated
spellings of external datasets (ACLED, UCDP) and of news prose.

Two uses: `lookup` resolves a dataset's actor or place name; `mentions` finds names in text.
In text, a one-word alias must match case and all (accents aside): "IS", "US" or "Platform"
must not fire on "is", "us" or "platform"; longer aliases match case-insensitively.
"""

from __future__ import annotations

import csv
import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF, RDFS, SKOS, Graph, Literal, URIRef

from graph.errors import InputError
from graph.mapping import normalise_text
from graph.registry import Registry, local_name
from graph.vocab import KG_NS

ALIASES_CSV = "aliases.csv"
_WORD_RE = re.compile(r"\w+")
_PAREN_RE = re.compile(r"\s*\(([^()]*)\)\s*")
_ACRONYM_RE = re.compile(r"^[A-Z][A-Za-z0-9 -]{1,14}$")
_YEARS_RE = re.compile(r"\s*\((?:\d{4})?\s*-\s*(?:\d{4})?\)\s*$|\s*\(\d{4}\)\s*$")
KINDS = ("Actor", "Place")


@dataclass(frozen=True)
class Entity:
    iri: str
    label: str  # English label, else any
    labels: frozenset[str]  # ontology class local names, with superclasses

    def is_a(self, kind: str) -> bool:
        return kind in self.labels


@dataclass(frozen=True)
class Mention:
    start: int
    end: int
    surface: str
    iri: str


@dataclass
class AliasTable:
    entities: dict[str, Entity] = field(default_factory=dict)
    # normalised alias -> IRIs (dataset lookups, multi-word text matching)
    names: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    # accent-stripped, case-kept one-word alias -> IRIs (text matching)
    words: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    longest: int = 1  # longest alias, in words
    dangling: list[tuple[str, str]] = field(default_factory=list)  # CSV rows naming no entity

    @classmethod
    def build(cls, graph: Graph, registry: Registry, csv_path: Path | None = None) -> AliasTable:
        table = cls()
        for s, _o in graph.subject_objects(RDF.type):
            if not isinstance(s, URIRef) or not str(s).startswith(KG_NS):
                continue
            labels = registry.labels_for([str(t) for t in graph.objects(s, RDF.type)])
            if not any(k in labels for k in KINDS) or str(s) in table.entities:
                continue
            names = [lit for lit in graph.objects(s, RDFS.label) if isinstance(lit, Literal)]
            english = [n for n in names if n.language == "en"] or names
            table.entities[str(s)] = Entity(
                str(s), str(english[0]) if english else local_name(str(s)), labels
            )
            for lit in [*names, *graph.objects(s, SKOS.altLabel)]:
                for variant in variants(str(lit)):
                    table.add(variant, str(s))
        if csv_path is not None and csv_path.exists():
            for alias, iri in read_csv(csv_path):
                if iri in table.entities:
                    table.add(alias, iri)
                else:  # a typo, or an entity the seeds renamed: say so, link nothing
                    table.dangling.append((alias, iri))
        return table

    def add(self, alias: str, iri: str) -> None:
        key = normalise_text(alias)
        if not key:
            return
        self.names[key].add(iri)
        words = key.split()
        self.longest = max(self.longest, len(words))
        if len(words) == 1:
            self.words[fold_accents(alias.strip())].add(iri)

    # ---------------------------------------------------------------- dataset names

    def lookup(self, name: str, kind: str | None = None) -> str | None:
        """The one entity a dataset name stands for, or None (unknown or ambiguous).
        Tries the name, then without a trailing '(2021-)'-style period or '(Mali)'
        qualifier, then each side of 'ACRONYM: Full name' (ACLED's habit)."""
        for candidate in _candidates(name):
            found = self._resolve(self.names.get(normalise_text(candidate), set()), kind)
            if found:
                return found
        return None

    def _resolve(self, iris: set[str], kind: str | None) -> str | None:
        if kind:
            iris = {i for i in iris if i in self.entities and self.entities[i].is_a(kind)} or {
                i for i in iris if i not in self.entities
            }
        return next(iter(iris)) if len(iris) == 1 else None

    # ---------------------------------------------------------------- text

    def mentions(self, text: str) -> list[Mention]:
        """Longest-first, left-to-right matches of aliases in the text, with offsets."""
        tokens = [(m.start(), m.end(), m.group()) for m in _WORD_RE.finditer(text)]
        keys = [normalise_text(t) for _, _, t in tokens]
        found: list[Mention] = []
        i = 0
        while i < len(tokens):
            hit = None
            for n in range(min(self.longest, len(tokens) - i), 0, -1):
                if n == 1:
                    iris = self.words.get(fold_accents(tokens[i][2]), set())
                else:
                    if not _contiguous(text, tokens[i : i + n]):
                        continue
                    iris = self.names.get(" ".join(keys[i : i + n]), set())
                if len(iris) == 1:
                    hit = (n, next(iter(iris)))
                    break
            if hit is None:
                i += 1
                continue
            n, iri = hit
            start, end = tokens[i][0], tokens[i + n - 1][1]
            found.append(Mention(start, end, text[start:end], iri))
            i += n
        return found


def variants(label: str) -> list[str]:
    """The label, the label without its parentheses, and an acronym inside them:
    'Group to Support Islam and Muslims (JNIM)' -> itself, 'Group to Support Islam and
    Muslims', 'JNIM'. A parenthesised place or remark ('(Agadez)', '(military zone)') is
    dropped, never made an alias of its own."""
    out = [label]
    inner = _PAREN_RE.findall(label)
    base = _PAREN_RE.sub(" ", label).strip(" ,")
    if base and base != label:
        out.append(base)
    for part in inner:
        part = part.strip()
        if _is_acronym(part):
            out.append(part)
    return out


def _is_acronym(text: str) -> bool:
    """'JNIM', 'FAMa', 'IS Sahel', 'EUTM Mali': the first word mostly capitals."""
    if not _ACRONYM_RE.match(text):
        return False
    first = text.split()[0]
    letters = [c for c in first if c.isalpha()]
    upper = sum(c.isupper() for c in letters)
    return upper >= 2 and upper * 2 > len(letters)


def fold_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def read_csv(path: Path) -> list[tuple[str, str]]:
    """(alias, full IRI) rows of the curated CSV: columns alias, iri (kg:local or full), note."""
    rows: list[tuple[str, str]] = []
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        if not reader.fieldnames or not {"alias", "iri"} <= set(reader.fieldnames):
            raise InputError(f"{path}: needs the columns alias, iri (and optionally note)")
        for number, row in enumerate(reader, start=2):
            alias, iri = (row.get("alias") or "").strip(), (row.get("iri") or "").strip()
            if not alias or not iri:
                raise InputError(f"{path}: row {number}: alias and iri are both required")
            if iri.startswith("kg:"):
                iri = KG_NS + iri[3:]
            rows.append((alias, iri))
    return rows


def _candidates(name: str) -> Iterable[str]:
    name = name.strip()
    if not name:
        return
    yield name
    no_years = _YEARS_RE.sub("", name)
    if no_years != name:
        yield no_years
    no_paren = _PAREN_RE.sub(" ", no_years).strip()
    if no_paren and no_paren != no_years:
        yield no_paren
    if ":" in no_years:
        head, _, tail = no_years.partition(":")
        yield head
        yield tail
        yield _PAREN_RE.sub(" ", tail).strip()


def _contiguous(text: str, tokens: list[tuple[int, int, str]]) -> bool:
    """A multi-word alias must not run across a sentence or clause break."""
    return all(
        not re.search(r"[.;:!?()\n]", text[a[1] : b[0]]) for a, b in itertools.pairwise(tokens)
    )


def load_table(ontology: Graph, registry: Registry, seeds_dir: Path) -> AliasTable:
    """The table from the ontology, the seeds' RDF files and seeds/aliases.csv."""
    from graph.rdf import parse_files

    graph = parse_files([seeds_dir]).graph + ontology
    return AliasTable.build(graph, registry, seeds_dir / ALIASES_CSV)
