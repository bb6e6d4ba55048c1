"""What a batch carries from one step of the day to the next (``BatchState``): the stock, the
suppliers' books, what is on order and on the road, the joint centre, the reserve and agreement
reserves (``pools``), the daily record and the events."""

from __future__ import annotations

import numpy as np

from stocksim.scenario.schema import Scenario
from stocksim.supply.events import Events
from stocksim.supply.inventory import Parcel, Stock
from stocksim.supply.pools import Agreements, Reserve
from stocksim.supply.procurement import CityParts, burn_rates, city_shares, order_levels
from stocksim.supply.records import BatchResult, DailyRecord, Inputs
from stocksim.supply.substitution import Substitutes
from stocksim.supply.suppliers import SupplierBook
from stocksim.supply.transfers import TransferPlanner, travel_days


class Inbound:
    """Parcels on their way to the locations by arrival day, and their units (R, L, I)."""

    def __init__(self, shape: tuple[int, ...]):
        self.parcels: dict[int, Parcel] = {}
        self.units = np.zeros(shape)

    def add(self, day: int, parcel: Parcel) -> None:
        if day in self.parcels:
            self.parcels[day].add(parcel)
        else:
            self.parcels[day] = parcel


class Centre:
    """The joint procurement centre in the lead city: what it has on order and where it sends;
    with ``joint.ordering: combined``, each city's part of its orders (``parts``; None when
    ``pooled``)."""

    def __init__(self, s: Scenario, x: Inputs, buyer: int):
        n_c = len(s.cities)
        lead = s.location_ids.index(s.lead_city)
        self.buyer = buyer  # its column in the supplier book
        self.label = len(s.location_ids)  # how events name it: after the locations
        self.on_order = np.zeros((x.params.size, len(s.items)))  # (R, I) open at suppliers or on the way to it
        self.share = city_shares(x.daily_max[:, :n_c])  # (R, C, I) of what it pays, with pooled ordering
        self.ship_days = travel_days(s, x.km)[lead]  # (L,) by road from the lead city
        self.km = x.km[lead]  # (L,)
        self.population = np.array([c.population for c in s.cities], float)
        self.parts: CityParts | None = None
        if s.procurement.joint.ordering == "combined":
            self.parts = CityParts(n_c, s.horizon_days, x.params.price_factor, x.params.supplier_cost)


class BatchState:
    """Everything a batch carries from one step of the day to the next, arrays (R, L, I) unless
    noted: the stock (working stock, and the reserve apart when pools are separate), the
    suppliers' books, what each location has on order, carriage and transfers on the road, the
    joint centre, the transfer planner, the daily record and the events."""

    def __init__(self, s: Scenario, x: Inputs):
        p = x.params
        self.s, self.x = s, x
        self.n_c, self.n_l, self.n_i = len(s.cities), len(s.location_ids), len(s.items)
        shape = (p.size, self.n_l, self.n_i)
        self.stock = Stock(s, p.size)  # working stock; with one pool, all stock
        self.on_order = np.zeros(shape)  # supplier orders open or travelling, and carriage from the centre
        self.carriage_inbound = Inbound(shape)  # from the centre to the cities
        self.transfer_inbound = Inbound(shape)
        # The burn rate of every day (H, R, L, I), worked out once: the record, reviews and transfers read it.
        self.burn = burn_rates(x.demand, x.expected_day0, s.procurement.burn_window_days)
        self.reorder_point, self.order_up_to = order_levels(s, self.basis_rate(0))  # [s], [S]
        lead = s.location_ids.index(s.lead_city)
        depot_cities = [s.city_ids.index(d.city) for d in s.depots]
        separate = s.reserve.pools == "separate"
        # Buyers: the locations, the other buyers, the centre, then the cities' reserves.
        reserve_cities = list(range(self.n_c)) if separate else []
        city_of_buyer = np.array([*range(self.n_c), *depot_cities, lead, lead, *reserve_cities])
        self.book = SupplierBook(s, p, self.n_l, x.lead_times, city_of_buyer, len(reserve_cities))
        self.reserve = Reserve(s, x, self.n_c, self.book.reserves) if separate else None
        self.agreements = Agreements.of(s, p.size)
        self.substitutes = Substitutes.of(s)  # crisis practice: which item stands in for which (None: no rules)
        self.initial_agreements = np.zeros(shape)  # uncalled on day 0: all of them
        if self.agreements is not None:
            self.initial_agreements[:, : self.n_c] = self.agreements.uncalled
        self.initial = self.on_hand()
        self.initial_reserve = self.initial.copy()  # what the reserve rule counts on day 0
        if self.reserve is not None:
            self.initial_reserve[:, : self.n_c] = self.reserve.stock.on_hand()[:, : self.n_c]
        self.short = np.zeros((p.size, self.n_c, self.n_i), bool)  # today's demand not met by working stock
        self.n_buyers = self.book.n_buyers
        self.centre = Centre(s, x, self.book.centre)
        self.planner = TransferPlanner(s, x.km)
        rule = s.reserve
        self.daily = DailyRecord(
            p.size,
            s.horizon_days,
            self.n_l,
            self.n_i,
            x.keep_days,
            separate,
            rule.counts_agreements,
            rule.min_physical_share,
        )
        self.events = Events(x.events)
        if self.events.wants("response_level"):
            for r, day, c, code in x.epidemic.level_changes:
                self.events.add("response_level", day, r, c, np.full(len(r), -1), code.astype(float))
        # Where each buyer's deliveries are recorded (B,): a location its own, a city's reserve at
        # the city, the centre (and the other buyers, never recorded) as the centre.
        self.delivered_at = np.full(self.n_buyers, self.centre.label)
        self.delivered_at[: self.n_l] = np.arange(self.n_l)
        self.delivered_at[self.book.reserves : self.book.reserves + len(reserve_cities)] = reserve_cities

    def city_position(self) -> np.ndarray:
        """Each city's inventory position of working stock, on hand + on order (R, C, I)."""
        return (self.stock.on_hand() + self.on_order)[:, : self.n_c]

    def on_hand(self) -> np.ndarray:
        """Units on hand in both pools (R, L, I)."""
        if self.reserve is None:
            return self.stock.on_hand()
        return self.stock.on_hand() + self.reserve.stock.on_hand()

    def basis_rate(self, t: int) -> np.ndarray:
        """The daily rate working stock's [s, S] count in days (R, L, I): the burn rate on day t
        (``procurement.basis: burn_rate``) or the daily max."""
        p, x = self.s.procurement, self.x
        if p.basis == "daily_max":
            return x.daily_max
        return self.burn[t]

    def result(self) -> BatchResult:
        x = self.x
        return BatchResult(
            replications=x.params.replications,
            demand=x.demand,
            initial=self.initial,
            daily=self.daily.arrays if x.keep_days else {},
            totals=self.daily.totals,
            required=x.required,
            daily_max=x.daily_max,
            circle_required=x.circle_required,
            circle_daily_max=x.circle_daily_max,
            epidemic=x.epidemic,
            item_cost=x.params.item_cost,
            separate=self.reserve is not None,
            initial_reserve=self.initial_reserve,
            counts_agreements=self.s.reserve.counts_agreements,
            min_physical_share=self.s.reserve.min_physical_share,
            initial_agreements=self.initial_agreements,
            expected_day0=x.expected_day0,
            events=self.events.arrays(x.params.replications),
        )


def order_id(
    day: np.ndarray | int, buyer: np.ndarray | int, item: np.ndarray, n_buyers: int, n_items: int
) -> np.ndarray:
    """One number per (day, buyer, item): the orders of a buyer for an item on a day are one order."""
    return (day * n_buyers + buyer) * n_items + item
