"""An item counted in a unit stocksim has no word for is shown in the scenario's own word, in every
place a count is written: the dashboard's tables, the charts' axes, the plan, the inventory template."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import base_dict, simulate

from stocksim.present.charts import consumption_figure
from stocksim.present.dashboard import first_short
from stocksim.present.i18n import unit_word
from stocksim.results.stats import daily_bands


def test_known_unit_words_in_both_languages_and_any_other_word_as_given():
    assert unit_word("piece", "zh") == "件" and unit_word("pair", "en") == "pairs" and unit_word("box", "zh") == "盒"
    assert unit_word("ampoule", "zh") == "ampoule" and unit_word("ampoule", "en") == "ampoule"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_unit_without_a_word_of_its_own_is_shown_as_the_scenario_gives_it(lang):
    d = base_dict(horizon_days=20)
    d["items"][0]["unit"] = "ampoule"
    r = simulate(d)  # 100 in stock, 10 a day: short from day 10
    s = r.scenario
    table = first_short(r.summary, s, lang)
    assert table.iloc[:, -1].str.endswith(" ampoule").all() and len(table) == 1
    bands = pd.concat([daily_bands(r.daily, m) for m in ("on_hand", "demand")], ignore_index=True)
    figure = consumption_figure(bands, s, "a", "x", cumulative=False, lang=lang)
    assert "ampoule" in figure.axes[0].get_ylabel()
