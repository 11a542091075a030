"""Pricing models side by side: per MB (AllofMP3), flat per track (iTunes, iTunes Plus), an album cap, a subscription.

Models (prices from ``comparison.*`` in assumptions.yaml)
--------------------------------------------------------
``per_mb``            AllofMP3: size x rate per MB, with the scenario's rounding rule
                      (the exact functions of :mod:`simulator.model.pricing`); the listener picks the encoding.
``itunes``            a flat ``itunes_track_usd`` a track (``itunes_encoding``, 128 kbps AAC).
``itunes_album_cap``  iTunes with an album price cap: tracks of one album cost at most ``album_cap_usd``.
``itunes_plus``       a flat ``itunes_plus_track_usd`` a track (256 kbps AAC).
``subscription``      eMusic-style: ``subscription_usd_per_month`` buys ``subscription_credits_per_month``
                      downloads a month, unused credits lost; downloads spread evenly over ``months``
                      need ``ceil(n / (months x credits))`` plans each month.

Examples
--------
>>> t = basket_costs([240_000] * 12, make_scenario())          # twelve 4:00 tracks, mp3-192 at 3 c/MB
>>> dict(zip(t.model, t.price_usd))["per_mb"], dict(zip(t.model, t.price_usd))["itunes"]
(2.04, 11.88)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
import pandas as pd

from simulator.model.encoding import get_encoding, size_bytes
from simulator.model.money import round_half_up_cents, to_fraction
from simulator.model.pricing import basket_total, pricing_terms, track_price_cents
from simulator.params.scenario import Scenario

__all__ = [
    "ModelsError", "MODELS", "MODEL_LABELS", "ListenerType", "listener_types",
    "price_by_length", "break_even_durations", "basket_costs", "listener_table",
]

#: The pricing models, in display order.
MODELS = ("per_mb", "itunes", "itunes_album_cap", "itunes_plus", "subscription")
#: Human-readable names of the models.
MODEL_LABELS = {
    "per_mb": "AllofMP3, per MB",
    "itunes": "iTunes, per track",
    "itunes_album_cap": "iTunes with album cap",
    "itunes_plus": "iTunes Plus, per track",
    "subscription": "eMusic-style subscription",
}


class ModelsError(ValueError):
    """A malformed basket, duration grid or months count."""


def _c(s: Scenario, key: str) -> Fraction:
    return to_fraction(getattr(s.comparison, key))


def _per_mb_usd(durations_ms: np.ndarray, encoding: str, s: Scenario) -> np.ndarray:
    """Return the per-MB price of each track at one encoding under the scenario's rounding rule [USD], shape (n,)."""
    terms = pricing_terms(s)
    b = size_bytes(durations_ms, get_encoding(encoding, s).bitrate_kbps, terms.overhead_bytes)
    if terms.rounding == "per_track":
        return track_price_cents(b, terms) / float(s.assumptions.constants["cents_per_usd"])
    return np.asarray(b, dtype=float) * float(terms.usd_per_byte)


def _album_size(s: Scenario) -> int:
    return max(1, int(math.floor(float(s.catalogue.tracks_per_album_mean) + 0.5)))


def price_by_length(scenario: Scenario, durations_s=None, *, encodings=None) -> pd.DataFrame:
    """Price of one track against its length under each model (long format, for a line chart).

    Parameters
    ----------
    scenario : Scenario
    durations_s : array_like, shape (n,), optional
        Track lengths >= 0 [s]; default ``charts.grid_points`` from 0 to ``charts.track_length_max_s``.
    encodings : sequence of str, optional
        Encodings of the per-MB curves; default the scenario's default
        encoding, the iTunes and iTunes Plus encodings and the lossless buyer's.

    Returns
    -------
    pandas.DataFrame
        Columns ``duration_s`` [s], ``model``, ``encoding`` ("" for the
        subscription), ``series`` (a legend label) and ``price_usd`` [USD]. The
        album-cap row is the per-track price of a whole album of
        ``catalogue.tracks_per_album_mean`` tracks; the subscription's is the
        fee over the credits (every credit used).

    Raises
    ------
    ModelsError
        If a length is negative or not finite.

    Examples
    --------
    >>> t = price_by_length(make_scenario(), durations_s=[240], encodings=["mp3-192"])
    >>> t[["model", "price_usd"]].values.tolist()[:2]
    [['per_mb', 0.17], ['itunes', 0.99]]
    """
    s = scenario
    d = (np.linspace(0.0, float(s.charts.track_length_max_s), int(s.charts.grid_points))
         if durations_s is None else np.asarray(durations_s, dtype=float))
    if d.ndim != 1 or not np.all(np.isfinite(d)) or np.any(d < 0):
        raise ModelsError(f"durations_s must be a 1-D array of finite lengths >= 0, got {durations_s!r}")
    ms = np.rint(d * int(s.assumptions.constants["ms_per_s"])).astype(np.int64)
    encs = encodings or [s.encoding.default, s.comparison.itunes_encoding,
                         s.comparison.itunes_plus_encoding, s.listeners.lossless_encoding]
    encs = list(dict.fromkeys(encs))
    flat = {
        "itunes": (s.comparison.itunes_encoding, float(_c(s, "itunes_track_usd"))),
        "itunes_album_cap": (s.comparison.itunes_encoding,
                             float(round_half_up_cents(min(_c(s, "itunes_track_usd") * _album_size(s), _c(s, "album_cap_usd"))
                                                       / _album_size(s)))),
        "itunes_plus": (s.comparison.itunes_plus_encoding, float(_c(s, "itunes_plus_track_usd"))),
        "subscription": ("", float(round_half_up_cents(_c(s, "subscription_usd_per_month")
                                                       / int(s.comparison.subscription_credits_per_month)))),
    }
    parts = [pd.DataFrame({"duration_s": d, "model": "per_mb", "encoding": e,
                           "series": f"{MODEL_LABELS['per_mb']} ({e})", "price_usd": _per_mb_usd(ms, e, s)})
             for e in encs]
    parts += [pd.DataFrame({"duration_s": d, "model": m, "encoding": e, "series": MODEL_LABELS[m], "price_usd": p})
              for m, (e, p) in flat.items()]
    return pd.concat(parts, ignore_index=True)


def break_even_durations(scenario: Scenario, *, encodings=None) -> pd.DataFrame:
    """Track length at which the per-MB price equals each flat price (exact, unrounded).

    Parameters
    ----------
    scenario : Scenario
    encodings : sequence of str, optional
        Default: every encoding of the quality mix.

    Returns
    -------
    pandas.DataFrame
        One row per encoding: ``encoding``, ``bitrate_kbps``, ``usd_per_s``
        (per-MB price of one second) [USD/s] and ``itunes_s``, ``itunes_plus_s``, ``subscription_s`` [s]:
        longer tracks cost more per MB than under that model (tag overhead ignored).

    Examples
    --------
    >>> t = break_even_durations(make_scenario(), encodings=["mp3-192"])
    >>> round(float(t.itunes_s[0]) / 60, 2)       # 0.99 / (1.44 MB/min x 0.03)
    22.92
    """
    s = scenario
    terms = pricing_terms(s)
    c = s.assumptions.constants
    encs = encodings or [k.removeprefix("market.quality_mix.") for k in s.values if k.startswith("market.quality_mix.")]
    sub = _c(s, "subscription_usd_per_month") / int(s.comparison.subscription_credits_per_month)
    rows = []
    for e in encs:
        kbps = to_fraction(get_encoding(e, s).bitrate_kbps)
        usd_per_s = kbps * int(c["bits_per_kbit"]) / int(c["bits_per_byte"]) * terms.usd_per_byte
        rows.append({"encoding": e, "bitrate_kbps": float(kbps), "usd_per_s": float(usd_per_s),
                     **{f"{m}_s": float(p / usd_per_s) if usd_per_s else math.inf
                        for m, p in (("itunes", _c(s, "itunes_track_usd")),
                                     ("itunes_plus", _c(s, "itunes_plus_track_usd")), ("subscription", sub))}})
    return pd.DataFrame(rows)


def basket_costs(tracks, scenario: Scenario, *, encoding: str | None = None, months: int = 1) -> pd.DataFrame:
    """Return what one basket of downloads costs under each model.

    Parameters
    ----------
    tracks : pandas.DataFrame or array_like of int
        A frame with ``duration_ms`` [ms] and optionally ``album`` (a
        :class:`~simulator.model.catalogue.Catalogue`'s ``tracks``), or track lengths
        [ms] (each track its own album).
    scenario : Scenario
    encoding : str, optional
        The per-MB buyer's encoding; default ``encoding.default``.
    months : int
        Months the basket is bought over (the subscription is paid each month). [months]

    Returns
    -------
    pandas.DataFrame, 5 rows
        ``model``, ``label``, ``tracks``, ``price_usd`` [USD, to the cent] and
        ``usd_per_track`` [USD].

    Raises
    ------
    ModelsError
        A frame without ``duration_ms``, a negative length, or ``months`` < 1.
    """
    s = scenario
    if isinstance(tracks, pd.DataFrame):
        if "duration_ms" not in tracks:
            raise ModelsError(f"tracks must have a duration_ms column, got columns {list(tracks.columns)}")
        ms = tracks["duration_ms"].to_numpy(dtype=np.int64)
        albums = tracks["album"].to_numpy() if "album" in tracks else np.arange(ms.size)
    else:
        ms = np.asarray(tracks, dtype=np.int64).ravel()
        albums = np.arange(ms.size)
    if ms.size and ms.min() < 0:
        raise ModelsError(f"duration_ms must be >= 0, got {int(ms.min())}")
    if isinstance(months, bool) or int(months) != months or months < 1:
        raise ModelsError(f"months must be a whole number >= 1, got {months!r}")
    n, terms = int(ms.size), pricing_terms(s)
    enc = get_encoding(encoding or s.encoding.default, s)
    per_mb = basket_total(size_bytes(ms, enc.bitrate_kbps, terms.overhead_bytes), terms).under(terms.rounding)
    p, cap = _c(s, "itunes_track_usd"), _c(s, "album_cap_usd")
    counts = pd.Series(albums).value_counts().to_numpy() if n else np.array([], dtype=int)
    plans = -(-n // (int(months) * int(s.comparison.subscription_credits_per_month)))
    prices = {
        "per_mb": to_fraction(per_mb),
        "itunes": p * n,
        "itunes_album_cap": sum((min(p * int(k), cap) for k in counts), Fraction(0)),
        "itunes_plus": _c(s, "itunes_plus_track_usd") * n,
        "subscription": _c(s, "subscription_usd_per_month") * int(months) * plans,
    }
    return pd.DataFrame([
        {"model": m, "label": MODEL_LABELS[m], "tracks": n, "price_usd": float(round_half_up_cents(v)),
         "usd_per_track": float(v / n) if n else 0.0}
        for m, v in prices.items()
    ])


@dataclass(frozen=True)
class ListenerType:
    """A kind of buyer, for the side-by-side table.

    Attributes
    ----------
    name, label : str
    duration_s : float
        Length of each track bought. [s]
    tracks_per_month : int
        [downloads/month]
    encoding : str
        The encoding bought by the MB.
    album_tracks : int
        Tracks per album when buying whole albums; 1 for single tracks.
    """

    name: str
    label: str
    duration_s: float
    tracks_per_month: int
    encoding: str
    album_tracks: int = 1


def listener_types(scenario: Scenario) -> tuple[ListenerType, ...]:
    """Return the listener types of :func:`listener_table`, built from ``listeners.*`` and ``catalogue.*``.

    Examples
    --------
    >>> [t.name for t in listener_types(make_scenario())]
    ['singles', 'long_tracks', 'album_buyer', 'lossless', 'light', 'heavy']
    """
    s = scenario
    med, enc, typ = float(s.catalogue.track_median_s), s.encoding.default, int(s.listeners.tracks_per_month)
    k = _album_size(s)
    return (
        ListenerType("singles", "Short pop singles", float(s.listeners.single_length_s), typ, enc),
        ListenerType("long_tracks", "Long prog or classical tracks", float(s.listeners.long_track_length_s), typ, enc),
        ListenerType("album_buyer", "Whole-album buyer", med, k * int(s.listeners.albums_per_month), enc, k),
        ListenerType("lossless", "Lossless buyer", med, typ, s.listeners.lossless_encoding),
        ListenerType("light", "Light buyer", med, int(s.listeners.light_tracks_per_month), enc),
        ListenerType("heavy", "Heavy buyer", med, int(s.listeners.heavy_tracks_per_month), enc),
    )


def listener_table(scenario: Scenario) -> pd.DataFrame:
    """Tabulate a year of buying for each listener type under each model, and which model is cheapest.

    Returns
    -------
    pandas.DataFrame, one row per :func:`listener_types`
        ``listener``, ``label``, ``encoding``, ``duration_s`` [s],
        ``tracks_per_year``, then ``<model>_usd`` for every model of
        :data:`MODELS` [USD/year], ``cheapest_model``, ``dearest_model``,
        ``cheapest_licensed_model`` (the cheapest but per MB) and
        ``per_mb_vs_itunes`` (per-MB cost over iTunes cost) [ratio]. Ties go
        to the model listed first in :data:`MODELS`.

    Examples
    --------
    >>> t = listener_table(make_scenario()).set_index("listener")
    >>> t.loc["singles", "cheapest_model"], t.loc["light", "dearest_model"]
    ('per_mb', 'subscription')
    """
    s = scenario
    months = int(s.assumptions.constants["months_per_year"])
    ms_per_s = int(s.assumptions.constants["ms_per_s"])
    rows = []
    for t in listener_types(s):
        n = t.tracks_per_month * months
        basket = pd.DataFrame({"duration_ms": np.full(n, int(round(t.duration_s * ms_per_s)), dtype=np.int64),
                               "album": np.arange(n) // t.album_tracks})
        c = basket_costs(basket, s, encoding=t.encoding, months=months).set_index("model")["price_usd"]
        rows.append({"listener": t.name, "label": t.label, "encoding": t.encoding, "duration_s": t.duration_s,
                     "tracks_per_year": n, **{f"{m}_usd": float(c[m]) for m in MODELS},
                     "cheapest_model": str(c.idxmin()), "dearest_model": str(c.idxmax()),
                     "cheapest_licensed_model": str(c.drop("per_mb").idxmin()),
                     "per_mb_vs_itunes": float(c["per_mb"] / c["itunes"]) if c["itunes"] else math.inf})
    return pd.DataFrame(rows)
