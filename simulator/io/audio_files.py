"""Read a folder of audio files (or a zip of one, or uploaded files) with mutagen into a :class:`~simulator.model.catalogue.Catalogue`.

Every file is opened with `mutagen <https://mutagen.readthedocs.io>`_, which
reads the stream's header (no hand-written frame parsing): its duration, its
average bitrate, whether an MP3 is CBR, VBR or ABR, the codec, and the album,
artist, album artist and title tags. The file's size on disk is its
``size_bytes``, so it can be priced as it is (``use_real_bytes``) as well as at
any encoding of the menu.

Read: MP3, AAC/ALAC in MP4/M4A, Ogg Vorbis, Opus, FLAC and WAV. Left out and
counted: audiobooks (``.m4b``, ``.aa``, ``.aax``, an audiobook genre, an
``Audiobooks`` folder), videos, PDF booklets, ebooks, apps, and every other file
(cover art, playlists, text) as ``other_file``.

Examples
--------
>>> import io, zipfile
>>> buf = io.BytesIO()
>>> with zipfile.ZipFile(buf, "w") as z:
...     z.writestr("Album/cover.jpg", b"not audio")
>>> read_audio_zip(buf.getvalue(), "music.zip", limits_for(make_scenario()))
Traceback (most recent call last):
...
simulator.model.catalogue.CatalogueError: music.zip: no music tracks in the files (0 videos, 0 podcasts and 1 non-audio file excluded, 0 bad rows skipped)
"""

from __future__ import annotations

import functools
import io
import math
import os
import struct
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path, PurePosixPath
from typing import IO, Any, Protocol, TypeVar

import mutagen

from simulator.io.kinds import classify
from simulator.io.limits import MAX_DURATION_MS, MAX_SHOWN_CHARS, Limits, Rows, limits_for, too_large
from simulator.model.catalogue import Catalogue, CatalogueError
from simulator.params.scenario import Scenario, make_scenario  # noqa: F401 (make_scenario: examples)

__all__ = ["AUDIO_EXTENSIONS", "AudioInfo", "Progress", "load_audio_folder", "probe_audio", "read_audio_file",
           "read_audio_files", "read_audio_folder", "read_audio_zip"]

#: Extensions of the files read as audio (others are classified and counted).
AUDIO_EXTENSIONS = frozenset({".mp3", ".m4a", ".mp4", ".aac", ".ogg", ".oga", ".opus", ".flac", ".wav", ".wave"})
#: A zip may expand to at most this many times the largest file read: audio hardly compresses, so a
#: larger expansion is a zip bomb, not music. [ratio]
ZIP_EXPANSION_LIMIT = 4
#: What a file must be, said when one cannot be read.
EXPECTED = "an MP3, AAC/M4A, Ogg Vorbis, Opus, FLAC or WAV file"
EXPECTED_KINDS = "MP3, AAC/M4A, Ogg Vorbis, Opus, FLAC, WAV"
#: Text columns a folder adds to the tracks frame: codec and bitrate mode.
EXTRA_COLUMNS = ("codec", "bitrate_mode")
# Errors mutagen's parsers raise on damaged files: MutagenError is its documented one, the others
# come from the parsers underneath on truncated or corrupt data. Each becomes a bad row naming the file.
_READ_ERRORS = (mutagen.MutagenError, OSError, EOFError, ValueError, IndexError, KeyError, TypeError,
                struct.error, OverflowError, ZeroDivisionError)
# Codec names of mutagen's stream-info classes.
_CODECS = {"MPEGInfo": "mp3", "OggVorbisInfo": "vorbis", "OggOpusInfo": "opus", "StreamInfo": "flac",
           "WaveStreamInfo": "pcm", "AACInfo": "aac"}
_MP4_CODECS = {"mp4a": "aac", "alac": "alac", "ac-3": "ac3", "ec-3": "eac3"}
# Tag names, in mutagen's "easy" interface, and their ID3 frames (for WAV files, whose tags are plain ID3).
_TAGS = {"album": "TALB", "artist": "TPE1", "albumartist": "TPE2", "title": "TIT2", "genre": "TCON"}
_BITS_PER_BYTE = 8
_BPS_PER_KBPS = 1000
_MS_PER_S = 1000

_T = TypeVar("_T")


class Progress(Protocol):
    """``progress(items, total)``: wraps the items being read and yields them (e.g. a ``tqdm`` bar)."""

    def __call__(self, items: Iterable[_T], total: int, /) -> Iterable[_T]:
        """Yield ``items`` (``total`` of them) while showing progress."""
        ...


@dataclass(frozen=True)
class AudioInfo:
    """What mutagen read from one audio file.

    Attributes
    ----------
    duration_ms : int
        [ms]
    bitrate_kbps : int or None
        Average bitrate of the stream [kbit/s].
    bitrate_mode : str
        ``"cbr"``, ``"vbr"``, ``"abr"`` (MP3, from its LAME/Xing header),
        ``"lossless"`` (FLAC, ALAC, WAV) or ``""`` (unknown: Vorbis, Opus and AAC
        headers do not say).
    codec : str
        ``"mp3"``, ``"aac"``, ``"alac"``, ``"vorbis"``, ``"opus"``, ``"flac"``, ``"pcm"``...
    album, artist, album_artist, title, genre : str
        Tags (``""`` when absent).
    """

    duration_ms: int
    bitrate_kbps: int | None
    bitrate_mode: str
    codec: str
    album: str = ""
    artist: str = ""
    album_artist: str = ""
    title: str = ""
    genre: str = ""


def _tag(tags: Any, key: str) -> str:
    if tags is None:
        return ""
    try:
        if hasattr(tags, "getall"):  # plain ID3 (a WAV file's tags)
            frames = tags.getall(_TAGS[key])
            values = [str(v) for f in frames for v in getattr(f, "text", [])]
        else:
            values = tags.get(key) or (tags.get("album artist") if key == "albumartist" else None) or []
            values = [str(v) for v in (values if isinstance(values, list) else [values])]
    except (KeyError, ValueError, TypeError):
        return ""
    return next((v.strip() for v in values if str(v).strip()), "")


def _codec_and_mode(info: object) -> tuple[str, str]:
    kind = type(info).__name__
    codec = _CODECS.get(kind, kind.removesuffix("Info").lower())
    if kind == "MP4Info":
        raw = str(getattr(info, "codec", "") or "")
        codec = _MP4_CODECS.get(raw.split(".")[0], raw or "mp4")
    if kind == "MPEGInfo":
        # mutagen.mp3.BitrateMode (an int-valued enum of its own, printed "BitrateMode.CBR"): from the LAME/Xing
        # header; UNKNOWN without one.
        mode = str(getattr(info, "bitrate_mode", "")).rsplit(".", 1)[-1].lower()
        return codec, mode if mode in ("cbr", "vbr", "abr") else ""
    if codec in ("flac", "alac", "pcm"):
        return codec, "lossless"
    return codec, ""  # Vorbis, Opus, AAC: their headers do not say how the encoder spent its bits


def probe_audio(file: str | os.PathLike[str] | IO[bytes]) -> AudioInfo:
    """Read one audio file's stream information and tags with mutagen.

    Parameters
    ----------
    file : str, Path or binary file object
        A seekable file object is read from where it is.

    Returns
    -------
    AudioInfo

    Raises
    ------
    ValueError
        If mutagen cannot read it as audio, or it has no duration; the message says why.
    """
    try:
        m = mutagen.File(file, easy=True)
    except _READ_ERRORS as e:
        raise ValueError(f"cannot be read as audio ({str(e)[:MAX_SHOWN_CHARS] or type(e).__name__})") from None
    if m is None or getattr(m, "info", None) is None:
        raise ValueError("is not an audio file mutagen recognises")
    info = m.info
    length = float(getattr(info, "length", 0) or 0)
    if not (length > 0 and math.isfinite(length)):
        raise ValueError("has no duration (an empty or damaged stream)")
    duration_ms = int(Decimal(repr(length)).scaleb(3).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if not 0 < duration_ms <= MAX_DURATION_MS:
        raise ValueError(f"lasts {duration_ms:,} ms; at most {MAX_DURATION_MS:,} ms are allowed")
    bps = int(getattr(info, "bitrate", 0) or 0)
    kbps = int(Decimal(bps).scaleb(-3).quantize(Decimal(1), rounding=ROUND_HALF_UP)) if bps > 0 else None
    codec, mode = _codec_and_mode(info)
    tags = m.tags
    return AudioInfo(duration_ms, kbps or None, mode, codec, album=_tag(tags, "album"), artist=_tag(tags, "artist"),
                     album_artist=_tag(tags, "albumartist"), title=_tag(tags, "title"), genre=_tag(tags, "genre"))


@dataclass(frozen=True)
class _Entry:
    """One file to look at: its name relative to the folder, its size and how to open it."""

    rel: str
    size_bytes: int
    open: Callable[[], IO[bytes]]


def _stem(rel: str) -> str:
    name = PurePosixPath(rel.replace("\\", "/")).name
    dot = name.rfind(".")
    return name[:dot] if dot > 0 else name


def _read_entries(entries: list[_Entry], name: str, limits: Limits, skip_bad_rows: bool,
                  progress: Progress | None) -> Catalogue:
    if len(entries) > limits.max_rows:
        raise CatalogueError(f"{name}: more than {limits.max_rows:,} files; at most {limits.max_rows:,} are allowed "
                             "(catalogue.max_rows)")
    rows = Rows(name, skip_bad_rows, field="", extra=EXTRA_COLUMNS)
    rows.columns.update({"album": "album tag", "artist": "album artist tag, else artist tag",
                         "track": "title tag, else the file name", "duration_ms": "audio stream (mutagen)",
                         "size_bytes": "file size", "bitrate_kbps": "audio stream (mutagen)"})
    items: Iterable[tuple[int, _Entry]] = enumerate(entries, start=1)
    if progress is not None:
        items = progress(items, len(entries))
    for n, e in items:
        rows.read += 1
        ext = os.path.splitext(e.rel)[1].lower()
        if ext not in AUDIO_EXTENSIONS:
            rows.exclude(classify(location=e.rel) or "other_file")
            continue
        try:
            with e.open() as f:
                info = probe_audio(f)
        except (ValueError, OSError) as err:
            rows.bad(f"file {n}", repr(e.rel), None, str(err) if isinstance(err, ValueError) else
                     f"cannot be opened ({err.strerror or err})", EXPECTED)
            continue
        left_out = classify(location=e.rel, genre=info.genre)
        if left_out:
            rows.exclude(left_out)
            continue
        rows.add(info.album, info.album_artist or info.artist, info.title or _stem(e.rel), info.duration_ms,
                 e.size_bytes, info.bitrate_kbps, codec=info.codec, bitrate_mode=info.bitrate_mode)
    return rows.catalogue("the files")


def _file_opener(path: Path) -> Callable[[], IO[bytes]]:
    return lambda: path.open("rb")


def _walk(root: Path, name: str) -> Iterator[_Entry]:
    def fail(err: OSError) -> None:
        raise CatalogueError(f"{name}: cannot read folder {err.filename!r} ({err.strerror or err})")

    for folder, dirs, files in os.walk(root, onerror=fail, followlinks=False):
        dirs.sort()
        for f in sorted(files):
            p = Path(folder) / f
            try:
                st = p.stat()
            except OSError:
                continue  # a dangling link
            yield _Entry(str(p.relative_to(root)), st.st_size, _file_opener(p))


def read_audio_folder(folder: str | os.PathLike[str], limits: Limits, *, skip_bad_rows: bool = False,
                      progress: Progress | None = None) -> Catalogue:
    """Read every file under ``folder`` (see :func:`load_audio_folder`)."""
    root, name = Path(folder), str(folder)
    if not root.is_dir():
        raise CatalogueError(f"{name}: not a folder")
    entries: list[_Entry] = []
    for e in _walk(root, name):
        entries.append(e)
        if len(entries) > limits.max_rows:
            break
    if not entries:
        raise CatalogueError(f"{name}: an empty folder; expected a folder of audio files ({EXPECTED_KINDS}), "
                             "or a CSV, Library.xml or playlist file")
    return _read_entries(entries, name, limits, skip_bad_rows, progress)


def read_audio_zip(zip_file: bytes | bytearray | str | os.PathLike[str], name: str, limits: Limits, *,
                   skip_bad_rows: bool = False, progress: Progress | None = None) -> Catalogue:
    """Read the audio files in a zip archive (a folder, zipped), one member at a time.

    Parameters
    ----------
    zip_file : bytes, str or Path
        The archive's content, or its path (then it is not read whole).
    name : str
    limits : Limits
    skip_bad_rows : bool, optional
    progress : callable, optional
        As in :func:`load_audio_folder`.

    Returns
    -------
    Catalogue

    Raises
    ------
    CatalogueError
        Not a zip, a member that does not decompress, or members declaring more
        than :data:`ZIP_EXPANSION_LIMIT` times the archive's size and more than
        ``limits.max_bytes`` in all (a zip bomb).
    """
    try:
        z = zipfile.ZipFile(io.BytesIO(zip_file) if isinstance(zip_file, (bytes, bytearray)) else zip_file)
        infos = [i for i in z.infolist() if not i.is_dir()]
        archive_bytes = len(zip_file) if isinstance(zip_file, (bytes, bytearray)) else Path(zip_file).stat().st_size
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise CatalogueError(f"{name}: not a readable zip archive ({e})") from None
    cap = max(ZIP_EXPANSION_LIMIT * archive_bytes, limits.max_bytes)
    total = sum(i.file_size for i in infos)
    if total > cap:
        raise too_large(name, f"a zip archive of {archive_bytes:,} bytes that expands to {total:,} bytes", cap,
                        f"{ZIP_EXPANSION_LIMIT} x the archive, or catalogue.max_file_mb", limits.over_limit_hint)

    def opener(info: zipfile.ZipInfo) -> Callable[[], IO[bytes]]:
        def open_member() -> IO[bytes]:
            try:
                return z.open(info)  # seekable; read by mutagen as it needs
            except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError,
                    RuntimeError) as e:
                raise ValueError(f"cannot be unpacked ({e})") from None
        return open_member

    entries = [_Entry(i.filename, i.file_size, opener(i)) for i in infos]
    try:
        return _read_entries(entries, name, limits, skip_bad_rows, progress)
    finally:
        z.close()


def read_audio_files(files: Iterable[tuple[str, bytes]], name: str, limits: Limits, *, skip_bad_rows: bool = False,
                     progress: Progress | None = None) -> Catalogue:
    """Read uploaded audio files, given as ``(relative name, content)`` pairs (a folder uploaded in the app).

    Raises
    ------
    CatalogueError
        As :func:`load_audio_folder`.
    """
    entries = [_Entry(rel, len(data), functools.partial(io.BytesIO, data)) for rel, data in files]
    return _read_entries(entries, name, limits, skip_bad_rows, progress)


def read_audio_file(path: str | os.PathLike[str], limits: Limits, *, skip_bad_rows: bool = False) -> Catalogue:
    """Read one audio file as a catalogue of one track (see :func:`load_audio_folder`)."""
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as e:
        raise CatalogueError(f"{path}: cannot read file ({e.strerror or e})") from None
    return _read_entries([_Entry(p.name, size, lambda: p.open("rb"))], str(path), limits, skip_bad_rows, None)


def load_audio_folder(folder: str | os.PathLike[str], *, scenario: Scenario, skip_bad_rows: bool = False,
                      max_rows: int | None = None, progress: Progress | None = None) -> Catalogue:
    """Load a folder of audio files, read with mutagen.

    Parameters
    ----------
    folder : str or Path
        Read recursively, in name order; symbolic links to folders are not followed.
    scenario : Scenario
        Supplies ``catalogue.max_rows`` (the most files looked at).
    skip_bad_rows : bool, optional
        Leave unreadable audio files out and count them instead of raising.
    max_rows : int, optional
        Most files looked at [files].
    progress : callable, optional
        ``progress(items, total)`` wraps the files as they are read (e.g. a ``tqdm`` bar).

    Returns
    -------
    Catalogue
        One track per audio file: duration [ms] and average bitrate [kbit/s]
        from the stream, ``size_bytes`` the file's size [bytes], album from the
        album tag, artist from the album artist tag (else the artist tag), title
        from the title tag (else the file name); the extra columns ``codec`` and
        ``bitrate_mode`` (see :class:`AudioInfo`). Audiobooks, videos, booklets,
        ebooks, apps and other files are left out and counted.

    Raises
    ------
    CatalogueError
        Not a folder, too many files, no music in it, or a file mutagen cannot
        read (a :class:`~simulator.io.limits.BadRowError` naming it).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = (Path(d) / "notes.txt").write_text("hello")
    ...     load_audio_folder(d, scenario=make_scenario())  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    simulator.model.catalogue.CatalogueError: ...: no music tracks in the files (0 videos, 0 podcasts and 1 non-audio file excluded, 0 bad rows skipped)
    """
    return read_audio_folder(folder, limits_for(scenario, max_rows=max_rows), skip_bad_rows=skip_bad_rows,
                             progress=progress)
