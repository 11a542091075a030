"""What every output column of the command line means, with its unit: the ``--help`` epilogs.

Each command's ``--help`` ends with the columns it prints (:func:`epilog`), so that a reader of
``revenue_gap_pct`` or ``itunes_plus_s`` need not open the source. ``tests/test_cli_commands.py``
checks that every key a command's ``--json`` prints is explained in its ``--help``.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterable

from simulator.cli._common import columns_epilog

__all__ = ["GLOSSARY", "HelpFormatter", "epilog", "explain_columns"]

class HelpFormatter(argparse.HelpFormatter):
    """Wrap a one-paragraph description as usual; keep text with line breaks (the epilog) as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if "\n" not in text:
            return super()._fill_text(text, width, indent)
        return "".join(indent + line for line in text.splitlines(keepends=True))


def explain_columns(parser: argparse.ArgumentParser, columns: Iterable[str]) -> None:
    """End ``parser``'s ``--help`` with the meaning and unit of each of ``columns``.

    Raises
    ------
    KeyError
        If a column is not in :data:`GLOSSARY`.
    """
    parser.epilog = epilog(columns)
    parser.formatter_class = HelpFormatter

#: Column name -> what it holds [unit]. Money is in US dollars; counts are per year unless named otherwise.
GLOSSARY: dict[str, str] = {
    # the store model
    "sample_customers": "customers simulated one by one, scaled to the year's customers [customers]",
    "potential_buyers": "people who know the store and weigh it against iTunes, P2P and nothing [people; printed whole]",
    "buyers": "potential buyers who bought at least once in the month [people]",
    "new_accounts": "accounts opened in the month [accounts]",
    "monthly_buyers": "potential buyers who bought in a month, the year's mean [people; printed whole]",
    "consumer_surplus_usd": "buyers' gain from the store, the logit log-sum [USD]",
    "elasticity": "own-price elasticity of downloads with respect to the rate per MB",
    "diversion_p2p": "share of the downloads a rate rise loses that go to P2P [0-1]",
    "diversion_itunes": "share of the downloads a rate rise loses that go to iTunes [0-1]",
    "mix": "the year's downloads by encoding [shares summing to 1]",
    "scenario_rate_usd_per_mb": "the scenario's rate from 13 Aug 2006 on [USD/MB]",
    "scenario_value_usd": "revenue or contribution margin at the scenario's rate [USD/year]",
    "gain_pct": "how much more the best rate earns than the scenario's [%]",
    "before_rate_usd_per_mb": "the rate before the last step (2 c/MB) [USD/MB]",
    "after_rate_usd_per_mb": "the scenario's rate after it [USD/MB]",
    "revenue_before_usd": "the year's revenue had the old rate continued [USD/year]",
    "revenue_after_usd": "the year's revenue at the scenario's rate [USD/year]",
    "downloads_before": "the year's downloads had the old rate continued",
    "downloads_after": "the year's downloads at the scenario's rate",
    "revenue_change_pct": "what the rise did to the year's revenue [%]",
    "break_even_licensed_rate_usd_per_mb": "rate at which paying labels wholesale leaves no contribution margin [USD/MB]",
    # the fit (allofmp3-sim fit)
    "report": "name of a documented report (assumptions.yaml reports:)",
    "date": "the date the figure describes (a period's end for sums)",
    "source": "where it comes from: a report's address, or the file, folder or 'builtin' the tracks came from",
    "quantity": "what the model computes to compare: customers, revenue_usd, track_price_usd ...",
    "reported": "the reported value, or its band low-high [the report's unit]",
    "centre": "the value the fit aims at: the value, or the band's geometric middle [the report's unit]",
    "model": "the scenario's model figure, as every other view shows it [the report's unit]",
    "sigma_ln": "the report's uncertainty: standard deviation of ln(reported / true)",
    "residual": "(ln model - ln centre) / sigma_ln: the miss in units of the report's uncertainty",
    "used": "whether the fit used the report (false: switched off with --without)",
    "parameter": "a fitted input (dotted name in assumptions.yaml)",
    "start": "its value before the fit [its unit]",
    "fitted": "its fitted value [its unit]",
    "std_error": "its marginal standard error from the fit's covariance [its unit]",
    "conditional_std_error": "its standard error with the other fitted values held, 1/sqrt((J'J)_jj) [its unit]",
    "refitted": "the report's figure in the model after this fit [the report's unit]",
    "refitted_residual": "the residual after this fit, in units of the report's uncertainty",
    # one track
    "encoding": "the encoding priced, <format>-<kbps> or flac / wav",
    "bitrate_kbps": "encoded (average) bitrate [kbit/s; 1 kbps = 1000 bit/s]",
    "duration_ms": "track length [ms]",
    "duration": "track length [m:ss or h:mm:ss]",
    "duration_s": "track length, or an album's total [s]",
    "size_bytes": "file size: bitrate x length / 8, rounded up, plus tags [bytes]",
    "size_mb": "file size in decimal megabytes (10^6 bytes); in price and market, in the unit of mb_unit [MB or MiB]",
    "size_mib": "file size in binary megabytes (2^20 bytes): size_mb's name when pricing.mb_convention is binary [MiB]",
    "mb_unit": "MB (10^6 bytes) or MiB (2^20 bytes)",
    "rate_usd_per_mb": ("price of one MB (or MiB); in demand, the closed-form best rate, maybe outside the bounds; in "
                        "the lawsuit, the dated rates of June-October 2006 weighted by their days [USD/MB]"),
    "discount_share": "fraction taken off the rate [0-1]",
    "rounding": "rounding rule: per_track, per_basket or unrounded",
    "price_usd": "what the buyer paid (an album: each track rounded, summed) [USD]",
    "royalty_usd": "paid to ROMS, the same as roms_usd [USD]",
    "roms_usd": "paid to ROMS, the Russian collecting society [USD; per year in market tables]",
    "fair_usd": "paid to FAIR (0 when FAIR is off) [USD; per year in market tables]",
    "card_fee_usd": "card processing fees [USD; per year in market tables]",
    "bandwidth_usd": "cost of serving the bytes [USD; per year in market tables]",
    "operator_usd": "what the store kept: the price less every other part, before fixed costs [USD]",
    "itunes_price_usd": "iTunes' price of one track [USD]",
    # catalogue
    "album": "album title",
    "artist": "album artist (or the track's artist)",
    "track": "track title",
    "tracks": "tracks in the album [tracks]",
    "price_per_basket_usd": "the album's exact total rounded once [USD]",
    "itunes_usd": "tracks x the iTunes track price [USD; per year in models]",
    # market year
    "preset": "the preset the scenario starts from ((defaults): none)",
    "customers": "paying customers [customers; printed whole, JSON keeps the model's fraction]",
    "paying_factor": "share of customers able to pay (card freeze) [0-1]",
    "downloads_per_customer": "tracks a customer buys [downloads/customer/year]",
    "downloads": "tracks sold [downloads/year; printed whole]",
    "mean_size_mb": "mean size of a download [MB or MiB]",
    "mean_price_usd": "mean price of a download [USD/download]",
    "revenue_usd": "what customers paid [USD/year]",
    "labels_usd": "label wholesale, when labels are paid per download [USD/year]",
    "operator_margin_usd": ("the operator's contribution margin (before fixed costs): revenue less ROMS, FAIR, labels, "
                            "card fees and bandwidth [USD/year]"),
    "data_served_tb": "data served [TB/year; 1 TB = 10^12 bytes]",
    "revenue_per_customer_usd": "revenue / customers [USD/customer/year]",
    "reported_revenue_usd": "revenue the press reported [USD/year]",
    "reported_customers": "customers the press reported [customers]",
    "revenue_gap_usd": "revenue_usd - reported_revenue_usd [USD/year]",
    "revenue_gap_pct": "that gap relative to the reported revenue [%]",
    "customers_gap": "customers - reported_customers [customers]",
    "customers_gap_pct": "that gap relative to the reported customers [%]",
    # solve
    "input": "the input's dotted name in assumptions.yaml",
    "value": "the input's value that hits the target [the input's unit]",
    "unit": "unit of the input (or of the output)",
    "output": "the output's name (a field of the market year)",
    "target": "the output's target [the output's unit]",
    "achieved": "the output at the solved value [the output's unit]",
    "error": "achieved - target [the output's unit]",
    "iterations": "iterations of Brent's method",
    "function_calls": "market years computed (scan and solve)",
    "bounds_min": "lowest value the input may take [the input's unit]",
    "bounds_max": "highest value the input may take [the input's unit]",
    # demand
    "case": "allofmp3 (the scenario), itunes_same_downloads, itunes_with_demand",
    "label": "the row's name in words",
    "price_per_download_usd": "price of one download [USD/download]",
    "rights_holders_usd": "paid to rights holders (ROMS and FAIR, or label wholesale) [USD/year]",
    "rights_holders_low_usd": "the same at the low wholesale price [USD/year]",
    "rights_holders_high_usd": "the same at the high wholesale price [USD/year]",
    "rights_holders_share": "rights_holders_usd / revenue_usd [0-1]",
    "objective": "revenue or profit",
    "interior": "whether an interior maximum exists (the closed form applies)",
    "best_rate_usd_per_mb": "the best rate within the bounds (closed form clipped, or the bound it runs to) [USD/MB]",
    "best_value_usd": "the objective at that rate [USD/year]",
    "numeric_rate_usd_per_mb": "the best rate found numerically on the full market model (a check) [USD/MB]",
    "in_bounds": "whether the closed-form rate lies within the rate's bounds",
    "direction": "how the objective moves with the rate: rises, falls, flat or peaks",
    "gross_share": "shares of gross taken before the operator (profit only; 0 for revenue) [0-1]",
    "cost_usd_per_mb": "cost per MB served (profit only; 0 for revenue) [USD/MB]",
    "bounds": "the rate's bounds [USD/MB]",
    "statement": "the result in one sentence",
    # models
    "listener": "kind of listener (singles, long tracks, album buyer, lossless, light, heavy)",
    "tracks_per_year": "tracks the listener buys [tracks/year]",
    "per_mb_usd": "a year of buying at the rate per MB [USD/year]",
    "itunes_album_cap_usd": "the same at iTunes with albums capped at the album price [USD/year]",
    "itunes_plus_usd": "the same at iTunes Plus prices [USD/year]",
    "subscription_usd": "an eMusic-style subscription with enough credits [USD/year]",
    "cheapest_model": "the cheapest pricing model for this listener",
    "dearest_model": "the dearest pricing model for this listener",
    "cheapest_licensed_model": "the cheapest of the licensed models (all but per MB)",
    "per_mb_vs_itunes": "per_mb_usd / itunes_usd [ratio]",
    "usd_per_s": "per-MB price of one second of audio [USD/s]",
    "itunes_s": "track length at which per MB costs the iTunes track price [s]",
    "itunes_plus_s": "track length at which per MB costs the iTunes Plus price [s]",
    "subscription_s": "track length at which per MB costs one subscription credit [s]",
    # rights
    "roms_usd_per_download": "ROMS's share of a mean download [USD/download]",
    "fair_usd_per_download": "FAIR's share of a mean download [USD/download]",
    "wholesale_usd_per_download": "labels' price per download at iTunes terms [USD/download]",
    "wholesale_low_usd_per_download": "the low end of that [USD/download]",
    "wholesale_high_usd_per_download": "the high end of that [USD/download]",
    "roms_usd_per_year": "ROMS's payout [USD/year]",
    "fair_usd_per_year": "FAIR's payout [USD/year]",
    "wholesale_usd_per_year": "labels at iTunes wholesale for the same downloads [USD/year]",
    "wholesale_low_usd_per_year": "the same at the low wholesale price [USD/year]",
    "wholesale_high_usd_per_year": "the same at the high wholesale price [USD/year]",
    "wholesale_to_paid_ratio": "wholesale / (ROMS + FAIR): how many times more labels would have got [ratio]",
    "shortfall_usd_per_year": "wholesale - (ROMS + FAIR) [USD/year]",
    "wholesale_share_of_revenue": "wholesale / the store's receipts (above 1: more than the store took) [ratio]",
    "songs": "songs bought by US customers June-October 2006, named in the US labels' lawsuit [songs]",
    "statutory_damages_usd_per_song": ("the most the US statute allows per work wilfully infringed, however many copies "
                                       "were sold [USD/song]"),
    "claim_usd": ("songs x statutory damages: the press's $1.65 trillion, not what the statute allows (17 U.S.C. "
                  "504(c) awards damages per work infringed, not per copy) [USD]"),
    "itunes_retail_usd": "the same songs' downloads at iTunes retail [USD]",
    "itunes_wholesale_usd": "the same songs' downloads at label wholesale [USD]",
    "claim_to_revenue_ratio": "how many times the claim exceeds what the songs earned the store [ratio]",
    "claim_to_roms_ratio": "how many times the claim exceeds what the songs earned ROMS [ratio]",
    "claim_to_wholesale_ratio": "how many times the claim exceeds the songs at label wholesale [ratio]",
    # timeline
    "month": "calendar month [YYYY-MM]",
    "year": "calendar year",
    "days": "days in the month [days]",
    "days_open": "days the store sold in the period [days]",
    "annualized_revenue_usd": "the month's revenue x 12 [USD/year]",
    "events": "what happened that month (rate steps, card stops, shutdown)",
    # uncertainty
    "low": "the input's low end: of its plausible range or drawn triangle; for a fitted parameter one standard "
           "error below its value [the input's unit]",
    "base": "the input's value in the scenario [the input's unit]",
    "high": "the input's high end [the input's unit]",
    "output_unit": "unit of the output",
    "output_at_low": "the output with this input at its low [the output's unit]",
    "output_base": "the output at the scenario's values [the output's unit]",
    "output_at_high": "the output with this input at its high [the output's unit]",
    "swing": "|output_at_high - output_at_low| [the output's unit]",
    "draws": "joint draws of every uncertain input [draws]",
    "seed": "random seed",
    "distribution": "how the input is drawn: normal or lognormal (a fitted parameter, around its value) or "
                    "triangular (over its plausible range)",
    "mode": "the scenario's value: the triangle's peak, the normal's mean, the lognormal's median [the input's unit]",
    "sd": "standard deviation of a normal [the input's unit], or of the log of a lognormal [ln]; empty for a triangle",
    "p5_value": "5th percentile of the output [the output's unit]",
    "p50_value": "median of the output [the output's unit]",
    "p95_value": "95th percentile of the output [the output's unit]",
    "mean_value": "mean of the output [the output's unit]",
    "deterministic_value": "the output at the scenario's own values [the output's unit]",
    "deterministic_percentile": "share of draws below the scenario's own value: where it sits in its band [%]",
    # customers
    "downloads_sigma": "spread of ln(downloads per customer) [1]",
    "mean_downloads": "mean simulated downloads [downloads/customer/year]",
    "mean_downloads_se": "standard error of that mean [downloads/customer/year]",
    "mean_spend_usd": "mean spend per customer [USD/customer/year]",
    "median_spend_usd": "median spend per customer [USD/customer/year]",
    "gini": "Gini coefficient of spend [0-1]",
    "gini_bin_error": "bound of the Gini's binning error [0-1]",
    "gini_lognormal": "closed-form Gini of the lognormal [0-1]",
    "top_1_share": "share of revenue from the top 1% of spenders [0-1]",
    "top_10_share": "share of revenue from the top 10% of spenders [0-1]",
    "top_20_share": "share of revenue from the top 20% of spenders [0-1]",
    "lorenz_population_share": "Lorenz curve: share of customers, poorest first [0-1] (JSON only)",
    "lorenz_revenue_share": "Lorenz curve: their share of revenue [0-1] (JSON only)",
    "lorenz_spend_usd": "Lorenz curve: spend at each point [USD/customer/year] (JSON only)",
    "hist_edges_usd": "spend histogram: bin edges [USD/customer/year] (JSON only)",
    "hist_customers": "spend histogram: customers per bin [customers] (JSON only)",
    "hist_revenue_usd": "spend histogram: revenue per bin [USD/year] (JSON only)",
    "clone_threshold_usd": "spend above which the invite-only clone keeps a customer [USD/customer/year]",
    "clone_customers": "customers the clone keeps [customers]",
    "clone_customer_share": "their share of customers [0-1]",
    "clone_revenue_usd": "their revenue [USD/year]",
    "clone_revenue_share": "their share of revenue [0-1]",
    # presets
    "name": "the preset's name (for --preset)",
    "purpose": "what the preset teaches",
    "overrides": "the inputs it changes, by dotted name",
    "rights": "the rights comparison (the keys above, JSON only)",
    "lawsuit": "the lawsuit arithmetic (the keys above, JSON only)",
    # what a catalogue file held (catalogue --json: "catalogue" and "total")
    "rows_read": "rows or entries read from the source [rows]",
    "tracks_priced": "tracks priced (rows read less those left out or skipped) [tracks]",
    "excluded": "items left out, by kind [items]",
    "video": "videos left out [items]",
    "podcast": "podcast episodes left out, audio or video [items]",
    "audiobook": "audiobooks left out [items]",
    "booklet": "PDF booklets left out [items]",
    "ebook": "ebooks left out [items]",
    "app": "apps left out [items]",
    "stream": "internet streams left out (a playlist's URLs) [items]",
    "other_file": "files in a folder that are not audio [files]",
    "missing_file": "playlist entries whose file is missing and whose length is unknown [entries]",
    "skipped_bad_rows": "bad rows skipped with --skip-bad-rows [rows]",
    "skipped_examples": "why the first few skipped rows were bad [text]",
    "columns": "which column of the file gave each role (title, artist, album, duration ...)",
    "warnings": "what the reader noticed and worked around [text]",
    "catalogue": "what was read: source, rows, tracks priced, items left out, columns used",
    "total": "the whole catalogue's size and price at the chosen encoding",
    "real_bytes_tracks": "tracks priced at their own file size (--real-bytes) [tracks]",
}


def epilog(columns: Iterable[str], intro: str = "Columns (JSON keys) and their units:") -> str:
    """Return the ``--help`` epilog explaining ``columns`` from :data:`GLOSSARY`.

    Raises
    ------
    KeyError
        If a column is not in the glossary (a new column must be explained there).
    """
    return columns_epilog({c: GLOSSARY[c] for c in columns}, intro)
