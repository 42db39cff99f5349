"""`collecting_less` raises the collector's threshold while it runs, and overlapping uses restore the
threshold from before the first, whatever order they leave in; `collecting_per_batch` leaves collection
to `collect_batch` and restores the collector."""

import gc
import weakref

import pytest

from samla.batch.collection import COLLECT_EVERY, collect_batch, collecting_less, collecting_per_batch


@pytest.fixture
def threshold():
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


def test_collecting_less_raises_the_threshold_for_its_block_only(threshold):
    with collecting_less():
        assert gc.get_threshold() == (COLLECT_EVERY, 10, 10)
    assert gc.get_threshold() == (700, 10, 10)


def test_overlapping_uses_restore_the_first_threshold_when_the_last_leaves(threshold):
    first, second = collecting_less(), collecting_less()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)
    assert gc.get_threshold() == (COLLECT_EVERY, 10, 10)
    second.__exit__(None, None, None)
    assert gc.get_threshold() == (700, 10, 10)


def test_an_error_in_the_block_restores_the_threshold(threshold):
    with pytest.raises(RuntimeError), collecting_less():
        raise RuntimeError
    assert gc.get_threshold() == (700, 10, 10)


def test_collecting_per_batch_collects_once_a_batch_and_restores_the_collector():
    assert gc.isenabled()
    with collecting_per_batch():
        assert not gc.isenabled()
        assert gc.get_freeze_count() > 0  # what existed before the batches is left out
        cycle: list = []
        cycle.append(cycle)
        found = weakref.ref(_Marker(cycle))
        del cycle
        assert found() is not None  # nothing collects it automatically meanwhile
        collect_batch()
        assert found() is None
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0


class _Marker:
    """An object in a reference cycle, to see when the collector frees it."""

    def __init__(self, cycle: list) -> None:
        cycle.append(self)
