"""The hostile-input corpus: every case, its kind, its input and the message fragment it must produce.

Kinds and where each case is run (by ``tests/test_hostile_inputs.py``):

===============  ==========================================================================
kind             input
===============  ==========================================================================
assumptions      an assumptions file: ``load_assumptions(path)`` -> ``AssumptionsError``;
                 ``allofmp3-sim market --assumptions FILE``
scenario         a scenario file: ``read_scenario_bytes`` / ``read_scenario_file`` ->
                 ``ScenarioFileError``; ``allofmp3-sim export --scenario FILE``; the app's upload
catalogue_csv    a catalogue CSV: ``load_catalogue`` -> ``CatalogueError``;
                 ``allofmp3-sim catalogue FILE``; the Catalogue page's upload
itunes_xml       an iTunes ``Library.xml``: as catalogue_csv
playlist         an M3U8 playlist: as catalogue_csv
audio_zip        a zip of (supposed) audio files, an uploaded folder: as catalogue_csv
url              link parameters: ``overrides_from_query`` -> a notice naming the parameter, the
                 value left out; the app opened with the link
cli              an argument list for ``allofmp3-sim``: exit 2, one line on stderr
output_path      an ``export --out`` target (argument list, with folders set up first) or a file
                 name for ``export_file_name`` / ``bundle_zip_bytes`` -> ``ValueError``
===============  ==========================================================================

File inputs are the small files in ``files/`` (named ``<id>.<ext>``), inline bytes, an edit of the
embedded ``assumptions.yaml`` (:func:`edit`), or a generator (:class:`Gen`) for the large or binary
ones (oversized, alias bombs, deep nesting), built when the test runs and never committed.
Special inputs: :data:`MISSING` (no such file), :data:`FOLDER` (a folder), ``"/dev/zero"``.

``expect`` fragments name the problem: the field, row, column or key, and the bad value.
Cases marked ``regression`` found a bug when the corpus was written (see the commit message).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FILES = Path(__file__).resolve().parent / "files"
KINDS = ("assumptions", "scenario", "catalogue_csv", "itunes_xml", "playlist", "audio_zip", "url", "cli", "output_path")
EXTENSIONS = {"assumptions": "yaml", "scenario": "yaml", "catalogue_csv": "csv", "itunes_xml": "xml",
              "playlist": "m3u8", "audio_zip": "zip"}

#: A path that does not exist.
MISSING = "<missing>"
#: A path that is a folder.
FOLDER = "<folder>"


@dataclass(frozen=True)
class Gen:
    """Bytes built when the test runs (large or binary inputs are not committed)."""

    make: Callable[[], bytes]
    what: str

    def __call__(self) -> bytes:
        return self.make()


def _embedded_text() -> str:
    from simulator.params.assumptions import default_assumptions_path

    return default_assumptions_path().read_text(encoding="utf-8")


def edit(old: str, new: str, *, encoding: str = "utf-8") -> Gen:
    """The embedded assumptions.yaml with its one occurrence of ``old`` replaced by ``new``."""

    def make() -> bytes:
        text = _embedded_text()
        assert text.count(old) == 1, f"edit target not unique in assumptions.yaml: {old!r}"
        return text.replace(old, new).encode(encoding)

    return Gen(make, f"assumptions.yaml with {old.strip()!r} -> {new.strip()!r}")


def append(extra: str) -> Gen:
    return Gen(lambda: (_embedded_text() + extra).encode("utf-8"), f"assumptions.yaml + {extra.strip()!r}")


@dataclass(frozen=True)
class Case:
    """One hostile input.

    Attributes
    ----------
    id : str
    kind : str
        One of :data:`KINDS`.
    input : Any
        File kinds: ``None`` (the file ``files/<id>.<ext>``), bytes, a :class:`Gen`, :data:`MISSING`,
        :data:`FOLDER` or ``"/dev/zero"``. url: the query as a dict. cli and output_path: the argument
        list (``{out}`` is the test's output folder, ``{tmp}`` its working folder), or for output_path a
        file name (a str) checked by ``export_file_name`` and ``bundle_zip_bytes``.
    expect : tuple of str
        Fragments the message must contain (all of them).
    sets : mapping
        Scenario overrides the case needs (e.g. a smaller ``catalogue.max_file_mb``): passed to the
        loader as a scenario and to the command line as ``--set``.
    setup : mapping
        output_path: files (text) and folders (``None``) created in the working folder first; they
        must be unchanged afterwards.
    app : bool
        Also run through the app (uploads, links) where the kind has an app path.
    subprocess : bool
        Also run through a real ``python -m simulator`` process (a representative subset: each
        costs a second or more).
    regression : bool
        Found a bug when the corpus was written.
    """

    id: str
    kind: str
    input: Any
    expect: tuple[str, ...]
    sets: Mapping[str, Any] = field(default_factory=dict)
    setup: Mapping[str, str | None] = field(default_factory=dict)
    app: bool = True
    subprocess: bool = False
    regression: bool = False

    def data(self) -> bytes:
        """The bytes of a file case."""
        if self.input is None:
            return (FILES / f"{self.id}.{EXTENSIONS[self.kind]}").read_bytes()
        if isinstance(self.input, bytes):
            return self.input
        if isinstance(self.input, Gen):
            return self.input()
        raise TypeError(f"{self.id}: no bytes for input {self.input!r}")

    @property
    def is_special_path(self) -> bool:
        return self.input in (MISSING, FOLDER, "/dev/zero")

    def path(self, tmp: Path) -> Path:
        """Where the file case's input is (written under ``tmp`` unless it is a special path)."""
        if self.input == MISSING:
            return tmp / f"{self.id}.{EXTENSIONS[self.kind]}"
        if self.input == FOLDER:
            folder = tmp / f"{self.id}.{EXTENSIONS[self.kind]}"
            folder.mkdir(exist_ok=True)
            return folder
        if self.input == "/dev/zero":
            return Path("/dev/zero")
        p = tmp / f"{self.id}.{EXTENSIONS[self.kind]}"
        p.write_bytes(self.data())
        return p


def C(id: str, kind: str, input: Any, *expect: str, **kw: Any) -> Case:
    assert kind in KINDS, kind
    return Case(id, kind, input, tuple(expect), **kw)


# ----------------------------------------------------------------------------- generated inputs


def _alias_bomb(header: bytes = b"") -> bytes:
    """Billion laughs: nine levels of twelve aliases each (12**9 strings if expanded), 108 aliases."""
    lines = [b'a0: &a0 "lol"']
    for i in range(1, 10):
        lines.append(b"a%d: &a%d [" % (i, i) + b", ".join([b"*a%d" % (i - 1)] * 12) + b"]")
    return header + b"\n".join(lines) + b"\n"


def _deep(n: int = 5000) -> bytes:
    return b"x: " + b"[" * n + b"]" * n + b"\n"


def _oversized_yaml(size: int) -> bytes:
    line = b"# padding: a comment line that YAML ignores, repeated to pass the size cap\n"
    return b"format_version: 1\n" + line * (size // len(line) + 1)


def _binary() -> bytes:
    return bytes(range(256)) * 16


def _zip_junk() -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("tracks.csv", "name,seconds\nSong,240\n")
    return buf.getvalue()


def _csv_rows(n: int) -> bytes:
    return b"name,seconds\n" + b"".join(b"Song %d,240\n" % i for i in range(n))


def _plist_tracks(n: int) -> bytes:
    import plistlib

    return plistlib.dumps({"Tracks": {str(i): {"Name": f"S{i}", "Total Time": 240_000} for i in range(1, n + 1)}})


def _zip_of(files: dict[str, bytes], method: int | None = None) -> bytes:
    import io
    import zipfile

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED if method is None else method) as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _mixed_late(n: int = 1500) -> bytes:
    """A duration column read as seconds from its first 1,000 rows, with milliseconds further down."""
    return b"name,duration\n" + b"".join(b"Song %d,240\n" % i for i in range(n)) + b"Late,250000\n"


def _huge_field() -> bytes:
    return b"name,seconds\n" + b"x" * 200_000 + b",240\n"


_HDR = b"kind: allofmp3-sim scenario\nformat_version: 1\n"
_RATE = "    rate_usd_per_mb:\n      value: 0.03\n      unit: USD/MB\n"

# ----------------------------------------------------------------------------- the corpus

ASSUMPTIONS = [
    C("asm_malformed_flow", "assumptions", b"format_version: 1\nparameters: {pricing: [\n",
      "malformed YAML at line 3", subprocess=True),
    C("asm_tab_indent", "assumptions", b"format_version: 1\nconstants:\n\tcd_audio_kbps: 1411.2\n",
      "malformed YAML at line 3", "found character '\\t'"),
    C("asm_python_apply_tag", "assumptions", append("\nx: !!python/object/apply:os.system ['echo pwned']\n"),
      "malformed YAML", "python/object/apply:os.system"),
    C("asm_python_name_tag", "assumptions", b"format_version: !!python/name:os.system\n",
      "malformed YAML at line 1", "python/name:os.system"),
    C("asm_alias_bomb", "assumptions", Gen(_alias_bomb, "billion laughs"), "108 YAML aliases", "at most 100"),
    C("asm_deep_nesting", "assumptions", Gen(_deep, "5,000 nested lists"), "nested too deeply", "64 levels"),
    C("asm_oversized", "assumptions", Gen(lambda: _oversized_yaml(1_000_100), "1 MB of comments"),
      "bytes; at most 1,000,000 bytes are allowed", subprocess=True),
    C("asm_device", "assumptions", "/dev/zero", "/dev/zero", "larger than 1,000,000 bytes"),
    C("asm_missing_file", "assumptions", MISSING, "asm_missing_file.yaml", "cannot read file (No such file"),
    C("asm_folder", "assumptions", FOLDER, "asm_folder.yaml", "cannot read file (Is a directory)"),
    C("asm_binary", "assumptions", Gen(_binary, "every byte value"), "not UTF-8 text (byte 128)"),
    C("asm_nul_byte", "assumptions", b"format_version: 1\n\x00\n", "binary data, not a YAML text file"),
    C("asm_latin1", "assumptions", edit("label: Rate per megabyte", "label: Tarif par m\u00e9gaoctet", encoding="latin-1"),
      "not UTF-8 text (byte"),
    C("asm_utf16", "assumptions", Gen(lambda: _embedded_text().encode("utf-16"), "UTF-16 with BOM"),
      "not UTF-8 text (byte 0)"),
    C("asm_not_a_mapping", "assumptions", b"- format_version\n- 1\n", "must be a mapping of sections, got list"),
    C("asm_empty", "assumptions", b"", "must be a mapping of sections, got NoneType"),
    C("asm_newer_version", "assumptions", edit("format_version: 1\n", "format_version: 2\n"),
      "format_version: this program reads version 1, got 2"),
    C("asm_nan_value", "assumptions", edit(_RATE, _RATE.replace("0.03", ".nan")),
      "parameters.pricing.rate_usd_per_mb", "finite", "nan"),
    C("asm_infinite_bound", "assumptions", edit("bounds: [0.001, 0.30]", "bounds: [0.001, .inf]"),
      "parameters.pricing.rate_usd_per_mb", "bounds must be a finite number, got inf"),
    C("asm_negative_value", "assumptions", edit(_RATE, _RATE.replace("0.03", "-0.03")),
      "parameters.pricing.rate_usd_per_mb", "between 0.001 and 0.3, got -0.03", subprocess=True),
    C("asm_value_as_text", "assumptions", edit(_RATE, _RATE.replace("0.03", "three cents")),
      "parameters.pricing.rate_usd_per_mb", "value must be a number, got 'three cents'"),
    C("asm_reversed_bounds", "assumptions", edit("bounds: [0.001, 0.30]", "bounds: [0.30, 0.001]"),
      "parameters.pricing.rate_usd_per_mb", "min <= max, got [0.3, 0.001]"),
    C("asm_unknown_field", "assumptions", edit(_RATE, _RATE + "      colour: red\n"),
      "parameters.pricing.rate_usd_per_mb.colour", "unknown key 'colour'", "allowed keys are"),
    C("asm_unknown_parameter", "assumptions",
      edit("  encoding:\n    default:\n", "    vat_share:\n      value: 0.18\n      unit: fraction\n      label: VAT\n"
           "      bounds: [0, 1]\n      assumption: a test\n\n  encoding:\n    default:\n"),
      "parameters.pricing.vat_share: unknown key"),
    C("asm_misspelt_parameter", "assumptions", edit("    discount_share:\n      value: 0.0\n",
                                                    "    discount_shares:\n      value: 0.0\n"),
      "parameters.pricing.discount_shares: unknown key"),
    C("asm_missing_constant", "assumptions", edit("  months_per_year:\n    value: 12\n", "  months_per_yr:\n    value: 12\n"),
      "constants.months_per_year: missing key"),
    C("asm_huge_integer", "assumptions", edit("      value: 2006\n", "      value: 99999999999999999999999999999\n"),
      "parameters.catalogue.seed", "between 0 and 4294967295, got 99999999999999999999999999999"),
    C("asm_bad_choice", "assumptions", edit("value: per_track\n", "value: bankers\n"),
      "parameters.pricing.rounding", "value must be one of ['per_track', 'per_basket', 'unrounded'], got 'bankers'"),
    C("asm_preset_out_of_bounds", "assumptions", edit("overrides: {pricing.rate_usd_per_mb: 0.04}",
                                                      "overrides: {pricing.rate_usd_per_mb: 4}"),
      "presets.mp3sparks.overrides", "pricing.rate_usd_per_mb must be between 0.001 and 0.3", "got 4"),
    C("asm_int_tag_junk", "assumptions", edit(_RATE, _RATE.replace("0.03", "!!int three")),
      "malformed YAML at line", "cannot read 'three' as int", regression=True),
    C("asm_impossible_date", "assumptions", edit('- from: "2005-01-15"', "- from: 2005-13-45"),
      "malformed YAML at line", "cannot read '2005-13-45' as timestamp", "month must be in 1..12",
      regression=True, subprocess=True),
    C("asm_bool_tag_junk", "assumptions", edit("card_freeze_active:\n      kind: boolean\n      value: true",
                                               "card_freeze_active:\n      kind: boolean\n      value: !!bool maybe"),
      "malformed YAML at line", "cannot read 'maybe' as bool", regression=True),
]

SCENARIOS = [
    C("scn_malformed", "scenario", None, "malformed YAML at line 6", subprocess=True),
    C("scn_foreign_kind", "scenario", None, "not an allofmp3-sim scenario file", "got 'Pod'"),
    C("scn_newer_version", "scenario", None, "format_version 9 was written by a newer allofmp3-sim"),
    C("scn_version_string", "scenario", None, "format_version must be a whole number from 1, got '1'"),
    C("scn_version_bad_date", "scenario", None, "cannot read '2006-13-45' as timestamp", regression=True),
    C("scn_unknown_top_key", "scenario", None, "unknown key(s) ['notes']"),
    C("scn_unknown_preset", "scenario", None, "unknown preset 'free_music_forever'", "known presets are"),
    C("scn_preset_formula", "scenario", None, "unknown preset \"=cmd|' /C calc'!A0\""),
    C("scn_preset_list", "scenario", None, "preset must be a preset's name, got ['reported_2006', 'lossless']"),
    C("scn_preset_bool_tag", "scenario", None, "malformed YAML at line 4", "cannot read 'maybe' as bool",
      regression=True),
    C("scn_overrides_list", "scenario", None, "overrides must map input names to values"),
    C("scn_overrides_int_key", "scenario", None, "overrides must map input names to values, got {1: 0.02}"),
    C("scn_unknown_input", "scenario", None, "unknown input 'pricing.vat_share'"),
    C("scn_nan", "scenario", None, "pricing.rate_usd_per_mb must be a number between 0.001 and 0.3, got nan",
      subprocess=True),
    C("scn_infinity", "scenario", None,
      "demand.potential_buyers must be a number between 100000 and 100000000, got inf"),
    C("scn_negative", "scenario", None,
      "demand.potential_buyers must be between 100000 and 100000000 [people], got -7271000"),
    C("scn_out_of_bounds", "scenario", None, "pricing.rate_usd_per_mb must be between 0.001 and 0.3 [USD/MB], got 7"),
    # Text is read as --set reads it ("0.02" and 1e7 are numbers), so only text that is no number is refused.
    C("scn_number_as_string", "scenario", None, "pricing.rate_usd_per_mb", "got '0.02 USD/MB'"),
    C("scn_bool_for_number", "scenario", None, "pricing.rate_usd_per_mb", "got True"),
    C("scn_fraction_for_integer", "scenario", None, "catalogue.albums must be a whole number", "got 12.5"),
    C("scn_huge_integer", "scenario", None,
      "catalogue.seed must be between 0 and 4294967295, got 1000000000000000000000000000000", regression=True),
    C("scn_bad_choice", "scenario", None, "pricing.rounding must be one of", "got 'bankers'"),
    C("scn_int_tag_junk", "scenario", None, "malformed YAML at line 5", "cannot read 'twelve' as int",
      regression=True),
    C("scn_python_tag", "scenario", None, "malformed YAML at line 4", "python/object/apply:os.system"),
    C("scn_python_name", "scenario", None, "malformed YAML at line 4", "python/name:os.system"),
    C("scn_empty", "scenario", None, "not an allofmp3-sim scenario file"),
    C("scn_latin1", "scenario", None, "not UTF-8 text (byte 141)"),
    C("scn_utf16", "scenario", None, "not UTF-8 text (byte 0)"),
    C("scn_nul_byte", "scenario", None, "binary data, not a YAML text file"),
    C("scn_alias_bomb", "scenario", Gen(lambda: _alias_bomb(_HDR), "billion laughs"), "108 YAML aliases"),
    C("scn_deep_nesting", "scenario", Gen(lambda: _HDR + _deep(), "5,000 nested lists"), "nested too deeply"),
    C("scn_oversized", "scenario", Gen(lambda: _HDR + b"#" * 64_000 + b"\n", "64 kB comment"),
      "64,000 bytes"),
    C("scn_binary_png", "scenario", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(128, 256)), "not UTF-8 text"),
    C("scn_missing_file", "scenario", MISSING, "scn_missing_file.yaml", "cannot read file (No such file"),
    C("scn_device", "scenario", "/dev/zero", "larger than 64,000 bytes"),
]

CATALOGUE_CSV = [
    C("csv_empty", "catalogue_csv", None, "the file is empty"),
    C("csv_blank_lines", "catalogue_csv", None, "the file is empty"),
    C("csv_header_only", "catalogue_csv", None, "the file has a header but no data rows"),
    C("csv_no_duration", "catalogue_csv", None, "no duration column", "found columns ['album', 'artist', 'name']",
      subprocess=True),
    C("csv_nan", "catalogue_csv", None, "data row 1 (line 2), column 'seconds': 'NaN' is not a number"),
    C("csv_infinity", "catalogue_csv", None, "data row 1 (line 2), column 'duration_s': 'inf' is not a number"),
    C("csv_negative", "catalogue_csv", None, "data row 2 (line 3), column 'seconds': '-240' is negative"),
    C("csv_zero", "catalogue_csv", None, "column 'milliseconds': '0' is zero"),
    C("csv_too_long", "catalogue_csv", None, "'999999999999' is longer than the 604,800,000 ms allowed"),
    C("csv_text_duration", "catalogue_csv", None, "column 'length': 'four minutes' is not a duration"),
    C("csv_bad_clock", "catalogue_csv", None, "column 'time': '4:75' is not a duration"),
    C("csv_clock_overflow", "catalogue_csv", None, "'99999999999999999999999999999999999999999999:00' is not a duration"),
    C("csv_exponent", "catalogue_csv", None,
      "column 'duration_ms': '2.4531e+02' is in exponent form but not a whole number of milliseconds"),
    C("csv_decimal_comma", "catalogue_csv", None, "column 'seconds': '240,5' is not a duration"),
    C("csv_formula_duration", "catalogue_csv", None, "column 'duration_ms': \"=cmd|' /C calc'!A0\" is not a duration",
      subprocess=True),
    C("csv_formula_size", "catalogue_csv", None, "column 'bytes': '=HYPERLINK(", "is not a whole number"),
    C("csv_bad_bytes", "catalogue_csv", None, "column 'bytes': '12abc' is not a whole number"),
    C("csv_negative_bytes", "catalogue_csv", None, "column 'size_bytes': '-5' is not a whole number"),
    C("csv_huge_bytes", "catalogue_csv", None, "'99999999999999999999' is not a whole number", "9,007,199,254,740,991"),
    C("csv_bitrate_zero", "catalogue_csv", None, "column 'bitrate': '0 kbps' is zero"),
    C("csv_extra_fields", "catalogue_csv", None, "data row 2 (line 3)", "has 4 fields; expected 2 like the header"),
    C("csv_only_video", "catalogue_csv", None, "no music tracks in the file (2 videos and 0 podcasts excluded"),
    C("csv_only_podcast", "catalogue_csv", None, "no music tracks in the file (0 videos and 1 podcast excluded"),
    C("csv_binary_png", "catalogue_csv", None, "binary data, not a CSV text file (byte 0x1a at offset 6)"),
    C("csv_binary_junk", "catalogue_csv", Gen(_binary, "every byte value"), "binary data, not a CSV text file (byte 0x00"),
    C("csv_nul_byte", "catalogue_csv", None, "binary data, not a CSV text file (byte 0x00 at offset 21)"),
    C("csv_utf16_no_bom", "catalogue_csv", None, "binary data, not a CSV text file (byte 0x00 at offset 1)"),
    C("csv_utf16_odd_bytes", "catalogue_csv", None, "not UTF-16 text (byte 46)"),
    C("csv_utf16_bom_on_utf8", "catalogue_csv", None, "no duration column", "found columns"),
    C("csv_bom_latin1_mix", "catalogue_csv", None, "column 'seconds': '\u00e9240' is not a duration"),
    C("csv_superscript_ms", "catalogue_csv", None, "column 'milliseconds': '31\u00b3622' is not a duration",
      regression=True, subprocess=True),
    C("csv_zero_width", "catalogue_csv", None, "column 'seconds': '\\u200b240' is not a duration"),
    C("csv_yaml_tag", "catalogue_csv", None, "no duration column", "!!python/object/apply:os.system"),
    C("csv_huge_field", "catalogue_csv", Gen(_huge_field, "a 200 kB field"), "line 2: malformed CSV",
      "field larger than field limit"),
    C("csv_oversized", "catalogue_csv", Gen(lambda: _csv_rows(200), "200 rows, about 2.5 kB"),
      "at most 1,000 bytes are allowed (catalogue.max_file_mb)", sets={"catalogue.max_file_mb": 0.001}, app=False,
      subprocess=True),
    C("csv_too_many_rows", "catalogue_csv", Gen(lambda: _csv_rows(5), "5 rows"),
      "more than 3 data rows; at most 3 are allowed (catalogue.max_rows)", sets={"catalogue.max_rows": 3}, app=False),
    C("csv_mixed_units", "catalogue_csv", b"name,duration\nA,245000\nB,240\nC,250000\n",
      "column 'duration' seems to mix seconds and milliseconds", "'245000' (data row 1) and '240' (data row 2)",
      "duration_s or duration_ms", regression=True, subprocess=True),
    C("csv_mixed_units_late", "catalogue_csv", Gen(_mixed_late, "1,500 rows in s, then one in ms"),
      "column 'duration' seems to mix seconds and milliseconds", "'250000' (data row 1501)",
      "looks like milliseconds in a column read as seconds", regression=True),
    C("csv_missing_file", "catalogue_csv", MISSING, "csv_missing_file.csv", "cannot read file (No such file"),
    C("csv_folder", "catalogue_csv", FOLDER, "csv_folder.csv: an empty folder; expected a folder of audio files"),
]

ITUNES_XML = [
    C("xml_truncated", "itunes_xml", None, "malformed XML at line 22, column 14: unclosed token", subprocess=True),
    C("xml_mismatched_tags", "itunes_xml", None, "malformed XML at line 2", "mismatched tag"),
    C("xml_entity_bomb", "itunes_xml", None, "XML entity declarations are not supported"),
    C("xml_external_entity", "itunes_xml", None, "XML entity declarations are not supported"),
    C("xml_unknown_encoding", "itunes_xml", None, "unknown encoding: klingon-8"),
    C("xml_no_tracks", "itunes_xml", None, "no 'Tracks' dictionary"),
    C("xml_tracks_array", "itunes_xml", None, "no 'Tracks' dictionary"),
    C("xml_root_array", "itunes_xml", None, "no 'Tracks' dictionary"),
    C("xml_key_without_value", "itunes_xml", None, "missing value for key 'Tracks'"),
    C("xml_time_string", "itunes_xml", None, "track entry 1 (Track ID 1), key 'Total Time': '312000' is out of range"),
    C("xml_time_negative", "itunes_xml", None, "key 'Total Time': -312000 is out of range"),
    C("xml_time_real_nan", "itunes_xml", None, "key 'Total Time': nan is out of range"),
    C("xml_time_huge", "itunes_xml", None, "key 'Total Time': 9999999999999999999999999999999999999999 is out of range"),
    C("xml_time_missing", "itunes_xml", None, "key 'Total Time' is missing", regression=True),
    C("xml_size_negative", "itunes_xml", None, "key 'Size': -1 is out of range", "bytes >= 0"),
    C("xml_bitrate_zero", "itunes_xml", None, "key 'Bit Rate': 0 is out of range"),
    C("xml_bad_integer", "itunes_xml", None, "not a valid property list", "'seven'"),
    C("xml_bad_date", "itunes_xml", None, "not a valid property list", "<date>", regression=True, subprocess=True),
    C("xml_entry_not_dict", "itunes_xml", None, "track entry 1 (Track ID 1)", "is not a dictionary"),
    C("xml_only_podcast", "itunes_xml", None, "no music tracks in the library (0 videos and 1 podcast excluded"),
    C("xml_only_video", "itunes_xml", None, "no music tracks in the library (1 video and 0 podcasts excluded"),
    C("xml_binary_plist_junk", "itunes_xml", None, "not a valid property list (Library.xml)"),
    C("xml_too_many_tracks", "itunes_xml", Gen(lambda: _plist_tracks(5), "5 tracks"),
      "more than 3 tracks; at most 3 are allowed (catalogue.max_rows)", sets={"catalogue.max_rows": 3}, app=False),
]

PLAYLISTS = [
    C("pl_bad_extinf", "playlist", b"#EXTM3U\n#EXTINF:245,A - B\nb.mp3\n#EXTINF:four minutes,A - C\nc.mp3\n",
      "entry 2 (line 4), #EXTINF duration: 'four' is not a number", "expected seconds", subprocess=True),
    C("pl_nan_extinf", "playlist", b"#EXTM3U\n#EXTINF:NaN,A - B\nb.mp3\n", "#EXTINF duration: 'NaN' is not a number"),
    C("pl_huge_extinf", "playlist", b"#EXTM3U\n#EXTINF:1e30,A - B\nb.mp3\n", "'1e30' is longer than the 604,800 s"),
    C("pl_no_entries", "playlist", b"#EXTM3U\n#PLAYLIST:empty\n", "no entries; expected an M3U playlist"),
    C("pl_binary", "playlist", b"#EXTM3U\n\x00\x01\x02\n", "binary data, not an M3U playlist (byte 0x00"),
    C("pl_only_streams", "playlist", b"#EXTM3U\n#EXTINF:-1,Radio\nhttp://radio.example/a\nhttps://radio.example/b\n",
      "no music tracks in the playlist (0 videos, 0 podcasts and 2 streams excluded"),
    C("pl_only_missing", "playlist", b"#EXTM3U\nnot/here.mp3\n#EXTINF:-1,x\nnor/here.flac\n",
      "no music tracks in the playlist (0 videos, 0 podcasts and 2 missing files excluded"),
    C("pl_too_many", "playlist", b"#EXTM3U\n" + b"#EXTINF:1,x\na.mp3\n" * 5,
      "more than 3 entries; at most 3 are allowed (catalogue.max_rows)", sets={"catalogue.max_rows": 3}, app=False),
]

AUDIO_ZIPS = [
    C("zip_bomb", "audio_zip", Gen(lambda: _zip_of({"zeros.wav": b"\x00" * 3_000_000}), "3 MB of zeros, deflated"),
      "expands to 3,000,000 bytes", "at most 1,000,000 bytes", sets={"catalogue.max_file_mb": 1}, app=False,
      subprocess=True),
    C("zip_no_audio", "audio_zip", Gen(lambda: _zip_of({"cover.jpg": b"\xff\xd8", "Booklet.pdf": b"%PDF",
                                                          "Book/1.m4b": b"..."}), "cover, booklet, audiobook"),
      "no music tracks in the files (0 videos, 0 podcasts, 1 audiobook, 1 PDF booklet and 1 non-audio file excluded"),
    C("zip_broken_mp3", "audio_zip", Gen(lambda: _zip_of({"Album/01 Song.mp3": b"ID3\x03\x00\x00\x00\x00\x00\x00junk" * 50}),
                                         "an .mp3 that is not MP3"),
      "file 1, 'Album/01 Song.mp3'", "expected an MP3, AAC/M4A, Ogg Vorbis, Opus, FLAC or WAV file"),
    C("zip_holding_csv", "audio_zip", Gen(_zip_junk, "a .zip holding a CSV"), "no music tracks in the files",
      "1 non-audio file excluded"),
    C("zip_truncated", "audio_zip", Gen(lambda: _zip_of({"a.mp3": b"x" * 100})[:60], "a zip cut short"),
      "not a readable zip archive"),
    C("zip_empty_wav", "audio_zip", Gen(lambda: _zip_of({"silence.wav": b"RIFF\x24\x00\x00\x00WAVEfmt "}),
                                        "a WAV header and nothing else"), "'silence.wav'"),
]

RATE = "pricing.rate_usd_per_mb"
URLS = [
    C("url_nan", "url", {RATE: "nan"}, RATE, "got nan"),
    C("url_infinity", "url", {"demand.potential_buyers": "1e400"}, "demand.potential_buyers", "got inf"),
    C("url_negative", "url", {"demand.potential_buyers": "-5"}, "demand.potential_buyers", "between 100000 and 100000000"),
    C("url_text_for_number", "url", {RATE: "three cents"}, RATE, "must be a number between 0.001 and 0.3",
      "'three cents'"),
    C("url_empty_value", "url", {"pricing.discount_share": ""}, "pricing.discount_share", "got ''"),
    C("url_formula", "url", {RATE: "=HYPERLINK(\"http://evil\")"}, RATE, "=HYPERLINK"),
    C("url_script", "url", {"pricing.rounding": "<script>alert(1)</script>"}, "pricing.rounding",
      "must be one of", "<script>"),
    C("url_bad_choice", "url", {"pricing.mb_convention": "hex"}, "pricing.mb_convention", "got 'hex'"),
    C("url_bad_boolean", "url", {"payments.card_freeze_active": "maybe"}, "payments.card_freeze_active",
      "must be true or false"),
    C("url_fraction_for_integer", "url", {"catalogue.albums": "12.5"}, "catalogue.albums", "a whole number"),
    C("url_huge_integer", "url", {"catalogue.seed": "9" * 30}, "catalogue.seed", "between 0 and 4294967295"),
    C("url_long_value", "url", {RATE: "9" * 5000}, RATE, "got inf"),
    C("url_unknown_input", "url", {"pricing.vat_share": "0.2"}, "pricing.vat_share", "not an input of this model"),
    C("url_fixed_limit", "url", {"catalogue.max_rows": "5"}, "catalogue.max_rows", "a fixed limit or definition"),
    C("url_unknown_preset", "url", {"preset": "free_music"}, "preset='free_music'", "not a preset"),
    C("url_nul_and_newline", "url", {RATE: "0.02\x00\n"}, RATE, "must be a number"),
]

CLI = [
    C("cli_set_without_value", "cli", ["market", "--set", RATE], "--set must look like KEY=VALUE"),
    C("cli_set_empty_key", "cli", ["market", "--set", "=0.02"], "--set must look like KEY=VALUE, got '=0.02'"),
    C("cli_set_unknown_key", "cli", ["market", "--set", "pricing.vat_share=0.2"], "unknown input 'pricing.vat_share'",
      subprocess=True),
    C("cli_set_nan", "cli", ["market", "--set", f"{RATE}=nan"], RATE, "got nan"),
    C("cli_set_infinity", "cli", ["market", "--set", "demand.potential_buyers=1e309"], "demand.potential_buyers",
      "got inf"),
    C("cli_set_negative", "cli", ["market", "--set", "demand.potential_buyers=-1"],
      "demand.potential_buyers must be between"),
    C("cli_set_fraction_for_integer", "cli", ["market", "--set", "catalogue.albums=2.5"], "catalogue.albums",
      "a whole number", "'2.5'"),
    C("cli_set_formula", "cli", ["market", "--set", "pricing.rounding==SUM(A1:A9)"], "pricing.rounding must be one of",
      "'=SUM(A1:A9)'"),
    C("cli_set_bad_boolean", "cli", ["market", "--set", "royalties.fair_enabled=perhaps"],
      "royalties.fair_enabled must be true or false"),
    C("cli_unknown_preset", "cli", ["market", "--preset", "free_music"], "unknown preset 'free_music'"),
    C("cli_duration_text", "cli", ["price", "--duration", "four minutes"], "duration must look like", "'four minutes'"),
    C("cli_duration_negative", "cli", ["price", "--duration=-4:00"], "duration must look like", "'-4:00'"),
    C("cli_duration_zero", "cli", ["price", "--duration", "0:00"], "duration must be longer than 0 ms"),
    C("cli_duration_nan", "cli", ["price", "--duration", "nan"], "duration must look like", "'nan'"),
    C("cli_duration_huge", "cli", ["price", "--duration", "99999999999999s"], "--duration must be at most 168:00:00",
      "'99999999999999s'", regression=True, subprocess=True),
    C("cli_rate_nan", "cli", ["price", "--duration", "4:00", "--rate-usd-per-mb", "nan"], RATE, "got nan"),
    C("cli_rate_text", "cli", ["price", "--duration", "4:00", "--rate-usd-per-mb", "cheap"],
      "argument --rate-usd-per-mb: invalid float value: 'cheap'", regression=True, subprocess=True),
    C("cli_unknown_option", "cli", ["price", "--duration", "4:00", "--bogus"], "unrecognized arguments: --bogus",
      regression=True),
    C("cli_missing_argument", "cli", ["price"], "the following arguments are required: --duration", regression=True),
    C("cli_unknown_encoding", "cli", ["price", "--duration", "4:00", "--encoding", "mp3-999"],
      "unknown encoding 'mp3-999'"),
    C("cli_seed_negative", "cli", ["montecarlo", "--draws", "10", "--seed", "-1"], "seed must be a whole number >= 0",
      "got -1", regression=True, subprocess=True),
    C("cli_customers_seed_negative", "cli", ["customers", "--quiet", "--seed", "-1"],
      "seed must be a whole number >= 0", regression=True),
    C("cli_draws_huge", "cli", ["montecarlo", "--draws", "999999999999"], "draws must be a whole number from 1 to 1,000,000"),
    C("cli_target_infinite", "cli", ["solve", "--target", "revenue_usd=inf"], "--target must look like OUTPUT=VALUE",
      "'revenue_usd=inf'"),
    C("cli_vary_unknown", "cli", ["solve", "--vary", "pricing.vat_share"], "--vary 'pricing.vat_share': unknown input"),
    C("cli_sensitivity_output", "cli", ["sensitivity", "--output", "happiness"], "unknown output 'happiness'"),
    C("cli_catalogue_encoding", "cli", ["catalogue", "builtin", "--encoding", "flac-9"], "unknown encoding 'flac-9'"),
]

OUTPUT_PATHS = [
    C("out_existing_folder", "output_path", ["export", "--preset", "card_freeze", "--out", "{tmp}/mine", "--format", "csv"],
      "mine already exists; pass --force to replace it", setup={"mine": None, "mine/thesis.txt": "years of work"},
      subprocess=True),
    C("out_existing_folder_force", "output_path",
      ["export", "--preset", "card_freeze", "--out", "{tmp}/mine", "--format", "csv", "--force"],
      "is not an allofmp3-sim bundle", "not replacing it", setup={"mine": None, "mine/thesis.txt": "years of work"}),
    C("out_zip_over_folder", "output_path",
      ["export", "--preset", "card_freeze", "--out", "{tmp}/b.zip", "--zip", "--format", "csv", "--force"],
      "b.zip exists and is a folder; not replacing it", setup={"b.zip": None}),
    C("out_zip_over_text_file", "output_path",
      ["export", "--preset", "card_freeze", "--out", "{tmp}/b.zip", "--zip", "--format", "csv", "--force"],
      "b.zip exists and is not an allofmp3-sim bundle", setup={"b.zip": "not a zip"}),
    C("out_dot", "output_path", ["export", "--preset", "card_freeze", "--out", ".", "--format", "csv", "--force"],
      "--out must name the bundle to create", "got '.'", regression=True),
    C("out_dotdot", "output_path",
      ["export", "--preset", "card_freeze", "--out", "{tmp}/sub/..", "--format", "csv", "--force"],
      "--out must name the bundle to create", "sub/..'", setup={"sub": None}, regression=True, subprocess=True),
    C("out_root", "output_path", ["export", "--preset", "card_freeze", "--out", "/", "--format", "csv", "--force"],
      "--out must name the bundle to create", "got '/'", regression=True),
    C("out_parent_is_file", "output_path",
      ["export", "--preset", "card_freeze", "--out", "{tmp}/notes.txt/bundle", "--format", "csv"],
      "notes.txt is a file, not a folder", setup={"notes.txt": "a file"}, regression=True),
    C("out_bad_format", "output_path", ["export", "--preset", "card_freeze", "--out", "{tmp}/b", "--format", "gif"],
      "--format must be a comma-separated list", "got 'gif'"),
    C("out_empty_format", "output_path", ["export", "--preset", "card_freeze", "--out", "{tmp}/b", "--format", ","],
      "--format must be a comma-separated list", "got ','"),
    C("out_bad_scenario_option", "output_path",
      ["export", "--preset", "card_freeze", "--out", "{tmp}/b", "--set", f"{RATE}=1e999"], RATE, "got inf"),
    C("name_dotdot", "output_path", "../../etc/cron.d/evil", "must not contain '..' or a path separator"),
    C("name_absolute", "output_path", "/etc/passwd", "'/etc/passwd'", "path separator"),
    C("name_backslash", "output_path", "..\\..\\evil", "must not contain '..'"),
    C("name_hidden", "output_path", ".bashrc", "must not start with '.'"),
    C("name_empty", "output_path", "", "file name ''"),
    C("name_nul", "output_path", "chart\x00.sh", "file name 'chart\\x00.sh'"),
    C("name_newline", "output_path", "chart\nrm -rf", "file name 'chart\\nrm -rf'"),
]

@dataclass(frozen=True)
class Sample:
    """A small file in the shape of a real export (written for this corpus), and what it must load as.

    Attributes
    ----------
    file : str
        Its name in ``files/``.
    tracks : int
        Tracks priced.
    rows_read : int
    excluded : mapping
        Items left out, by kind (the kinds not named are 0).
    albums : int
        Distinct (artist, album) pairs.
    artists : tuple of str
        The ``artist`` column, in order.
    duration_ms : tuple of int
        The ``duration_ms`` column, in order. [ms]
    columns : mapping
        Roles that must come from these columns.
    gap : str
        The numbered gap of issue 15 it closes.
    """

    file: str
    tracks: int
    rows_read: int
    excluded: Mapping[str, int] = field(default_factory=dict)
    albums: int | None = None
    artists: tuple[str, ...] = ()
    duration_ms: tuple[int, ...] = ()
    columns: Mapping[str, str] = field(default_factory=dict)
    gap: str = ""


KB, MHZ = "The Kilobytes", "Megahertz"
SAMPLES: list[Sample] = [
    Sample("fmt_exportify_classic.csv", 4, 4, albums=3, artists=(KB, KB, MHZ, "Various Artists"),
           duration_ms=(241373, 198000, 305106, 187456),
           columns={"artist": "Artist Name(s)", "album_artist": "Album Artist Name(s)",
                    "duration_ms": "Track Duration (ms)"}, gap="1: Exportify, classic"),
    Sample("fmt_exportify_current.csv", 4, 4, albums=3, artists=(KB, KB, MHZ, MHZ),
           duration_ms=(241373, 198000, 305106, 212000),
           columns={"artist": "Artist Name(s)", "album": "Album Name", "duration_ms": "Duration (ms)"},
           gap="1: Exportify, current (BOM, several artists separated by ';')"),
    Sample("fmt_spotifyr_tidytuesday.csv", 3, 3, albums=2, artists=(KB, KB, MHZ),
           columns={"artist": "track_artist", "album": "track_album_name", "track": "track_name"},
           gap="2: prefixed column names"),
    Sample("fmt_r_write_csv.csv", 3, 3, albums=2, duration_ms=(241373, 200000, 150000),
           gap="3: R's write.csv (2e+05)"),
    Sample("fmt_itunes_non_music.xml", 3, 15, excluded={"audiobook": 4, "booklet": 1, "ebook": 1, "app": 1, "stream": 1,
                                                         "podcast": 3, "video": 1},
           albums=2, artists=(KB, KB, MHZ), gap="4, 5, 7: audiobooks, booklets/ebooks/apps, video podcasts"),
    Sample("fmt_no_album.csv", 3, 3, albums=1, columns={"artist": "artist"}, gap="6: no album column"),
    Sample("fmt_vlc_playlist.m3u8", 3, 5, excluded={"stream": 1, "audiobook": 1}, albums=2,
           artists=(KB, KB, MHZ), duration_ms=(241_000, 198_000, 305_000),
           gap="M3U8 (relative, file:// and absolute paths; files absent: priced from #EXTINF)"),
    Sample("fmt_windows_playlist.m3u", 2, 3, excluded={"video": 1}, artists=(KB, MHZ), duration_ms=(241_000, 305_000),
           gap="M3U in Windows-1252 with CRLF and Windows paths"),
    Sample("fmt_itunes_playlist_text.txt", 3, 4, excluded={"audiobook": 1}, albums=3,
           duration_ms=(241000, 10_800_000, 305000), columns={"duration_ms": "Time"},
           gap="iTunes 'Export playlist as text' (UTF-16, tabs, Time in seconds)"),
]

CASES: list[Case] = [*ASSUMPTIONS, *SCENARIOS, *CATALOGUE_CSV, *ITUNES_XML, *PLAYLISTS, *AUDIO_ZIPS, *URLS, *CLI,
                     *OUTPUT_PATHS]

_ids = [c.id for c in CASES]
assert len(_ids) == len(set(_ids)), "case ids must be unique"


def of_kind(*kinds: str) -> list[Case]:
    """The cases of the given kinds, in corpus order."""
    return [c for c in CASES if c.kind in kinds]
