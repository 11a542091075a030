"""The average download: the quality mix over the catalogue's track lengths.

Examples
--------
>>> p = download_profile(make_scenario())
>>> round(sum(p.mix.values()), 12), p.tracks > 0
(1.0, True)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from types import MappingProxyType

import numpy as np

from simulator.model.catalogue import builtin_catalogue
from simulator.model.encoding import encoding_menu, size_bytes
from simulator.params.groups import QUALITY_MIX_PREFIX
from simulator.params.scenario import Scenario, make_scenario

__all__ = ["MIX_PREFIX", "DownloadProfile", "quality_mix", "catalogue_durations_ms", "download_profile"]

#: Dotted-name prefix of the quality-mix weights in assumptions.yaml.
MIX_PREFIX = QUALITY_MIX_PREFIX


def quality_mix(scenario: Scenario) -> dict[str, float]:
    """Return the quality mix as shares that sum to 1, by encoding name.

    The mix is never all zero: :func:`~simulator.params.scenario.make_scenario` refuses that.

    Examples
    --------
    >>> m = quality_mix(make_scenario())
    >>> round(sum(m.values()), 12), m["mp3-192"]
    (1.0, 0.4)
    """
    w = {k: float(v) for k, v in scenario.market.quality_mix.items()}
    total = sum(w.values())  # above 0: make_scenario refuses an all-zero mix
    return {k: v / total for k, v in w.items()}


@dataclass(frozen=True)
class DownloadProfile:
    """The average download under a quality mix and a catalogue.

    Attributes
    ----------
    mix : Mapping[str, float]
        Shares by encoding name, summing to 1.
    mean_size_bytes_by_encoding : Mapping[str, float]
        Mean file size of the catalogue's tracks at each encoding of the mix. [bytes]
    mean_size_bytes : float
        Mix-weighted mean size. [bytes]
    mean_duration_s : float
        Mean track length of the catalogue. [s]
    tracks : int
        Tracks in the catalogue the means run over.
    """

    mix: Mapping[str, float]
    mean_size_bytes_by_encoding: Mapping[str, float]
    mean_size_bytes: float
    mean_duration_s: float
    tracks: int


@lru_cache(maxsize=16)
def _builtin_durations(seed: int, albums: int, tpa: float, median_s: float, sigma: float) -> np.ndarray:
    s = make_scenario(
        overrides={
            "catalogue.seed": seed,
            "catalogue.albums": albums,
            "catalogue.tracks_per_album_mean": tpa,
            "catalogue.track_median_s": median_s,
            "catalogue.track_length_sigma": sigma,
        }
    )
    d = builtin_catalogue(s).tracks["duration_ms"].to_numpy(dtype=np.int64)
    d.setflags(write=False)
    return d


def catalogue_durations_ms(scenario: Scenario) -> np.ndarray:
    """Return the track lengths of the scenario's built-in catalogue (cached) [ms], shape (n,)."""
    return _builtin_durations(
        int(scenario.catalogue.seed),
        int(scenario.catalogue.albums),
        float(scenario.catalogue.tracks_per_album_mean),
        float(scenario.catalogue.track_median_s),
        float(scenario.catalogue.track_length_sigma),
    )


#: Mean sizes remembered per (catalogue, bitrate, overhead): a rate change needs none of them again.
_MEAN_SIZE_CACHE: dict[tuple, float] = {}
_MEAN_SIZE_CACHE_SIZE = 256


def _mean_size_bytes(d: np.ndarray, bitrate_kbps, overhead: int) -> float:
    """Return the mean exact file size of tracks ``d`` [ms] at one bitrate [bytes] (cached, bounded)."""
    key = (d.size, hash(d.tobytes()), str(bitrate_kbps), overhead)
    hit = _MEAN_SIZE_CACHE.get(key)
    if hit is None:
        hit = float(size_bytes(d, bitrate_kbps, overhead).sum(dtype=np.int64)) / d.size
        if len(_MEAN_SIZE_CACHE) >= _MEAN_SIZE_CACHE_SIZE:
            _MEAN_SIZE_CACHE.pop(next(iter(_MEAN_SIZE_CACHE)))
        _MEAN_SIZE_CACHE[key] = hit
    return hit


def download_profile(scenario: Scenario, durations_ms=None) -> DownloadProfile:
    """Mean size of a download over the quality mix and the catalogue's track lengths.

    Parameters
    ----------
    scenario : Scenario
    durations_ms : array_like of int, shape (n,), optional
        Track lengths to average over [ms]; default: the built-in catalogue.

    Returns
    -------
    DownloadProfile

    Raises
    ------
    ValueError
        If ``durations_ms`` is empty or holds anything but whole milliseconds above 0.
    """
    s = scenario
    if durations_ms is None:
        d = catalogue_durations_ms(s)
    else:
        raw = np.asarray(durations_ms)
        if raw.size and (raw.dtype.kind not in "iuf" or not np.all(np.isfinite(raw)) or np.any(raw != np.floor(raw))
                         or raw.min() <= 0):
            raise ValueError("durations_ms must be whole milliseconds above 0, got e.g. "
                             f"{raw.ravel()[0]!r}" if raw.size else "durations_ms is empty")
        d = raw.astype(np.int64)
    if d.size == 0:
        raise ValueError("durations_ms: need at least one track, got none")
    mix = quality_mix(s)
    menu = encoding_menu(s)
    overhead = int(s.encoding.tag_overhead_bytes)
    by_enc = {name: _mean_size_bytes(d, menu[name].bitrate_kbps, overhead) for name in mix}
    mean = float(sum(mix[n] * by_enc[n] for n in mix))
    return DownloadProfile(
        mix=MappingProxyType(mix),
        mean_size_bytes_by_encoding=MappingProxyType(by_enc),
        mean_size_bytes=mean,
        mean_duration_s=float(d.mean()) / int(s.assumptions.constants["ms_per_s"]),
        tracks=int(d.size),
    )
