"""What an item of a library is, when it is not music: the one rule every reader uses.

iTunes/Music libraries, their exports and folders hold more than songs: videos,
podcasts (audio or video), audiobooks, the PDF booklets that come with albums,
ebooks, apps and radio streams. AllofMP3 sold music, so these are left out and
counted by kind (the keys of :data:`simulator.io.limits.EXCLUDED_NOUNS`).

Examples
--------
>>> classify(kind="MPEG-4 video file", podcast=True)      # a video podcast is a podcast
'podcast'
>>> classify(kind="Protected AAC audio file", location="file:///Music/iTunes%20Media/Audiobooks/A/b.m4a")
'audiobook'
>>> classify(kind="PDF document"), classify(kind="MPEG audio file") is None
('booklet', True)
"""

from __future__ import annotations

import re
from urllib.parse import unquote

__all__ = ["AUDIOBOOK_EXTENSIONS", "VIDEO_EXTENSIONS", "classify", "extension_of"]

#: File extensions of audiobooks: iTunes Store (.m4b) and Audible (.aa, .aax, .aaxc).
AUDIOBOOK_EXTENSIONS = frozenset({".m4b", ".aa", ".aax", ".aaxc"})
#: File extensions of video containers (an .mp4 may be audio only, so it is not here).
VIDEO_EXTENSIONS = frozenset({".m4v", ".mov", ".mkv", ".avi", ".webm", ".wmv", ".mpg", ".mpeg", ".3gp"})
_EBOOK_EXTENSIONS = frozenset({".epub", ".ibooks", ".mobi", ".azw", ".azw3", ".fb2"})
_APP_EXTENSIONS = frozenset({".ipa", ".ipg", ".ipsw", ".apk", ".exe", ".dmg", ".app"})
# Genres of audiobooks in iTunes' languages (lower case).
_AUDIOBOOK_GENRES = frozenset({"audiobook", "audiobooks", "audio book", "audio books", "spoken word",
                               "hörbuch", "hörbücher", "livre audio", "livres audio", "audiolibro",
                               "audiolibros", "audiolivro", "luisterboek", "luisterboeken"})
_PODCAST_GENRES = frozenset({"podcast", "podcasts"})
# An "Audiobooks" (or "Audible") folder anywhere in a location: where iTunes and Music keep them.
_AUDIOBOOK_FOLDER = re.compile(r"[/\\](audiobooks|audible|hörbücher|livres audio)[/\\]", re.IGNORECASE)
_APP_KIND = re.compile(r"\bapps?\b|application|\bipod game\b|\bgame\b", re.IGNORECASE)
_STREAM_KIND = re.compile(r"stream", re.IGNORECASE)


def extension_of(location: str) -> str:
    """Return the lower-case extension (``".mp3"``) of a path or ``file://`` URL, or ``""``."""
    path = unquote(location.split("?", 1)[0]) if "%" in location else location
    tail = re.split(r"[/\\]", path)[-1]
    dot = tail.rfind(".")
    return tail[dot:].lower() if dot > 0 else ""


def classify(*, kind: str = "", location: str = "", genre: str = "", podcast: bool = False,
             video: bool = False, track_type: str = "") -> str | None:
    """Return the kind of a non-music item, or None for music.

    Parameters
    ----------
    kind : str, optional
        iTunes' ``Kind`` ("MPEG audio file", "PDF document", "Audible file"...).
    location : str, optional
        A path or ``file://`` URL (its extension and folders are looked at).
    genre : str, optional
    podcast : bool, optional
        iTunes' ``Podcast`` flag (or a podcast column).
    video : bool, optional
        Any of iTunes' ``Has Video``, ``Movie``, ``TV Show``, ``Music Video`` flags.
    track_type : str, optional
        iTunes' ``Track Type`` (``"URL"`` for a stream).

    Returns
    -------
    str or None
        ``"stream"``, ``"podcast"`` (audio or video), ``"audiobook"`` (an
        audiobook extension, an Audible kind, an audiobook genre, or a file in an
        Audiobooks folder), ``"booklet"`` (PDF), ``"ebook"``, ``"app"``, ``"video"``,
        tested in that order; None for music.
    """
    k, g = kind.lower(), genre.strip().lower()
    ext = extension_of(location) if location else ""
    if track_type.lower() == "url" or location.lower().startswith(("http://", "https://", "rtsp://", "mms://")) \
            or _STREAM_KIND.search(k):
        return "stream"
    if podcast or g in _PODCAST_GENRES or "podcast" in k:
        return "podcast"
    if ext in AUDIOBOOK_EXTENSIONS or "audible" in k or "audiobook" in k or "hörbuch" in k \
            or g in _AUDIOBOOK_GENRES or (location and _AUDIOBOOK_FOLDER.search(unquote(location))):
        return "audiobook"
    if ext == ".pdf" or "pdf" in k:
        return "booklet"
    if ext in _EBOOK_EXTENSIONS or "book" in k:
        return "ebook"
    if ext in _APP_EXTENSIONS or _APP_KIND.search(k):
        return "app"
    if video or "video" in k or "vidéo" in k or ext in VIDEO_EXTENSIONS:
        return "video"
    return None
