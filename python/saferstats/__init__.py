"""saferstats: the statistics of a Community Safety Partnership strategic assessment.

Rates with exact confidence intervals, year-on-year change and trends (hate crime),
stop-and-search disproportionality, fly-tipping hotspots and Section 136 outcomes — a Rust core
with a pandas-facing Python API.

>>> import saferstats
>>> saferstats.rate_ci([5, 20], [100, 100])[["rate", "lower", "upper", "method"]].round(3)
      rate      lower      upper method
0   5000.0   1623.486  11668.332  exact
1  20000.0  12211.429  30889.880   byar
"""

from __future__ import annotations

import logging as _logging

# Progress and diagnostics go through logging (the "saferstats" logger); nothing is printed
# unless the application configures logging (the CLI's --verbose does).
_logging.getLogger(__name__).addHandler(_logging.NullHandler())

from . import datasets, geography, plotting  # noqa: E402
from ._saferstats import __version__
from .disclosure import suppress
from .geography import (
    BROAD_GROUPS,
    StudyArea,
    area_lookup,
    assign_area,
    assign_lsoa21,
    census_population,
    find_area,
    force_id,
    force_name,
)
from .disproportionality import (
    HO_ETHNICITY_GROUPS,
    assign_ethnicity,
    disproportionality,
    outcome_test,
)
from .exceptions import (
    AmbiguousAreaError,
    BoundaryError,
    ConvergenceError,
    CoordinateError,
    InvalidInputError,
    LengthMismatchError,
    MissingValueError,
    SaferstatsError,
    SaferstatsWarning,
    UnknownAreaError,
)
from . import exceptions as _exceptions
from . import rates as _rates
from . import synthetic
from . import trend as _trend
from .trend import (
    add_rates,
    financial_years,
    funnel_limits,
    funnel_significance,
    funnel_target,
    mann_kendall,
    parse_periods,
    poisson_trend,
    compare_trends,
    shares,
    short_group_labels,
    year_on_year,
)
from . import hotspot as _hotspot
from .hotspot import *  # noqa: F403 - the hotspot API, as listed in hotspot.__all__
from .io import read_stop_search
from . import geo, monitoring
from .monitoring import *  # noqa: F403 - the monitoring API, as listed in monitoring.__all__
from .io import read_mha_annual
from .published import (is_street_crime_file, read_census_ethnicity, read_fixmystreet, read_flytipping,
                        read_hate_crime, read_mid_year_population, read_street_crime)
from .published import read_use_of_force
from .outcomes import (
    ItsResult,
    before_after,
    compare_proportions,
    its_poisson,
    monthly_counts,
)
from .s136 import S136Summary, s136_summary
from .plotting import (
    plot_clusters,
    plot_disproportionality,
    plot_funnel,
    plot_gi,
    plot_its,
    plot_areas,
    plot_kde,
    plot_trend,
)
from .rates import (
    ESP2013,
    dsr,
    percent_change,
    proportion_ci,
    proportion_difference,
    rate_ci,
    rate_ratio,
)

__all__ = [
    "__version__",
    "datasets",
    "read_stop_search",
    "disproportionality",
    "outcome_test",
    "assign_ethnicity",
    "census_population",
    "assign_lsoa21",
    "HO_ETHNICITY_GROUPS",
    "its_poisson",
    "ItsResult",
    "compare_proportions",
    "s136_summary",
    "S136Summary",
    "before_after",
    "monthly_counts",
    "read_mha_annual",
    "read_street_crime",
    "is_street_crime_file",
    "read_hate_crime",
    "read_flytipping",
    "read_fixmystreet",
    "read_census_ethnicity",
    "read_mid_year_population",
    "read_use_of_force",
    "suppress",
    "synthetic",
    "plot_its",
    "plot_clusters",
    "plot_areas",
    "plot_kde",
    "plot_gi",
    "plotting",
    "plot_funnel",
    "plot_trend",
    "plot_disproportionality",
    "assign_area",
    "find_area",
    "force_id",
    "force_name",
    "area_lookup",
    "BROAD_GROUPS",
    "StudyArea",
    "geography",
    "monitoring",
    "geo",
]
# the public names of these modules, as their __all__ lists them
__all__ += _exceptions.__all__
__all__ += _rates.__all__
__all__ += _trend.__all__
__all__ += monitoring.__all__
__all__ += _hotspot.__all__
# any other public name of geography (its __all__), once each
__all__ += [n for n in geography.__all__ if n not in __all__]
