"""The one error a scenario can raise: it names the file, the path inside it and the value."""

from __future__ import annotations

from pathlib import Path
from typing import Any


class ConfigError(Exception):
    """A scenario that cannot be used; the message names file, path and value."""

    def __init__(self, file: str | Path, path: str, message: str, value: Any = None):
        self.file, self.path, self.value, self.message = str(file), path, value, message
        shown = "" if value is None else f" (value: {value!r})"
        where = f"{self.file}: {path}: " if path else f"{self.file}: "
        super().__init__(f"{where}{message}{shown}")
