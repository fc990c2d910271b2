"""Walk-through 6 (South Yorkshire): the fly-tipping land-type table showed its counts as
"2528.0", "1888.0" beside "4,549" incidents - counts read as measurements. They are counts, shown
as the other counts are."""

import pandas as pd

from saferstats.report.tables import column_kind, display_table


def test_land_type_counts_are_shown_as_counts():
    # Barnsley and Doncaster, 2021/22, as the report's table holds them ([c] for hidden cells)
    frame = pd.DataFrame({"la_name": ["Barnsley", "Doncaster"], "incidents": [4549, 3674],
                          "highway_footpath": [2528.0, 3201.0], "council_land": [1888.0, "[c]"],
                          "private_land": [105.0, "[c]"], "other_land": [28.0, 177.0], "private_percent": [2.3, "[c]"]})
    assert {column_kind(c) for c in ("highway_footpath", "council_land", "private_land", "other_land")} == {"count"}
    t = display_table(frame, "land")
    text = repr(t.rows)
    assert "2,528" in text and "1,888" in text and "[c]" in text
    assert "2528.0" not in text and "1888.0" not in text and "105.0" not in text
