"""The sentences of ``stocksim size`` comparing two policies when one or both cannot meet the target."""

from __future__ import annotations

import re

import numpy as np
import pytest
from conftest import ROOT

from stocksim.experiment.sizing import Check, Lever, Sizing, Target
from stocksim.present.searches import difference_sentence, size_lines
from stocksim.present.verdict import policy_words
from stocksim.scenario import load_scenario


def _sizing(policy: str, value: float | None) -> Sizing:
    met = value is not None
    return Sizing(
        policy=policy,
        target=Target("p_stockout", None, "<=", 0.05),
        lever=Lever("coverage_days", None),
        value=value,
        limit=365.0,
        cities=(0,),
        units=np.array([[100.0]]),
        unit_cost=np.array([2.0]),
        estimate=0.04 if met else 0.8,
        check=Check(0.04 if met else 0.8, 0.02, 0.06, 400, met),
        evaluations=10,
        daily_max_varies=False,
        seed=1,
        replications=400,
    )


@pytest.mark.parametrize(
    ("base", "other", "which"),
    [(None, 8.0, "a"), (8.0, None, "b"), (None, None, "a and b")],
)
def test_a_policy_that_cannot_meet_the_target_is_named_as_such(base, other, which):
    line = difference_sentence(_sizing("a", base), _sizing("b", other))
    assert (
        line == f"a and b cannot be set side by side: {which} does not meet the target with any reserve up to the limit"
    )


def test_in_chinese_both_policies_are_joined_with_the_enumeration_comma():
    line = difference_sentence(_sizing("a", None), _sizing("b", None), "zh")
    assert line == "a与b无法比较：a、b在上限以内的任何储备下都达不到目标"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_without_codes_each_policy_is_named_once_in_words(lang):
    """ "independent procurement" contains the code "independent": replacing codes one after another
    would name it twice ("independent procurement procurement"); in Chinese a code beside Chinese
    text must still be replaced."""
    s = load_scenario(ROOT / "configs" / "jinan-circle.yaml").scenario
    policies = ["independent", "joint-combined+transfers"]
    lines = size_lines([_sizing(p, v) for p, v in zip(policies, (None, 8.0), strict=True)], s, lang, codes=False)
    text = "\n".join(lines)
    for p in policies:
        words = policy_words(p, lang)
        assert words in text and f"{words} ({p})" not in text and f"{words}（{p}）" not in text
    assert "procurement procurement" not in text
    assert not re.search(
        r"(?<![A-Za-z0-9_+-])(independent|joint-combined\+transfers)(?![A-Za-z0-9_+-])",
        text.replace(policy_words("independent", lang), "").replace(policy_words("joint-combined+transfers", lang), ""),
    )
