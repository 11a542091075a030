"""Customers are not all alike: an agent-level market year, streamed in chunks.

Model
-----
The year's customers ``C`` and their mean downloads ``m`` come from the one store model,
:func:`simulator.model.market.market_year` (``C`` = accounts at the year's end,
``m = downloads / C``). Each customer buys a continuous, lognormal number of downloads
``X = exp(mu + sigma Z)``, ``Z ~ N(0, 1)``, with ``sigma = customers.downloads_sigma`` and
``mu = ln(m) - sigma**2 / 2`` so that ``E[X] = m``. Every download costs the year's mean
price ``p``, so spend ``= p X`` [USD/year] and the expected revenue equals the market
year's. Downloads are treated as continuous (no Poisson counts), which keeps the Gini
comparable with the lognormal closed form ``G = 2 Phi(sigma / sqrt 2) - 1 = erf(sigma / 2)``
(Aitchison & Brown, *The Lognormal Distribution*, 1957).

Sample
------
By default every one of the ``C`` customers (rounded) is drawn. With ``sample_customers=n``
only ``n`` are drawn and every total (revenue, clone customers and revenue, the histogram's
counts and revenue) is scaled by ``C / n`` to the year's customers; shares, means, the
Gini and the Lorenz curve are the sample's (their sampling error shrinks as ``1/sqrt(n)``).

Streaming
---------
One ``numpy.random.Generator`` (``default_rng(customers.seed)``) is consumed chunk
after chunk, so the customers drawn do not depend on the chunk size. Each chunk
adds to a fixed histogram of ``FINE_BINS`` equal-width bins in ``Z`` (equivalently
log-spaced bins of spend) holding the exact count and the exact sum of downloads
of each bin; memory is a few chunk buffers, whatever ``N``. Clone figures are
counted exactly per customer.

Estimators
----------
The Gini coefficient is that of the simulated population,
``G = sum_i (2 i - N - 1) x_(i) / (N sum_i x_i)`` (= 1 - 2 x area under the
empirical Lorenz curve). The Lorenz curve passes exactly through every bin edge
(cumulative counts and sums are exact); ``gini`` is the polygon through those
points. Because bins do not overlap, ``G = G_polygon + sum_k p_k s_k G_k`` exactly,
with ``p_k, s_k`` the bin's shares of customers and revenue and ``G_k`` its
within-bin Gini, at most ``(r_k - 1) / 4`` for values spanning a ratio ``r_k``; that
bound is ``gini_bin_error`` (about 1e-6 at the defaults). Top shares interpolate
linearly inside one bin (error at most that bin's revenue share).

Examples
--------
>>> from simulator.params.scenario import make_scenario
>>> y = customer_year(make_scenario(), sample_customers=20_000)
>>> y.sample_customers, round(lognormal_gini(1.2), 3), abs(y.gini - lognormal_gini(1.2)) < 0.02
(20000, 0.604, True)
>>> bool(y.top_1_share < y.top_10_share < y.top_20_share)
True
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, fields
from statistics import NormalDist

import numpy as np

from simulator.model.market import DownloadProfile, market_year
from simulator.params.scenario import Scenario

__all__ = ["CustomerYear", "customer_year", "lognormal_gini", "lognormal_top_share"]

#: Customers drawn per chunk (implementation limit: four float64 buffers of 8 MB each).
CHUNK_CUSTOMERS = 1 << 20
#: Equal-width bins of the standard normal draw Z over [-Z_MAX, Z_MAX] (log-spaced in spend).
FINE_BINS = 8192
#: Half-width of the binned Z range; P(|Z| > 9) = 2e-19, and any outlier still lands in an end bin.
Z_MAX = 9.0
#: Fine bins merged into one bin of the chart histogram (8192 / 128 = 64 bins before trimming).
FINE_PER_CHART_BIN = 128
#: Target number of points of the downsampled Lorenz curve.
LORENZ_POINTS = 200

Progress = Callable[[int, int], object]


def lognormal_gini(sigma: float) -> float:
    """Gini coefficient of a lognormal distribution, ``2 Phi(sigma / sqrt 2) - 1 = erf(sigma / 2)``.

    Parameters
    ----------
    sigma : float
        Standard deviation of the log. [ln units]

    Examples
    --------
    >>> round(lognormal_gini(1.2), 4)
    0.6039
    """
    return math.erf(sigma / 2.0)


def lognormal_top_share(sigma: float, top: float) -> float:
    """Share of the total held by the top ``top`` fraction of a lognormal population.

    ``1 - L(1 - top)`` with the lognormal Lorenz curve ``L(u) = Phi(Phi^-1(u) - sigma)``.

    Examples
    --------
    >>> round(lognormal_top_share(1.2, 0.10), 3)
    0.468
    """
    n = NormalDist()
    return 1.0 - n.cdf(n.inv_cdf(1.0 - top) - sigma)


@dataclass(frozen=True, eq=False)
class CustomerYear:
    """The agent-level market year. Arrays are read-only numpy arrays.

    Attributes
    ----------
    customers : int
        The year's customers, ``C`` rounded (the totals are scaled to them). [customers]
    sample_customers : int
        Customers drawn, ``n`` (``customers`` unless a sample was asked for). [customers]
    seed : int
    downloads_sigma : float
        Lognormal spread of downloads per customer. [ln(downloads)]
    mean_price_usd : float
        Price of every download: the year's mean. [USD]
    downloads_per_customer : float
        The year's mean ``m`` (the store model's downloads over its customers). [downloads/customer/year]
    mean_downloads, mean_downloads_se : float
        Sample mean and its standard error ``m sqrt(exp(sigma**2) - 1) / sqrt(n)``.
    revenue_usd, mean_spend_usd, median_spend_usd : float
        Total, ``customers x mean_downloads x mean_price_usd`` [USD/year]; per customer
        [USD/customer/year] (median: within one fine bin).
    gini, gini_bin_error, gini_lognormal : float
        Simulated Gini, bound on its binning error, closed form ``erf(sigma / 2)``.
    top_1_share, top_10_share, top_20_share : float
        Revenue share of the top 1%, 10%, 20% of customers by spend. [0-1]
    lorenz_population_share, lorenz_revenue_share : ndarray, shape (k,), k about 200
        Lorenz curve from (0, 0) to (1, 1): customers spending below ``lorenz_spend_usd``
        are that share of customers and bring that share of revenue.
    lorenz_spend_usd : ndarray, shape (k,)
        Spend at each point [USD/year]; a clone inviting customers who spend at least
        this keeps ``1 - lorenz_revenue_share`` of revenue.
    hist_edges_usd : ndarray, shape (m + 1,)
        Log-spaced edges of the spend histogram. [USD/year]
    hist_customers : ndarray of float, shape (m,)
        Customers per bin, scaled to ``customers`` (whole numbers when every customer is drawn).
    hist_revenue_usd : ndarray, shape (m,)  [USD/year]
    clone_threshold_usd : float
        ``customers.clone_threshold_usd``. [USD/year]
    clone_customers : int
        Customers spending at least the threshold (exact when every customer is drawn;
        scaled from the sample and rounded otherwise).
    clone_customer_share, clone_revenue_share : float  [0-1]
    clone_revenue_usd : float
        Revenue an invite-only clone keeps if only they follow it. [USD/year]
    """

    customers: int
    sample_customers: int
    seed: int
    downloads_sigma: float
    mean_price_usd: float
    downloads_per_customer: float
    mean_downloads: float
    mean_downloads_se: float
    revenue_usd: float
    mean_spend_usd: float
    median_spend_usd: float
    gini: float
    gini_bin_error: float
    gini_lognormal: float
    top_1_share: float
    top_10_share: float
    top_20_share: float
    lorenz_population_share: np.ndarray
    lorenz_revenue_share: np.ndarray
    lorenz_spend_usd: np.ndarray
    hist_edges_usd: np.ndarray
    hist_customers: np.ndarray
    hist_revenue_usd: np.ndarray
    clone_threshold_usd: float
    clone_customers: int
    clone_customer_share: float
    clone_revenue_usd: float
    clone_revenue_share: float

    def as_dict(self) -> dict:
        """Every field by name, arrays as lists (JSON-ready)."""
        out = {}
        for f in fields(self):
            v = getattr(self, f.name)
            out[f.name] = v.tolist() if isinstance(v, np.ndarray) else v
        return out


def _stream(n: int, rng: np.random.Generator, mu: float, sigma: float, clone_downloads: float,
            chunk: int, progress: Progress | None):
    """Draw ``n`` customers chunk by chunk; return bin counts, bin download sums, clone count/sum, z range."""
    counts = np.zeros(FINE_BINS, dtype=np.int64)
    sums = np.zeros(FINE_BINS)
    per_z = FINE_BINS / (2.0 * Z_MAX)
    size = min(chunk, n)
    z, x, t = np.empty(size), np.empty(size), np.empty(size)
    idx = np.empty(size, dtype=np.int64)
    clone_n, clone_sum, z_lo, z_hi, done = 0, 0.0, math.inf, -math.inf, 0
    while done < n:
        m = min(size, n - done)
        zc, xc, tc, ic = z[:m], x[:m], t[:m], idx[:m]
        rng.standard_normal(out=zc)
        np.multiply(zc, sigma, out=xc)
        xc += mu
        np.exp(xc, out=xc)  # downloads of each customer
        np.add(zc, Z_MAX, out=tc)
        tc *= per_z
        np.clip(tc, 0, FINE_BINS - 1, out=tc)
        ic[...] = tc  # truncation = floor for values >= 0
        counts += np.bincount(ic, minlength=FINE_BINS)
        sums += np.bincount(ic, weights=xc, minlength=FINE_BINS)
        keep = xc >= clone_downloads
        clone_n += int(np.count_nonzero(keep))
        clone_sum += float(xc.sum(where=keep))
        z_lo, z_hi = min(z_lo, float(zc.min())), max(z_hi, float(zc.max()))
        done += m
        if progress is not None:
            progress(done, n)
    return counts, sums, clone_n, clone_sum, z_lo, z_hi


def _pick(pop: np.ndarray, rev: np.ndarray) -> np.ndarray:
    """Return indices of bin edges spread evenly in population share, in revenue share and in log spend."""
    k = LORENZ_POINTS // 3 + 1
    targets = np.linspace(0.0, 1.0, k)
    even = np.rint(np.linspace(0, pop.size - 1, k)).astype(np.int64)  # edges are evenly spaced in log spend
    j = np.concatenate([np.searchsorted(pop, targets), np.searchsorted(rev, targets), even])
    j = np.unique(np.clip(j, 0, pop.size - 1))
    _, first = np.unique(pop[j], return_index=True)  # empty bins repeat a point
    return j[np.sort(first)]


def _share_below(pop: np.ndarray, rev: np.ndarray, u: float) -> float:
    """Lorenz curve at population share ``u``, linear inside the bin holding it."""
    return float(np.interp(u, pop, rev))


def _readonly(a: np.ndarray) -> np.ndarray:
    a = np.ascontiguousarray(a)
    a.setflags(write=False)
    return a


def customer_year(
    scenario: Scenario,
    *,
    sample_customers: int | None = None,
    seed: int | None = None,
    progress: Progress | None = None,
    profile: DownloadProfile | None = None,
    chunk_customers: int = CHUNK_CUSTOMERS,
) -> CustomerYear:
    """Simulate every customer of the market year (see the module docstring).

    Parameters
    ----------
    scenario : Scenario
        Its market year supplies the customers, their mean downloads and the mean price;
        ``customers.downloads_sigma``, ``customers.clone_threshold_usd`` and ``customers.seed``.
    sample_customers : int, optional
        Customers to draw (default: every customer of the year); totals are scaled to the
        year's customers, so fewer is faster and changes the figures only by sampling error.
    seed : int, optional
        Overrides ``customers.seed``.
    progress : callable(done_customers, total_customers), optional
        Called after each chunk with the customers drawn so far; the last call has ``done == total``.
    profile : DownloadProfile, optional
        A precomputed download profile (e.g. of an uploaded catalogue).
    chunk_customers : int, optional
        Customers per chunk; results do not depend on it (bin counts are identical,
        sums agree to rounding).

    Returns
    -------
    CustomerYear

    Raises
    ------
    ValueError
        If the year has no customer or no download (nothing to distribute),
        ``sample_customers`` or ``chunk_customers`` < 1, or a negative seed.
    """
    s = scenario
    if chunk_customers < 1:
        raise ValueError(f"chunk_customers must be at least 1, got {chunk_customers}")
    if sample_customers is not None and (isinstance(sample_customers, bool) or int(sample_customers) != sample_customers
                                         or sample_customers < 1):
        raise ValueError(f"sample_customers must be a whole number >= 1, got {sample_customers!r}")
    y = market_year(s, profile=profile)
    mean_dl = float(y.downloads_per_customer)
    if not (y.customers >= 0.5 and mean_dl > 0):
        raise ValueError(
            "the customer simulation needs a year with customers and downloads per customer above 0 (the store "
            f"model's {y.customers:,.0f} customers and {mean_dl:g} downloads each in the year before "
            f"{s.timeline.year_end})"
        )
    total_n = int(round(y.customers))
    n = total_n if sample_customers is None else int(sample_customers)
    scale = total_n / n
    sigma = float(s.customers.downloads_sigma)
    seed = int(s.customers.seed if seed is None else seed)
    if seed < 0:
        raise ValueError(f"seed must be a whole number >= 0, got {seed}")
    price = float(y.mean_price_usd)
    threshold = float(s.customers.clone_threshold_usd)
    mu = math.log(mean_dl) - sigma**2 / 2.0
    counts, sums, clone_n, clone_sum, z_lo, z_hi = _stream(
        n, np.random.default_rng(seed), mu, sigma, threshold / price, chunk_customers, progress
    )
    total = float(sums.sum())
    first, last = np.flatnonzero(counts)[[0, -1]]
    pop = np.concatenate([[0.0], np.cumsum(counts) / n])
    rev = np.concatenate([[0.0], np.cumsum(sums) / total])
    pop[last + 1 :] = rev[last + 1 :] = 1.0  # no rounding residue at the top
    p_k, s_k = counts / n, sums / total
    gini = 1.0 - float(np.sum(p_k * (rev[:-1] + rev[1:])))
    edges_z = np.linspace(-Z_MAX, Z_MAX, FINE_BINS + 1)
    edges_z[0], edges_z[-1] = min(edges_z[0], z_lo), max(edges_z[-1], z_hi)
    span = np.expm1(sigma * np.diff(edges_z))  # r_k - 1 of each bin
    spend_at = price * np.exp(mu + sigma * edges_z)  # [USD/year] at each edge
    spend_at[first], spend_at[last + 1] = price * math.exp(mu + sigma * z_lo), price * math.exp(mu + sigma * z_hi)
    j = first + _pick(pop[first : last + 2], rev[first : last + 2])
    coarse = np.arange(0, FINE_BINS + 1, FINE_PER_CHART_BIN)
    hc = np.add.reduceat(counts, coarse[:-1])
    nz = np.flatnonzero(hc)
    lo, hi = nz[0], nz[-1] + 1
    median_z = float(np.interp(0.5, pop, edges_z))
    return CustomerYear(
        customers=total_n,
        sample_customers=n,
        seed=seed,
        downloads_sigma=sigma,
        mean_price_usd=price,
        downloads_per_customer=mean_dl,
        mean_downloads=total / n,
        mean_downloads_se=mean_dl * math.sqrt(math.expm1(sigma**2) / n),
        revenue_usd=total * price * scale,
        mean_spend_usd=total * price / n,
        median_spend_usd=price * math.exp(mu + sigma * median_z),
        gini=gini,
        gini_bin_error=float(np.sum(p_k * s_k * span)) / 4.0,
        gini_lognormal=lognormal_gini(sigma),
        top_1_share=1.0 - _share_below(pop, rev, 0.99),
        top_10_share=1.0 - _share_below(pop, rev, 0.90),
        top_20_share=1.0 - _share_below(pop, rev, 0.80),
        lorenz_population_share=_readonly(pop[j]),
        lorenz_revenue_share=_readonly(rev[j]),
        lorenz_spend_usd=_readonly(spend_at[j]),
        hist_edges_usd=_readonly(spend_at[coarse[lo : hi + 1]]),
        hist_customers=_readonly(hc[lo:hi] * scale),
        hist_revenue_usd=_readonly(np.add.reduceat(sums, coarse[:-1])[lo:hi] * price * scale),
        clone_threshold_usd=threshold,
        clone_customers=int(round(clone_n * scale)),
        clone_customer_share=clone_n / n,
        clone_revenue_usd=clone_sum * price * scale,
        clone_revenue_share=clone_sum / total,
    )
