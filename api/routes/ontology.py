from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from rdflib import OWL, RDF, RDFS, Literal, URIRef

from api.deps import OntologyDep, SettingsDep
from api.models import OntologyClass, OntologyRelationType, OntologySummary, PropertyKey
from graph.errors import InputError
from graph.vocab import ONTOLOGY_IRI, SAHEL_NS

router = APIRouter(tags=["ontology"])


def _label(graph: Any, term: URIRef) -> str | None:
    labels = [o for o in graph.objects(term, RDFS.label) if isinstance(o, Literal)]
    for lit in labels:
        if lit.language == "en":
            return str(lit)
    return str(labels[0]) if labels else None


def _comment(graph: Any, term: URIRef) -> str | None:
    for lit in graph.objects(term, RDFS.comment):
        if isinstance(lit, Literal) and lit.language in ("en", None):
            return str(lit)
    return None


@router.get(
    "/ontology",
    response_model=OntologySummary,
    responses={200: {"content": {"application/json": {}, "text/turtle": {}}}},
)
def ontology(
    request: Request,
    onto: OntologyDep,
    settings: SettingsDep,
    format: Annotated[str | None, Query(description="json (default) or turtle")] = None,
) -> Any:
    """The ontology: as Turtle (`format=turtle` or Accept: text/turtle), or as a JSON summary
    of its classes (with their labels in the graph), relationship types and property keys."""
    accept = request.headers.get("accept", "")
    wanted = (format or ("turtle" if "text/turtle" in accept else "json")).lower()
    if wanted in ("turtle", "ttl"):
        return Response(
            settings.ontology_path.read_bytes(), media_type="text/turtle; charset=utf-8"
        )
    if wanted != "json":
        raise InputError(f"unknown format {format!r}; choose json or turtle")
    reg, graph = onto.registry, onto.graph
    classes = []
    for cls, label in sorted(reg.labels.items(), key=lambda kv: kv[1]):
        if not str(cls).startswith(SAHEL_NS):
            continue
        parents = sorted(
            reg.labels[p]
            for p in graph.objects(cls, RDFS.subClassOf)
            if isinstance(p, URIRef) and p in reg.labels
        )
        classes.append(
            OntologyClass(
                label=label,
                iri=str(cls),
                name=_label(graph, cls),
                parents=parents,
                comment=_comment(graph, cls),
            )
        )
    rels = []
    for rel_type, pred in sorted(reg.relationship_types().items()):
        rels.append(
            OntologyRelationType(
                type=rel_type,
                iri=str(pred),
                name=_label(graph, pred),
                symmetric=(pred, RDF.type, OWL.SymmetricProperty) in graph,
                comment=_comment(graph, pred),
            )
        )
    keys = []
    for term in sorted(set(graph.subjects(RDF.type, OWL.DatatypeProperty)), key=str):
        if isinstance(term, URIRef) and term in reg.keys:
            keys.append(PropertyKey(key=reg.keys[term], iri=str(term), name=_label(graph, term)))
    return OntologySummary(
        iri=ONTOLOGY_IRI, classes=classes, relationship_types=rels, property_keys=keys
    )
