"""Sahel actors knowledge graph: RDF <-> property graph over Bolt."""

__version__ = "0.1.0"
