"""What the SPARQL view (graph/sparql.py) reads from the graph store: the loads it holds
(the view's version), the whole graph as N-Triples (a rebuild), and what some loads created
or changed (an incremental update).

A delta is exact because the export is a function of each stored unit alone: a node gives
its rdf:type and literal triples (subject: its iri), a plain relationship one triple
(subject: its start), a qualified relationship the triples of its own iri. Every load stamps
what it creates or changes with its `loadId`, so the units stamped with the new load ids are
all that changed. The view replaces a changed node's node-shaped triples (rdf:type, literal
objects) and a changed qualified relation's triples whole, and adds plain relationships
(a union load never removes one; `--replace` removes load ids, which means a rebuild).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import IO, Any, Protocol

import pyoxigraph as ox

from graph import queries
from graph.export import iter_triples, to_ox
from graph.mapping import BNODE_PREFIX, Triple, node_triples, rel_triples
from graph.registry import Registry
from graph.store import Store, translate_errors


class ViewSource(Protocol):
    """Where the view's data comes from (graph/sparql_source.py: the graph store)."""

    def version(self) -> tuple[str, ...]: ...

    def write_all(self, out: IO[bytes]) -> None: ...

    def delta(
        self,
        ids: list[str],
        out: IO[bytes],
        qualified_in_view: Callable[[list[str]], QualifiedEnds],
    ) -> Delta: ...

    def load_stamps(self) -> dict[str, str]: ...


@dataclass
class Delta:
    """Subjects whose triples the view replaces, as (kind, value) pairs: kind "i" an IRI,
    "b" a blank node label. `nodes`: their node-shaped triples only (rdf:type, literal
    objects); `qualified`: all their triples (qualified relations' iris).
    The triples to add afterwards were written to the file given to `StoreSource.delta`."""

    nodes: list[tuple[str, str]] = field(default_factory=list)
    qualified: list[tuple[str, str]] = field(default_factory=list)
    added: int = 0

    def as_json(self) -> dict[str, Any]:
        return {"nodes": self.nodes, "qualified": self.qualified, "added": self.added}


# Among a load's changed nodes, the iris that are a qualified relation in the view, each with
# the (start, end) iris of its relationship in the graph store.
QualifiedEnds = dict[str, list[tuple[str, str]]]


def subject_key(iri: str) -> tuple[str, str]:
    if iri.startswith(BNODE_PREFIX):
        return ("b", iri[len(BNODE_PREFIX) :])
    return ("i", iri)


def key_iri(key: tuple[str, str] | list[str]) -> str:
    """subject_key's inverse: the iri the graph store gives that term."""
    kind, value = key
    return BNODE_PREFIX + value if kind == "b" else value


def write_ntriples(triples: Any, out: IO[bytes]) -> int:
    """Write rdflib triples to `out` as N-Triples, streamed; returns how many."""
    count = 0

    def terms() -> Iterator[ox.Triple]:
        nonlocal count
        for s, p, o in triples:
            count += 1
            yield ox.Triple(to_ox(s), to_ox(p), to_ox(o))  # type: ignore[arg-type]

    ox.serialize(terms(), out, format=ox.RdfFormat.N_TRIPLES)
    return count


class StoreSource:
    """The graph store as the SPARQL view sees it."""

    def __init__(self, store: Store, registry: Registry) -> None:
        self.store = store
        self.registry = registry

    def version(self) -> tuple[str, ...]:
        """Ids of the loads the graph holds, sorted. One attempt (Store.load_ids): through
        the driver's retry loop an unreachable store took 30 s to answer /sparql with 503."""
        return tuple(sorted(self.store.load_ids()))

    def load_stamps(self) -> dict[str, str]:
        """Each load with the stamp of its commit (graph/sparql_keep.py)."""
        return self.store.load_stamps()

    def write_all(self, out: IO[bytes]) -> None:
        """The whole graph as N-Triples (the export's triples)."""
        with translate_errors():
            write_ntriples(iter_triples(self.store, self.registry), out)

    def delta(
        self,
        ids: list[str],
        out: IO[bytes],
        qualified_in_view: Callable[[list[str]], QualifiedEnds],
    ) -> Delta:
        """What the loads `ids` created or changed: the subjects to replace, and the triples
        to add, written to `out` as N-Triples. The caller reads the version before and after
        (a load committed meanwhile: read again).

        A subject that is a qualified relation's iri (and perhaps a node's too: a load that
        adds to a stored qualified relation without restating it makes a node of that iri)
        is replaced whole, so all its triples are read: the node's, its plain relationships
        and the qualified relation's. `qualified_in_view` names, among changed nodes' iris,
        those that are a qualified relation in the view (only they can share), with the
        ends of its relationship: found from those, through the index on Resource.iri."""
        registry = self.registry
        delta = Delta()
        with translate_errors(), self.store.read_transaction() as tx:
            nodes = {
                str(row["iri"]): dict(row["props"])
                for load_id in ids  # one scan per new load: usually one
                for row in tx.run(queries.SPARQL_VIEW_CHANGED_NODES, id=load_id)
            }
        # Asked between two transactions, not inside one (a reader waiting for the view
        # would hold a commit back); the caller compares versions before and after.
        shared = [
            {"iri": iri, "start": start, "end": end}
            for iri, ends in sorted(qualified_in_view(sorted(nodes)).items())
            for start, end in ends
        ]
        with translate_errors(), self.store.read_transaction() as tx:
            statements: list[tuple[str, dict[str, Any]]] = [
                (statement, {"id": load_id})
                for load_id in ids
                for statement in self._rels_of(tx, load_id)
            ]
            if shared:
                statements.append((queries.SPARQL_VIEW_SHARED_RELS, {"rows": shared}))
            found = {
                (str(r["type"]), str(r["start"]), str(r["end"]), str(r["props"].get("iri"))): r
                for statement, params in statements
                for r in tx.run(statement, params)
            }  # keyed: a shared relation written by the load comes back twice
            rels = [(t, s, e, dict(r["props"])) for (t, s, e, _), r in found.items()]
            whole = {str(p["iri"]) for _, _, _, p in rels if p.get("iri")}
            # The nodes of those iris, whether this load changed them or not, with their
            # plain relationships: replacing the subject whole removes those too.
            subjects = list(tx.run(queries.SPARQL_VIEW_SUBJECTS, iris=sorted(whole)))

        def triples() -> Iterator[Triple]:
            for iri, props in nodes.items():
                if iri not in whole:
                    yield from node_triples(iri, props, registry)
            for rel_type, start, end, props in rels:
                yield from rel_triples(rel_type, start, end, props, registry)
            for row in subjects:
                yield from node_triples(row["iri"], row["props"], registry)
                for rel in row["rels"]:
                    if rel is not None and not rel[1].get("iri"):
                        yield from rel_triples(rel[0], row["iri"], rel[2], rel[1], registry)

        delta.added = write_ntriples(triples(), out)
        delta.nodes = [subject_key(iri) for iri in nodes if iri not in whole]
        delta.qualified = [subject_key(iri) for iri in sorted(whole)]
        return delta

    def _rels_of(self, tx: Any, load_id: str) -> list[str]:
        """The statements that find what the load wrote of relationships: one per type its
        record names (each through that type's index), or, for a load recorded without
        them, one scan of every relationship. Only the ontology's types become statements."""
        record = tx.run(queries.LOAD_REL_TYPES, id=load_id).single()
        if record is None or record["types"] is None:
            return [queries.SPARQL_VIEW_CHANGED_RELS]
        known = set(self.registry.rel_types.values())
        return [queries.sparql_view_changed_rels(t) for t in record["types"] if t in known]
