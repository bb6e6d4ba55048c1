"""The scenario: what an analyst writes in YAML, validated once into immutable typed objects.

Every error names the file, the path inside it and the offending value, for example
``configs/x.yaml: cities[2].stock.n95_respirator: must be >= 0 (value: -5)``.
Key names are a contract with users and with later features; see ``configs/README.md``.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from stocksim.scenario.limits import MAX_HORIZON_DAYS, MAX_POPULATION, MAX_REPLICATIONS, MAX_SEED
from stocksim.scenario.uncertain import Uncertain

# allow_inf_nan: every number finite (inf and nan refused in every float field, however written)
_FROZEN = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)
SEVERITIES = ("mild", "severe", "icu")
# Response levels, lowest first; a level's code in the arrays is its index here (0 = no level).
LEVEL_NAMES = ("none", "IV", "III", "II", "I")
Id = Annotated[str, Field(min_length=1, pattern=r"^[A-Za-z0-9_\-]+$")]
NonNeg = Annotated[float, Field(ge=0, allow_inf_nan=False)]
Positive = Annotated[float, Field(gt=0, allow_inf_nan=False)]


class Item(BaseModel):
    """A protective item. ``uses_per_unit``: how many uses (shifts, donnings) one unit serves, for a
    reusable item such as goggles reprocessed after each use; every demand rate counts uses, and
    units consumed = uses / uses_per_unit (1: a single-use item)."""

    model_config = _FROZEN
    id: Id
    name: str
    name_zh: str = ""
    unit: str = "piece"
    shelf_life_days: int = Field(gt=0)
    unit_cost_cny: Uncertain = 0.0
    uses_per_unit: float = Field(default=1.0, ge=1, allow_inf_nan=False)


class Lot(BaseModel):
    model_config = _FROZEN
    item: Id
    quantity: NonNeg
    expires_day: int = Field(ge=0)


class Agreement(BaseModel):
    """Agreement reserve (协议储备): units an enterprise holds for the city, called when the city's
    reserve is released and delivered ``call_days`` later into working stock."""

    model_config = _FROZEN
    item: Id
    quantity: NonNeg
    call_days: int = Field(ge=1)


class City(BaseModel):
    model_config = _FROZEN
    id: Id
    name: str
    name_zh: str = ""
    population: int = Field(gt=0, le=MAX_POPULATION)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    beds: int = Field(ge=0)
    designated_beds: Uncertain = 0.0
    designated_icu_share: Uncertain = 0.0
    health_workers: Uncertain
    stock: dict[Id, NonNeg] = {}
    lots: list[Lot] = []
    reserve: dict[Id, NonNeg] = {}  # with reserve.pools: separate, the reserve apart from working stock
    reserve_lots: list[Lot] = []
    agreements: list[Agreement] = []  # with reserve.pools: separate; one entry per item


class Release(BaseModel):
    """When a city's reserve may serve its demand (and depots ship to it)."""

    model_config = _FROZEN
    at_level: Literal["IV", "III", "II", "I"] = "IV"
    when_working_out: bool = False


class Observed(BaseModel):
    """Recorded daily use per city and item (a CSV, scenario/observed.py): the ``observed`` daily max
    is the highest trailing ``window_days`` mean. ``daily_max`` and ``circle`` are filled in from
    the file when the scenario is loaded (the manifest shows them); a scenario does not give them."""

    model_config = _FROZEN
    file: str = Field(min_length=1)
    window_days: int = Field(default=7, ge=1)
    daily_max: dict[Id, dict[Id, NonNeg]] = {}  # city -> item -> units/day, from the file
    circle: dict[Id, NonNeg] = {}  # item -> units/day: the same of the cities' summed use


class Reserve(BaseModel):
    model_config = _FROZEN
    coverage_days: float = Field(default=30.0, gt=0)
    daily_max: Literal["full_load", "peak", "declared", "observed"] = "full_load"
    declared: dict[Id, dict[Id, NonNeg]] = {}
    observed: Observed | None = None  # with daily_max: observed
    # The response level whose surge beds, routine multiplier and swabbing full load assumes;
    # None: the highest level of response.levels ("none" without levels); supply.reserve.full_load_level.
    full_load_level: Literal["none", "IV", "III", "II", "I"] | None = None
    peak_quantile: float = Field(default=0.95, gt=0, le=1)
    peak_pilot: int = Field(default=200, ge=1)
    pools: Literal["single", "separate"] = "separate"
    release: Release = Release()
    target_days: float | None = Field(default=None, ge=0)  # None: coverage_days
    rotate_before_expiry_days: int | None = Field(default=None, ge=0)  # None: no rotation
    # Compliance counts uncalled agreement units (cities[].agreements) with the reserve on hand,
    # which must itself be at least min_physical_share x required (0: no physical floor).
    counts_agreements: bool = False
    min_physical_share: float = Field(default=0.0, ge=0, le=1)


class PerPatientDay(BaseModel):
    model_config = _FROZEN
    mild: dict[Id, Uncertain] = {}
    severe: dict[Id, Uncertain] = {}
    icu: dict[Id, Uncertain] = {}


class ProtectionLevel(BaseModel):
    """One protection level (分级防护): the share of all health workers who work at it, and the uses
    of each item per person per shift."""

    model_config = _FROZEN
    staff_share: Uncertain = 0.0
    per_shift: dict[Id, Uncertain] = {}


PROTECTION_LEVELS = ("level1", "level2", "level3")


class Protection(BaseModel):
    """Routine use by protection level: level 1 general clinical work, level 2 fever clinics,
    isolation wards and sampling, level 3 aerosol-generating procedures (NHC guidance)."""

    model_config = _FROZEN
    level1: ProtectionLevel = ProtectionLevel()
    level2: ProtectionLevel = ProtectionLevel()
    level3: ProtectionLevel = ProtectionLevel()


class Demand(BaseModel):
    """Rates of use, all counted in uses (units consumed = uses / ``items[].uses_per_unit``).
    Routine use per health worker per day is ``routine_per_health_worker_day``, or, when
    ``protection`` is given, shifts_per_day x sum over levels of staff_share x per_shift."""

    model_config = _FROZEN
    noise: Literal["none", "poisson", "negative_binomial"] = "negative_binomial"
    dispersion: Uncertain = 20.0
    correlation: float = Field(default=0.0, ge=0, le=1)  # of the cities' noise (Gaussian copula), supply/demand.py
    routine_per_health_worker_day: dict[Id, Uncertain] = {}
    protection: Protection | None = None
    shifts_per_day: Uncertain = 1.0
    per_patient_day: PerPatientDay = PerPatientDay()
    per_swab: dict[Id, Uncertain] = {}


class Introduction(BaseModel):
    model_config = _FROZEN
    city: Id
    day: int = Field(ge=0)
    infections: Uncertain


class Mobility(BaseModel):
    """Daily travel between cities: a gravity model, or a matrix of daily travellers from a CSV."""

    model_config = _FROZEN
    model: Literal["none", "gravity", "matrix"] | None = None
    daily_trips_per_capita: Uncertain = 0.0
    distance_decay_km: Uncertain = 100.0
    matrix: str | None = None

    @property
    def kind(self) -> str:
        return self.model or ("matrix" if self.matrix else "none")


class Intervention(BaseModel):
    model_config = _FROZEN
    from_day: int = Field(ge=0)
    to_day: int | None = None
    contact_factor: Uncertain
    cities: list[Id] | None = None


class CareStage(BaseModel):
    """Infections that follow one severity: a share of all infections, admitted ``delay_days``
    after symptom onset, staying ``stay_days``."""

    model_config = _FROZEN
    share: Uncertain
    delay_days: int = Field(default=0, ge=0)
    stay_days: int = Field(ge=1)


class Care(BaseModel):
    model_config = _FROZEN
    mild: CareStage
    severe: CareStage
    icu: CareStage


class Epidemic(BaseModel):
    model_config = _FROZEN
    model: Literal["none", "census", "seir"] = "none"
    file: str | None = None
    # seir
    r0: Uncertain | None = None
    latent_days: Uncertain | None = None
    infectious_days: Uncertain | None = None
    introductions: list[Introduction] = []
    mobility: Mobility = Mobility()
    interventions: list[Intervention] = []
    stochastic: bool = False
    steps_per_day: int = Field(default=4, ge=1, le=96)
    care: Care | None = None


class ResponseLevel(BaseModel):
    """One response level (IV lowest, I highest) and what it changes while in force."""

    model_config = _FROZEN
    level: Literal["IV", "III", "II", "I"]
    enter_at: float = Field(ge=0)
    exit_below: float = Field(ge=0)
    routine_multiplier: Uncertain = 1.0
    contact_factor: Uncertain = 1.0
    swab_share_per_day: Uncertain = 0.0
    coverage_days: float | None = Field(default=None, gt=0)
    surge_beds: Uncertain = 0.0
    # Crisis practice: item -> factor on its demand (units) while the level is in force, extended use and
    # limited reuse (0.5: each unit worn twice as long); items not named keep 1 (supply/demand.py).
    use_factor: dict[Id, Positive] = {}


class ScheduledLevel(BaseModel):
    """A level declared by date: in force from ``from_day`` to ``to_day`` (inclusive; None: to the
    end) in ``cities`` (None: every city), whatever the case thresholds say; ``none`` lifts every level."""

    model_config = _FROZEN
    level: Literal["none", "IV", "III", "II", "I"]
    from_day: int = Field(ge=0)
    to_day: int | None = Field(default=None, ge=0)
    cities: list[Id] | None = Field(default=None, min_length=1)


class Response(BaseModel):
    """Response levels declared per city per day from new ascertained cases per 100,000 residents
    (SEIR only), or by date (``schedule``, any epidemic model); ``scope: circle`` puts every city
    at the highest level of any city."""

    model_config = _FROZEN
    levels: list[ResponseLevel] = []
    exit_after_days: int = Field(default=7, ge=1)
    reporting_delay_days: int = Field(default=0, ge=0)
    schedule: list[ScheduledLevel] = []
    scope: Literal["city", "circle"] = "city"


class Distances(BaseModel):
    """Road distances between cities: a km matrix CSV, or great-circle distance x road_factor."""

    model_config = _FROZEN
    file: str | None = None
    km: dict[Id, dict[Id, NonNeg]] | None = None
    road_factor: float = Field(default=1.25, ge=1.0)


class Disruption(BaseModel):
    model_config = _FROZEN
    from_day: int = Field(ge=0)
    to_day: int = Field(ge=0)
    capacity_factor: Uncertain = 1.0
    lead_time_factor: Uncertain = 1.0
    price_factor: Uncertain = 1.0


class Surge(BaseModel):
    """Production capacity held ready (产能储备): from the first day the response level the producer
    answers to (its ``city``'s; without a city, the highest of any city) is at least ``at_level``,
    capacity rises linearly to capacity_factor x base over ramp_days, and falls back at the same
    pace once the level is below it (supply/surge.py)."""

    model_config = _FROZEN
    at_level: Literal["IV", "III", "II", "I"]
    capacity_factor: Uncertain
    ramp_days: int = Field(ge=0)


JOINT_BUYER = "joint"  # a framework agreement's buyer that is the joint centre, not a city


class FrameworkAgreement(BaseModel):
    """Framework agreement (框架协议) of a supplier: ``capacity_per_day`` units of ``item`` held each
    day for one buyer (``joint``: the joint centre; a city id: that city's own orders), shipped at
    ``unit_cost_cny``; what the buyer does not take that day goes back to everyone. Not the
    agreement reserve of ``cities[].agreements`` (协议储备: stock an enterprise holds for a city)."""

    model_config = _FROZEN
    buyer: Id
    item: Id
    capacity_per_day: NonNeg
    unit_cost_cny: NonNeg


class Supplier(BaseModel):
    model_config = _FROZEN
    id: Id
    name: str = ""
    city: Id | None = None  # a local producer's city; None: outside the circle
    lead_time_days: Uncertain
    capacity_per_day: dict[Id, Uncertain]
    other_buyers_per_day: dict[Id, Uncertain] = {}
    other_buyers_backlog: bool = False  # True: what other buyers do not get stays on order (supply/suppliers.py)
    serves: Literal["own_city_first", "circle", "market"] = "market"  # whom capacity goes to first
    agreements: list[FrameworkAgreement] = []  # capacity held for one buyer at a fixed price (框架协议)
    unit_cost_cny: dict[Id, Uncertain] = {}
    disruptions: list[Disruption] = []
    surge: Surge | None = None  # None: capacity does not follow the response level


class VolumeDiscount(BaseModel):
    """Suppliers' price tier: an order of at least ``min_quantity`` units (of ``item``, or of any
    item) pays (1 - discount) x the price."""

    model_config = _FROZEN
    min_quantity: NonNeg
    discount: float = Field(ge=0, lt=1)
    item: Id | None = None


class Joint(BaseModel):
    """The joint procurement centre (联采): one pooled order per item per review."""

    model_config = _FROZEN
    lead_city: Id | None = None
    ordering: Literal["pooled", "combined"] = "pooled"
    supplier_priority: Literal["fcfs", "joint_first", "reserved_share"] = "fcfs"
    reserved_share: float = Field(default=0.0, ge=0, le=1)
    discount: float = Field(default=0.0, ge=0, lt=1)  # share off every order of the centre, beside the volume tiers
    allocation: Literal["proportional_to_need", "equal_days_of_cover", "population"] = "proportional_to_need"


class Procurement(BaseModel):
    model_config = _FROZEN
    mode: Literal["none", "independent", "joint"] = "independent"
    review_every_days: int = Field(default=7, ge=1)
    first_review_day: int = Field(default=0, ge=0)
    reorder_point_days: NonNeg = 30.0
    order_up_to_days: NonNeg = 45.0
    basis: Literal["burn_rate", "daily_max"] = "burn_rate"
    burn_window_days: int = Field(default=7, ge=1)
    volume_discounts: list[VolumeDiscount] = []
    joint: Joint = Joint()


class Transfers(BaseModel):
    """Mutual aid between cities (联供) and shipments from depots."""

    model_config = _FROZEN
    enabled: bool = False
    request_below_days: NonNeg = 10.0
    request_up_to_days: NonNeg = 20.0
    donor_keeps_days: NonNeg = 30.0
    basis: Literal["burn_rate", "daily_max"] = "burn_rate"
    from_reserve: bool = False
    cooldown_days: int = Field(default=7, ge=0)
    matching: Literal["nearest_first", "largest_surplus_first"] = "nearest_first"
    speed_kmh: float = Field(default=60.0, gt=0)
    handling_hours: NonNeg = 1.0
    cost_per_unit_km: NonNeg = 0.0


DAYS_PER_YEAR = 365  # a holding rate per year accrues 1/365 a day: a 365-day horizon carries exactly one year's


class Costs(BaseModel):
    """What holding stock costs: ``holding_rate_per_year`` is a share of an item's unit cost
    (capital, storage, handling, insurance) per year, accrued daily on closing stock."""

    model_config = _FROZEN
    holding_rate_per_year: NonNeg = 0.0

    @property
    def holding_rate_per_day(self) -> float:
        return self.holding_rate_per_year / DAYS_PER_YEAR


class Depot(BaseModel):
    """A reserve with no demand of its own (for example the provincial reserve), located in a city."""

    model_config = _FROZEN
    id: Id
    name: str = ""
    city: Id
    stock: dict[Id, NonNeg] = {}
    lots: list[Lot] = []
    release_at_level: Literal["IV", "III", "II", "I"] | None = None  # None: reserve.release.at_level
    keeps_days: NonNeg | None = None  # days of the circle's daily max the depot never ships


class Inventory(BaseModel):
    """An inventory sheet (CSV or XLSX, one row per lot; scenario/stocksheet.py), read when the
    scenario is loaded into the cities' and depots' opening stock and lots. ``replace``: for every
    city and depot the sheet names, the sheet is its whole opening stock (both pools, every item);
    ``fill``: the sheet adds stock where the scenario gives none (a city or depot, pool and item
    given in both is an error)."""

    model_config = _FROZEN
    file: str = Field(min_length=1)
    mode: Literal["replace", "fill"] = "replace"


class Substitute(BaseModel):
    """Crisis practice: from the day a city's level in force is at least ``from_level``, what its stock of
    ``item`` (working stock, then the released reserve) cannot serve is served by ``by`` (its working
    stock, then its released reserve), ``ratio`` units of ``by`` per unit of ``item`` (supply/substitution.py)."""

    model_config = _FROZEN
    item: Id
    by: Id
    ratio: Positive = 1.0
    from_level: Literal["IV", "III", "II", "I"]


class Scenario(BaseModel):
    model_config = _FROZEN
    name: Id
    description: str = ""
    start_date: date | None = None  # the calendar date of day 0; None: days only (scenario/dates.py)
    horizon_days: int = Field(ge=1, le=MAX_HORIZON_DAYS)
    replications: int = Field(default=100, ge=1, le=MAX_REPLICATIONS)
    seed: int = Field(default=0, ge=0, le=MAX_SEED)
    reserve: Reserve = Reserve()
    items: list[Item] = Field(min_length=1)
    cities: list[City] = Field(min_length=1)
    demand: Demand = Demand()
    epidemic: Epidemic = Epidemic()
    response: Response = Response()
    distances: Distances = Distances()
    suppliers: list[Supplier] = []
    procurement: Procurement = Procurement()
    transfers: Transfers = Transfers()
    depots: list[Depot] = []
    costs: Costs = Costs()
    inventory: Inventory | None = None  # the opening stock from a sheet, applied when loaded
    substitutes: list[Substitute] = []  # crisis practice: which item stands in for which, from which level

    @property
    def item_ids(self) -> list[str]:
        return [i.id for i in self.items]

    @property
    def city_ids(self) -> list[str]:
        return [c.id for c in self.cities]

    @property
    def location_ids(self) -> list[str]:
        """Cities, then depots: the rows of every stock array."""
        return self.city_ids + [d.id for d in self.depots]

    @property
    def lead_city(self) -> str:
        return self.procurement.joint.lead_city or self.cities[0].id
