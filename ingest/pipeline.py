"""What the CLI commands run: read inputs, extract or convert, review, write, load."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from graph.errors import InputError
from graph.ontology import Ontology
from graph.rdf import Parsed, check, parse_files
from ingest import aliases as alias_mod, tabular
from ingest.article import Extraction, extract
from ingest.draft import Draft, build
from ingest.review import Review, review
from ingest.turtle import http_iri

PRESS_ALIASES = Path(__file__).with_name("press_aliases.csv")


@dataclass
class Context:
    """The ontology, the graph to compare with and the alias table, read once."""

    ontology: Ontology
    known: Graph
    aliases: alias_mod.AliasTable
    seeds: Graph
    seeds_parsed: Parsed  # as read, to check an import together with the seeds it names

    @classmethod
    def read(
        cls, ontology: Ontology, seeds_dir: Path, against: list[Path] | None = None
    ) -> Context:
        seeds_parsed = parse_files([seeds_dir])
        seeds = seeds_parsed.graph
        known = parse_files(against).graph if against else seeds
        table = alias_mod.AliasTable.build(
            seeds + ontology.graph, ontology.registry, seeds_dir / alias_mod.ALIASES_CSV
        )
        # Spellings of the French press, kept with the extractor (seeds/aliases.csv is the
        # curated data's, for datasets and English prose).
        for alias, iri in alias_mod.read_csv(PRESS_ALIASES):
            if iri in table.entities:
                table.add(alias, iri)
            else:
                table.dangling.append((alias, iri))
        return cls(ontology, known, table, seeds, seeds_parsed)


@dataclass
class Ingested:
    extraction: Extraction
    review: Review
    draft: Draft


def read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


def ingest_article(
    ctx: Context,
    text: str,
    published: dt.date,
    publisher: str,
    url: str | None = None,
    lang: str | None = None,
) -> Ingested:
    if not text.strip():
        raise InputError("the article is empty")
    if url is not None:
        http_iri(url)
    x = extract(text, published, ctx.aliases, lang)
    r = review(x, ctx.known, x.title, url)
    reference = ctx.seeds if ctx.known is ctx.seeds else ctx.seeds + ctx.known
    d = build(x, r, ctx.aliases, ctx.ontology.graph, publisher, url, reference)
    return Ingested(x, r, d)


# ------------------------------------------------------------------ dataset imports

SHACL_ROW_LIMIT = 5000  # pyshacl takes minutes beyond this; terms are still checked


def spec_for(dataset: str) -> tabular.Spec:
    from ingest import acled, ucdp

    specs = {"acled": acled.SPEC, "ucdp": ucdp.SPEC}
    if dataset not in specs:
        raise InputError(f"unknown dataset {dataset!r} (known: {', '.join(specs)})")
    return specs[dataset]


def convert_dataset(
    aliases: alias_mod.AliasTable,
    reference: Graph,
    dataset: str,
    path: Path,
    out_path: Path,
    progress: tabular.Progress | None = None,
) -> tabular.ImportResult:
    """Write the Turtle of a whole export to out_path (via a .partial file, so a crash
    never leaves half a file under the real name)."""
    if not path.is_file():
        raise InputError(f"{path}: no such file")
    tmp = out_path.with_name(out_path.name + ".partial")
    with tmp.open("w", encoding="utf-8") as out:
        result = tabular.convert_file(path, spec_for(dataset), aliases, reference, out, progress)
    tmp.replace(out_path)
    return result


def check_import(ctx: Context, parsed: Parsed) -> None:
    """SHACL on the import together with the seeds it links to (the places and actors it
    names are typed there), from the triples already read: no file is parsed again."""
    seeds = ctx.seeds_parsed
    both = Parsed(
        triples=list(dict.fromkeys([*seeds.triples, *parsed.triples])),
        files=[*seeds.files, *parsed.files],
        origins={**parsed.origins, **seeds.origins},  # the file a subject was first seen in
        has_bnodes=seeds.has_bnodes or parsed.has_bnodes,
    )
    check(both, ctx.ontology.registry, ctx.ontology.shapes, ctx.ontology.graph)
