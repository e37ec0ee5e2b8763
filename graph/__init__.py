"""Sahel actors knowledge graph: RDF <-> property graph over Bolt."""

import rdflib

# rdflib rewrites lexical forms as it builds literals ("007"^^xsd:integer becomes "7"): the
# graph must give back exactly what the curator wrote, so keep them as written.
rdflib.NORMALIZE_LITERALS = False

__version__ = "0.1.0"
