"""Catalogue: the built-in catalogue or an uploaded CSV / iTunes Library.xml, priced album by album."""

from __future__ import annotations

import hashlib
import io

import streamlit as st

from simulator.io.load import load_catalogue
from simulator.model.catalogue import builtin_catalogue
from simulator.model.units import format_quantity
from simulator.present.catalogue_views import (
    album_at_every_encoding,
    album_choices,
    album_tracks,
    price_histogram_chart,
)
from ui import show, state

_LAST_UPLOAD = "_catalogue_last_valid"
BUILTIN = "Built-in catalogue"
UPLOAD = "Upload a file"


@st.cache_data(max_entries=8, show_spinner="Reading the catalogue…")
def _load(digest: str, name: str, data: bytes, skip_bad_rows: bool):
    """Parse an uploaded file (cached by content)."""
    f = io.BytesIO(data)
    f.name = name
    return load_catalogue(f, skip_bad_rows=skip_bad_rows)


@st.cache_data(max_entries=4, show_spinner=False)
def _builtin(key):
    return builtin_catalogue(state.scenario_of(key))


def _catalogue(key):
    source = st.radio("Catalogue", [BUILTIN, UPLOAD], horizontal=True, key="catalogue_source", persist_state="session")
    if source == BUILTIN:
        return _builtin(key)
    up = st.file_uploader(
        "A CSV with durations (ms, s or m:ss; optional album, artist, bytes and bitrate columns) "
        "or an iTunes/Music Library.xml export", type=["csv", "txt", "tsv", "xml"], key="catalogue_file",
        max_upload_size=50,
    )
    skip = st.checkbox("Skip bad rows (and count them)", key="catalogue_skip_bad_rows", persist_state="session")
    if up is None:
        last = st.session_state.get(_LAST_UPLOAD)
        if last is None:
            st.info("No file yet: showing the built-in catalogue.")
            return _builtin(key)
        return last
    data = up.getvalue()
    try:
        cat = _load(hashlib.sha256(data).hexdigest(), up.name, data, skip)
    except ValueError as e:
        st.error(str(e))
        last = st.session_state.get(_LAST_UPLOAD)
        if last is not None:
            st.caption(f"Still showing the last catalogue that loaded: {last.source}.")
            return last
        st.caption("Showing the built-in catalogue instead.")
        return _builtin(key)
    st.session_state[_LAST_UPLOAD] = cat
    return cat


def render() -> None:
    state.current_scenario()
    key = state.valid_key()
    s = state.scenario_of(key)
    a = state.assumptions()
    st.title("Catalogue")
    st.caption("Price real albums the way AllofMP3 did, at every encoding, against iTunes' 99 cents a track.")
    cat = _catalogue(key)
    n_alb = cat.n_albums
    notes = [f"{format_quantity(cat.n_tracks, 'track')} in {format_quantity(n_alb, 'album')} from {cat.source}"]
    if cat.excluded_video or cat.excluded_podcast:
        notes.append(f"excluded {cat.excluded_video:,} video and {cat.excluded_podcast:,} podcast rows")
    if cat.skipped_rows:
        notes.append(f"skipped {format_quantity(cat.skipped_rows, 'bad row')} (e.g. {'; '.join(cat.skipped_examples[:2])})")
    st.caption("; ".join(notes) + ".")
    names = a.encoding_names()
    c1, c2 = st.columns([2, 1])
    encoding = c1.selectbox("Encoding", names, index=names.index(s.encoding.default), key="catalogue_encoding", persist_state="session")
    has_bytes = "size_bytes" in cat.tracks and cat.tracks["size_bytes"].notna().any()
    real = c2.toggle("Price the real file sizes", key="catalogue_real_bytes", persist_state="session", disabled=not has_bytes,
                     help="Where the catalogue knows each file's bytes, price those instead of the formula.")
    choices = album_choices(cat)
    # The albums' names are the options (not their positions): another catalogue has other options, so
    # the box shows one of its albums at once instead of the old catalogue's name at the same position.
    chosen = st.selectbox("Album", choices, key="catalogue_album", persist_state="session")
    album = choices.index(chosen) if chosen in choices else 0
    tracks = album_tracks(cat, album, encoding, s, use_real_bytes=real and has_bytes)
    t = tracks.attrs
    st.subheader(choices[album])
    m1, m2, m3 = st.columns(3)
    m1.metric("Album, each track rounded", f"${t['price_usd']}", help="The sum of the prices each rounded half-up to the cent.")
    m2.metric("Album, rounded once", f"${t['price_per_basket_usd']}", help="The exact total rounded half-up once.")
    m3.metric("At iTunes", f"${t['itunes_usd']}", help="Tracks × the iTunes track price.")
    table = tracks[["track", "duration_s", "size_bytes", "size_mb", "price_usd", "itunes_usd"]].copy()
    table.attrs = {}
    unit = t.get("mb_unit", "MB")
    st.dataframe(table, hide_index=True, column_config={
        "duration_s": st.column_config.NumberColumn("duration [s]", format="%.1f"),
        "size_bytes": st.column_config.NumberColumn("size [bytes]", format="localized"),
        "size_mb": st.column_config.NumberColumn(f"size [{unit}]", format="%.2f"),
        "price_usd": st.column_config.NumberColumn("price [USD]", format="$%.2f"),
        "itunes_usd": st.column_config.NumberColumn("iTunes [USD]", format="$%.2f"),
    })
    st.subheader("This album at every encoding")
    every = album_at_every_encoding(cat, album, s)
    # The long label ("MP3 (constant bitrate), 64 kbps") says what the name and bitrate say: left out,
    # the table fits the page without scrolling sideways.
    st.dataframe(every, hide_index=True, height="content", column_order=[c for c in every.columns if c != "label"],
                 column_config={
                     "bitrate_kbps": st.column_config.NumberColumn("bitrate [kbps]", format="%.0f"),
                     "size_mb": st.column_config.NumberColumn(f"size [{unit}]", format="%.1f"),
                     "price_usd": st.column_config.NumberColumn("each track rounded [USD]", format="$%.2f"),
                     "price_per_basket_usd": st.column_config.NumberColumn("rounded once [USD]", format="$%.2f"),
                     "itunes_usd": st.column_config.NumberColumn("iTunes [USD]", format="$%.2f",
                                                                 help="Tracks × the iTunes track price."),
                     "itunes_album_cap_usd": st.column_config.NumberColumn(
                         "iTunes album [USD]", format="$%.2f", help="The same, capped at the iTunes album price."),
                     "cheaper_than_itunes": st.column_config.CheckboxColumn(
                         "cheaper", help="Each track rounded costs less than the iTunes album."),
                 })
    st.subheader("The whole catalogue")
    show.chart(price_histogram_chart(cat, encoding, s, use_real_bytes=real and has_bytes), key="catalogue_hist")
