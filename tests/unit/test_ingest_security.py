"""Values written into a Turtle draft are escaped (publisher, title, URL) and --url must be
an http(s) IRI: a hostile publisher or URL can neither add triples nor reach the explorer."""

from __future__ import annotations

import datetime as dt

import pytest
from rdflib import Graph, Literal, URIRef

from graph.errors import InputError
from graph.vocab import SAHEL
from ingest.pipeline import Context, ingest_article
from ingest.turtle import http_iri

TEXT = (
    'Gunmen "attack" <Djibo> market\n'
    "Gunmen killed at least 30 civilians in an attack on a market in Djibo on Sunday, "
    "a local official said.\n"
)
HOSTILE = 'Evil "Times" >\n<https://x.org/a> <https://x.org/b> <https://x.org/c> .\n# '


def test_a_hostile_publisher_and_title_stay_literals(fresh: Context) -> None:
    result = ingest_article(fresh, TEXT, dt.date(2024, 3, 5), HOSTILE, "https://example.org/a?b=1")
    g = Graph().parse(data=result.draft.turtle(), format="turtle")
    assert (URIRef("https://x.org/a"), None, None) not in g  # nothing injected
    src = URIRef(result.draft.source)
    assert g.value(src, SAHEL.publisher) == Literal(HOSTILE)
    assert g.value(src, SAHEL.title) == Literal('Gunmen "attack" <Djibo> market')
    assert str(g.value(src, SAHEL.url)) == "https://example.org/a?b=1"


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,<b>x</b>",
        "ftp://example.org/a",
        "https://",
        'https://example.org/a"b',
        "https://example.org/a b",
        "https://example.org/<script>",
        "https://example.org/a\nb",
    ],
)
def test_urls_that_are_not_http_iris_are_refused(fresh: Context, url: str) -> None:
    with pytest.raises(InputError, match="--url"):
        http_iri(url)
    with pytest.raises(InputError):
        ingest_article(fresh, TEXT, dt.date(2024, 3, 5), "AFP", url)


def test_an_http_iri_with_unicode_passes() -> None:
    assert http_iri("https://fr.example.org/Ségou?q=1#x") == "https://fr.example.org/Ségou?q=1#x"
