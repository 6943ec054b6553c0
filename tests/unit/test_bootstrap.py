"""The builders' cold-start discipline: built once, with the garbage collector paused, then the heap frozen."""

import gc

import pytest
from kyc import bootstrap


@pytest.fixture
def collector():
    """Give the process its collector back as it was, and unfreeze what a build froze."""
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    gc.enable() if enabled else gc.disable()


@pytest.mark.parametrize("enabled", [True, False])
def test_a_builder_runs_once_with_the_collector_paused_and_leaves_it_as_it_was(collector, enabled):
    gc.enable() if enabled else gc.disable()
    collecting_during_build = []

    @bootstrap._built_once
    def build() -> object:
        collecting_during_build.append(gc.isenabled())
        return object()

    built = build()
    assert build() is built
    assert collecting_during_build == [False]
    assert gc.isenabled() is enabled
    assert gc.get_freeze_count() > 0
    assert gc.get_count()[0] < 700  # nothing left for the first invocation's young collection


def test_a_failed_build_gives_the_collector_back_and_is_tried_again(collector):
    gc.enable()
    attempts = []

    @bootstrap._built_once
    def build() -> object:
        attempts.append(1)
        raise RuntimeError("no settings")

    for _ in range(2):
        with pytest.raises(RuntimeError):
            build()
    assert gc.isenabled()
    assert len(attempts) == 2
