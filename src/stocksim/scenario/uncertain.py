"""Numbers that may be uncertain: a plain number, or a distribution drawn once per replication.

A scenario may write any uncertain parameter as ``{dist: triangular, low: 1, mode: 2, high: 4}``
(or normal, lognormal, gamma, uniform). Each replication draws its own value from its own
parameter stream, so the draw does not depend on how replications are split into batches.
Draws are clipped to the field's valid range (for example a rate is never below 0).
``quantile(q)`` gives a distribution's q-quantile (scipy.stats, in the same parameterisation as
``draw``), for sensitivity analyses that set an input to a percentile.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, PlainValidator, TypeAdapter, model_validator

_FROZEN = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _stats() -> Any:
    """scipy.stats, imported when a quantile is first asked for (it is slow to import, and loading
    a scenario needs none)."""
    from scipy import stats

    return stats


class Triangular(BaseModel):
    model_config = _FROZEN
    dist: Literal["triangular"]
    low: float
    mode: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Triangular:
        if not self.low <= self.mode <= self.high or self.low == self.high:
            raise ValueError(f"needs low <= mode <= high and low < high, got {self.low}, {self.mode}, {self.high}")
        return self

    @property
    def mean(self) -> float:
        return (self.low + self.mode + self.high) / 3

    def draw(self, rng: np.random.Generator, size: Any = None) -> Any:
        return rng.triangular(self.low, self.mode, self.high, size)

    def quantile(self, q: Any) -> Any:
        width = self.high - self.low
        return _stats().triang.ppf(q, (self.mode - self.low) / width, loc=self.low, scale=width)


class Uniform(BaseModel):
    model_config = _FROZEN
    dist: Literal["uniform"]
    low: float
    high: float

    @model_validator(mode="after")
    def _ordered(self) -> Uniform:
        if not self.low < self.high:
            raise ValueError(f"needs low < high, got low={self.low}, high={self.high}")
        return self

    @property
    def mean(self) -> float:
        return (self.low + self.high) / 2

    def draw(self, rng: np.random.Generator, size: Any = None) -> Any:
        return rng.uniform(self.low, self.high, size)

    def quantile(self, q: Any) -> Any:
        return _stats().uniform.ppf(q, loc=self.low, scale=self.high - self.low)


class Normal(BaseModel):
    model_config = _FROZEN
    dist: Literal["normal"]
    mean: float
    sd: float = Field(gt=0)

    def draw(self, rng: np.random.Generator, size: Any = None) -> Any:
        return rng.normal(self.mean, self.sd, size)

    def quantile(self, q: Any) -> Any:
        return _stats().norm.ppf(q, loc=self.mean, scale=self.sd)


class LogNormal(BaseModel):
    """Lognormal given by the mean and standard deviation of the quantity itself (not of its log)."""

    model_config = _FROZEN
    dist: Literal["lognormal"]
    mean: float = Field(gt=0)
    sd: float = Field(gt=0)

    def _log_mean_sd(self) -> tuple[float, float]:
        sigma2 = math.log1p((self.sd / self.mean) ** 2)
        return math.log(self.mean) - sigma2 / 2, math.sqrt(sigma2)

    def draw(self, rng: np.random.Generator, size: Any = None) -> Any:
        return rng.lognormal(*self._log_mean_sd(), size)

    def quantile(self, q: Any) -> Any:
        mu, sigma = self._log_mean_sd()
        return _stats().lognorm.ppf(q, sigma, scale=math.exp(mu))


class Gamma(BaseModel):
    """Gamma given by its mean and standard deviation: shape (mean/sd)^2, scale sd^2/mean."""

    model_config = _FROZEN
    dist: Literal["gamma"]
    mean: float = Field(gt=0)
    sd: float = Field(gt=0)

    def draw(self, rng: np.random.Generator, size: Any = None) -> Any:
        return rng.gamma((self.mean / self.sd) ** 2, self.sd**2 / self.mean, size)

    def quantile(self, q: Any) -> Any:
        return _stats().gamma.ppf(q, (self.mean / self.sd) ** 2, scale=self.sd**2 / self.mean)


Dist = Annotated[Triangular | Uniform | Normal | LogNormal | Gamma, Field(discriminator="dist")]
_DIST = TypeAdapter(Dist)
DIST_NAMES = ("triangular", "uniform", "normal", "lognormal", "gamma")


def _parse(value: Any) -> float | BaseModel:  # a distribution, or a model already validated
    if isinstance(value, bool):
        raise ValueError("expected a number or a distribution, got a boolean")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueError("expected a finite number")
        return float(value)
    if isinstance(value, BaseModel):
        return value  # already validated (for example a resolved config fed back in)
    if isinstance(value, dict):
        if value.get("dist") not in DIST_NAMES:
            raise ValueError(f"'dist' must be one of {', '.join(DIST_NAMES)}")
        try:
            return _DIST.validate_python(value)
        except Exception as exc:  # pydantic's own message, flattened to one line
            msgs = "; ".join(_flat(e) for e in getattr(exc, "errors", lambda: [])())
            raise ValueError(msgs or str(exc)) from None
    raise ValueError("expected a number or a distribution such as {dist: triangular, low, mode, high}")


def _flat(err: dict) -> str:
    loc = ".".join(str(p) for p in err.get("loc", ())[1:])
    return f"{loc}: {err['msg']}" if loc else err["msg"]


Uncertain = Annotated[Any, PlainValidator(_parse)]
"""A config field that is a number or a distribution."""


def is_uncertain(value: Any) -> bool:
    return isinstance(value, BaseModel) and hasattr(value, "draw")


def mean_of(value: Any) -> float:
    """The expected value of a number or a distribution (for planning figures, not for draws)."""
    return float(value.mean) if is_uncertain(value) else float(value)


def draw_per_replication(
    value: Any, rngs: list[np.random.Generator], low: float = 0.0, high: float = math.inf
) -> np.ndarray:
    """One value per replication, shape (len(rngs),), clipped to [low, high].

    A plain number consumes no random numbers, so adding a distribution to one parameter does not
    change the draws of the others that come before it.
    """
    if is_uncertain(value):
        out = np.fromiter((value.draw(rng) for rng in rngs), float, len(rngs))
        return np.clip(out, low, high)
    return np.full(len(rngs), float(value))
