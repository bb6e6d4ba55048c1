"""Choice widgets whose options are shown in the page's language. Streamlit knows a choice by its
shown label, so each language gets its own widget (key ``KEY@lang``) and the choice itself is kept
in the session under ``keep:KEY``: switching language keeps every selection."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st


def kept(key: str, default: Any = None) -> Any:
    """The choice last made in the widget ``key``, in any language."""
    return st.session_state.get(f"keep:{key}", default)


def choose(
    kind: str,
    where: Any,
    label: str,
    options: Sequence[Any],
    key: str,
    lang: str,
    format_func: Callable[[Any], str],
    default: Any = None,
    **kwargs: Any,
) -> Any:
    """``st.selectbox``, ``st.radio`` or ``st.multiselect`` (``kind``) in ``where`` (st or a column)."""
    options = list(options)
    current = kept(key, default)
    widget_key = f"{key}@{lang}"
    if kind == "multiselect":
        chosen = [v for v in (current or []) if v in options]
        value = where.multiselect(label, options, default=chosen, key=widget_key, format_func=format_func, **kwargs)
    else:
        index = options.index(current) if current in options else 0
        value = getattr(where, kind)(label, options, index=index, key=widget_key, format_func=format_func, **kwargs)
    st.session_state[f"keep:{key}"] = value
    return value
