r"""Scenario files: a scenario as a small YAML file, and back, with identical results.

A scenario file names the preset and only the inputs that differ from it::

    # AllofMP3 by the kilo: a scenario of allofmp3-sim (load it in the app or with --scenario).
    kind: allofmp3-sim scenario
    format_version: 1
    preset: reported_2006
    overrides:
      pricing.rate_usd_per_mb: 0.02

Reading is as careful as for ``assumptions.yaml`` (size cap, alias-bomb and depth
refusal, ``yaml.safe_load`` only); ``kind`` tells a foreign YAML file apart, and a
file from a newer version is refused rather than half-read. The overrides are
validated by :func:`simulator.params.scenario.make_scenario`, so an unknown input or an
out-of-bounds value gives the model's own message.

Examples
--------
>>> s = make_scenario(preset="rate_2005", overrides={"demand.potential_buyers": 4_000_000.0})
>>> text = scenario_to_yaml(s)
>>> print(text.split("\n", 1)[1], end="")
kind: allofmp3-sim scenario
format_version: 1
preset: rate_2005
overrides:
  demand.potential_buyers: 4000000
>>> scenario_from_yaml(text).values == s.values
True

A value is read as ``--set`` reads it, so text that YAML 1.1 leaves a string (``1e7``, which
needs a dot to be a YAML number) is a number here. A key given twice is a warning
(:class:`ScenarioFileWarning`), as in a link: the last value is used.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import yaml

from simulator.params.assumptions import Assumptions, AssumptionsError, _read_yaml_text, load_assumptions
from simulator.params.scenario import Scenario, make_scenario, parse_value, preset_values

__all__ = [
    "FORMAT_VERSION",
    "KIND",
    "MAX_SCENARIO_BYTES",
    "SCENARIO_FILE_NAME",
    "ScenarioFileError",
    "ScenarioFileWarning",
    "read_scenario_bytes",
    "read_scenario_file",
    "scenario_from_yaml",
    "scenario_to_yaml",
]

#: Layout version this code writes and the newest it reads.
FORMAT_VERSION = 1
#: Value of ``kind`` in every scenario file.
KIND = "allofmp3-sim scenario"
#: Implementation limit: largest scenario file read (a real one is well under 1 kB). [bytes]
MAX_SCENARIO_BYTES = 64_000
#: File name used by the app and the handout bundle.
SCENARIO_FILE_NAME = "scenario.yaml"
_KEYS = ("kind", "format_version", "preset", "overrides")
_HEADER = "# AllofMP3 by the kilo: a scenario of allofmp3-sim (load it in the app or with --scenario).\n"


class ScenarioFileError(ValueError):
    """A scenario file that is malformed, foreign, from a newer version, or names invalid inputs."""


class ScenarioFileWarning(UserWarning):
    """A scenario file that is read, but not quite as written: a key given twice (the last one is used)."""


#: Largest magnitude written as a YAML integer: a whole float beyond it keeps its exponent form. [1]
_MAX_WHOLE = 2**53


def _written(value: Any) -> Any:
    """Return a value as the file writes it: a whole number without ``.0`` (4000000 customers, not 4000000.0)."""
    if isinstance(value, float) and math.isfinite(value) and value.is_integer() and abs(value) < _MAX_WHOLE:
        return int(value)
    return value


def _repeated_keys(text: str) -> Iterator[tuple[str, list[str]]]:
    """Yield (dotted path, the values written) for every mapping key given more than once.

    PyYAML keeps the last value of a repeated key without a word; the node tree still has each.
    Call only on text that :func:`_read_yaml_text` has read (its size, aliases and depth checked).
    """
    def walk(node: yaml.Node, path: str) -> Iterator[tuple[str, list[str]]]:
        if isinstance(node, yaml.MappingNode):
            seen: dict[str, list[str]] = {}
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    shown = value.value if isinstance(value, yaml.ScalarNode) else "(a mapping or list)"
                    seen.setdefault(key.value, []).append(shown)
                yield from walk(value, f"{path}.{key.value}" if path else str(key.value))
            for name, values in seen.items():
                if len(values) > 1:
                    yield (f"{path}.{name}" if path else name), values
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                yield from walk(item, f"{path}[{i}]")

    root = yaml.compose(text, Loader=yaml.SafeLoader)
    if root is not None:
        yield from walk(root, "")


def _value(a: Assumptions, key: str, value: Any) -> Any:
    """Return an override's value, text read as ``--set KEY=TEXT`` reads it (``1e7`` is a number)."""
    if isinstance(value, str) and key in a.parameters:
        return parse_value(a, key, value)
    return value


def scenario_to_yaml(scenario: Scenario) -> str:
    """Return the scenario as YAML: preset, the inputs that differ from it, kind and format version.

    Parameters
    ----------
    scenario : Scenario

    Returns
    -------
    str
        Floats are written exactly (shortest round-trip form; a whole one as an integer), so
        reading the file back gives the same values and the same results.
    """
    base = preset_values(scenario.assumptions, scenario.preset)
    differ = [k for k, v in scenario.values.items() if v != base[k]]  # exact: 1e-80 is not 0 here
    doc = {
        "kind": KIND,
        "format_version": FORMAT_VERSION,
        "preset": scenario.preset,
        "overrides": {k: _written(scenario.values[k]) for k in differ},
    }
    return _HEADER + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, default_flow_style=False)


def scenario_from_yaml(
    text: str, assumptions: Assumptions | None = None, *, source: str = "scenario file"
) -> Scenario:
    """Read a scenario file's text.

    Parameters
    ----------
    text : str
    assumptions : Assumptions, optional
        Defaults to the embedded assumptions.
    source : str
        Name used in messages (the file name).

    Returns
    -------
    Scenario

    Raises
    ------
    ScenarioFileError
        Malformed YAML, not a scenario file, a newer or unknown format version, an unknown
        top-level key, or an unknown preset, input or out-of-bounds value (the model's message).

    Warns
    -----
    ScenarioFileWarning
        For each key given more than once (its last value is used), naming it and its values.
    """
    try:
        doc = _read_yaml_text(text, source)
    except AssumptionsError as e:
        raise ScenarioFileError(str(e)) from None
    if not isinstance(doc, Mapping):
        raise ScenarioFileError(f"{source}: not an allofmp3-sim scenario file (expected a mapping with kind: {KIND})")
    if doc.get("kind") != KIND:
        raise ScenarioFileError(
            f"{source}: not an allofmp3-sim scenario file: kind must be {KIND!r}, got {doc.get('kind')!r}"
        )
    version = doc.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ScenarioFileError(f"{source}: format_version must be a whole number from 1, got {version!r}")
    if version > FORMAT_VERSION:
        raise ScenarioFileError(
            f"{source}: format_version {version} was written by a newer allofmp3-sim; "
            f"this version reads up to {FORMAT_VERSION}"
        )
    extra = sorted(str(k) for k in doc if k not in _KEYS)
    if extra:
        raise ScenarioFileError(f"{source}: unknown key(s) {extra}; allowed keys are {list(_KEYS)}")
    preset = doc.get("preset")
    if preset is not None and not isinstance(preset, str):
        raise ScenarioFileError(f"{source}: preset must be a preset's name, got {preset!r}")
    overrides = doc.get("overrides") or {}
    if not isinstance(overrides, Mapping) or not all(isinstance(k, str) for k in overrides):
        raise ScenarioFileError(f"{source}: overrides must map input names to values, got {overrides!r}")
    a = assumptions if assumptions is not None else load_assumptions()
    try:
        scenario = make_scenario(a, preset=preset, overrides={k: _value(a, k, v) for k, v in overrides.items()})
    except ValueError as e:
        raise ScenarioFileError(f"{source}: {e}") from None
    for path, values in _repeated_keys(text):
        warnings.warn(f"{source}: key {path} is given {len(values)} times ({', '.join(values)}): "
                      f"the last one, {values[-1]}, is used", ScenarioFileWarning, stacklevel=2)
    return scenario


def read_scenario_bytes(
    data: bytes, assumptions: Assumptions | None = None, *, source: str = "scenario file"
) -> Scenario:
    """Read a scenario file's bytes (an upload): size-capped, UTF-8 (a BOM is allowed).

    Raises
    ------
    ScenarioFileError
        Too large, not UTF-8 text, binary, or any error of :func:`scenario_from_yaml`.
    """
    if len(data) > MAX_SCENARIO_BYTES:
        raise ScenarioFileError(
            f"{source}: file is {len(data):,} bytes; a scenario file is at most {MAX_SCENARIO_BYTES:,} bytes"
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise ScenarioFileError(f"{source}: not UTF-8 text (byte {e.start})") from None
    if "\x00" in text:
        raise ScenarioFileError(f"{source}: binary data, not a YAML text file")
    return scenario_from_yaml(text, assumptions, source=source)


def read_scenario_file(path: str | Path, assumptions: Assumptions | None = None) -> Scenario:
    """Read a scenario file from disk (see :func:`read_scenario_bytes`).

    Raises
    ------
    ScenarioFileError
        A missing or unreadable file, or any error of :func:`read_scenario_bytes`.
    """
    p = Path(path)
    try:
        with p.open("rb") as fh:
            data = fh.read(MAX_SCENARIO_BYTES + 1)  # a device or pipe: never read it all
    except OSError as e:
        raise ScenarioFileError(f"{path}: cannot read file ({e.strerror})") from None
    if len(data) > MAX_SCENARIO_BYTES:
        raise ScenarioFileError(f"{path}: file is larger than {MAX_SCENARIO_BYTES:,} bytes, the most allowed")
    return read_scenario_bytes(data, assumptions, source=str(path))

