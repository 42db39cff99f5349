"""Fixtures of the citation tests: engines built once per session, records made through the record
service."""

from __future__ import annotations

import pytest

from samla.core.access import Actor

SEED_ID = "diva2:1897829"
SEED_APA = (
    "Kjellström, S., Sarre, S., & Masterson, D. (2024). The complexity of leadership in coproduction "
    "practices: a guiding framework based on a systematic literature review. "
    "BMC Health Services Research, 24(1), Article 219. https://doi.org/10.1186/s12913-024-10549-4"
)


@pytest.fixture(scope="session", autouse=True)
def engines():
    """Build the DiVA styles' engines once for the whole run (APA is the slow one); the worker's
    processor keeps them, so every test renders with a built engine."""
    from samla.citations import engine
    from samla.citations.services import diva_styles

    engine.warm_up(diva_styles(), ["en-US"])
    return engine.processor()


@pytest.fixture
def make_record(system):
    """Create a record through the record service: `make_record(title="…")` over a valid minimal record."""
    from samla.records.services import create_record
    from samla.records.tests.factories import record_input

    def make(**fields):
        return create_record(system, data=record_input(**fields))

    return make


@pytest.fixture
def bare_record(system):
    """A record with a title, an output type and nothing else."""
    from samla.records.schemas import RecordIn
    from samla.records.services import create_record

    return create_record(
        system, data=RecordIn.model_validate({"title": "Untitled notes", "output_type": "publication/report"})
    )


@pytest.fixture
def anonymous_actor() -> Actor:
    return Actor.anonymous()
