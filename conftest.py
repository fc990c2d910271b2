"""pytest configuration shared by the doctests (README, python/saferstats) and tests/python."""

import pandas as pd

# Wide, stable DataFrame reprs for doctests.
pd.set_option("display.width", 200)
pd.set_option("display.max_columns", 30)

# Under CI (CI=true) hypothesis runs derandomized (same examples every run); locally it explores.
import os

from hypothesis import settings

settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")
