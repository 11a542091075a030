"""Catalogue: the built-in catalogue, an uploaded file (CSV, Library.xml, playlist, zip) or folder, priced album by album."""

from __future__ import annotations

import hashlib
import io

import streamlit as st

from simulator.io.audio_files import AUDIO_EXTENSIONS, read_audio_files
from simulator.io.kinds import AUDIOBOOK_EXTENSIONS
from simulator.io.limits import BadRowError, Limits, describe_excluded, limits_for
from simulator.io.load import read_catalogue
from simulator.model.catalogue import builtin_catalogue, one_album_per_track
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
FOLDER = "Upload a folder of audio files"
#: Largest upload the app takes (Streamlit's server.maxUploadSize in .streamlit/config.toml). [MB]
UPLOAD_MB = 50
#: Said wherever the app's cap applies: larger files go to the command line, which streams a Library.xml.
CLI_HINT = ("the app takes files up to 50 MB; for a larger one (a Library.xml of 200,000 tracks or a whole music "
            "folder) run `allofmp3-sim catalogue FILE-OR-FOLDER` on the computer that has it")
_SKIP_HINT = "to leave such rows out and count them, tick 'Skip bad rows'"
_FILE_TYPES = ["csv", "txt", "tsv", "xml", "m3u", "m3u8", "zip", *sorted(e.lstrip(".") for e in AUDIO_EXTENSIONS)]
_FOLDER_TYPES = sorted(e.lstrip(".") for e in AUDIO_EXTENSIONS | AUDIOBOOK_EXTENSIONS | {".pdf"})


def _limits(max_rows: int, max_bytes: int) -> Limits:
    """The app's limits: every file, a Library.xml too, within the upload cap."""
    return Limits(max_rows=max_rows, max_bytes=max_bytes, max_xml_bytes=max_bytes, over_limit_hint=CLI_HINT)


@st.cache_data(max_entries=8, show_spinner="Reading the catalogue…")
def _load(digest: str, name: str, data: bytes, skip_bad_rows: bool, max_rows: int, max_bytes: int):
    """Parse an uploaded file (cached by content)."""
    f = io.BytesIO(data)
    f.name = name
    return read_catalogue(f, _limits(max_rows, max_bytes), skip_bad_rows=skip_bad_rows, name=name)


@st.cache_data(max_entries=4, show_spinner="Reading the audio files…")
def _load_folder(digest: str, files: tuple[tuple[str, bytes], ...], skip_bad_rows: bool, max_rows: int, max_bytes: int):
    """Read an uploaded folder of audio files with mutagen (cached by content)."""
    name = f"the uploaded folder ({format_quantity(len(files), 'file')})"
    return read_audio_files(files, name, _limits(max_rows, max_bytes), skip_bad_rows=skip_bad_rows)


@st.cache_data(max_entries=4, show_spinner=False)
def _builtin(key):
    return builtin_catalogue(state.scenario_of(key))


def _kept(key, message: str):
    """Show why an upload was refused; keep the last catalogue that loaded (else the built-in one)."""
    st.error(message)
    last = st.session_state.get(_LAST_UPLOAD)
    if last is not None:
        st.caption(f"Still showing the last catalogue that loaded: {last.source}.")
        return last
    st.caption("Showing the built-in catalogue instead.")
    return _builtin(key)


def _catalogue(key):
    source = st.radio("Catalogue", [BUILTIN, UPLOAD, FOLDER], horizontal=True, key="catalogue_source",
                      persist_state="session")
    if source == BUILTIN:
        return _builtin(key)
    s = state.scenario_of(key)
    limits = limits_for(s)
    max_rows, max_bytes = limits.max_rows, min(limits.max_bytes, UPLOAD_MB * 1_000_000)
    if source == UPLOAD:
        up = st.file_uploader(
            "A CSV of tracks (durations in ms, s or m:ss; Exportify, iTunes' 'Export playlist as text' and other "
            "layouts), an iTunes/Music Library.xml, an M3U/M3U8 playlist, one audio file, or a zip of a music "
            "folder", type=_FILE_TYPES, key="catalogue_file", max_upload_size=UPLOAD_MB)
    else:
        up = st.file_uploader(
            "A folder of audio files (MP3, AAC/M4A, Ogg Vorbis, Opus, FLAC, WAV): durations, bitrates and tags are "
            "read from the files", type=_FOLDER_TYPES, key="catalogue_folder", accept_multiple_files="directory",
            max_upload_size=UPLOAD_MB)
    st.caption(f"Up to {UPLOAD_MB} MB a file: {CLI_HINT}.")
    skip = st.checkbox("Skip bad rows (and count them)", key="catalogue_skip_bad_rows", persist_state="session")
    if not up:
        last = st.session_state.get(_LAST_UPLOAD)
        if last is None:
            st.info("No file yet: showing the built-in catalogue.")
            return _builtin(key)
        return last
    try:
        if source == UPLOAD:
            data = up.getvalue()
            cat = _load(hashlib.sha256(data).hexdigest(), up.name, data, skip, max_rows, max_bytes)
        else:
            files = tuple((f.name, f.getvalue()) for f in up)
            digest = hashlib.sha256(b"".join(hashlib.sha256(n.encode() + b"\0" + d).digest() for n, d in files))
            cat = _load_folder(digest.hexdigest(), files, skip, max_rows, max_bytes)
    except BadRowError as e:
        return _kept(key, f"{e}; {_SKIP_HINT}")
    except ValueError as e:
        return _kept(key, str(e))
    st.session_state[_LAST_UPLOAD] = cat
    return cat


def _report(cat) -> None:
    """What was read and left out, the columns used, and warnings."""
    read = cat.rows_read if cat.rows_read is not None else cat.n_tracks
    notes = [f"{format_quantity(cat.n_tracks, 'track')} in {format_quantity(cat.n_albums, 'album')} from {cat.source}",
             f"read {format_quantity(read, 'row')}, priced {format_quantity(cat.n_tracks, 'track')}"]
    if any(cat.excluded.values()):
        notes.append(f"left out {describe_excluded(cat.excluded)}")
    if cat.skipped_rows:
        notes.append(f"skipped {format_quantity(cat.skipped_rows, 'bad row')} (e.g. {'; '.join(cat.skipped_examples[:2])})")
    st.caption("; ".join(notes) + ".")
    for w in cat.warnings:
        st.warning(w)
    if cat.columns:
        with st.expander("Which column gave what"):
            st.dataframe([{"role": role, "read from": column} for role, column in cat.columns.items()],
                         hide_index=True)


def render() -> None:
    state.current_scenario()
    key = state.valid_key()
    s = state.scenario_of(key)
    a = state.assumptions()
    st.title("Catalogue")
    st.caption("Price real albums the way AllofMP3 did, at every encoding, against iTunes' 99 cents a track.")
    cat = _catalogue(key)
    _report(cat)
    if not cat.has_album_names:
        st.warning(f"{cat.source} names no albums (no album column or tag): each track is shown as its own album.")
        cat = one_album_per_track(cat)
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
