"""Ingestion: news articles into reviewable Turtle drafts, ACLED and UCDP exports into events.

Everything here is deterministic and offline: the same input gives the same triples (and the
same IRIs), so a draft or an import can be loaded twice without duplicating anything.
"""

EXTRACTOR = "sahelkg-ingest"
EXTRACTOR_VERSION = "0.2.0"
