"""The worker-start warm-up: the five DiVA styles built in the background for the configured locales."""

import threading

from samla.citations import engine
from samla.citations.services import diva_styles, warm_up_worker


def test_warm_up_builds_the_diva_styles_for_each_configured_locale_in_the_background(settings, engines):
    settings.CITATION_WARM_UP = ["sv-SE"]
    settings.CITATION_ENGINE_BUDGET_MB = 160  # room for the five, as a warm-up needs (docs/configuration.md)

    thread = warm_up_worker()
    thread.join()

    assert thread.daemon and thread is not threading.current_thread()
    assert all((style.engine_id, "sv-SE") in engines.engine_keys() for style in diva_styles())
    assert engine.processor() is engines  # the same engines serve the worker's requests


def test_warm_up_turned_off_starts_nothing(settings, engines):
    settings.CITATION_WARM_UP = []
    builds = engines.stats.builds

    assert warm_up_worker() is None and engines.stats.builds == builds


def test_warm_up_with_an_unknown_locale_logs_and_lets_the_worker_start(settings, caplog):
    settings.CITATION_WARM_UP = ["xx-YY"]

    assert warm_up_worker() is None
    assert "citation engines not warmed up" in caplog.text and "xx-YY" in caplog.text
