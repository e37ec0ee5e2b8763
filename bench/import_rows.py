"""Synthetic ACLED exports of any size, and the time `sahelkg import acled` takes on them.

    python -m bench.import_rows 100000            # convert + check terms (no server)
    python -m bench.import_rows 100000 --load     # and load into a private embedded server

The rows are INVENTED (ACLED data may not be redistributed): real column layout, a fixed
random seed, actor names that the alias table links (ACLED spellings of JNIM, IS Sahel,
FAMa, Wagner...) mixed with names it cannot link, about 2,000 villages, 1% malformed rows.
The load runs on its own ArcadeDB server (temporary folder, free ports), stopped by PID.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import socket
import sys
import tempfile
import time
from pathlib import Path

from ingest import acled

LINKED = [
    "JNIM: Group for Support of Islam and Muslims",
    "Islamic State (Sahel)",
    "Military Forces of Mali (2021-)",
    "Military Forces of Burkina Faso (2022-)",
    "Military Forces of Niger (2023-)",
    "Wagner Group",
    "VDP: Volunteers for the Defense of the Homeland",
    "Dan Na Ambassagou",
]
UNLINKED = ["Civilians (Mali)", "Civilians (Burkina Faso)", "Unidentified Armed Group (Mali)",
            "Fulani Ethnic Militia (Mali)", "Protesters (Niger)"]  # fmt: skip
COUNTRIES = [("Mali", "466"), ("Burkina Faso", "854"), ("Niger", "562")]
TYPES = [
    ("Battles", "Armed clash"),
    ("Explosions/Remote violence", "Air/drone strike"),
    ("Violence against civilians", "Attack"),
    ("Protests", "Peaceful protest"),
]


def write_csv(path: Path, rows: int, seed: int = 7) -> int:
    """Write `rows` synthetic rows; returns how many are deliberately malformed."""
    rng = random.Random(seed)
    villages = [f"Synthville {n}" for n in range(2000)]
    bad = 0
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(acled.COLUMNS)
        for n in range(rows):
            country, iso = rng.choice(COUNTRIES)
            event_type, sub = rng.choice(TYPES)
            day = dt.date(2012, 1, 1) + dt.timedelta(days=rng.randrange(4700))
            row = {
                "event_id_cnty": f"SYN{n:07d}",
                "event_date": day.isoformat(),
                "year": str(day.year),
                "time_precision": rng.choice("1112"),
                "disorder_type": "Political violence",
                "event_type": event_type,
                "sub_event_type": sub,
                "actor1": rng.choice(LINKED + UNLINKED[:2]),
                "assoc_actor_1": rng.choice(["", "", "Wagner Group", "Katiba Macina"]),
                "actor2": rng.choice(LINKED + UNLINKED),
                "iso": iso,
                "region": "Western Africa",
                "country": country,
                "admin1": f"Synthregion {rng.randrange(12)}",
                "location": rng.choice(villages),
                "latitude": f"{rng.uniform(10, 20):.4f}",
                "longitude": f"{rng.uniform(-10, 5):.4f}",
                "geo_precision": "1",
                "source": "Synthetic Wire",
                "source_scale": "National",
                "notes": f"SYNTHETIC row {n}, invented for a benchmark.",
                "fatalities": str(rng.choice([0, 0, 1, 2, 3, 5, 8, 13, 21])),
                "timestamp": "1700000000",
            }
            if rng.random() < 0.01:  # malformed: the import reports it and goes on
                bad += 1
                row["fatalities" if rng.random() < 0.5 else "event_date"] = "n/a"
            w.writerow([row.get(c, "") for c in acled.COLUMNS])
    return bad


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("rows", type=int, nargs="?", default=100_000)
    parser.add_argument("--load", action="store_true", help="also load into a private server")
    args = parser.parse_args(argv)

    from graph.load import prepare
    from graph.ontology import Ontology
    from graph.settings import Settings
    from ingest.pipeline import Context, convert_dataset

    settings = Settings()
    onto = Ontology.read(settings.ontology_path, settings.shapes_path)
    ctx = Context.read(onto, settings.seeds_dir)
    with tempfile.TemporaryDirectory(prefix="sahelkg-import-bench-") as tmp:
        csv_path, ttl = Path(tmp) / "acled.csv", Path(tmp) / "acled.ttl"
        t0 = time.perf_counter()
        bad = write_csv(csv_path, args.rows)
        t1 = time.perf_counter()
        result = convert_dataset(ctx.aliases, ctx.seeds, "acled", csv_path, ttl)
        t2 = time.perf_counter()
        prepared = prepare([ttl], onto, validate=False)
        t3 = time.perf_counter()
        print(f"{args.rows:,} rows ({csv_path.stat().st_size / 1e6:.0f} MB), {bad} malformed: "
              f"generated in {t1 - t0:.1f}s")  # fmt: skip
        size = ttl.stat().st_size / 1e6
        print(
            f"convert: {t2 - t1:.1f}s ({args.rows / (t2 - t1):,.0f} rows/s) -> "
            f"{result.events:,} events, {result.claims:,} claims, "
            f"{len(result.errors)} rows reported, {size:.0f} MB Turtle"
        )
        pg = prepared.pg
        print(
            f"parse, check terms, map: {t3 - t2:.1f}s ({prepared.triples:,} triples, "
            f"{len(pg.nodes):,} nodes, {len(pg.rels):,} relationships)"
        )
        assert len(result.errors) == bad and result.events == args.rows - bad
        if args.load:
            _load(ttl, prepared, onto, Path(tmp))
    sys.stdout.flush()


def _load(ttl: Path, prepared: object, onto: object, tmp: Path) -> None:
    from graph import embedded
    from graph.load import Prepared, load, prepare
    from graph.ontology import Ontology
    from graph.settings import Settings
    from graph.store import open_store

    assert isinstance(onto, Ontology) and isinstance(prepared, Prepared)
    settings = Settings(neo4j_uri=None, data_dir=tmp / "store", embedded_bolt_port=_free_port(),
                        embedded_http_port=_free_port(), embedded_heap="4g")  # fmt: skip
    embedded.start(settings)
    try:
        store = open_store(settings)
        try:
            t1 = time.perf_counter()
            report = load(store, prepared, onto.registry)
            t2 = time.perf_counter()
            again = load(store, prepare([ttl], onto, validate=False), onto.registry)
            t3 = time.perf_counter()
        finally:
            store.close()
    finally:
        embedded.stop(settings)  # by PID
    print(f"load (one transaction): {t2 - t1:.1f}s "
          f"({report.nodes:,} nodes, {report.relationships:,} relationships)")  # fmt: skip
    print(f"re-import: {t3 - t2:.1f}s, {again.created_nodes} nodes and "
          f"{again.created_relationships} relationships created")  # fmt: skip


if __name__ == "__main__":
    main()
