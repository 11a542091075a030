"""Views of a catalogue for the Catalogue page and the handout: one album at every encoding, a price histogram.

Examples
--------
>>> from simulator.model.catalogue import builtin_catalogue
>>> t = album_at_every_encoding(builtin_catalogue(make_scenario()), 0, make_scenario())
>>> t.loc[t.encoding == "mp3-192", "price_usd"].item()
Decimal('2.68')
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pandas as pd

from simulator.model.catalogue import Catalogue
from simulator.model.catalogue_pricing import price_catalogue
from simulator.model.encoding import encoding_menu, size_bytes, size_mb
from simulator.model.money import round_half_up_cents, to_fraction
from simulator.model.pricing import basket_total, pricing_terms
from simulator.model.units import format_quantity
from simulator.params.scenario import Scenario
from simulator.present.charts import PALETTE, Chart, make_figure, vline

__all__ = ["album_choices", "album_tracks", "album_at_every_encoding", "price_histogram_chart"]


def album_choices(catalogue: Catalogue) -> list[str]:
    """Albums as ``"artist - album"`` labels, in order of first appearance (index = album_index)."""
    t = catalogue.tracks
    pairs = t[["artist", "album"]].drop_duplicates()
    return [f"{a} - {b}" for a, b in zip(pairs.artist, pairs.album, strict=True)]


def _album_mask(catalogue: Catalogue, album_index: int) -> np.ndarray:
    t = catalogue.tracks
    pairs = t[["artist", "album"]].drop_duplicates().reset_index(drop=True)
    if not 0 <= album_index < len(pairs):
        raise ValueError(f"album_index must be between 0 and {len(pairs) - 1}, got {album_index}")
    artist, album = pairs.iloc[album_index]
    return ((t.artist == artist) & (t.album == album)).to_numpy()


def album_tracks(
    catalogue: Catalogue, album_index: int, encoding: str, scenario: Scenario, *, use_real_bytes=False
) -> pd.DataFrame:
    """One album's tracks priced at one encoding (see :func:`simulator.model.catalogue_pricing.price_catalogue`).

    Raises
    ------
    ValueError
        For an album index out of range or an unknown encoding.
    """
    sub = Catalogue(tracks=catalogue.tracks[_album_mask(catalogue, album_index)].reset_index(drop=True),
                    source=catalogue.source)
    return price_catalogue(sub, encoding, scenario, by="track", use_real_bytes=use_real_bytes)


def album_at_every_encoding(
    catalogue: Catalogue, album_index: int, scenario: Scenario
) -> pd.DataFrame:
    """One album priced at every encoding of the menu, against iTunes.

    Parameters
    ----------
    catalogue : Catalogue
    album_index : int
        Position in :func:`album_choices`.
    scenario : Scenario

    Returns
    -------
    pandas.DataFrame
        One row per encoding: encoding, label, bitrate_kbps, size_mb,
        price_usd (sum of per-track prices rounded half-up), price_per_basket_usd
        (the total rounded once), itunes_usd (tracks x the iTunes track price),
        itunes_album_cap_usd (that, capped at the album price), cheaper_than_itunes (bool).
        Money columns are Decimal.
    """
    s = scenario
    duration_ms = catalogue.tracks["duration_ms"].to_numpy(dtype=np.int64)[_album_mask(catalogue, album_index)]
    terms = pricing_terms(s)
    n = len(duration_ms)
    # The album's totals straight from the pricing core (basket_total), as price_catalogue(by="album")
    # computes them, without building and grouping a frame for each of the menu's encodings.
    itunes = round_half_up_cents(to_fraction(s.comparison.itunes_track_usd) * n)
    capped = min(itunes, round_half_up_cents(Decimal(repr(s.comparison.album_cap_usd))))
    rows = []
    for name, enc in encoding_menu(s).items():
        total = basket_total(size_bytes(duration_ms, enc.bitrate_kbps, terms.overhead_bytes), terms)
        rows.append({
            "encoding": name, "label": enc.label, "bitrate_kbps": float(enc.bitrate_kbps),
            "size_mb": float(size_mb(total.size_bytes, terms.mb_convention, s)),
            "price_usd": total.per_track_usd, "price_per_basket_usd": total.per_basket_usd,
            "itunes_usd": itunes, "itunes_album_cap_usd": capped, "cheaper_than_itunes": total.per_track_usd < capped,
        })
    return pd.DataFrame(rows)


def price_histogram_chart(
    catalogue: Catalogue, encoding: str, scenario: Scenario, *, use_real_bytes: bool = False
) -> Chart:
    """Histogram of every track's price in a catalogue at one encoding, with the iTunes price.

    Returns
    -------
    Chart
        Data columns: price_usd (bin value, to the cent), tracks.
    """
    s = scenario
    priced = price_catalogue(catalogue, encoding, s, use_real_bytes=use_real_bytes)
    cents = priced.price_cents.to_numpy()
    values, counts = np.unique(cents, return_counts=True)
    data = pd.DataFrame({"price_usd": values / 100, "tracks": counts})
    itunes = s.comparison.itunes_track_usd
    n = int(counts.sum())
    median = float(np.median(cents)) / 100
    totals = priced.attrs
    real, formula_n = totals["real_bytes_tracks"], totals["formula_bytes_tracks"]
    # Real bytes are the files' own sizes, whatever their encoding: name the encoding only for formula sizes.
    where = encoding if not real else "the files' real sizes" if not formula_n else \
        f"real sizes ({format_quantity(real, 'track')}) and {encoding} ({formula_n:,})"
    title = f"Price per track across the catalogue at {where} [USD; number of tracks]"
    fig = make_figure(
        [{"type": "bar", "x": data.price_usd.to_numpy(), "y": data.tracks.to_numpy(), "marker": {"color": PALETTE[0]},
          "hovertemplate": "$%{x:.2f}: %{y} tracks<extra></extra>"}],
        title, "Price per track [USD]", "Tracks", marks=[vline(itunes, f"iTunes ${itunes:.2f}", anchor="right")],
        layout={"xaxis": {"tickformat": "$.2f"}, "showlegend": False, "hovermode": "closest", "bargap": 0.05})
    alt = (f"Histogram of {n:,} track prices at {where}: median ${median:.2f}, from ${values.min() / 100:.2f} "
           f"to ${values.max() / 100:.2f}, against iTunes' flat ${itunes:.2f}.")
    caption = (f"Every track of '{catalogue.source}' priced at {where}, rounded to the cent; the dashed line is "
               "iTunes' flat price. Lengths (and real bytes, if chosen) from the catalogue; rate from the scenario.")
    size = "its file's real bytes" if real and not formula_n else \
        "its real bytes where known, else ⌈kbps × ms / 8⌉ bytes" if real else "⌈kbps × ms / 8⌉ bytes"
    formula = (f"Each track: {size} ÷ bytes per {totals.get('mb_unit', 'MB')} × rate, rounded half-up. "
               f"Whole catalogue: ${totals.get('price_usd')} with per-track rounding, ${totals.get('price_per_basket_usd')} "
               f"rounded once, against ${totals.get('itunes_usd')} at iTunes.")
    return Chart("catalogue_price_histogram", title, caption, alt, fig, data, formula)
