"""Search at scale: a generated corpus (BENCH_SEARCH_RECORDS records, default 1,000,000) whose titles,
abstracts, keywords, names, journals, years, types, languages, categories and organisations are drawn
from the real demo records; a full `reindex` (time, peak memory); 200 mixed queries (keyword, keyword +
2 facets, fielded, identifier), each with facet counts, timed in-process through `search_records`, on
SQLite and on PostgreSQL.

Targets (issue #4): p95 ≤ 100 ms at 1M records on both backends; reindex of 1M ≤ 10 minutes.

The corpus is written with bulk SQL (`executemany` on Django's connection), not through the record
services: generating a million records through the ORM would take hours. The reindex then builds every
index entry through the real indexing code.
"""

from __future__ import annotations

import json
import os
import random
import resource
import subprocess
import sys
import time

from benchmarks.harness import BIN, ROOT, instance_env, manage, samla, table

RECORDS = int(os.environ.get("BENCH_SEARCH_RECORDS", "1000000"))
QUERIES = 200
SEED = 4
POSTGRES_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")
BACKENDS = os.environ.get("BENCH_SEARCH_BACKENDS", "sqlite,postgresql").split(",")


def run() -> str:
    rows = [["backend", "records", "generate s", "reindex s", "reindex CPU s", "reindex records/s",
             "reindex peak MB", "query p50 ms", "query p95 ms", "query max ms", "query peak MB"]]  # fmt: skip
    details = []
    loads = [os.getloadavg()[0]]
    for backend in BACKENDS:
        figures = _run_backend(backend)
        loads.append(os.getloadavg()[0])
        rows.append(
            [backend, f"{RECORDS:,}", f"{figures['generate_s']:.0f}", f"{figures['reindex_s']:.0f}",
             f"{figures['reindex_cpu_s']:.0f}", f"{RECORDS / figures['reindex_s']:,.0f}",
             f"{figures['reindex_peak_mb']:.0f}",
             f"{figures['all']['p50']:.1f}", f"{figures['all']['p95']:.1f}", f"{figures['all']['max']:.0f}",
             f"{figures['query_peak_mb']:.0f}"]
        )  # fmt: skip
        kinds = [["query kind (" + backend + ")", "queries", "p50 ms", "p95 ms", "mean results"]]
        for kind, f in figures["kinds"].items():
            kinds.append([kind, str(f["n"]), f"{f['p50']:.1f}", f"{f['p95']:.1f}", f"{f['mean_total']:,.0f}"])
        details.append(table(kinds))
    p95 = max(float(r[8]) for r in rows[1:])
    reindex = max(float(r[3]) for r in rows[1:])
    scale = RECORDS / 1_000_000
    return (
        "## Search (issue #4)\n\n"
        f"{RECORDS:,} generated records (distributions from the demo corpus), {QUERIES} mixed queries with "
        "facet counts through `search_records` (anonymous reader, 20 results a page, after 20 warm-up "
        "queries), and a full `reindex` in batches of 1,000 (CPU: user + system time of the reindex process "
        "and of the one building its documents, which excludes PostgreSQL's server). Load average "
        f"{min(loads):.1f}–{max(loads):.1f} on "
        f"{os.cpu_count()} cores during the run.\n\n"
        + table(rows)
        + "\n\n"
        + "\n\n".join(details)
        + f"\n\nWorst p95 {p95:.0f} ms (target ≤ 100 ms at 1M records: "
        f"{'met' if p95 <= 100 else 'NOT met'} at this size). Reindex {reindex:.0f} s "
        f"(≈ {reindex / scale / 60:.1f} min per million records, target ≤ 10 min).\n"
    )


def _run_backend(backend: str) -> dict:
    database_url = None
    if backend == "postgresql":
        name = f"samla_bench_search_{os.getpid()}"
        _postgres(f"DROP DATABASE IF EXISTS {name}")
        _postgres(f"CREATE DATABASE {name}")
        database_url = POSTGRES_URL.rsplit("/", 1)[0] + "/" + name
    env = instance_env(database_url)
    try:
        manage(env, "migrate", "--noinput", "-v", "0")
        samla(env, "demo", "load")
        started = time.perf_counter()
        _worker(env, "generate", str(RECORDS))
        generate_s = time.perf_counter() - started
        started = time.perf_counter()
        reindex_peak, reindex_cpu = json.loads(_worker(env, "reindex"))
        reindex_s = time.perf_counter() - started
        figures = json.loads(_worker(env, "queries", str(QUERIES)))
    finally:
        if database_url:
            _postgres(f"DROP DATABASE IF EXISTS {database_url.rsplit('/', 1)[1]} WITH (FORCE)")
    return {
        "generate_s": generate_s,
        "reindex_s": reindex_s,
        "reindex_cpu_s": reindex_cpu,
        "reindex_peak_mb": reindex_peak,
        **figures,
    }


def _postgres(sql: str) -> None:
    import psycopg

    with psycopg.connect(POSTGRES_URL, autocommit=True) as connection:
        connection.execute(sql)


def _worker(env: dict, *args: str) -> str:
    result = subprocess.run(
        [BIN / "python", "-m", "benchmarks.search", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode:
        raise RuntimeError(f"benchmarks.search {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


# ---------------------------------------------------------------- inside the instance (Django set up)


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samla.settings")
    import django

    django.setup()


class Pools:
    """What the generated records are drawn from: the demo records' words, names and codes."""

    def __init__(self) -> None:
        from samla.organisations.models import Organisation
        from samla.records.models import Contribution, Record
        from samla.search.analysis import WORD

        records = list(Record.objects.exclude(local_id__startswith="bench:").prefetch_related("subjects"))
        self.title_words = [w for r in records for w in WORD.findall(r.title) if len(w) > 2]
        self.abstract_words = [w for r in records for a in r.abstracts for w in a["text"].split()]
        self.keywords = [t for r in records for k in r.keywords for t in k.get("terms", [])]
        names = list(
            Contribution.objects.filter(is_organisation=False).values_list("family_name", "given_name")
        )
        self.family = [f for f, _g in names]
        self.given = [g for _f, g in names if g]
        self.types = [r.output_type for r in records]
        self.content = [r.content_type for r in records]
        self.languages = [r.language for r in records]
        self.years = [r.year for r in records if r.year and r.year < 2026]
        self.subjects = [[s.code for s in r.subjects.all()] for r in records]
        self.organisations = list(Organisation.objects.values_list("pk", "name_en"))


def _issn(n: int) -> str:
    digits = f"{n:07d}"
    total = sum((8 - i) * int(d) for i, d in enumerate(digits))
    check = (11 - total % 11) % 11
    return f"{digits[:4]}-{digits[4:]}{'X' if check == 10 else check}"


def _orcid(n: int) -> str:
    digits = f"{n:015d}"
    total = 0
    for d in digits:
        total = (total + int(d)) * 2
    check = (12 - total % 11) % 11
    value = digits + ("X" if check == 10 else str(check))
    return "-".join(value[i : i + 4] for i in range(0, 16, 4))


def generate(count: int) -> None:
    """Write `count` records with contributors, affiliations, identifiers and categories in bulk."""
    import datetime as dt

    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone

    from samla.journals.models import Journal
    from samla.people.models import Person
    from samla.records.models import Contribution, ContributionAffiliation, Identifier, Record

    rnd = random.Random(SEED)
    pools = Pools()
    ops = connection.ops

    def next_id(model) -> int:
        return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

    journal_count, person_count = max(count // 200, 10), max(count // 4, 50)
    journal_start, person_start = next_id(Journal), next_id(Person)
    with transaction.atomic(), connection.cursor() as cursor:
        journal_titles = [
            " ".join(rnd.choices(pools.title_words, k=rnd.randint(1, 4))) for _ in range(journal_count)
        ]
        cursor.executemany(
            "INSERT INTO journals_journal (id, title, kind, issn, eissn, publisher)"
            " VALUES (%s, %s, %s, %s, %s, %s)",
            [
                (
                    journal_start + n,
                    f"Journal of {title}",
                    "journal",
                    _issn(5_000_000 + n),
                    None,
                    "Bench Publishing",
                )
                for n, title in enumerate(journal_titles)
            ],
        )
        cursor.executemany(
            "INSERT INTO people_person (id, family_name, given_name, orcid, local_id, authority_id,"
            " birth_year) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [
                (person_start + n, rnd.choice(pools.family), rnd.choice(pools.given),
                 _orcid(9_000_000_000 + n) if n % 5 == 0 else None, None, f"bench:person-{n}", None)
                for n in range(person_count)
            ],
        )  # fmt: skip
    people = [
        (person_start + n, f, g)
        for n, (f, g) in enumerate(Person.objects.filter(pk__gte=person_start).order_by("pk").values_list(
            "family_name", "given_name"))
    ]  # fmt: skip
    record_id, contribution_id = next_id(Record), next_id(Contribution)
    affiliation_id, identifier_id = next_id(ContributionAffiliation), next_id(Identifier)
    now = ops.adapt_datetimefield_value(timezone.now())
    batch = 20_000
    for start in range(0, count, batch):
        records, contributions, affiliations, identifiers, subjects = [], [], [], [], []
        for n in range(start, min(start + batch, count)):
            pick = rnd.randrange(len(pools.types))
            year = rnd.choice(pools.years)
            language = pools.languages[pick] or "eng"
            abstract = " ".join(rnd.choices(pools.abstract_words, k=rnd.randint(40, 160)))
            keywords = rnd.sample(pools.keywords, k=min(len(pools.keywords), rnd.randint(0, 5)))
            journal = (
                journal_start + int(rnd.paretovariate(1.2)) % journal_count if rnd.random() < 0.6 else None
            )
            day = ops.adapt_datefield_value(dt.date(year, 1, 1) + dt.timedelta(days=rnd.randrange(365)))
            title = " ".join(rnd.choices(pools.title_words, k=rnd.randint(4, 14))).capitalize()
            records.append((
                record_id, f"bench:{n}", "published", title, "", language, "[]",
                pools.types[pick], pools.content[pick], "published", language, year, str(year), journal,
                "", "", "", "", "", "", None, "", "", "", "", "",
                json.dumps([{"language": language, "text": abstract}]),
                json.dumps([{"language": language, "terms": keywords}] if keywords else []), "[]", "[]", "",
                day, None, day, True, 1, now, None,
            ))  # fmt: skip
            for position in range(max(1, int(rnd.expovariate(0.35)))):
                if rnd.random() < 0.4:
                    person_id, family, given = people[int(rnd.paretovariate(1.1)) % len(people)]
                else:
                    person_id, family, given = None, rnd.choice(pools.family), rnd.choice(pools.given)
                contributions.append(
                    (contribution_id, record_id, position, "aut", person_id, family, given, False)
                )
                if rnd.random() < 0.5:
                    organisation_id, name = rnd.choice(pools.organisations)
                    affiliations.append((affiliation_id, contribution_id, 0, organisation_id, name))
                    affiliation_id += 1
                contribution_id += 1
            ids = [("doi", f"10.99999/bench.{n}"), ("urn", f"urn:nbn:se:bench:diva-{n}")]
            if rnd.random() < 0.3:
                ids.append(("pmid", str(40_000_000 + n)))
            for position, (scheme, value) in enumerate(ids):
                identifiers.append((identifier_id, record_id, scheme, value, "", None, "", position))
                identifier_id += 1
            subjects += [(record_id, code) for code in pools.subjects[rnd.randrange(len(pools.subjects))]]
            record_id += 1
        _insert(records, contributions, affiliations, identifiers, subjects)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table_name in (
                "records_record",
                "records_contribution",
                "records_contributionaffiliation",
                "records_identifier",
                "people_person",
                "journals_journal",
            ):
                sequence = f"pg_get_serial_sequence('{table_name}', 'id')"
                cursor.execute(f"SELECT setval({sequence}, (SELECT MAX(id) FROM {table_name}))")
            cursor.execute("ANALYZE")


def _insert(records, contributions, affiliations, identifiers, subjects) -> None:
    from django.db import connection, transaction

    from samla.records.models import Record

    columns = [f.column for f in Record._meta.concrete_fields]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO records_record ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})",
            records,
        )
        cursor.executemany(
            "INSERT INTO records_contribution (id, record_id, position, role, person_id, family_name,"
            " given_name, is_organisation) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            contributions,
        )
        cursor.executemany(
            "INSERT INTO records_contributionaffiliation (id, contribution_id, position, organisation_id,"
            " text) VALUES (%s, %s, %s, %s, %s)",
            affiliations,
        )
        cursor.executemany(
            "INSERT INTO records_identifier (id, record_id, scheme, value, relation, related_record_id,"
            " label, position) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            identifiers,
        )
        cursor.executemany(
            "INSERT INTO records_record_subjects (record_id, subjectcategory_id) VALUES (%s, %s)", subjects
        )


def reindex_all() -> tuple[float, float]:
    """Rebuild the index as `samla reindex` does; returns the peak memory in MB and the CPU seconds (user +
    system) of this process and of the one that builds the documents ahead, a figure less at the mercy of
    other load on the machine than wall time."""
    from django.db import connection

    from samla.core.access import Actor
    from samla.search.rebuild import reindex

    for _batch in reindex(Actor.system("benchmark"), batch_size=1000, restart=True):
        pass
    usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # what autovacuum does soon after a bulk load
            cursor.execute("VACUUM ANALYZE")
    return max(u.ru_maxrss for u in usage) / 1024, sum(u.ru_utime + u.ru_stime for u in usage)


def queries(count: int) -> str:
    """Time `count` mixed queries (after warm-up); JSON with percentiles overall and per kind."""
    from samla.core.access import Actor
    from samla.people.models import Person
    from samla.records.models import Identifier, Record
    from samla.search.schemas import SearchFilters
    from samla.search.services import search_records

    rnd = random.Random(SEED + 1)
    pools = Pools()
    last = Record.objects.order_by("-pk").values_list("pk", flat=True).first()
    first_bench = (
        Record.objects.filter(local_id__startswith="bench:").order_by("pk").values_list("pk", flat=True)
    )
    first_bench = first_bench.first() or 1
    orcids = list(Person.objects.exclude(orcid=None).order_by("?").values_list("orcid", flat=True)[:50])
    common = [w for w in pools.title_words if len(w) > 4]

    def identifier() -> str:
        record_id = rnd.randint(first_bench, last)
        row = Identifier.objects.filter(record_id=record_id).values_list("value", flat=True).first()
        return row or "10.1186/s12913-024-10549-4"

    makers = {
        "keyword": lambda: (" ".join(rnd.sample(common, rnd.randint(1, 2))), {}),
        "keyword + 2 facets": lambda: (
            rnd.choice(common),
            rnd.choice(
                [
                    {
                        "type": [rnd.choice(pools.types)],
                        "year": f"{rnd.randint(1990, 2015)}-{rnd.randint(2016, 2025)}",
                    },
                    {
                        "language": ["eng"],
                        "category": [rnd.choice([c[:1] for s in pools.subjects for c in s] or ["3"])],
                    },
                    {"content": ["refereed"], "year": str(rnd.choice(pools.years))},
                ]
            ),
        ),
        "fielded": lambda: (
            rnd.choice(
                [
                    f"title:{rnd.choice(common)}",
                    f"author:{rnd.choice(pools.family)}",
                    f'journal:"{rnd.choice(common)}"',
                    f"keyword:{rnd.choice(pools.keywords or common).split()[0]}",
                    f"title:{rnd.choice(common)} author:{rnd.choice(pools.family)}",
                ]
            ),
            {},
        ),
        "identifier": lambda: (
            rnd.choice([identifier(), identifier(), identifier(), rnd.choice(orcids or ["x"])]),
            {},
        ),
    }
    plan = [(kind, *makers[kind]()) for kind in makers for _ in range(count // len(makers))]
    rnd.shuffle(plan)
    anonymous = Actor.anonymous()
    for _kind, query, filters in plan[:20]:
        search_records(anonymous, query=query, filters=SearchFilters.model_validate(filters))
    timings: dict[str, list[float]] = {kind: [] for kind in makers}
    totals: dict[str, list[int]] = {kind: [] for kind in makers}
    for kind, query, filters in plan:
        started = time.perf_counter()
        page = search_records(anonymous, query=query, filters=SearchFilters.model_validate(filters))
        timings[kind].append((time.perf_counter() - started) * 1000)
        totals[kind].append(page.total)

    def summary(values: list[float]) -> dict:
        ordered = sorted(values)
        return {
            "n": len(ordered),
            "p50": ordered[len(ordered) // 2],
            "p95": ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))],
            "max": ordered[-1],
        }

    kinds = {
        kind: {**summary(values), "mean_total": sum(totals[kind]) / len(totals[kind])}
        for kind, values in timings.items()
    }
    everything = summary([t for values in timings.values() for t in values])
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return json.dumps({"all": everything, "kinds": kinds, "query_peak_mb": peak})


def main(argv: list[str]) -> None:
    _setup()
    command = argv[0]
    if command == "generate":
        generate(int(argv[1]))
    elif command == "reindex":
        print(json.dumps(reindex_all()))
    elif command == "queries":
        print(queries(int(argv[1])))
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv[1:])
