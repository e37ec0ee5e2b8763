"""Every namespace the project writes, reads or declares, in one table.

The ontology's own terms are graph/vocab.py's (SAHEL, checked against ontology/sahel.ttl);
the prefixes of generated Turtle (ingest/), of exports and of SPARQL queries are subsets
of PREFIXES. tests/unit/test_architecture.py fails on a namespace IRI written anywhere else.
"""

from __future__ import annotations

from rdflib import Namespace

ONTOLOGY_IRI = "https://w3id.org/sahel-kg/ontology"
SAHEL_NS = "https://w3id.org/sahel-kg/ontology#"
KG_NS = "https://w3id.org/sahel-kg/id/"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_NS = "http://www.w3.org/2000/01/rdf-schema#"
OWL_NS = "http://www.w3.org/2002/07/owl#"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
PROV_NS = "http://www.w3.org/ns/prov#"
ORG_NS = "http://www.w3.org/ns/org#"
TIME_NS = "http://www.w3.org/2006/time#"
GEO_NS = "http://www.opengis.net/ont/geosparql#"
WGS_NS = "http://www.w3.org/2003/01/geo/wgs84_pos#"
WIKIDATA_NS = "http://www.wikidata.org/entity/"
DCTERMS_NS = "http://purl.org/dc/terms/"
SD_NS = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"

# prefix -> namespace: what every SPARQL query has predeclared, and what the exports and
# the ingestion's Turtle choose their prefixes from.
PREFIXES: dict[str, str] = {
    "sahel": SAHEL_NS,
    "kg": KG_NS,
    "rdf": RDF_NS,
    "rdfs": RDFS_NS,
    "owl": OWL_NS,
    "xsd": XSD_NS,
    "skos": SKOS_NS,
    "prov": PROV_NS,
    "org": ORG_NS,
    "time": TIME_NS,
    "geo": GEO_NS,
    "wgs": WGS_NS,
    "wd": WIKIDATA_NS,
    "dcterms": DCTERMS_NS,
}

KG = Namespace(KG_NS)
GEO = Namespace(GEO_NS)
SD = Namespace(SD_NS)
FORMATS = Namespace(FORMATS_NS)


def prefixes(*names: str) -> dict[str, str]:
    """A subset of PREFIXES, in the order asked."""
    return {name: PREFIXES[name] for name in names}
