"""What the ACLED and UCDP importers share: reading the CSV row by row with row numbers,
the dataset's sahel:Source, places (linked to the graph's, else minted once per name), actors
(linked through the alias table, else kept as text and counted for review) and writing.

Rows become Turtle blocks as they are read and are written out at once, so memory stays flat
whatever the file size; only places and the row-error list are kept.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import sys
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from rdflib import Graph

from graph.errors import InputError, RowProblem
from graph.match import Index, Query
from ingest import EXTRACTOR, EXTRACTOR_VERSION, turtle
from ingest.aliases import AliasTable
from ingest.turtle import Block, date, ref, string

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # ACLED notes can be long
Row = dict[str, str]
Progress = Callable[[int, int], None]  # (lines read, lines in the file)


@dataclass
class RowError:
    row: int  # 1 = the header, as in a spreadsheet
    line: int  # physical line where the record ends
    reason: str

    def __str__(self) -> str:
        return f"row {self.row} (line {self.line}): {self.reason}"


@dataclass
class ImportResult:
    dataset: str
    source: str
    rows: int = 0
    events: int = 0
    claims: int = 0
    places_minted: int = 0
    errors: list[RowError] = field(default_factory=list)
    unmatched: Counter[str] = field(default_factory=Counter)  # actor name -> rows
    linked: Counter[str] = field(default_factory=Counter)  # IRI -> rows


class Places:
    """Places by name: the graph's own when an alias matches, else minted (kg:place-...)."""

    def __init__(self, aliases: AliasTable, source: str) -> None:
        self.aliases = aliases
        self.source = source
        self.blocks: dict[str, Block] = {}
        self.labels: dict[str, str] = {}
        self.known: set[str] = set()  # the graph's own places this import points to

    def _known(self, name: str, kinds: Sequence[str]) -> str | None:
        for kind in kinds:
            iri = self.aliases.lookup(name, kind)
            if iri and iri in self.aliases.entities and self.aliases.entities[iri].is_a(kind):
                self.known.add(iri)
                return iri
        return None

    def _mint(self, local: str, cls: str, label: str, inside: Sequence[str]) -> str:
        iri = turtle.KG_NS + local
        if iri not in self.blocks:
            b = Block(turtle.kg(local), [f"sahel:{cls}"])
            b.add("rdfs:label", string(label, "en"))
            b.add_all("sahel:locatedIn", (ref(i) for i in inside))
            b.add("sahel:source", self.source)
            self.blocks[iri] = b
            self.labels[iri] = label
        return iri

    def country(self, name: str) -> str:
        return self._known(name, ["Country"]) or self._mint(
            f"place-{turtle.slug(name)}", "Country", name, []
        )

    def region(self, country: str, name: str) -> str | None:
        if not name:
            return None
        found = self._known(name, ["Region"])
        if found:
            return found
        local = f"place-{_tail(country)}-{turtle.slug(name)}"
        return self._mint(local, "Region", name, [country])

    def city(self, country: str, region: str | None, name: str) -> str:
        found = self._known(name, ["City", "Site", "Region"])  # UCDP's "where" may be a region
        if found:
            return found
        parent = region or country
        local = f"place-{_tail(parent)}-{turtle.slug(name)}"
        within = self.labels.get(region or "") or (
            self.aliases.entities[region].label if region in self.aliases.entities else ""
        )
        label = f"{name}, {within}" if within else name
        return self._mint(local, "City", label, [p for p in (region, country) if p])


class Actors:
    def __init__(self, aliases: AliasTable, result: ImportResult) -> None:
        self.aliases = aliases
        self.result = result
        self.cache: dict[str, str | None] = {}
        self.matcher = Index.from_alias_table(aliases)  # the one matcher (graph/match.py)

    def link(self, name: str) -> str | None:
        """The actor the name stands for when the matcher finds one unambiguously
        (match=true), else None: the name is then counted for review."""
        name = name.strip()
        if not name:
            return None
        if name not in self.cache:
            best = self.matcher.best(Query(name, ("Actor",)))
            self.cache[name] = best.iri if best else None
        iri = self.cache[name]
        if iri is None:
            self.result.unmatched[name] += 1
        else:
            self.result.linked[iri] += 1
        return iri


def file_digest(path: Path) -> tuple[str, int]:
    """sha256 of the file and its number of lines (the progress bar's total)."""
    h = hashlib.sha256()
    lines = 0
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
            lines += chunk.count(b"\n")
    return h.hexdigest(), lines


def source_block(
    dataset: str, publisher: str, digest: str, path: Path, published: dt.date
) -> Block:
    """One sahel:Source per exported file, named by its content: re-importing the same file
    gives the same source, another export of the same events adds a second source."""
    b = Block(turtle.kg(f"src-{turtle.slug(dataset)}-{digest[:12]}"), ["sahel:Source"])
    b.add("rdfs:label", string(f"{dataset} export {digest[:12]}", "en"))
    b.add("sahel:title", string(f"{dataset} export (sha256 {digest[:12]})"))
    b.add("sahel:publisher", string(publisher))
    b.add("sahel:published", date(published.isoformat()))
    b.add("sahel:sourceType", string("dataset"))
    b.add(
        "rdfs:comment",
        string(
            f"{dataset} event export, imported by {EXTRACTOR} {EXTRACTOR_VERSION} "
            f"(file sha256 {digest}); sahel:published is the latest event date in it.",
            "en",
        ),
    )
    return b


def read_rows(
    path: Path, required: Sequence[str], progress: Progress | None = None, total: int = 0
) -> Iterator[tuple[int, int, Row | None, str]]:
    """(row number, line, row or None, problem) for every record after the header."""
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            raise InputError(f"{path}: empty file") from None
        except csv.Error as exc:
            raise InputError(f"{path}: line 1: {exc}") from None
        missing = [c for c in required if c not in header]
        if missing:
            raise InputError(f"{path}: missing column(s) {', '.join(missing)}")
        number = 1
        while True:
            number += 1
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield number, reader.line_num, None, f"unreadable CSV: {exc}"
                continue
            if progress and number % 2000 == 0:
                progress(reader.line_num, total)
            if not any(f.strip() for f in fields):
                continue
            if len(fields) != len(header):
                yield (
                    number,
                    reader.line_num,
                    None,
                    (f"{len(fields)} fields where the header has {len(header)}"),
                )
                continue
            yield number, reader.line_num, dict(zip(header, fields, strict=True)), ""


def to_int(value: str, column: str, required: bool = True) -> int | None:
    text = value.strip()
    if not text:
        if required:
            raise RowProblem(f"{column} is empty")
        return None
    try:
        number = int(float(text)) if "." in text else int(text)
    except ValueError:
        raise RowProblem(f"{column} {text!r} is not a number") from None
    if number < 0:
        raise RowProblem(f"{column} {text!r} is negative")
    return number


def claim_block(
    subject: str, label: str, value: int, qualifier: str, attribution: str, about: str, src: str
) -> Block:
    b = Block(turtle.kg(subject), ["sahel:Claim"])
    b.add("rdfs:label", string(label, "en"))
    b.add("sahel:value", str(value))
    b.add("sahel:valueQualifier", string(qualifier))
    b.add("sahel:unit", string("people"))
    b.add("sahel:claimKind", "sahel:Fatalities")
    b.add("sahel:attribution", string(attribution))
    b.add("sahel:about", about)
    b.add("sahel:source", src)
    return b


FATALITIES_KIND = Block("sahel:Fatalities", ["sahel:ClaimKind"])
FATALITIES_KIND.add("rdfs:label", string("Fatalities", "en")).add(
    "rdfs:label", string("Morts", "fr")
)


@dataclass
class Converted:
    key: str  # the dataset's event id
    day: dt.date
    blocks: list[Block]
    claims: int


@dataclass
class Spec:
    name: str  # "ACLED"
    publisher: str
    required: Sequence[str]
    convert: Callable[[Row, Places, Actors, str], Converted]


def convert_file(
    path: Path,
    spec: Spec,
    aliases: AliasTable,
    reference: Graph,
    out: IO[str],
    progress: Progress | None = None,
) -> ImportResult:
    """Convert every row, writing Turtle to `out`; bad rows are reported, not fatal."""
    digest, lines = file_digest(path)
    src_ref = turtle.kg(f"src-{turtle.slug(spec.name)}-{digest[:12]}")
    result = ImportResult(spec.name, src_ref)
    places = Places(aliases, src_ref)
    actors = Actors(aliases, result)
    out.write(
        turtle.header([f"{spec.name} import of {path.name} by {EXTRACTOR} {EXTRACTOR_VERSION}"])
    )
    seen: dict[str, int] = {}
    latest: dt.date | None = None
    for number, line, row, problem in read_rows(path, spec.required, progress, lines):
        result.rows += 1
        if row is None:
            result.errors.append(RowError(number, line, problem))
            continue
        try:
            conv = spec.convert(row, places, actors, src_ref)
        except RowProblem as exc:
            result.errors.append(RowError(number, line, str(exc)))
            continue
        if conv.key in seen:
            result.errors.append(
                RowError(number, line, f"event {conv.key} repeats row {seen[conv.key]}; skipped")
            )
            continue
        seen[conv.key] = number
        for block in conv.blocks:
            out.write(block.text())
            out.write("\n\n")
        result.events += 1
        result.claims += conv.claims
        latest = conv.day if latest is None or conv.day > latest else latest
    if latest is None:
        return result
    result.places_minted = len(places.blocks)
    tail = [*places.blocks.values(), FATALITIES_KIND]
    tail.append(source_block(spec.name, spec.publisher, digest, path, latest))
    tail += turtle.restate(
        reference, places.known | set(result.linked), "As the graph has them (for SHACL)."
    )
    for block in tail:
        out.write(block.text())
        out.write("\n\n")
    if progress:
        progress(lines, lines)
    return result


def _tail(iri: str) -> str:
    local = iri.rsplit("/", 1)[-1]
    return local[len("place-") :] if local.startswith("place-") else local
