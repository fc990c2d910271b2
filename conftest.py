"""pytest configuration shared by the doctests (README, python/saferstats) and tests/python."""

import pandas as pd

# Wide, stable DataFrame reprs for doctests.
pd.set_option("display.width", 200)
pd.set_option("display.max_columns", 30)
