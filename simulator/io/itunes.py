"""Read an iTunes/Music ``Library.xml`` export, streaming it, into a :class:`~simulator.model.catalogue.Catalogue`.

The XML is parsed with expat as it is read, a chunk at a time: each track entry
is turned into a row and dropped, the ``Playlists`` section is checked but not
kept, so memory holds the tracks' columns and not the file or a tree of it. A
file is refused before it is read when it is larger than
``catalogue.max_xml_file_mb``, and reading stops as soon as it has more than
``catalogue.max_rows`` track entries. XML entity declarations are refused, as
``plistlib`` refuses them (no entity expansion, no external entities). A
binary property list is read whole with ``plistlib`` (it is at most
``catalogue.max_file_mb``).

Videos, podcasts (audio or video), audiobooks, PDF booklets, ebooks, apps and
streams are left out and counted (:func:`simulator.io.kinds.classify`).

Examples
--------
>>> xml = plistlib.dumps({"Tracks": {"1": {"Name": "Hells Bells", "Total Time": 312000, "Bit Rate": 192},
...                                  "2": {"Name": "Booklet", "Kind": "PDF document"}}})
>>> c = load_itunes_library(xml, scenario=make_scenario())
>>> c.tracks[["track", "duration_ms", "bitrate_kbps"]].values.tolist(), dict(c.excluded)
([['Hells Bells', 312000, 192]], {'booklet': 1})
"""

from __future__ import annotations

import plistlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, BinaryIO, TypeAlias
from xml.parsers.expat import ExpatError, ParserCreate

from simulator.io.kinds import classify
from simulator.io.limits import (
    MAX_DURATION_MS,
    MAX_SIZE_BYTES,
    VARIOUS_ARTISTS,
    Limits,
    Rows,
    Source,
    limits_for,
    too_large,
)
from simulator.model.catalogue import Catalogue, CatalogueError
from simulator.params.scenario import Scenario

__all__ = ["load_itunes_library", "is_property_list"]

#: Bytes handed to expat at a time: large enough that the per-call cost vanishes,
#: small enough that the chunk is a rounding error in memory. [bytes]
CHUNK_BYTES = 1 << 20
#: Bytes at the start of a file looked at to tell a property list from other files. [bytes]
SNIFF_BYTES = 4096
# plistlib's rule for <date> (a value it could not read refuses the file).
_DATE = re.compile(r"\d\d\d\d(?:-\d\d(?:-\d\d(?:T\d\d(?::\d\d(?::\d\d)?)?)?)?)?Z", re.ASCII)
_SETTING = "catalogue.max_xml_file_mb"
_ALLOWED = {"Total Time": f"an <integer> of milliseconds from 1 to {MAX_DURATION_MS:,}",
            "Size": "an <integer> of bytes >= 0", "Bit Rate": "an <integer> of kbit/s > 0"}
_VIDEO_FLAGS = ("Has Video", "Movie", "TV Show", "Music Video")

#: What is handed one ``Tracks`` entry: its key (the Track ID) and its value (a dict, if well formed).
OnTrack: TypeAlias = Callable[[str, object], None]


def is_property_list(head: bytes) -> bool:
    """Whether the first bytes of a file are those of a property list (XML or binary)."""
    head = head[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith((b"<?xml", b"<!DOCTYPE plist", b"<plist", b"bplist00"))


class _Tracks:
    """Stands for the ``Tracks`` dictionary: its entries are handed on, not kept."""

    __slots__ = ("entry_key",)

    def __init__(self) -> None:
        self.entry_key: str | None = None


class _Skip:
    """Stands for a container that is checked but not kept (``Playlists``)."""

    __slots__ = ("is_dict",)

    def __init__(self, is_dict: bool) -> None:
        self.is_dict = is_dict


# An open container: a kept dict or array, the Tracks dictionary, or one that is checked but not kept.
_Container: TypeAlias = dict[str, Any] | list[Any] | _Tracks | _Skip


class _Stream:
    """An expat property-list reader that hands each track entry to ``on_track`` and keeps nothing else big.

    It follows ``plistlib``'s rules (and messages) for what is a valid property list.
    """

    def __init__(self, on_track: OnTrack) -> None:
        self.on_track = on_track
        self.stack: list[_Container] = []
        self.key: str | None = None
        self.root: Any = None
        self.data: list[str] = []
        p = self.parser = ParserCreate()
        p.buffer_text = True
        p.StartElementHandler = self.begin
        p.EndElementHandler = self.end
        p.CharacterDataHandler = self.data_text
        p.EntityDeclHandler = self.entity_decl
        self._end = {"dict": self.end_container, "array": self.end_container, "key": self.end_key,
                     "true": lambda: self.add(True), "false": lambda: self.add(False),
                     "integer": self.end_integer, "real": lambda: self.add(float(self.text())),
                     "string": lambda: self.add(self.text()), "data": lambda: self.add(self.text()),
                     "date": self.end_date}

    # --- expat callbacks
    def entity_decl(self, *args: object) -> None:
        raise ValueError("XML entity declarations are not supported in plist files")

    def data_text(self, text: str) -> None:
        self.data.append(text)

    def begin(self, element: str, attrs: dict[str, str]) -> None:
        self.data = []
        if element == "dict" or element == "array":
            self.begin_container(element == "dict")

    def end(self, element: str) -> None:
        handler = self._end.get(element)
        if handler is not None:
            handler()

    # --- values
    def text(self) -> str:
        out = "".join(self.data)
        self.data = []
        return out

    def line(self) -> int:
        return self.parser.CurrentLineNumber

    def end_integer(self) -> None:
        raw = self.text()
        self.add(int(raw, 16) if raw.startswith(("0x", "0X")) else int(raw))

    def end_date(self) -> None:
        raw = self.text()
        if not _DATE.match(raw):
            raise ValueError(f"a <date> it cannot read at line {self.line()}: {raw[:40]!r} "
                             "(write dates like 2008-01-31T12:00:00Z)")
        self.add(raw)

    def end_key(self) -> None:
        top = self.stack[-1] if self.stack else None
        if self.key or not (isinstance(top, (dict, _Tracks)) or (isinstance(top, _Skip) and top.is_dict)):
            raise ValueError(f"unexpected key at line {self.line()}")
        self.key = self.text()

    def add(self, value: Any) -> None:
        """Put a finished value where it belongs (plistlib's add_object)."""
        stack = self.stack
        if self.key is not None:
            top = stack[-1]
            if type(top) is dict:
                top[self.key] = value
            elif type(top) is _Tracks:
                if type(value) in (dict, list):
                    top.entry_key = self.key  # handed on when it ends
                else:
                    self.on_track(self.key, value)
            elif not (type(top) is _Skip and top.is_dict):
                raise ValueError(f"unexpected element at line {self.line()}")
            self.key = None
        elif not stack:
            self.root = value
        else:
            top = stack[-1]
            if type(top) is list:
                top.append(value)
            elif not (type(top) is _Skip and not top.is_dict):
                raise ValueError(f"unexpected element at line {self.line()}")

    def begin_container(self, is_dict: bool) -> None:
        parent = self.stack[-1] if self.stack else None
        c: _Container
        if parent is None:
            c = {} if is_dict else _Skip(False)
        elif type(parent) is _Skip:
            c = _Skip(is_dict)
        elif parent is self.root and type(parent) is dict:
            if is_dict and self.key == "Tracks":
                if "Tracks" in parent:
                    raise ValueError(f"a second 'Tracks' dictionary at line {self.line()}")
                c = _Tracks()
            else:
                c = _Skip(is_dict)
        else:
            c = {} if is_dict else []
        self.add(c)
        self.stack.append(c)

    def end_container(self) -> None:
        if self.key:
            raise ValueError(f"missing value for key '{self.key}' at line {self.line()}")
        done = self.stack.pop()
        if self.stack and type(self.stack[-1]) is _Tracks:
            tracks = self.stack[-1]
            key, tracks.entry_key = tracks.entry_key, None
            # add() set entry_key when this entry began: a value under Tracks without a key is refused there.
            assert key is not None
            self.on_track(key, done)


def _reader(rows: Rows, max_rows: int) -> OnTrack:
    """Return the function that turns one ``Tracks`` entry into a row of ``rows`` (or an exclusion)."""

    def on_track(key: str, t: object) -> None:
        rows.read += 1
        if rows.read > max_rows:
            raise CatalogueError(f"{rows.name}: more than {max_rows:,} tracks; at most {max_rows:,} "
                                 "are allowed (catalogue.max_rows)")
        where = f"track entry {rows.read} (Track ID {key})"
        if not isinstance(t, dict):
            rows.bad(where, "(entry)", type(t).__name__, "is not a dictionary", "a <dict> of track keys")
            return
        left_out = classify(kind=str(t.get("Kind") or ""), location=str(t.get("Location") or ""),
                            genre=str(t.get("Genre") or ""), podcast=t.get("Podcast") is True,
                            video=any(t.get(k) is True for k in _VIDEO_FLAGS),
                            track_type=str(t.get("Track Type") or ""))
        if left_out:
            rows.exclude(left_out)
            return
        values: dict[str, int | None] = {}
        for k, positive, required in (("Total Time", True, True), ("Size", False, False), ("Bit Rate", True, False)):
            v = t.get(k)
            if v is None and not required:
                values[k] = None
            elif type(v) is int and (v > 0 if positive else v >= 0) and \
                    v <= (MAX_DURATION_MS if k == "Total Time" else MAX_SIZE_BYTES):
                values[k] = v
            else:
                rows.bad(where, k, v, "is missing" if v is None else "is out of range or not an integer",
                         _ALLOWED[k])
                return
        text = {k: str(t.get(k) or "") for k in ("Album", "Album Artist", "Artist", "Name")}
        artist = text["Album Artist"] or (VARIOUS_ARTISTS if t.get("Compilation") is True else text["Artist"])
        duration_ms = values["Total Time"]
        assert duration_ms is not None  # required: an entry without one returned above
        rows.add(text["Album"], artist, text["Name"], duration_ms, values["Size"], values["Bit Rate"])

    return on_track


def _chunks(path_or_bytes: Source, name: str, limits: Limits) -> Iterator[bytes | memoryview]:
    """Yield the file's bytes a chunk at a time, refusing it past ``limits.max_xml_bytes``."""
    cap, hint = limits.max_xml_bytes, limits.over_limit_hint
    if isinstance(path_or_bytes, (bytes, bytearray, memoryview)):
        view = memoryview(path_or_bytes)
        if len(view) > cap:
            raise too_large(name, f"more than {cap:,} bytes", cap, _SETTING, hint)
        for i in range(0, len(view), CHUNK_BYTES):
            yield view[i:i + CHUNK_BYTES]
        return
    opened: BinaryIO | None = None  # a file opened here, closed here (a file object given is left open)
    if hasattr(path_or_bytes, "read"):
        f = path_or_bytes
    else:
        p = Path(path_or_bytes)
        try:
            size = p.stat().st_size
            if size > cap:
                raise too_large(name, f"file is {size:,} bytes", cap, _SETTING, hint)
            f = opened = p.open("rb")
        except OSError as e:
            raise CatalogueError(f"{name}: cannot read file ({e.strerror or e})") from None
    try:
        total = 0
        while chunk := f.read(CHUNK_BYTES):
            total += len(chunk)
            if total > cap:
                raise too_large(name, f"more than {cap:,} bytes", cap, _SETTING, hint)
            yield chunk
    finally:
        if opened is not None:
            opened.close()


def _name_of(path_or_bytes: Source) -> str:
    if isinstance(path_or_bytes, (bytes, bytearray, memoryview)) or hasattr(path_or_bytes, "read"):
        return str(getattr(path_or_bytes, "name", "<bytes>"))
    return str(path_or_bytes)


def read_itunes_library(path_or_bytes: Source, limits: Limits, *, skip_bad_rows: bool = False) -> Catalogue:
    """Load a ``Library.xml`` with explicit limits (see :func:`load_itunes_library`).

    Parameters
    ----------
    path_or_bytes : str, Path, bytes or binary file object
    limits : Limits
        ``max_xml_bytes`` caps an XML file, ``max_bytes`` a binary one, ``max_rows`` the track entries.
    skip_bad_rows : bool, optional

    Returns
    -------
    Catalogue

    Raises
    ------
    CatalogueError
        As :func:`load_itunes_library`.
    """
    name = _name_of(path_or_bytes)
    rows = Rows(name, skip_bad_rows, field="key")
    on_track = _reader(rows, limits.max_rows)
    chunks = _chunks(path_or_bytes, name, limits)
    first = next(chunks, b"")
    try:
        if bytes(first[:8]) == b"bplist00":  # not streamable: read whole, within the smaller cap
            parts, total = [bytes(first)], len(first)
            for chunk in chunks:
                total += len(chunk)
                if total > limits.max_bytes:
                    break
                parts.append(bytes(chunk))
            if total > limits.max_bytes:
                raise too_large(name, f"a binary property list of more than {limits.max_bytes:,} bytes",
                                limits.max_bytes, "catalogue.max_file_mb", limits.over_limit_hint)
            doc = plistlib.loads(b"".join(parts), fmt=plistlib.FMT_BINARY)
            tracks = doc.get("Tracks") if isinstance(doc, dict) else None
            if isinstance(tracks, dict):
                for key, t in tracks.items():
                    on_track(key, t)
        else:
            stream = _Stream(on_track)
            stream.parser.Parse(bytes(first), False)
            for chunk in chunks:
                stream.parser.Parse(bytes(chunk), False)
            stream.parser.Parse(b"", True)
            doc = stream.root
            tracks = doc.get("Tracks") if isinstance(doc, dict) else None
            if not isinstance(tracks, _Tracks):
                tracks = None
    except ExpatError as e:
        raise CatalogueError(f"{name}: malformed XML at line {e.lineno}, column {e.offset + 1}: "
                             f"{str(e).split(':')[0]}") from None
    except (ValueError, TypeError, OverflowError, LookupError, RecursionError, plistlib.InvalidFileException) as e:
        if isinstance(e, CatalogueError):
            raise
        raise CatalogueError(f"{name}: not a valid property list (Library.xml): {e}") from None
    if tracks is None:
        raise CatalogueError(f"{name}: no 'Tracks' dictionary; expected an iTunes/Music Library.xml export")
    rows.columns.update({"album": "Album", "artist": "Album Artist, else Artist", "track": "Name",
                         "duration_ms": "Total Time", "size_bytes": "Size", "bitrate_kbps": "Bit Rate"})
    return rows.catalogue("the library")


def load_itunes_library(path_or_bytes: Source, *, skip_bad_rows: bool = False, max_rows: int | None = None,
                        max_bytes: int | None = None, scenario: Scenario) -> Catalogue:
    """Load an iTunes/Music ``Library.xml`` export (an XML property list), streaming it.

    Parameters
    ----------
    path_or_bytes : str, Path, bytes or binary file object
    skip_bad_rows : bool, optional
        Leave malformed track entries out and count them instead of raising.
    max_rows : int, optional
        Most track entries read [entries]; default ``catalogue.max_rows``.
    max_bytes : int, optional
        Largest file read [bytes]; default ``catalogue.max_xml_file_mb`` x 10**6
        (a binary property list: ``catalogue.max_file_mb``).
    scenario : Scenario
        Its ``catalogue.*`` limits apply unless ``max_rows`` or ``max_bytes`` is given.

    Returns
    -------
    Catalogue
        From each entry of ``Tracks``: ``Total Time`` [ms], ``Size`` [bytes],
        ``Bit Rate`` [kbit/s], ``Name``, ``Album Artist`` (else "Various
        Artists" for a ``Compilation``, else ``Artist``), ``Album``. Videos,
        podcasts (audio or video), audiobooks, PDF booklets, ebooks, apps and
        streams are left out and counted (``Catalogue.excluded``).

    Raises
    ------
    CatalogueError
        Malformed XML (with its line and column), an XML entity declaration,
        no ``Tracks`` dictionary, too large, too many entries, or a bad value
        (a :class:`~simulator.io.limits.BadRowError` naming the track entry,
        its Track ID, the key, the value and what is allowed).
    """
    s = scenario
    limits = limits_for(s, max_rows=max_rows, max_xml_bytes=max_bytes)
    return read_itunes_library(path_or_bytes, limits, skip_bad_rows=skip_bad_rows)
