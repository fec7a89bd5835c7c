"""The synthetic series of the scenario tests."""

from __future__ import annotations

import pandas as pd
import pytest
from synthetic import synthetic_levels


@pytest.fixture(scope="session")
def series() -> pd.DataFrame:
    return synthetic_levels()
