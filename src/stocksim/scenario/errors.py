"""The one error a scenario can raise: it names the file, the path inside it and the value.

A value is shown abridged (``MAX_SHOWN`` characters, nested tables cut short), so a message never
renders a huge or deeply nested value; several problems found at once are listed together (up to
``MAX_LISTED``, the rest counted)."""

from __future__ import annotations

import reprlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from stocksim.scenario.limits import MAX_LISTED, MAX_SHOWN

_SHORT = reprlib.Repr()
_SHORT.maxstring, _SHORT.maxother, _SHORT.maxlevel = MAX_SHOWN, MAX_SHOWN, 3
_SHORT.maxdict = _SHORT.maxlist = _SHORT.maxtuple = _SHORT.maxset = 6


def shown(value: Any) -> str:
    """``repr(value)``, abridged to at most ``MAX_SHOWN`` characters (a numpy number as a Python one)."""
    text = _SHORT.repr(value.item() if isinstance(value, np.generic) else value)
    return text if len(text) <= MAX_SHOWN else text[: MAX_SHOWN - 3] + "..."


def problem_text(path: str, message: str, value: Any = None) -> str:
    where = f"{path}: " if path else ""
    return f"{where}{message}" + ("" if value is None else f" (value: {shown(value)})")


class ConfigError(Exception):
    """A scenario that cannot be used; the message names file, path and value. ``problems`` holds
    every (path, message, value) found, the first of them also as ``path``, ``message``, ``value``."""

    def __init__(self, file: str | Path, path: str, message: str, value: Any = None):
        self.file, self.path, self.value, self.message = str(file), path, value, message
        self.problems: list[tuple[str, str, Any]] = [(path, message, value)]
        super().__init__(f"{self.file}: {problem_text(path, message, value)}")

    @classmethod
    def listing(cls, file: str | Path, problems: Sequence[tuple[str, str, Any]]) -> ConfigError:
        """One error for several problems: one line if there is one, else a count and a line each."""
        if len(problems) == 1:
            return cls(file, *problems[0])
        lines = [problem_text(*p) for p in problems[:MAX_LISTED]]
        if len(problems) > MAX_LISTED:
            lines.append(f"... and {len(problems) - MAX_LISTED} more")
        err = cls(file, "", f"{len(problems)} problems:\n  " + "\n  ".join(lines))
        err.path, err.message, err.value = problems[0]
        err.problems = list(problems)
        return err
