"""assumptions.yaml: the embedded file's own quality, and every way a user's copy can be wrong.

Each bad file is the embedded text changed in one place and written to ``tmp_path``;
the loader must refuse it with one message naming the key, the value and what is allowed.
"""

from __future__ import annotations

import copy
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pytest
import yaml

from simulator.params.assumptions import (
    FORMAT_VERSION,
    MAX_FILE_BYTES,
    MAX_YAML_ALIASES,
    Assumptions,
    AssumptionsError,
    default_assumptions_path,
    load_assumptions,
    parse_assumptions,
)

ROOT = Path(__file__).resolve().parents[1]
TEXT = default_assumptions_path().read_text(encoding="utf-8")
EMBEDDED = yaml.safe_load(TEXT)


@pytest.fixture
def doc():
    """A fresh, mutable copy of the embedded document."""
    return copy.deepcopy(EMBEDDED)


def write(tmp_path: Path, content, name: str = "assumptions.yaml") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def refusal(path: Path) -> str:
    with pytest.raises(AssumptionsError) as info:
        load_assumptions(path)
    msg = str(info.value)
    assert isinstance(info.value, ValueError)
    assert "\n" not in msg, "one line"
    assert msg.startswith(str(path)), "names the file"
    return msg


def param(d: dict, dotted: str) -> dict:
    node = d["parameters"]
    for part in dotted.split("."):
        node = node[part]
    return node


def flat_params(tree: dict, prefix: str = ""):
    for key, node in tree.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(node, dict) and "value" in node:
            yield name, node
        else:
            yield from flat_params(node, name)


# --------------------------------------------------------------------------- the embedded file


def test_embedded_loads_and_round_trips(tmp_path, doc):
    a = load_assumptions()
    assert isinstance(a, Assumptions) and a.source_path == "<embedded>"
    assert load_assumptions() is a  # parsed once
    b = load_assumptions(write(tmp_path, doc))
    assert b.defaults() == a.defaults()
    assert dict(b.constants) == dict(a.constants)
    assert b.encoding_names() == a.encoding_names()


def test_embedded_file_is_the_repository_file():
    assert (ROOT / "assumptions.yaml").read_text(encoding="utf-8") == TEXT


def test_every_parameter_has_a_source_or_an_assumption():
    params = dict(flat_params(EMBEDDED["parameters"]))
    assert len(params) == len(load_assumptions().parameters)
    for name, node in params.items():
        assert ("source" in node) != ("assumption" in node), name
        if "source" in node:
            assert node["source"]["url"].startswith(("http://", "https://")), name
            assert node["source"]["date"], name
        else:
            assert len(node["assumption"].strip()) > 10, name
        assert node.get("label"), name
        assert "unit" in node, name


def test_every_number_has_bounds_and_a_consistent_range():
    outside_plausible = []
    for name, p in load_assumptions().parameters.items():
        if p.kind not in ("number", "integer"):
            continue
        assert p.bounds is not None, name
        lo, hi = p.bounds
        assert lo <= p.value <= hi, name
        low = p.low if p.low is not None else lo
        high = p.high if p.high is not None else hi
        assert lo <= low <= high <= hi, name
        if not low <= p.value <= high:  # allowed, but worth knowing
            outside_plausible.append(name)
        assert p.step is None or p.step > 0, name
    # Not required (a default may sit outside its plausible range); reported as a warning.
    if outside_plausible:
        warnings.warn(f"values outside their plausible low/high: {outside_plausible}", stacklevel=1)


def test_every_constant_and_format_is_sourced():
    a = load_assumptions()
    for name, c in a.constant_meta.items():
        assert (c.source is None) != (c.assumption is None), name
    assert a.constants["bytes_per_mb_decimal"] == 10**6
    assert a.constants["bytes_per_mb_binary"] == 2**20
    assert a.constants["cd_audio_kbps"] == 1411.2 == 44_100 * 16 * 2 / 1000
    for name, f in a.formats.items():
        assert (f.source is None) != (f.assumption is None), name


def test_rate_timeline_is_dated_and_increasing():
    steps = load_assumptions().rate_timeline
    dates = [s.from_ for s in steps]
    assert dates == sorted(dates) and len(set(dates)) == len(dates)
    assert [s.rate_usd_per_mb for s in steps] == [0.01, 0.02, 0.03]
    assert str(dates[-1]) == "2006-08-13"


def test_assumptions_are_read_only():
    a = load_assumptions()
    with pytest.raises(TypeError):
        a.parameters["pricing.rate_usd_per_mb"] = None  # type: ignore[index]
    with pytest.raises(TypeError):
        a.constants["bits_per_byte"] = 7  # type: ignore[index]
    with pytest.raises(Exception, match="frozen"):
        a.parameters["pricing.rate_usd_per_mb"].value = 1.0  # type: ignore[misc]
    d = a.defaults()
    d["pricing.rate_usd_per_mb"] = 1.0
    assert a.defaults()["pricing.rate_usd_per_mb"] == 0.03


def test_choices():
    a = load_assumptions()
    assert a.choices("pricing.rounding") == ("per_track", "per_basket", "unrounded")
    assert a.choices("encoding.default") == a.encoding_names()
    assert "flac" in a.encoding_names() and "mp3-192" in a.encoding_names()


# --------------------------------------------------------------------------- bad content


def _set(path: str, value):
    def edit(d):
        *parents, last = path.split(".")
        node = d
        for p in parents:
            node = node[p]
        node[last] = value

    return edit


def _del(path: str):
    def edit(d):
        *parents, last = path.split(".")
        node = d
        for p in parents:
            node = node[p]
        del node[last]

    return edit


def _rate(key, value=None, delete=False):
    def edit(d):
        node = param(d, "pricing.rate_usd_per_mb")
        if delete:
            del node[key]
        else:
            node[key] = value

    return edit


def _add_param(d):
    d["parameters"]["pricing"]["rate_usd_per_mbb"] = copy.deepcopy(param(d, "pricing.rate_usd_per_mb"))


def _both_provenances(d):
    param(d, "pricing.rate_usd_per_mb")["assumption"] = "and also a guess"


def _timeline_backwards(d):
    d["rate_timeline"][0]["from"], d["rate_timeline"][1]["from"] = (
        d["rate_timeline"][1]["from"],
        d["rate_timeline"][0]["from"],
    )


def _preset_out_of_bounds(d):
    d.setdefault("presets", {})["broken"] = {
        "label": "Broken",
        "purpose": "tests",
        "overrides": {"pricing.rate_usd_per_mb": 9.0},
    }


def _preset_unknown_input(d):
    d.setdefault("presets", {})["broken"] = {"label": "Broken", "purpose": "tests", "overrides": {"pricing.rate": 0.02}}


BAD = [
    # (edit, fragments the message must contain)
    pytest.param(_set("colour", "red"), ["colour", "unknown key", "'red'", "allowed keys", "parameters"], id="unknown-top-level-key"),
    pytest.param(
        _rate("colour", "red"),
        ["parameters.pricing.rate_usd_per_mb.colour", "unknown key", "'red'", "allowed keys", "'value'", "'bounds'"],
        id="unknown-key-in-parameter",
    ),
    pytest.param(
        _add_param,
        ["parameters.pricing.rate_usd_per_mbb", "unknown key", "known keys are", "pricing.rate_usd_per_mb"],
        id="unknown-parameter-name",
    ),
    pytest.param(
        _set("constants.cd_audio_kbps.source.colour", "red"),
        ["constants.cd_audio_kbps.source.colour", "unknown key", "allowed keys are ['url', 'date', 'note']"],
        id="unknown-key-in-source",
    ),
    pytest.param(_del("parameters.pricing.discount_share"), ["parameters.pricing.discount_share", "missing key"], id="missing-parameter"),
    pytest.param(_rate("unit", delete=True), ["parameters.pricing.rate_usd_per_mb.unit", "missing key 'unit'"], id="missing-key-in-parameter"),
    pytest.param(_del("formats"), ["formats", "missing key 'formats'"], id="missing-section"),
    pytest.param(_del("constants.bits_per_byte"), ["constants.bits_per_byte", "missing key"], id="missing-constant"),
    pytest.param(_rate("value", "0.03"), ["parameters.pricing.rate_usd_per_mb", "must be a number", "'0.03'"], id="string-for-number"),
    pytest.param(_rate("value", True), ["parameters.pricing.rate_usd_per_mb", "must be a number", "True"], id="bool-for-number"),
    pytest.param(_rate("value", [0.03]), ["parameters.pricing.rate_usd_per_mb.value", "[0.03]"], id="list-for-number"),
    pytest.param(_rate("value", float("nan")), ["parameters.pricing.rate_usd_per_mb", "finite number", "nan"], id="nan"),
    pytest.param(_rate("value", float("inf")), ["parameters.pricing.rate_usd_per_mb", "finite number", "inf"], id="inf"),
    pytest.param(_rate("bounds", [0.001, float("inf")]), ["parameters.pricing.rate_usd_per_mb", "bounds", "finite", "inf"], id="inf-bound"),
    pytest.param(_rate("high", float("nan")), ["parameters.pricing.rate_usd_per_mb", "high", "finite", "nan"], id="nan-high"),
    pytest.param(_rate("value", 0.5), ["parameters.pricing.rate_usd_per_mb", "between 0.001 and 0.3", "got 0.5"], id="value-above-bounds"),
    pytest.param(_rate("value", 0), ["parameters.pricing.rate_usd_per_mb", "between 0.001 and 0.3", "got 0"], id="value-below-bounds"),
    pytest.param(_rate("low", 0.0001), ["parameters.pricing.rate_usd_per_mb", "0.001 <= low <= high <= 0.3", "low=0.0001"], id="low-below-bounds"),
    pytest.param(_rate("high", 0.5), ["parameters.pricing.rate_usd_per_mb", "0.001 <= low <= high <= 0.3", "high=0.5"], id="high-above-bounds"),
    pytest.param(_rate("low", 0.05), ["parameters.pricing.rate_usd_per_mb", "low <= high", "low=0.05", "high=0.03"], id="low-above-high"),
    pytest.param(
        lambda d: (_rate("high", delete=True)(d), _rate("low", 0.9)(d)),
        ["parameters.pricing.rate_usd_per_mb", "low=0.9", "high=None"],
        id="low-alone-outside-bounds",
    ),
    pytest.param(_rate("bounds", [0.3, 0.001]), ["parameters.pricing.rate_usd_per_mb", "min <= max", "[0.3, 0.001]"], id="bounds-reversed"),
    pytest.param(_rate("bounds", None, delete=True), ["parameters.pricing.rate_usd_per_mb", "needs 'bounds: [min, max]'"], id="number-without-bounds"),
    pytest.param(_rate("step", 0), ["parameters.pricing.rate_usd_per_mb", "step must be positive", "0"], id="zero-step"),
    pytest.param(
        lambda d: param(d, "encoding.tag_overhead_bytes").update(value=1.5),
        ["parameters.encoding.tag_overhead_bytes", "whole number", "1.5"],
        id="fraction-for-integer",
    ),
    pytest.param(
        lambda d: param(d, "royalties.fair_enabled").update(value="maybe"),
        ["parameters.royalties.fair_enabled", "true or false", "'maybe'"],
        id="text-for-boolean",
    ),
    pytest.param(
        lambda d: param(d, "pricing.rounding").update(value="banker"),
        ["parameters.pricing.rounding", "one of ['per_track', 'per_basket', 'unrounded']", "'banker'"],
        id="choice-not-an-option",
    ),
    pytest.param(
        lambda d: param(d, "encoding.default").update(value="mp3-193"),
        ["parameters.encoding.default", "one of the encodings", "mp3-192", "'mp3-193'"],
        id="unknown-encoding",
    ),
    pytest.param(
        lambda d: param(d, "rights.us_songs_first_day").update(value="1 June 2006"),
        ["parameters.rights.us_songs_first_day", "a date written YYYY-MM-DD", "'1 June 2006'"],
        id="date-in-words",
    ),
    pytest.param(
        lambda d: param(d, "rights.us_songs_first_day").update(value="2006-06-31"),
        ["parameters.rights.us_songs_first_day", "a date written YYYY-MM-DD", "'2006-06-31'"],
        id="date-no-such-day",
    ),
    pytest.param(
        lambda d: param(d, "rights.us_songs_first_day").update(value=20060601),
        ["parameters.rights.us_songs_first_day", "a date written YYYY-MM-DD", "20060601"],
        id="date-as-a-number",
    ),
    pytest.param(
        lambda d: param(d, "rights.us_songs_first_day").update(ui=True),
        ["parameters.rights.us_songs_first_day", "not drawn as a widget", "ui: false"],
        id="date-as-a-widget",
    ),
    pytest.param(
        lambda d: param(d, "rights.us_songs_first_day").update(bounds=["2006-01-01", "2006-12-31"]),
        ["parameters.rights.us_songs_first_day"],
        id="date-with-bounds",
    ),
    pytest.param(
        lambda d: param(d, "rights.us_songs_first_day").update(low=1),
        ["parameters.rights.us_songs_first_day", "a date takes no low"],
        id="date-with-a-range",
    ),
    pytest.param(
        lambda d: param(d, "pricing.rate_usd_per_mb").update(kind="integer", value=1, bounds=[0, 3]),
        ["parameters.pricing.rate_usd_per_mb.kind", "must be 'number'", "'integer'"],
        id="kind-changed",
    ),
    pytest.param(_rate("source", delete=True), ["parameters.pricing.rate_usd_per_mb", "exactly one of 'source'", "'assumption'"], id="neither-source-nor-assumption"),
    pytest.param(_both_provenances, ["parameters.pricing.rate_usd_per_mb", "exactly one of 'source'"], id="both-source-and-assumption"),
    pytest.param(
        lambda d: param(d, "costs.card_fee_share").update(assumption="   "),
        ["parameters.costs.card_fee_share", "one-line reason"],
        id="blank-assumption",
    ),
    pytest.param(
        lambda d: param(d, "pricing.rate_usd_per_mb")["source"].update(url=""),
        ["parameters.pricing.rate_usd_per_mb.source.url", "at least 1 character"],
        id="empty-source-url",
    ),
    pytest.param(_set("format_version", FORMAT_VERSION + 1), ["format_version", f"reads version {FORMAT_VERSION}", f"got {FORMAT_VERSION + 1}"], id="newer-format-version"),
    pytest.param(_set("format_version", "1"), ["format_version", "valid integer", "'1'"], id="format-version-text"),
    pytest.param(_timeline_backwards, ["rate_timeline", "strictly increasing"], id="timeline-out-of-order"),
    pytest.param(
        _set("rate_timeline", []),
        ["rate_timeline", "at least 1 item"],
        id="timeline-empty",
    ),
    pytest.param(
        lambda d: d["rate_timeline"][0].update(rate_usd_per_mb=-0.01),
        ["rate_timeline[0].rate_usd_per_mb", "greater than 0", "-0.01"],
        id="timeline-negative-rate",
    ),
    pytest.param(_set("formats.flac.cd_fraction", "encoding.nope"), ["formats.flac.cd_fraction", "must name a number parameter", "'encoding.nope'"], id="cd-fraction-dangling"),
    pytest.param(_set("formats.mp3.bitrates_kbps", [128, 5000]), ["formats.mp3", "between 8 and 2000", "[5000]"], id="bitrate-out-of-range"),
    pytest.param(_preset_out_of_bounds, ["presets.broken.overrides", "pricing.rate_usd_per_mb", "between 0.001 and 0.3", "9.0"], id="preset-out-of-bounds"),
    pytest.param(_preset_unknown_input, ["presets.broken.overrides", "unknown input 'pricing.rate'", "known inputs"], id="preset-unknown-input"),
    pytest.param(_set("parameters.pricing.colour", "red"), ["parameters.pricing.colour", "group of parameters", "'red'"], id="group-not-a-mapping"),
]


@pytest.mark.parametrize("edit, fragments", BAD)
def test_bad_content_is_refused_with_a_useful_message(tmp_path, doc, edit, fragments):
    edit(doc)
    msg = refusal(write(tmp_path, doc))
    for fragment in fragments:
        assert fragment in msg, f"{fragment!r} not in {msg!r}"


def test_an_unquoted_yaml_date_is_read_as_its_text(tmp_path):
    text = TEXT.replace('value: "2006-06-01"', "value: 2006-07-01", 1)
    assert text != TEXT
    a = load_assumptions(write(tmp_path, text))
    assert a.parameters["rights.us_songs_first_day"].value == "2006-07-01"
    assert a.defaults()["rights.us_songs_first_day"] == "2006-07-01"


def test_nan_and_inf_as_written_in_yaml(tmp_path):
    for token in (".nan", ".inf", "-.inf", ".NaN"):
        text = TEXT.replace("      value: 0.03\n", f"      value: {token}\n", 1)
        assert text != TEXT
        msg = refusal(write(tmp_path, text))
        assert "parameters.pricing.rate_usd_per_mb" in msg and "finite number" in msg


def test_document_must_be_a_mapping(tmp_path):
    assert "must be a mapping of sections, got list" in refusal(write(tmp_path, "- 1\n- 2\n"))
    assert "got NoneType" in refusal(write(tmp_path, ""))
    assert "got str" in refusal(write(tmp_path, "just text\n"))


def test_parse_assumptions_refuses_non_mappings():
    with pytest.raises(AssumptionsError, match="<data>: the document must be a mapping"):
        parse_assumptions(42)


# --------------------------------------------------------------------------- bad files


def test_malformed_yaml_names_the_line(tmp_path):
    lines = TEXT.splitlines(keepends=True)
    i = next(n for n, line in enumerate(lines) if line.startswith("format_version"))
    for bad, column in (("- stray item\n", 1), ("constants: : x\n", 12), ("\tcolour: red\n", 1)):
        text = "".join(lines[: i + 1] + [bad] + lines[i + 1 :])
        msg = refusal(write(tmp_path, text))
        assert f"malformed YAML at line {i + 2}, column {column}" in msg, msg


@pytest.mark.parametrize(
    "tag",
    [
        '!!python/object/apply:os.system ["touch {marker}"]',
        '!!python/object/apply:subprocess.check_call [["touch", "{marker}"]]',
        "!!python/name:os.system",
        '!!python/object/new:type ["X", [], {{}}]',
    ],
    ids=["os.system", "subprocess", "python-name", "object-new"],
)
def test_python_tags_are_refused_never_run(tmp_path, tag):
    marker = tmp_path / "executed"
    text = TEXT + f"\nevil: {tag.format(marker=marker)}\n"
    msg = refusal(write(tmp_path, text))
    assert "malformed YAML" in msg and "python/" in msg
    assert not marker.exists()
    # The same tag where a parameter's value belongs.
    text = TEXT.replace("      value: 0.03\n", f"      value: {tag.format(marker=marker)}\n", 1)
    assert "malformed YAML" in refusal(write(tmp_path, text))
    assert not marker.exists()


def _laughs(levels: int, width: int) -> str:
    """A billion-laughs value: ``levels`` anchors, each ``width`` aliases of the one before."""
    parts = ['&l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    parts += [f"&l{i} [" + ", ".join([f"*l{i - 1}"] * width) + "]" for i in range(1, levels)]
    return "[" + ", ".join(parts) + "]"


def test_too_many_aliases_are_refused(tmp_path):
    bomb = _laughs(12, 10)  # 110 aliases
    msg = refusal(write(tmp_path, TEXT + f"\nlaughs: {bomb}\n"))
    assert f"110 YAML aliases; at most {MAX_YAML_ALIASES} are allowed" in msg


CHILD_CHECK = r"""
import sys
sys.path.insert(0, {root!r})
from simulator.params.assumptions import AssumptionsError, load_assumptions
for path in sys.argv[1:]:
    try:
        load_assumptions(path)
    except AssumptionsError as e:
        assert len(str(e)) < 5000, len(str(e))
        print("refused:", e)
    else:
        raise SystemExit("loaded " + path)
"""


def refused_in_a_child(paths: list[Path]) -> list[str]:
    """Load each file in a child process, so that a regression fails instead of
    hanging the suite; the timeout is a hang guard, not a speed requirement."""
    run = subprocess.run(
        [sys.executable, "-c", CHILD_CHECK.format(root=str(ROOT)), *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr[-2000:]
    lines = run.stdout.splitlines()
    assert len(lines) == len(paths)
    return lines


def test_alias_bomb_under_the_alias_limit_is_refused_without_expanding_it(tmp_path):
    # The classic bomb: 9 levels of 9 aliases (72 < 100) expand to 9**9 strings
    # if anything walks or prints the value. Placed where a parameter value,
    # a parameter group and a top-level key go.
    bomb = _laughs(9, 9)
    texts = {
        "value": TEXT.replace("      value: 0.03\n", f"      value: {bomb}\n", 1),
        "group": TEXT.replace("\n  costs:\n", f"\n  laughs: {bomb}\n  costs:\n", 1),
        "top": TEXT + f"\nlaughs: {bomb}\n",
        "param-key": TEXT.replace("      value: 0.03\n", f"      value: 0.03\n      laughs: {bomb}\n", 1),
        "bounds": TEXT.replace("      bounds: [0.001, 0.30]\n", f"      bounds: {bomb}\n", 1),
    }
    for text in texts.values():
        assert text != TEXT
    messages = refused_in_a_child([write(tmp_path, text, f"{name}.yaml") for name, text in texts.items()])
    assert "parameters.pricing.rate_usd_per_mb.value" in messages[0]
    assert "parameters.laughs" in messages[1]
    assert "unknown key 'laughs'" in messages[2] and "unknown key 'laughs'" in messages[3]
    assert "parameters.pricing.rate_usd_per_mb.bounds" in messages[4]


def test_deep_nesting_is_refused(tmp_path):
    # PyYAML's scanner is quadratic in flow nesting: 100 kB of "[" took minutes.
    texts = {
        "flow-list": "[" * 50_000 + "]" * 50_000,
        "flow-map": "{a: " * 20_000 + "1" + "}" * 20_000,
        "block": "".join(" " * i + "k:\n" for i in range(1_300)),
        "in-a-parameter": TEXT.replace("      value: 0.03\n", "      value: " + "[" * 10_000 + "]" * 10_000 + "\n", 1),
    }
    messages = refused_in_a_child([write(tmp_path, text, f"{name}.yaml") for name, text in texts.items()])
    assert all("nested too deeply" in m for m in messages), messages


def test_binary_junk_is_refused(tmp_path):
    junk = bytes(range(256)) * 40
    assert "not UTF-8 text" in refusal(write(tmp_path, junk))
    assert "binary data" in refusal(write(tmp_path, TEXT.encode() + b"\x00\x01\x02"))


def test_non_utf8_text_is_refused(tmp_path):
    latin1 = TEXT.replace("label: Rate per megabyte", "label: Café rate").encode("latin-1")
    msg = refusal(write(tmp_path, latin1))
    assert "not UTF-8 text (byte " in msg
    byte = int(msg.split("byte ")[1].rstrip(")"))
    assert latin1[byte] == 0xE9  # the é


def test_utf8_bom_is_accepted(tmp_path):
    a = load_assumptions(write(tmp_path, b"\xef\xbb\xbf" + TEXT.encode("utf-8")))
    assert a.defaults() == load_assumptions().defaults()


def test_file_over_a_megabyte_is_refused_unread(tmp_path):
    big = TEXT + "#" * (MAX_FILE_BYTES + 1 - len(TEXT.encode())) + "\n"
    msg = refusal(write(tmp_path, big))
    assert f"at most {MAX_FILE_BYTES:,} bytes" in msg
    ok = TEXT + "#" * (MAX_FILE_BYTES - len(TEXT.encode()) - 1) + "\n"
    assert len(ok.encode()) == MAX_FILE_BYTES
    load_assumptions(write(tmp_path, ok, "just-fits.yaml"))


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_endless_device_is_refused():
    # A device reports size 0; reading it to the end would never stop.
    msg = refusal(Path("/dev/zero"))
    assert f"larger than {MAX_FILE_BYTES:,} bytes" in msg


def test_missing_file_and_directory(tmp_path):
    assert "cannot read file" in refusal(tmp_path / "nope.yaml")
    assert "cannot read file" in refusal(tmp_path)
