"""ui.gc_pause: the app's imported objects leave the garbage collector's walk; run garbage does not."""

import gc
import weakref

from ui import gc_pause


class _Node:
    """An object that can sit in a reference cycle and be weakly referenced."""

    def __init__(self) -> None:
        self.other = None


def test_freeze_is_once_per_process():
    gc_pause.freeze_imported()
    frozen = gc.get_freeze_count()
    assert frozen > 0  # the modules this test imported (streamlit, pandas, ...) are frozen
    gc_pause.freeze_imported()
    assert gc.get_freeze_count() == frozen  # a rerun freezes nothing more


def test_cycles_made_after_the_freeze_are_still_collected():
    gc_pause.freeze_imported()
    a, b = _Node(), _Node()
    a.other, b.other = b, a
    alive = weakref.ref(a)
    del a, b
    gc.collect()
    assert alive() is None


def test_a_collection_no_longer_walks_imported_objects():
    # This module (and so its function) was imported at collection, before any test froze anything.
    gc_pause.freeze_imported()
    tracked = gc.get_objects()  # what a collection walks: every generation but the permanent one
    assert not any(o is gc_pause.freeze_imported for o in tracked)
    assert not any(o is _Node.__init__ for o in tracked)
