"""The engine pool: broken styles, engines that throw or hang, the LRU bound and the memory limit."""

import pytest

from samla.citations import engine
from samla.citations.errors import EngineFailed, StyleNotUsable
from samla.citations.services import cite_record

from .conftest import SEED_APA, SEED_ID

pytestmark = pytest.mark.django_db

BROKEN_STYLES = {
    "broken-xml": '<?xml version="1.0"?><style xmlns="http://purl.org/net/xbiblio/csl" class="in-text"',
    "broken-macro": """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Broken macro</title><id>broken-macro</id><updated>2024-01-01T00:00:00+00:00</updated></info>
  <citation><layout><text macro="missing"/></layout></citation>
  <bibliography><layout><text macro="missing"/></layout></bibliography>
</style>""",
    "unknown-element": """<?xml version="1.0" encoding="utf-8"?>
<style xmlns="http://purl.org/net/xbiblio/csl" class="in-text" version="1.0">
  <info><title>Unknown element</title><id>unknown-element</id></info>
  <citation><layout><bogus/></layout></citation>
  <bibliography><layout><bogus variable="title"/></layout></bibliography>
</style>""",
    "not-csl": "<html><body>A web page saved as a style</body></html>",
}


@pytest.fixture
def local_styles(settings, tmp_path):
    for name, xml in BROKEN_STYLES.items():
        (tmp_path / f"{name}.csl").write_text(xml, "utf-8")
    settings.CITATION_STYLE_DIRS = [tmp_path]
    return tmp_path


@pytest.fixture
def misbehaving_engine(engines):
    """Make citeproc-js throw for titles starting THROW and loop for titles starting HANG; restored after."""
    ctx = engines._context()
    ctx.eval(
        "SAMLA.__render = SAMLA.render; SAMLA.render = function (key, item, format) {"
        " if (item.title.indexOf('THROW') === 0) { throw new Error('engine exploded'); }"
        " if (item.title.indexOf('HANG') === 0) { while (true) {} }"
        " return SAMLA.__render(key, item, format); };"
    )
    yield engines
    if engines._ctx is not None:
        engines._ctx.eval("if (SAMLA.__render) { SAMLA.render = SAMLA.__render; }")


@pytest.mark.parametrize("style", sorted(BROKEN_STYLES))
def test_broken_style_raises_style_not_usable_and_the_pool_keeps_working(
    anonymous_actor, local_styles, engines, style
):
    held = engines.engine_keys()

    with pytest.raises(StyleNotUsable) as raised:
        cite_record(anonymous_actor, local_id=SEED_ID, style=style, locale="en-US", output="text")

    assert raised.value.status == 400 and style in raised.value.message
    assert all(key in engines.engine_keys() for key in held)
    assert cite_record(
        anonymous_actor, local_id=SEED_ID, style="apa", locale="en-US", output="text"
    ).text == (SEED_APA)


def test_engine_that_throws_is_replaced_and_the_next_request_works(
    anonymous_actor, make_record, misbehaving_engine
):
    record = make_record(title="THROW this record")
    builds = misbehaving_engine.stats.builds

    with pytest.raises(EngineFailed) as raised:
        cite_record(anonymous_actor, local_id=record.local_id, style="ieee", locale="en-US", output="text")

    assert raised.value.status == 503 and "engine exploded" in raised.value.message
    assert ("ieee", "en-US") not in misbehaving_engine.engine_keys()
    assert (
        "Kjellström"
        in cite_record(anonymous_actor, local_id=SEED_ID, style="ieee", locale="en-US", output="text").text
    )
    assert misbehaving_engine.stats.builds == builds + 1


def test_engine_that_hangs_is_timed_out_and_replaced(
    anonymous_actor, settings, make_record, misbehaving_engine
):
    settings.CITATION_RENDER_TIMEOUT = 0.5
    record = make_record(title="HANG on this record")

    with pytest.raises(EngineFailed) as raised:
        cite_record(anonymous_actor, local_id=record.local_id, style="ieee", locale="en-US", output="text")

    assert "did not finish in time" in raised.value.message
    assert (
        "Kjellström"
        in cite_record(anonymous_actor, local_id=SEED_ID, style="ieee", locale="en-US", output="text").text
    )


def test_engine_pool_is_bounded_least_recently_used_first(settings):
    from samla.citations.styles import get_style

    settings.CITATION_ENGINES_PER_THREAD = 2
    proc = engine.Processor()
    try:
        for style_id in ("ieee", "vancouver", "ieee", "modern-language-association"):
            proc.ensure_engine(get_style(style_id), "en-GB")

        assert proc.engine_keys() == [("ieee", "en-GB"), ("modern-language-association", "en-GB")]
        assert proc.stats.evictions == 1
    finally:
        proc.close()


def test_engine_pool_holds_to_its_byte_budget_least_recently_used_first(settings):
    from samla.citations.styles import get_style

    settings.CITATION_ENGINE_BUDGET_MB = 70  # APA holds about 45 MB, IEEE and Vancouver about 1 MB each
    proc = engine.Processor()
    try:
        for style_id in ("ieee", "apa", "vancouver"):
            proc.ensure_engine(get_style(style_id), "en-GB")
        assert proc.stats.evictions == 0

        proc.ensure_engine(get_style("apa-cv"), "en-GB")  # a second APA-sized engine: over the budget

        assert proc.engine_keys() == [("nlm-citation-sequence", "en-GB"), ("apa-cv", "en-GB")]  # Vancouver
        assert proc.stats.evictions == 2
        assert proc.heap_used() <= 70 * 1024 * 1024
    finally:
        proc.close()


def test_engine_out_of_memory_raises_and_a_new_context_serves_the_next_request(settings):
    from samla.citations.styles import get_style

    settings.CITATION_MEMORY_LIMIT_MB = 40  # citeproc-js and the locales fit; APA's engine does not
    proc = engine.Processor()
    try:
        with pytest.raises(EngineFailed) as raised:
            proc.ensure_engine(get_style("apa"), "en-US")

        assert "ran out of memory" in raised.value.message
        assert proc.stats.contexts == 1 and proc.engine_keys() == []
        settings.CITATION_MEMORY_LIMIT_MB = 1024
        assert proc.render(get_style("ieee"), "en-US", {"id": "x", "type": "book", "title": "T"}, "text")
        assert proc.stats.contexts == 2
    finally:
        proc.close()


def test_threads_of_a_worker_share_its_processor_one_at_a_time(engines):
    import threading

    from samla.citations.styles import get_style

    seen, texts = [], []
    item = {
        "id": "t",
        "type": "book",
        "title": "Shared engines",
        "author": [{"family": "Lind", "given": "A"}],
    }

    def reader():
        seen.append(engine.processor())
        texts.extend(engine.render(get_style("ieee"), "en-US", item, "text") for _ in range(20))

    threads = [threading.Thread(target=reader) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert all(proc is engines for proc in seen)
    assert len(texts) == 80 and set(texts) == {"[1] A. Lind, Shared engines."}
