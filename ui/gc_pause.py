"""Keep the garbage collection Streamlit runs after every script run short.

Streamlit calls ``gc.collect(2)`` at the end of each run (config ``runner.postScriptGC``) so that
memory does not build up between runs. A full collection walks every object the interpreter
tracks, and nearly all of them (about 150,000) are what this app imports: pandas, SciPy,
Plotly, pydantic, the simulator itself. They are never garbage. Walking them took about 70 ms
per run on a 2-core machine (``bench/bench_app.py``), and the collection holds the GIL, so the
server could not send the run's last updates (often the chart) until it ended.

:func:`freeze_imported` moves those objects, once per process, into the permanent generation
(:func:`gc.freeze`), which later collections skip. Streamlit's post-run collection then walks
only what was made since: a few milliseconds. Nothing made during a run is frozen, so cyclic
garbage from runs is still collected.
"""

from __future__ import annotations

import gc
import threading

_LOCK = threading.Lock()
_frozen = False


def freeze_imported() -> None:
    """Collect once, then freeze every object tracked so far; later calls do nothing.

    Call it at the top of the app script, after its imports and before anything a run makes
    (the module-level flag survives reruns: the module is imported once per process).
    """
    global _frozen
    with _LOCK:
        if _frozen:
            return
        gc.collect()
        gc.freeze()
        _frozen = True
