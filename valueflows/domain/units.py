"""The standard units every new ledger knows (om2 IRIs). More can be added with `create_unit`."""

from __future__ import annotations

from valueflows.domain.model import Unit

OM2 = "http://www.ontology-of-units-of-measure.org/resource/om-2/"

STANDARD_UNITS: tuple[Unit, ...] = (
    Unit("hour", "hour", "h", OM2 + "hour", "time"),
    Unit("minute", "minute", "min", OM2 + "minute-Time", "time"),
    Unit("day", "day", "d", OM2 + "day", "time"),
    Unit("one", "one", "#", OM2 + "one", "count"),
    Unit("kilogram", "kilogram", "kg", OM2 + "kilogram", "mass"),
    Unit("gram", "gram", "g", OM2 + "gram", "mass"),
    Unit("metre", "metre", "m", OM2 + "metre", "length"),
    Unit("squareMetre", "square metre", "m2", OM2 + "squareMetre", "area"),
    Unit("litre", "litre", "l", OM2 + "litre", "volume"),
    Unit("kilowattHour", "kilowatt hour", "kWh", OM2 + "kilowattHour", "energy"),
    Unit("EUR", "euro", "EUR", OM2 + "Euro", "currency"),
    Unit("USD", "US dollar", "USD", OM2 + "USDollar", "currency"),
    Unit("GBP", "pound sterling", "GBP", OM2 + "PoundSterling", "currency"),
    Unit("CHF", "Swiss franc", "CHF", OM2 + "SwissFranc", "currency"),
    Unit("CAD", "Canadian dollar", "CAD", OM2 + "CanadianDollar", "currency"),
)
