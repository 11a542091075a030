"""Fuzzing every loader with hypothesis: only the documented validation error may escape.

Each loader gets random bytes, random text, YAML-ish (or CSV-ish, plist-ish) documents built from
the names and values it expects, and mutations of real files (the embedded assumptions.yaml, a
scenario file, the Chinook and iTunes-sample CSVs from ../shared/data, an iTunes Library.xml):

=========================  =============================================
loader                     the only exception allowed
=========================  =============================================
load_assumptions(path)     AssumptionsError
read_scenario_bytes        ScenarioFileError
load_catalogue (CSV)       CatalogueError
load_catalogue (plist)     CatalogueError
overrides_from_query       none (bad values become notices)
parse_value                ScenarioError
parse_duration_ms          ValueError
=========================  =============================================

All are ``ValueError`` subclasses; anything else (a KeyError, AttributeError, a plain ValueError
where a subclass is documented) is a bug. What does load is checked too (durations > 0, overrides
that ``make_scenario`` accepts). Example counts are modest (the whole file runs in well under a
minute); the database is off so runs do not depend on earlier ones. ``FUZZ_SCALE=20`` multiplies
every count for a deeper search by hand.
"""

from __future__ import annotations

import math
import os
import plistlib
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from simulator.io.limits import MAX_DURATION_MS
from simulator.io.load import load_catalogue
from simulator.model.catalogue import CatalogueError
from simulator.model.units import parse_duration_ms
from simulator.params.assumptions import AssumptionsError, default_assumptions_path, load_assumptions
from simulator.params.scenario import ScenarioError, make_scenario, parse_value, validate_overrides
from simulator.params.scenario_file import ScenarioFileError, read_scenario_bytes, scenario_to_yaml
from simulator.present.inputs import PRESET_QUERY_KEY, overrides_from_query

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
CHINOOK = DATA / "chinook_tracks.csv"
ITUNES_CSV = DATA / "itunes_library_sample_2008.csv"
A = load_assumptions()
DEFAULTS = make_scenario(A)  # the scenario whose catalogue limits the loaders apply
KEYS = sorted(A.parameters)
EMBEDDED = default_assumptions_path().read_text(encoding="utf-8")
SCENARIO = scenario_to_yaml(make_scenario(A, preset="rate_2005", overrides={"demand.potential_buyers": 4e6,
                                                                                  "pricing.rounding": "per_basket"}))


#: Multiplies every example count (a deeper search by hand: FUZZ_SCALE=20).
SCALE = int(os.environ.get("FUZZ_SCALE", "1"))


def fuzz(n: int):
    return settings(max_examples=n * SCALE, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# ------------------------------------------------------------------------------ building blocks

#: Scalars a hostile file may hold, written as YAML (tags, aliases, impossible dates, huge numbers).
YAML_TOKENS = [
    ".nan", ".inf", "-.inf", "1e400", "-1", "0", "~", "null", "true", "yes", "[]", "{}", "''", "'x'",
    "!!python/object/apply:os.system ['true']", "!!python/name:os.system", "*a", "&a 1", "2006-13-45",
    "2006-02-30", "!!binary aGk=", "!!timestamp nope", "!!int x", "!!float y", "!!bool maybe", "0x1F", "0o17",
    "1_000", "+.5", "9" * 40, "[1, [2, [3]]]", "{a: 1}", "!!set {a, b}", "!!omap [a: 1]", "<<: {x: 1}",
    "!!str", "'=cmd|'' /C calc''!A0'", "\"\\x00\"", "\"\\ud800\"", "|\n  block", ">-\n  folded", "? [k]\n: v",
    "&b [*b]", "!custom 1", "%YAML 1.1", "---", "...", "\t", "\"unterminated",
]
json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(min_value=-(10**40), max_value=10**40),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=12),
    st.dates().map(str), st.sampled_from(["0.02", "per_track", "mp3-192", "=SUM(A1)", "true"]),
)
key_names = st.one_of(st.sampled_from(KEYS), st.text(max_size=10),
                      st.sampled_from(["kind", "format_version", "preset", "overrides", "parameters", "value",
                                       "bounds", "constants", "formats", "presets", "rate_timeline", "source"]))
trees = st.recursive(json_scalars, lambda kids: st.one_of(
    st.lists(kids, max_size=4), st.dictionaries(key_names, kids, max_size=5)), max_leaves=25)


def _dump(tree) -> str:
    try:
        return yaml.safe_dump(tree, allow_unicode=True, default_flow_style=None)
    except (yaml.YAMLError, ValueError, UnicodeEncodeError):
        return repr(tree)


@st.composite
def yaml_documents(draw, base: str | None = None) -> str:
    """YAML-ish text: a random tree (or ``base``), with raw tokens spliced into random lines."""
    text = base if base is not None else _dump(draw(trees))
    lines = text.splitlines(keepends=True) or ["\n"]
    for _ in range(draw(st.integers(0, 4))):
        i = draw(st.integers(0, len(lines) - 1))
        token = draw(st.sampled_from(YAML_TOKENS))
        op = draw(st.sampled_from(["value", "insert", "delete", "indent", "truncate"]))
        line = lines[i]
        if op == "value" and ":" in line:
            lines[i] = line.split(":", 1)[0] + ": " + token + "\n"
        elif op == "insert":
            lines.insert(i, draw(st.sampled_from(["", "  ", "    "])) + "x: " + token + "\n")
        elif op == "delete" and len(lines) > 1:
            del lines[i]
        elif op == "indent":
            lines[i] = "  " + line
        else:
            lines[i] = line[: draw(st.integers(0, len(line)))] + "\n"
    return "".join(lines)


def mutate(data: bytes, edits: list[tuple[float, int, bytes]]) -> bytes:
    """Apply byte edits at relative positions: 0 overwrite, 1 delete a run, 2 insert a token."""
    b = bytearray(data)
    for where, op, token in edits:
        p = int(where * len(b)) if b else 0
        if op == 0 and b:
            b[min(p, len(b) - 1)] = token[0] if token else 0
        elif op == 1:
            del b[p : p + 1 + len(token) * 3]
        else:
            b[p:p] = token
    return bytes(b)


BYTE_TOKENS = [b",", b";", b"\t", b"|", b'"', b"\r", b"\n", b"\r\n", b"\xef\xbb\xbf", b"\xff\xfe", b"\xe9", b"\xc3",
               b"\xb3", b"nan", b"inf", b"-1", b"0", b"1e308", b"=cmd|' /C calc'!A0", b"9" * 25, b"1:99", b"4:05",
               b"\x00", b"video", b"podcast", b"", b"\xe2\x80\x8b", b"<", b">", b"&", b"</date>", b"<date>",
               b"<integer>", b"<real>", b"]]>", b"\xff" * 8, b"<!ENTITY a 'b'>", b"<dict>", b"</dict>"]
edits = st.lists(st.tuples(st.floats(0, 1), st.integers(0, 2), st.sampled_from(BYTE_TOKENS)), min_size=1, max_size=8)


def _temp_file(data: bytes) -> Path:
    fd, name = tempfile.mkstemp(suffix=".yaml", prefix="fuzz-")
    with open(fd, "wb") as f:
        f.write(data)
    return Path(name)


def assumptions_only_refused_cleanly(data: bytes) -> None:
    path = _temp_file(data)
    try:
        load_assumptions(path)
    except AssumptionsError as e:
        assert str(e).startswith(str(path)) and "\n" not in str(e)
    finally:
        path.unlink()


def scenario_only_refused_cleanly(data: bytes) -> None:
    try:
        s = read_scenario_bytes(data, A, source="fuzz.yaml")
    except ScenarioFileError as e:
        assert str(e).startswith("fuzz.yaml: ")
    else:
        assert validate_overrides(A, s.overrides) == dict(s.overrides)


def catalogue_only_refused_cleanly(data: bytes, **kw) -> None:
    try:
        c = load_catalogue(data, **{"scenario": DEFAULTS, **kw})
    except CatalogueError as e:
        assert str(e).startswith("<bytes>: ")
    else:
        d = c.tracks["duration_ms"]
        assert len(d) and (d > 0).all() and (d <= MAX_DURATION_MS).all()
        assert (c.tracks["size_bytes"].dropna() >= 0).all() and (c.tracks["bitrate_kbps"].dropna() > 0).all()


# ------------------------------------------------------------------------------ assumptions


@fuzz(40)
@given(st.binary(max_size=3000))
def test_assumptions_random_bytes(data):
    assumptions_only_refused_cleanly(data)


@fuzz(60)
@given(yaml_documents())
def test_assumptions_yamlish_documents(text):
    assumptions_only_refused_cleanly(text.encode("utf-8", "surrogatepass"))


@fuzz(60)
@given(st.data())
def test_assumptions_mutated_real_file(data):
    text = data.draw(yaml_documents(base=EMBEDDED))
    assumptions_only_refused_cleanly(text.encode("utf-8", "surrogatepass"))


# ------------------------------------------------------------------------------ scenario files


@fuzz(80)
@given(st.one_of(st.binary(max_size=2000), st.text(max_size=2000).map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_scenario_random_bytes_and_text(data):
    scenario_only_refused_cleanly(data)


scenario_docs = st.fixed_dictionaries(
    {"kind": st.one_of(st.just("allofmp3-sim scenario"), json_scalars),
     "format_version": st.one_of(st.just(1), json_scalars)},
    optional={"preset": st.one_of(st.sampled_from([*A.presets, "nosuch"]), json_scalars),
              "overrides": st.one_of(st.dictionaries(st.one_of(st.sampled_from(KEYS), st.text(max_size=8)),
                                                     json_scalars, max_size=6), trees),
              "extra": json_scalars})


@fuzz(100)
@given(st.data())
def test_scenario_yamlish_documents(data):
    text = data.draw(yaml_documents(base=_dump(data.draw(scenario_docs))))
    scenario_only_refused_cleanly(text.encode("utf-8", "surrogatepass"))


@fuzz(60)
@given(edits)
def test_scenario_mutated_real_file(e):
    scenario_only_refused_cleanly(mutate(SCENARIO.encode("utf-8"), e))


# ------------------------------------------------------------------------------ catalogue CSV

COLUMNS = ["name", "album", "artist", "album_artist", "milliseconds", "seconds", "duration", "time", "length",
           "total_time_ms", "duration_s", "bytes", "size", "bitrate", "bit_rate_kbps", "kind", "media_type",
           "podcast", "genre", "has_video", "compilation", "", "Total Time", "x"]
CELLS = ["", "240", "240000", "4:05", "1:02:03", "0", "-1", "nan", "inf", "1e3", "240,5", "9" * 25, "4:75",
         "=cmd|' /C calc'!A0", "Podcast", "MPEG-4 video file", "1", "true", "192 kbps", "31\u00b3622",
         "\u0662\u0664\u0660", "\u200b240", "\"quoted, comma\"", "caf\u00e9", "\U0001f3b5"]


@st.composite
def csv_documents(draw) -> bytes:
    delim = draw(st.sampled_from([",", ";", "\t", "|"]))
    header = draw(st.lists(st.sampled_from(COLUMNS), min_size=1, max_size=6))
    rows = draw(st.lists(st.lists(st.one_of(st.sampled_from(CELLS), st.text(max_size=8)), max_size=len(header) + 2),
                         max_size=8))
    text = "\n".join(delim.join(r) for r in [header, *rows]) + draw(st.sampled_from(["", "\n", "\r\n"]))
    enc = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    return text.encode(enc, "replace")


@fuzz(100)
@given(st.one_of(st.binary(max_size=3000), st.text(max_size=2000).map(lambda t: t.encode("utf-8", "surrogatepass"))))
def test_catalogue_random_bytes_and_text(data):
    catalogue_only_refused_cleanly(data)


@fuzz(120)
@given(csv_documents(), st.booleans())
def test_catalogue_csvish_documents(data, skip):
    catalogue_only_refused_cleanly(data, skip_bad_rows=skip)


def _head(path: Path, n: int = 6000) -> bytes:
    if not path.is_file():
        pytest.skip(f"shared data absent: {path} not found")
    return path.read_bytes()[:n]


@fuzz(80)
@given(st.sampled_from([CHINOOK, ITUNES_CSV]), edits, st.booleans())
def test_catalogue_mutated_real_csv(path, e, skip):
    catalogue_only_refused_cleanly(mutate(_head(path), e), skip_bad_rows=skip)


# ------------------------------------------------------------------------------ iTunes Library.xml

plist_values = st.recursive(
    st.one_of(st.booleans(), st.integers(min_value=-(2**63), max_value=2**64 - 1), st.floats(allow_nan=True),
              st.text(max_size=10), st.binary(max_size=8), st.datetimes(timezones=st.none()).map(lambda d: d.replace(microsecond=0))),
    lambda kids: st.one_of(st.lists(kids, max_size=3), st.dictionaries(st.text(max_size=6), kids, max_size=3)),
    max_leaves=8)
track_keys = st.sampled_from(["Track ID", "Name", "Artist", "Album Artist", "Album", "Total Time", "Size",
                              "Bit Rate", "Kind", "Genre", "Podcast", "Has Video", "Movie", "TV Show",
                              "Music Video", "Compilation", "Date Added"])
tracks = st.dictionaries(st.text(max_size=4), st.one_of(st.dictionaries(track_keys, plist_values, max_size=8),
                                                        plist_values), max_size=5)
libraries = st.one_of(st.fixed_dictionaries({"Tracks": tracks}, optional={"Major Version": st.integers()}),
                      plist_values)


@fuzz(100)
@given(libraries, st.booleans(), st.booleans())
def test_plist_random_libraries(doc, binary, skip):
    try:
        data = plistlib.dumps(doc, fmt=plistlib.FMT_BINARY if binary else plistlib.FMT_XML)
    except (TypeError, OverflowError, ValueError):
        return  # not representable as a plist at all
    catalogue_only_refused_cleanly(data, skip_bad_rows=skip)


LIBRARY = plistlib.dumps({"Major Version": 1, "Tracks": {
    str(i): {"Track ID": i, "Name": f"Song {i}", "Artist": "Band", "Album": "Record", "Total Time": 200_000 + i,
             "Size": 4_800_000, "Bit Rate": 192, "Compilation": i == 2, "Rating": 2.5, "Artwork": b"\x00\x01",
             "Date Added": __import__("datetime").datetime(2008, 1, 31, 12)} for i in range(1, 4)},
    "Playlists": [{"Name": "All", "Playlist Items": [{"Track ID": 1}]}]})


@fuzz(100)
@given(st.booleans(), edits)
def test_plist_mutated_real_library(binary, e):
    base = plistlib.dumps(plistlib.loads(LIBRARY), fmt=plistlib.FMT_BINARY) if binary else LIBRARY
    catalogue_only_refused_cleanly(mutate(base, e))


# ------------------------------------------------------------------------------ links and --set values

link_values = st.one_of(st.text(max_size=30), st.sampled_from(CELLS + ["0.02", "per track", "Lossless buyers",
                                                                         "1e400", "-0", "True", "mp3-192"]),
                        st.floats(allow_nan=True).map(repr), st.integers().map(str))


@fuzz(100)
@given(st.dictionaries(st.one_of(st.sampled_from([*KEYS, PRESET_QUERY_KEY]), st.text(max_size=12)),
                       st.one_of(link_values, st.lists(link_values, max_size=3)), max_size=8))
def test_overrides_from_query_never_raises_and_what_it_keeps_is_valid(params):
    q = overrides_from_query(A, params)
    assert set(q.overrides) <= set(params) and len(q.overrides) + len(q.notices) + (PRESET_QUERY_KEY in params) >= len(params)
    s = make_scenario(A, preset=q.preset, overrides=q.overrides)  # what a link sets is always a valid scenario
    assert all(s[k] == v for k, v in q.overrides.items())
    # Each notice says what was ignored, or which repeated key's last value was used.
    repeated = {k for k, v in params.items() if isinstance(v, list) and len(set(v)) > 1}
    assert all(isinstance(n, str) and ("ignored" in n or "times with different values" in n) for n in q.notices)
    assert sum("times with different values" in n for n in q.notices) == len(repeated)


@fuzz(150)
@given(st.sampled_from(KEYS), link_values)
def test_parse_value_only_raises_scenario_error(key, text):
    try:
        v = parse_value(A, key, text)
    except ScenarioError as e:
        assert "\n" not in str(e)
    else:
        assert validate_overrides(A, {key: v}) == {key: v}
        assert not (isinstance(v, float) and not math.isfinite(v))


@fuzz(150)
@given(st.one_of(st.text(max_size=30), st.from_regex(r"\A-?\d{0,30}(:\d{0,3}){0,3}(\.\d{0,5})?\s*(ms|s|sec|min|m)?\Z")),
       st.sampled_from(["s", "ms", "min"]))
def test_parse_duration_only_raises_value_error(text, unit):
    try:
        ms = parse_duration_ms(text, default_unit=unit)
    except ValueError as e:
        assert type(e) is ValueError and repr(text) in str(e)
    else:
        assert isinstance(ms, int) and ms > 0


# ------------------------------------------------------------------------------ playlists, zips, audio files


m3u_lines = st.one_of(
    st.from_regex(r"\A#EXTINF:-?[0-9eE.+-]{0,8}( [a-z-]+=\"[^\"]{0,5}\")?,[^\n\r]{0,20}\Z"),
    st.from_regex(r"\A#EXT(ALB|ART|M3U|GENRE):[^\n\r]{0,12}\Z"),
    st.sampled_from(["music/a.mp3", "http://radio.example/", "file:///x/y%20z.flac", "C:\\M\\a.m4b", "b.pdf",
                     "clip.m4v", "../up.ogg", "", "# comment"]),
    st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=20),
)


@fuzz(120)
@given(st.lists(m3u_lines, max_size=12), st.booleans(), st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
def test_m3u_playlists(lines, skip, encoding):
    data = "\n".join(["#EXTM3U", *lines]).encode(encoding, "replace")
    catalogue_only_refused_cleanly(data, skip_bad_rows=skip)


def _zip(members: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


AUDIO_NAMES = st.sampled_from(["a.mp3", "b.m4a", "c.ogg", "d.opus", "e.flac", "f.wav", "g.aac", "h.mp4", "i.txt",
                               "j.m4b", "k.pdf"])
AUDIO_HEADERS = st.sampled_from([b"", b"ID3\x03\x00\x00\x00\x00\x00\x10", b"\xff\xfb\x90\x64", b"fLaC\x00\x00\x00\x22",
                                 b"OggS\x00\x02", b"RIFF\x24\x00\x00\x00WAVEfmt ", b"\x00\x00\x00\x18ftypM4A ",
                                 b"OpusHead"])


@fuzz(100)
@given(st.dictionaries(AUDIO_NAMES, st.tuples(AUDIO_HEADERS, st.binary(max_size=400)).map(lambda t: t[0] + t[1]),
                       max_size=4), st.booleans())
def test_zips_of_junk_audio(members, skip):
    catalogue_only_refused_cleanly(_zip(members), skip_bad_rows=skip)


@pytest.fixture(scope="module")
def real_audio(tmp_path_factory) -> list[bytes]:
    import shutil
    import subprocess

    if not (shutil.which("sox") and shutil.which("lame") and shutil.which("flac")):
        pytest.skip("sox, lame and flac are needed to make real audio files to corrupt")
    d = tmp_path_factory.mktemp("fuzz_audio")
    wav = d / "a.wav"
    subprocess.run(["sox", "-n", "-r", "8000", "-b", "16", "-c", "1", str(wav), "synth", "0.5", "sine", "440"],
                   check=True, capture_output=True)
    subprocess.run(["lame", "--quiet", "-b", "32", "--tt", "T", str(wav), str(d / "a.mp3")], check=True,
                   capture_output=True)
    subprocess.run(["flac", "-s", "-o", str(d / "a.flac"), str(wav)], check=True, capture_output=True)
    return [(d / n).read_bytes() for n in ("a.wav", "a.mp3", "a.flac")]


@settings(max_examples=60 * SCALE, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.integers(0, 2), st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), max_size=6),
       st.integers(0, 10_000), st.booleans())
def test_mutated_real_audio_files(real_audio, which, changes, cut, skip):
    """Real files with bytes changed and cut short: mutagen reads them, or the file is a clean bad row."""
    b = bytearray(real_audio[which])
    for pos, byte in changes:
        b[pos % len(b)] = byte
    data = bytes(b[: max(1, len(b) - cut)])
    name = ("a.wav", "a.mp3", "a.flac")[which]
    catalogue_only_refused_cleanly(_zip({name: data}), skip_bad_rows=skip)
