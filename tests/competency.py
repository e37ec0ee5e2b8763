"""Competency questions: what a conflict researcher asks the graph, each asked three ways.

Each question is a dict:

- ``id``, ``question``;
- ``sparql``: over the RDF (ontology + seeds, or the store's export at /sparql);
- ``cypher``: over the property graph (/cypher, or the neo4j driver);
- ``rest``: the API call (``path`` and ``params``) and ``pick``, which turns its JSON into
  the answer set;
- ``expected``: the answer set. An answer is a slug (the IRI under kg:) or, for questions
  with several columns, a tuple of strings (dates as YYYY-MM-DD, numbers as written).

The "at a date" questions keep the relations known to hold that day: validFrom <= day and
(no validTo or validTo >= day), the rule of GET /actors/{id}/relations?at=; a relation
without validFrom (start unknown, or undated) is left out.

tests/unit/test_competency.py checks the SPARQL against the seeds;
tests/integration/test_api_competency.py checks that REST, /cypher and /sparql (and
SPARQLWrapper and the neo4j driver) agree. `render()` writes the section of
ontology/README.md between the competency markers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any

KG = "https://w3id.org/sahel-kg/id/"
PREFIXES = """PREFIX sahel: <https://w3id.org/sahel-kg/ontology#>
PREFIX kg: <https://w3id.org/sahel-kg/id/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
BAMAKO = "event-2024-09-17-bamako-attack"


def norm(value: Any) -> str:
    """One answer value as a string: kg: IRIs as slugs, dates ISO, numbers as written."""
    if value is None:
        return ""
    iso = getattr(value, "iso_format", None)
    if iso is not None:
        return str(iso())
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return text[len(KG) :] if text.startswith(KG) else text


def answers(rows: Iterable[Iterable[Any]]) -> set[Any]:
    """Rows to an answer set: one column gives strings, several give tuples."""
    out: set[Any] = set()
    for row in rows:
        values = tuple(norm(v) for v in row)
        out.add(values[0] if len(values) == 1 else values)
    return out


# --------------------------------------------------------------------- REST pickers


def _related(direction: str | None = None, ended: bool = False) -> Callable[[Any], set[Any]]:
    def pick(body: Any) -> set[Any]:
        out: set[Any] = set()
        for item in body["items"]:
            if direction and item["direction"] != direction:
                continue
            if ended:
                if item["validTo"]:
                    out.add((item["other"]["id"], item["validTo"]))
            else:
                out.add(item["other"]["id"])
        return out

    return pick


def _ids(key: str) -> Callable[[Any], set[Any]]:
    return lambda body: {x["id"] for x in body[key]}


def _condemned(body: Any) -> set[Any]:
    out = {x["id"] for x in body["condemnedBy"]}
    for st in body["statements"]:
        if "Condemnation" in st["types"]:
            out |= {x["id"] for x in st["statedBy"]}
    return out


def _tolls(body: Any) -> set[Any]:
    return {
        (norm(c["value"]), s["id"])
        for c in body["claims"]
        if c["kind"] == "Fatalities"
        for s in c["sources"]
    }


def _valid_at(var: str, day: str) -> str:
    """Cypher: `var` holds on `day` (YYYY-MM-DD, or "today")."""
    d = "date()" if day == "today" else f"date('{day}')"
    return f"{var}.validFrom <= {d}\n  AND ({var}.validTo IS NULL OR {var}.validTo >= {d})"


def _sparql_valid_at(day: str) -> str:
    """SPARQL: ?r holds on `day` (YYYY-MM-DD, or "today")."""
    d = "xsd:date(NOW())" if day == "today" else f'"{day}"^^xsd:date'
    return (
        "?r sahel:validFrom ?from . OPTIONAL { ?r sahel:validTo ?to }\n"
        f"  FILTER(?from <= {d} && (!BOUND(?to) || ?to >= {d}))"
    )


def _relation_at(
    qid: str, question: str, actor: str, predicate: str, rel_type: str, day: str,
    direction: str, expected: set[Any],
) -> dict[str, Any]:  # fmt: skip
    """ "Who is <predicate>-related to <actor> on <day>" (direction: the actor's side)."""
    if direction == "out":
        sp_pattern = f"?r sahel:subject kg:{actor} ; sahel:object ?answer ."
        cy_pattern = f"(:Resource {{iri: '{KG}{actor}'}})-[r:{rel_type}]->(o:Resource)"
    elif direction == "in":
        sp_pattern = f"?r sahel:object kg:{actor} ; sahel:subject ?answer ."
        cy_pattern = f"(:Resource {{iri: '{KG}{actor}'}})<-[r:{rel_type}]-(o:Resource)"
    else:
        sp_pattern = (
            f"{{ ?r sahel:subject kg:{actor} ; sahel:object ?answer }}\n"
            f"  UNION {{ ?r sahel:object kg:{actor} ; sahel:subject ?answer }}"
        )
        cy_pattern = f"(:Resource {{iri: '{KG}{actor}'}})-[r:{rel_type}]-(o:Resource)"
    return {
        "id": qid,
        "question": question,
        "sparql": PREFIXES
        + f"""SELECT DISTINCT ?answer WHERE {{
  ?r a sahel:QualifiedRelation ; sahel:predicate sahel:{predicate} .
  {sp_pattern}
  {_sparql_valid_at(day)}
}}""",
        "cypher": f"""MATCH {cy_pattern}
WHERE {_valid_at("r", day)}
RETURN DISTINCT o.iri AS answer""",
        "rest": {
            "path": f"/actors/{actor}/relations",
            "params": {"at": day, "type": rel_type},
            "pick": _related(None if direction == "both" else direction),
        },
        "expected": expected,
    }


def _relation_ever(
    qid: str, question: str, actor: str, predicate: str, rel_type: str, direction: str,
    expected: set[Any],
) -> dict[str, Any]:  # fmt: skip
    """ "Who was ever <predicate>-related to <actor>" (qualified or plain)."""
    if direction == "in":
        sp = f"""{{ ?answer sahel:{predicate} kg:{actor} }}
  UNION {{ ?r a sahel:QualifiedRelation ; sahel:predicate sahel:{predicate} ;
           sahel:object kg:{actor} ; sahel:subject ?answer }}"""
        cy = f"(:Resource {{iri: '{KG}{actor}'}})<-[:{rel_type}]-(o:Resource)"
    else:
        sp = f"""{{ kg:{actor} sahel:{predicate} ?answer }}
  UNION {{ ?r a sahel:QualifiedRelation ; sahel:predicate sahel:{predicate} ;
           sahel:subject kg:{actor} ; sahel:object ?answer }}"""
        cy = f"(:Resource {{iri: '{KG}{actor}'}})-[:{rel_type}]->(o:Resource)"
    return {
        "id": qid,
        "question": question,
        "sparql": PREFIXES + f"SELECT DISTINCT ?answer WHERE {{\n  {sp}\n}}",
        "cypher": f"MATCH {cy}\nRETURN DISTINCT o.iri AS answer",
        "rest": {
            "path": f"/actors/{actor}/relations",
            "params": {"type": rel_type},
            "pick": _related(direction),
        },
        "expected": expected,
    }


def _left(qid: str, question: str, org: str, expected: set[Any]) -> dict[str, Any]:
    return {
        "id": qid,
        "question": question,
        "sparql": PREFIXES
        + f"""SELECT DISTINCT ?state ?until WHERE {{
  ?r a sahel:QualifiedRelation ; sahel:predicate sahel:memberOf ;
     sahel:object kg:{org} ; sahel:subject ?state ; sahel:validTo ?until .
}}""",
        "cypher": f"""MATCH (:Resource {{iri: '{KG}{org}'}})<-[r:MEMBER_OF]-(s:Resource)
WHERE r.validTo IS NOT NULL
RETURN DISTINCT s.iri AS state, r.validTo AS until""",
        "rest": {
            "path": f"/actors/{org}/relations",
            "params": {"type": "MEMBER_OF"},
            "pick": _related("in", ended=True),
        },
        "expected": expected,
    }


def _perpetrators_in(
    qid: str, question: str, event_class: str, place: str, start: str, end: str, expected: set[Any],
) -> dict[str, Any]:  # fmt: skip
    """ "Who perpetrated <event_class> events located in <place> (or a place inside it) between
    <start> and <end>": the actors behind the events, not only the events."""
    return {
        "id": qid,
        "question": question,
        "sparql": PREFIXES
        + f"""SELECT DISTINCT ?answer WHERE {{
  ?e a sahel:{event_class} ; sahel:perpetrator ?answer ; sahel:date ?d ;
     sahel:location/sahel:locatedIn* kg:{place} .
  FILTER("{start}"^^xsd:date <= ?d && ?d <= "{end}"^^xsd:date)
}}""",
        "cypher": f"""MATCH (e:{event_class})-[:LOCATION]->(:Resource)
      -[:LOCATED_IN*0..6]->(:Resource {{iri: '{KG}{place}'}})
WHERE e.date >= date('{start}') AND e.date <= date('{end}')
MATCH (e)-[:PERPETRATOR]->(a:Resource)
RETURN DISTINCT a.iri AS answer""",
        "rest": {
            "path": "/events",
            "params": {"type": event_class, "place": place, "from": start, "to": end, "limit": 500},
            "pick": lambda body: {p["id"] for item in body["items"] for p in item["perpetrators"]},
        },
        "expected": expected,
    }


def _events_of_class_since(
    qid: str, question: str, event_class: str, start: str, expected: set[Any]
) -> dict[str, Any]:
    return {
        "id": qid,
        "question": question,
        "sparql": PREFIXES
        + f"""SELECT DISTINCT ?answer WHERE {{
  ?answer a sahel:{event_class} ; sahel:date ?d .
  FILTER(?d >= "{start}"^^xsd:date)
}}""",
        "cypher": f"""MATCH (e:{event_class})
WHERE e.date >= date('{start}')
RETURN DISTINCT e.iri AS answer""",
        "rest": {
            "path": "/events",
            "params": {"type": event_class, "from": start, "limit": 500},
            "pick": _ids("items"),
        },
        "expected": expected,
    }


QUESTIONS: list[dict[str, Any]] = [
    {
        "id": "bamako-claimed-by",
        "question": "Who claimed the 17 September 2024 attack in Bamako?",
        "sparql": PREFIXES + f"SELECT ?answer WHERE {{ kg:{BAMAKO} sahel:claimedBy ?answer }}",
        "cypher": f"MATCH (:Resource {{iri: '{KG}{BAMAKO}'}})-[:CLAIMED_BY]->(a:Resource)\n"
        "RETURN a.iri AS answer",
        "rest": {"path": f"/events/{BAMAKO}", "params": {}, "pick": _ids("claimedBy")},
        "expected": {"jnim"},
    },
    {
        "id": "bamako-death-tolls",
        "question": "Which death tolls were reported for the Bamako attack, and by which source?",
        "sparql": PREFIXES
        + f"""SELECT DISTINCT ?value ?source WHERE {{
  ?claim a sahel:Claim ; sahel:about kg:{BAMAKO} ; sahel:claimKind sahel:Fatalities ;
         sahel:value ?value ; sahel:source ?source .
}}""",
        "cypher": f"""MATCH (c:Claim)-[:ABOUT]->(:Resource {{iri: '{KG}{BAMAKO}'}}),
      (c)-[:CLAIM_KIND]->(:Resource {{iri: 'https://w3id.org/sahel-kg/ontology#Fatalities'}}),
      (c)-[:SOURCE]->(s:Resource)
RETURN DISTINCT c.value AS value, s.iri AS source""",
        "rest": {"path": f"/events/{BAMAKO}", "params": {}, "pick": _tolls},
        "expected": {
            (
                "dozens",
                "src-washington-post-2024-10-29-bloody-attack-mali-capital-al-qaeda-strategy",
            ),
            ("50", "src-dawn-2024-09-20-over-70-killed-200-injured-in-mali-attacks"),
            ("70", "src-dawn-2024-09-20-over-70-killed-200-injured-in-mali-attacks"),
            ("77", "src-dawn-2024-09-20-over-70-killed-200-injured-in-mali-attacks"),
            ("81", "src-dawn-2024-09-20-over-70-killed-200-injured-in-mali-attacks"),
            ("100", "src-dawn-2024-09-20-over-70-killed-200-injured-in-mali-attacks"),
            ("50", "src-unidentified-2024-09-19-bamako-assault-al-qaeda-linked-group"),
            ("70", "src-unidentified-2024-09-19-bamako-assault-al-qaeda-linked-group"),
            ("77", "src-unidentified-2024-09-19-bamako-assault-al-qaeda-linked-group"),
            ("81", "src-unidentified-2024-09-19-bamako-assault-al-qaeda-linked-group"),
        },
    },
    {
        "id": "bamako-condemned-by",
        "question": "Who condemned the Bamako attack (sahel:condemnedBy, or the author of a "
        "Condemnation about it)?",
        "sparql": PREFIXES
        + f"""SELECT DISTINCT ?answer WHERE {{
  {{ kg:{BAMAKO} sahel:condemnedBy ?answer }}
  UNION {{ ?st a sahel:Condemnation ; sahel:about kg:{BAMAKO} ; sahel:statedBy ?answer }}
}}""",
        "cypher": f"""MATCH (:Resource {{iri: '{KG}{BAMAKO}'}})-[:CONDEMNED_BY]->(a:Resource)
RETURN a.iri AS answer
UNION
MATCH (st:Condemnation)-[:ABOUT]->(:Resource {{iri: '{KG}{BAMAKO}'}}),
      (st)-[:STATED_BY]->(a:Resource)
RETURN a.iri AS answer""",
        "rest": {"path": f"/events/{BAMAKO}", "params": {}, "pick": _condemned},
        "expected": {"african-union", "senegal", "ecowas"},
    },
    _relation_at(
        "mali-partners-2019",
        "Who was Mali's security partner on 1 June 2019?",
        "mali",
        "partnerOf",
        "PARTNER_OF",
        "2019-06-01",
        "both",
        {"france"},
    ),
    _relation_at(
        "mali-partners-2024",
        "Who was Mali's security partner on 1 June 2024?",
        "mali",
        "partnerOf",
        "PARTNER_OF",
        "2024-06-01",
        "both",
        {"russia", "turkiye"},
    ),
    _relation_at(
        "aes-members",
        "Which states were members of the Alliance of Sahel States (AES) on 1 June 2025?",
        "aes",
        "memberOf",
        "MEMBER_OF",
        "2025-06-01",
        "in",
        {"mali", "burkina-faso", "niger"},
    ),
    _left(
        "left-ecowas",
        "Which states left ECOWAS, and on what last day were they members?",
        "ecowas",
        {
            ("mali", "2025-01-28"),
            ("burkina-faso", "2025-01-28"),
            ("niger", "2025-01-28"),
            ("mauritania", "2000-12-01"),
        },
    ),
    _left(
        "left-g5-sahel",
        "Which states left the G5 Sahel, and when?",
        "g5-sahel",
        {("mali", "2022-05-15"), ("burkina-faso", "2023-11-28"), ("niger", "2023-11-28")},
    ),
    _relation_ever(
        "merged-into-jnim",
        "Which groups merged into JNIM?",
        "jnim",
        "mergedInto",
        "MERGED_INTO",
        "in",
        {"ansar-dine", "al-mourabitoun", "katiba-macina", "aqim-sahara"},
    ),
    _relation_ever(
        "al-qaeda-affiliates",
        "Which groups are or were affiliated with al-Qaeda?",
        "al-qaeda",
        "affiliatedWith",
        "AFFILIATED_WITH",
        "in",
        {"jnim", "aqim", "al-mourabitoun", "katiba-macina", "ansar-dine"},
    ),
    _relation_ever(
        "islamic-state-affiliates",
        "Which groups are or were affiliated with the Islamic State?",
        "islamic-state",
        "affiliatedWith",
        "AFFILIATED_WITH",
        "in",
        {"is-sahel", "iswap", "boko-haram"},
    ),
    {
        "id": "jnim-events-2024",
        "question": "Which events did JNIM perpetrate in 2024?",
        "sparql": PREFIXES
        + """SELECT DISTINCT ?answer WHERE {
  ?answer sahel:perpetrator kg:jnim ; sahel:date ?d .
  FILTER("2024-01-01"^^xsd:date <= ?d && ?d <= "2024-12-31"^^xsd:date)
}""",
        "cypher": f"""MATCH (e:Event)-[:PERPETRATOR]->(:Resource {{iri: '{KG}jnim'}})
WHERE e.date >= date('2024-01-01') AND e.date <= date('2024-12-31')
RETURN DISTINCT e.iri AS answer""",
        "rest": {
            "path": "/events",
            "params": {
                "actor": "jnim",
                "role": "perpetrator",
                "from": "2024-01-01",
                "to": "2024-12-31",
                "limit": 500,
            },
            "pick": _ids("items"),
        },
        "expected": {
            "event-2024-08-24-barsalogho-massacre",
            "event-2024-09-17-bamako-attack",
            "event-2024-09-17-bamako-attack-airport",
            "event-2024-09-17-bamako-attack-gendarmerie-school",
        },
    },
    _relation_at(
        "burkina-governed-today",
        "Who governs Burkina Faso today?",
        "burkina-faso",
        "governs",
        "GOVERNS",
        "today",
        "in",
        {"burkina-faso-junta"},
    ),
    _relation_at(
        "mali-led-today",
        "Who leads Mali today?",
        "mali",
        "ledBy",
        "LED_BY",
        "today",
        "out",
        {"assimi-goita"},
    ),
    _relation_at(
        "mali-led-2022",
        "Who led Mali on 1 June 2022?",
        "mali",
        "ledBy",
        "LED_BY",
        "2022-06-01",
        "out",
        {"assimi-goita"},
    ),
    _relation_ever(
        "jnim-leader",
        "Who leads JNIM?",
        "jnim",
        "ledBy",
        "LED_BY",
        "out",
        {"iyad-ag-ghaly"},
    ),
    _relation_ever(
        "wagner-successor",
        "What succeeded the Wagner Group?",
        "wagner-group",
        "successorOf",
        "SUCCESSOR_OF",
        "in",
        {"africa-corps"},
    ),
    _relation_at(
        "aes-leader-2026",
        "Who led the Alliance of Sahel States on 15 January 2026?",
        "aes",
        "ledBy",
        "LED_BY",
        "2026-01-15",
        "out",
        {"ibrahim-traore"},
    ),
    _relation_at(
        "aes-leader-2025",
        "Who led the Alliance of Sahel States on 1 June 2025?",
        "aes",
        "ledBy",
        "LED_BY",
        "2025-06-01",
        "out",
        {"assimi-goita"},
    ),
    _relation_at(
        "mali-led-2021",
        "Who led Mali on 1 January 2021?",
        "mali",
        "ledBy",
        "LED_BY",
        "2021-01-01",
        "out",
        {"bah-ndaw"},
    ),
    _relation_at(
        "ecowas-sanctions-2022",
        "Which states were under ECOWAS sanctions on 1 March 2022?",
        "ecowas",
        "sanctionedBy",
        "SANCTIONED_BY",
        "2022-03-01",
        "in",
        {"mali"},
    ),
    _perpetrators_in(
        "civilians-killed-mali-2022",
        "Who perpetrated violence against civilians in Mali in 2022?",
        "ViolenceAgainstCivilians",
        "mali",
        "2022-01-01",
        "2022-12-31",
        {"fama", "wagner-group", "katiba-macina"},
    ),
    _perpetrators_in(
        "civilians-killed-burkina-2023-2025",
        "Who perpetrated violence against civilians in Burkina Faso from 2023 to 2025?",
        "ViolenceAgainstCivilians",
        "burkina-faso",
        "2023-01-01",
        "2025-12-31",
        {"burkina-faso-armed-forces", "vdp", "jnim"},
    ),
    _events_of_class_since(
        "coups-since-2021",
        "Which coups took place in the region from 2021 on?",
        "Coup",
        "2021-01-01",
        {
            "event-2021-04-20-chad-military-takeover",
            "event-2021-05-24-mali-coup",
            "event-2021-09-05-guinea-coup",
            "event-2022-01-24-burkina-faso-coup",
            "event-2022-09-30-burkina-faso-coup",
            "event-2023-07-26-niger-coup",
            "event-2023-08-30-gabon-coup",
            "event-2025-11-26-guinea-bissau-coup",
        },
    ),
]


# --------------------------------------------------------------------- README section

START = "<!-- competency:start -->"
END = "<!-- competency:end -->"


def rest_url(q: dict[str, Any]) -> str:
    from urllib.parse import urlencode

    params = q["rest"]["params"]
    return q["rest"]["path"] + (f"?{urlencode(params)}" if params else "")


def render() -> str:
    """The Markdown between the competency markers of ontology/README.md."""
    lines = [
        START,
        "Each question is answered three ways that give the same answers over HTTP "
        "(`tests/integration/test_api_competency.py`); the SPARQL is also checked against the "
        "seeds without a server (`tests/unit/test_competency.py`). Generated from "
        "`tests/competency.py` (`python -m tests.competency`): edit there.",
        "",
        "Relations at a date follow the one rule of Pattern 1 (graph/asof.py): a relation "
        "counts when validFrom <= day and (no validTo or its period ends on or after the day); "
        "one without validFrom (start unknown, or undated) is left out.",
        "",
        "The SPARQL has no PREFIX lines: the endpoint (`/sparql`) declares the graph's prefixes "
        "(sahel:, kg:, rdf:, rdfs:, owl:, xsd:, skos:, prov:, org:, time:, geo:) for every "
        "query, so each block runs there as pasted (`tests/integration/test_readme_examples.py`"
        "); elsewhere, add them.",
        "",
    ]
    for i, q in enumerate(QUESTIONS, 1):
        expected = sorted(", ".join(a) if isinstance(a, tuple) else a for a in q["expected"])
        lines += [
            f"### {i}. {q['question']}",
            "",
            f"Answer ({len(expected)}): " + "; ".join(f"`{a}`" for a in expected),
            "",
            f"REST: `curl 'http://127.0.0.1:8000{rest_url(q)}'`",
            "",
            "```sparql",
            q["sparql"].replace(PREFIXES, "").strip(),
            "```",
            "",
            "```cypher",
            q["cypher"].strip(),
            "```",
            "",
        ]
    lines.append(END)
    return "\n".join(lines)


def write_readme(path: Any = None) -> bool:
    """Replace the section between the markers (added at the end when absent)."""
    from pathlib import Path

    readme = Path(path) if path else Path(__file__).resolve().parent.parent / "ontology/README.md"
    text = readme.read_text(encoding="utf-8")
    if START in text and END in text:
        head, rest = text.split(START, 1)
        _, tail = rest.split(END, 1)
        new = head + render() + tail
    else:
        new = text.rstrip("\n") + "\n\n" + render() + "\n"
    if new != text:
        readme.write_text(new, encoding="utf-8")
        return True
    return False


if __name__ == "__main__":  # pragma: no cover
    print("updated" if write_readme() else "unchanged")
