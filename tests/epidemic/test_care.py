"""The care pathway: admissions follow onsets by the delay, stay their days, and overflow the beds."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import CARE, census_of, seir_dict


def test_patients_beyond_the_beds_are_reported_as_overflow():
    d = seir_dict(r0=3.0)
    d["horizon_days"] = 150
    roomy = census_of(d)
    d["cities"][0]["designated_beds"] = 500
    tight = census_of(d)
    np.testing.assert_allclose(tight["severe"] + tight["severe_overflow"], roomy["severe"])
    np.testing.assert_allclose(tight["icu"] + tight["icu_overflow"], roomy["icu"])
    assert tight["severe"].max() == pytest.approx(400) and tight["icu"].max() == pytest.approx(100)
    assert tight["severe_overflow"].max() > 0


def test_care_pathway_delays_and_stays():
    """The census is the admissions of the last stay_days days; admissions follow onsets by delay_days."""
    d = seir_dict(r0=2.0)
    d["horizon_days"] = 80
    c = census_of(d).set_index("day")
    # Onsets (E -> I flows) from the compartments: I(t) - I(t-1) + recoveries(t).
    recovered = c["recovered"].diff().fillna(c["recovered"])
    onsets = c["infectious"].diff().fillna(c["infectious"]) + recovered
    for sev, spec in CARE.items():
        admitted = (onsets * spec["share"]).shift(spec["delay_days"], fill_value=0.0)
        expected = admitted.rolling(spec["stay_days"], min_periods=1).sum()
        np.testing.assert_allclose(c[sev], expected, rtol=1e-6, atol=1e-6)
