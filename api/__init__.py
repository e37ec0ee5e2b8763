"""The HTTP query service: REST, read-only Cypher and SPARQL over the Sahel knowledge graph."""
