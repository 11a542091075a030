"""Export in the app: each chart's downloads, the toolbar image format, the scenario file and the handout bundle.

Every file is built only when its button is clicked (``st.download_button`` with a
callable and ``on_click="ignore"``), so reruns stay fast. PNG/SVG/PDF files come from
the process's one warm Kaleido renderer (``simulator.output.export``); without Chromium those
buttons are replaced by a note, and the HTML, CSV and toolbar routes remain.
"""

from __future__ import annotations

import warnings
from functools import partial

import streamlit as st

from simulator.output import export
from simulator.output.bundle import bundle_zip_bytes, summary_html
from simulator.params.scenario import Scenario
from simulator.params.scenario_file import (
    MAX_SCENARIO_BYTES,
    ScenarioFileWarning,
    read_scenario_bytes,
    scenario_to_yaml,
)
from simulator.present.charts import Chart
from simulator.present.registry import scenario_charts

from . import state

TOOLBAR_FORMAT_KEY = "toolbar_image_format"
BUNDLE_FORMATS_KEY = "bundle_formats"
BUNDLE_SIZE_KEY = "bundle_size"
UPLOAD_KEY = "scenario_upload"
_UPLOAD_ERROR = "_scenario_upload_error"
_UPLOAD_NOTE = "_scenario_upload_note"
#: Largest scenario upload the widget accepts. [MB] (the reader's own cap is MAX_SCENARIO_BYTES)
_UPLOAD_MB = 1
_LABELS = {"png": "PNG", "svg": "SVG", "pdf": "PDF", "html": "HTML", "csv": "CSV"}
#: How often Streamlit re-checks for Chromium (it may be installed while the app runs). [s]
_CHECK_TTL_S = 60


@st.cache_resource(ttl=_CHECK_TTL_S, show_spinner=False)
def static_problem() -> str | None:
    """Why server-side PNG/SVG/PDF are unavailable, or None (the renderer itself starts on first use)."""
    return export.static_export_problem()


@st.cache_resource(ttl=_CHECK_TTL_S, show_spinner=False)
def chromium_found() -> bool:
    """Whether Chromium is here to print PDF pages (the summary, the worksheet)."""
    return export.find_chromium() is not None


def plotly_config(c: Chart) -> dict:
    """The chart's Plotly config: the toolbar camera saves ``<name>.svg`` or ``.png`` (session choice) at 2x."""
    return export.plotly_config(c.name, st.session_state.get(TOOLBAR_FORMAT_KEY, "svg"))


def _download(label: str, data, file_name: str, kind: str, key: str, help: str | None = None,
              disabled: bool = False) -> None:
    st.download_button(label, data=data, file_name=file_name, mime=export.MIME_TYPES[kind], key=key,
                       on_click="ignore", help=help, icon=":material/download:", disabled=disabled)


def _size_label(size: str) -> str:
    return export.SIZES[size].label


def download_button(label: str, data, file_name: str, kind: str, key: str, help: str | None = None) -> None:
    """A download button whose file is built only when clicked (for other pages' files)."""
    _download(label, data, file_name, kind, key, help=help)


def chart_downloads(c: Chart, *, key: str) -> None:
    """A "Download" popover under a chart: a size, then PNG, SVG, PDF (server-side), alt text, HTML, CSV.

    The files, their names and their bytes come from ``export.chart_files``, as in the handout bundle.
    """
    pop = st.popover("Download", icon=":material/download:", key=f"dl_{key}", on_change="rerun")
    if not pop.open:
        return  # the buttons are drawn only once the popover is opened: a rerun costs nothing for them
    problem = static_problem()
    with pop:
        size = st.selectbox("Image size", list(export.SIZES), format_func=_size_label, key=f"dl_{key}_size",
                            help="PNG, SVG and PDF at this size, with the source and credit line inside.")
        files = export.chart_files(c, size=size)
        images = [f for f in files if f.needs_renderer]
        if problem is None:
            for col, f in zip(st.columns(len(images)), images, strict=True):
                with col:
                    _download(f.label, f.data, f.file_name, f.kind, f"dl_{key}_{f.kind}")
        else:
            st.caption(problem)
        helps = {"txt": "The chart's alt text, caption and credit line, to paste beside the image.",
                 "html": None}
        for f in files:
            if f.needs_renderer:
                continue
            extra = "_bom" if f.file_name.endswith("_excel.csv") else ""
            _download(f.label, f.data, f.file_name, f.kind, f"dl_{key}_{f.kind}{extra}",
                      help=helps.get(f.kind, "Units are in the column names." if not extra else
                                     "The same data, with a byte-order mark so that Excel reads the text as UTF-8."))


def _apply_upload() -> None:
    """Callback: load the uploaded scenario file into the widgets, or keep everything and say why not."""
    ss = st.session_state
    f = ss.get(UPLOAD_KEY)
    ss[_UPLOAD_ERROR] = ss[_UPLOAD_NOTE] = None
    if f is None:
        return
    try:
        with warnings.catch_warnings(record=True) as caught:  # a key given twice: read, and said
            warnings.simplefilter("always", ScenarioFileWarning)
            s = read_scenario_bytes(f.getvalue(), state.assumptions(), source=f.name)
    except ValueError as e:
        ss[_UPLOAD_ERROR] = f"{e}. The current scenario is unchanged."
        return
    preset = s.preset or state.default_preset()
    state.apply_preset(preset)
    specs = state.specs()
    state.set_inputs({k: s.values[k] for k in specs})
    state.sync_link()
    base = state.preset_defaults(preset)
    ignored = [k for k, v in s.values.items() if k not in specs and v != base[k]]
    note = f"Loaded {f.name}." + "".join(f" {w.message}" for w in caught if issubclass(w.category, ScenarioFileWarning))
    if ignored:
        note += f" The app cannot set {', '.join(ignored)}; those inputs keep the preset's values here."
    ss[_UPLOAD_NOTE] = note


def _report_html(s: Scenario) -> bytes:
    return summary_html(s, scenario_charts(s)).encode("utf-8")


def panel() -> None:
    """The sidebar's "Scenario file and handouts" expander."""
    ss = st.session_state
    s = state.shown_scenario()
    stem = f"allofmp3_{s.preset or 'defaults'}"
    box = st.expander("Scenario file and handouts", key="group_export", on_change="rerun")
    if not box.open:
        return  # drawn only when opened (the toolbar choice persists for the session)
    with box:
        _download("Scenario file (.yaml)", partial(scenario_to_yaml, s), f"{stem}.yaml", "yaml", "dl_scenario",
                  help="The preset and the inputs you changed. Load it here again, or with "
                       "allofmp3-sim export --scenario FILE.")
        st.file_uploader("Load a scenario file", type=["yaml", "yml"], key=UPLOAD_KEY, on_change=_apply_upload,
                         max_upload_size=_UPLOAD_MB,
                         help=f"A .yaml file downloaded above (at most {MAX_SCENARIO_BYTES:,} bytes).")
        if ss.get(_UPLOAD_ERROR):
            st.error(ss[_UPLOAD_ERROR])
        elif ss.get(_UPLOAD_NOTE):
            st.caption(ss[_UPLOAD_NOTE])
        _download("Scenario report (.html)", partial(_report_html, s), f"{stem}_report.html", "html", "dl_report",
                  help="One page with the headline figures, every chart (interactive, works offline) and the "
                       "sources of every input.")
        problem = static_problem()
        formats = [f for f in export.FORMATS if problem is None or f not in export.IMAGE_FORMATS]
        chosen = st.multiselect("Handout formats", formats, default=formats, key=BUNDLE_FORMATS_KEY,
                                format_func=_LABELS.get, help="Per chart; the bundle also holds scenario.yaml "
                                "and a summary page (HTML, and PDF when Chromium is present).")
        if problem is not None:
            st.caption(problem)
        size = st.selectbox("Handout image size", list(export.SIZES), format_func=_size_label, key=BUNDLE_SIZE_KEY,
                            disabled=problem is not None)
        _download("Handout bundle (.zip)", partial(bundle_zip_bytes, s, formats=tuple(chosen), name=f"{stem}_handout",
                                                   size=size),
                  f"{stem}_handout.zip", "zip", "dl_bundle",
                  help="Every chart, its CSV, the scenario file and a summary for students. Takes a few seconds "
                       "to several tens of seconds, depending on the formats.", disabled=not chosen)
        st.radio("Chart toolbar saves", ["svg", "png"], key=TOOLBAR_FORMAT_KEY, horizontal=True, persist_state="session",
                 format_func=_LABELS.get, help="The camera button in each chart's toolbar downloads this format "
                 "(at 2x for PNG), straight from your browser.")
