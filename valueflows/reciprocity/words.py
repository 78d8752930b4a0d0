"""A decision in plain words, for a seller reading the open-shop page or the CLI.

The words are English unless a `Voice` says otherwise: the pages pass one that translates each sentence (the
catalogs of `valueflows/locale`) and writes money and days the reader's way. Every sentence below is a `_()` call
so that `pybabel extract` finds it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from valueflows.reciprocity.decide import Decision, Owed


def _same(text: str) -> str:
    return text


def _money(amount: Decimal, currency: str | None) -> str:
    return f"{amount:,.2f} {currency or ''}".rstrip()


@dataclass(frozen=True)
class Voice:
    """How the words are said: translated by `_`, money and days written by `money` and `day`."""

    _: Callable[[str], str] = _same
    money: Callable[[Decimal, str | None], str] = _money
    day: Callable[[date], str] = lambda d: f"{d:%d %B %Y}"
    short_day: Callable[[date], str] = lambda d: f"{d:%d %b %Y}"
    hours: Callable[[Decimal], str] = lambda h: f"{h:g}"


ENGLISH = Voice()


def _fact_words(_: Callable[[str], str]) -> dict[str, str]:
    return {
        "headcount": _("how many people work for your organisation"),
        "groupHeadcount": _("how many people work for your whole group (every organisation under common control)"),
        "groupRevenue": _("your whole group's revenue in the last tax year"),
        "legalForm": _("your organisation's legal form"),
        "workerOwned": _("whether your organisation is owned by its workers"),
        "surplusToWorkerOwners": _("whether all surplus goes to the worker-owners"),
        "commercial": _("whether the use is commercial"),
        "production": _("whether this is production use"),
        "adapted": _("whether you share an adapted version"),
        "revenue": _("the revenue you make with it this quarter"),
        "date": _("the date of the use"),
        "firstPublished": _("when this version was first published"),
        "revenueCurrency": _("the currency of your revenue"),
    }


FACT_WORDS = _fact_words(_same)


def money(amount: Decimal, currency: str | None) -> str:
    return _money(amount, currency)


def fact_words(name: str, voice: Voice = ENGLISH) -> str:
    _ = voice._
    base, _sep, unit = name.partition(" in ")
    words = _fact_words(_).get(base, base)
    return _("{words} in {unit}").format(words=words, unit=unit) if unit else words


def duty_words(d: Owed, voice: Voice = ENGLISH) -> str:
    _ = voice._
    if d.action != "compensate":
        return d.text
    if d.amount is None:
        return _("{duty} (the amount needs {facts})").format(
            duty=d.text, facts=", ".join(fact_words(m, voice) for m in d.missing))
    parts = [_("Contribute {amount} to the commons steward").format(amount=voice.money(d.amount, d.currency))]
    if d.minimum_applied:
        parts.append(_("(the minimum for the quarter)"))
    if d.period:
        start, end = d.period
        parts.append(_("for {start} to {end}").format(start=voice.short_day(start), end=voice.short_day(end)))
    if d.due:
        parts.append(_("by {day}").format(day=voice.day(d.due)))
    sentence = " ".join(parts)
    if d.hours is not None and d.work_rate is not None:
        sentence += _(", in money or as {hours} hours of work (valued at {rate} an hour)").format(
            hours=voice.hours(d.hours), rate=voice.money(d.work_rate, d.currency))
    return sentence + "."


def headline(d: Decision, voice: Voice = ENGLISH) -> str:
    """The answer in one sentence (the duties follow it as a list on the page)."""
    _ = voice._
    if d.permitted is True and not d.overdue:
        owes = any(x.action == "compensate" for x in d.duties if x.applies is not False)
        return (_("Yes, if you contribute back to the commons.") if owes else _("Yes, you may.")) + _standing(d, voice)
    return summary(d, voice)


def _standing(d: Decision, voice: Voice) -> str:
    if "overdue" not in d.withheld:
        return ""
    return " " + voice._("(An overdue obligation of this user to the steward would hold the permission back; "
                         "obligations are shown only to the user, the steward and admins.)")


def summary(d: Decision, voice: Voice = ENGLISH) -> str:
    """One paragraph: the answer, why, and what comes with it."""
    _ = voice._
    if d.overdue:
        return (_("Not now: permitted once the overdue obligation {id} is settled.").format(id=d.overdue[0])
                if len(d.overdue) == 1 else
                _("Not now: permitted once the {count} overdue obligations are settled.").format(count=len(d.overdue)))
    if d.permitted is None:
        needs = ", ".join(fact_words(m, voice) for m in d.missing)
        return _("It depends: to answer, we need to know {needs}.").format(needs=needs)
    if d.permitted is False:
        forbids = [r for r in d.reasons if r.outcome == "forbids"]
        if forbids:
            return _("No: {licence} does not permit this use ({clause}: {text})").format(
                licence=d.licence, clause=forbids[0].clause, text=forbids[0].text)
        unmet = [r for r in d.reasons if r.outcome == "does not apply"]
        if unmet:
            return _("No: {licence} does not permit this use: its permission ({clause}) does not cover you: "
                     "{facts}.").format(licence=d.licence, clause=unmet[0].clause, facts="; ".join(unmet[0].facts))
        return _("No: {licence} does not permit this use.").format(licence=d.licence)
    duties = [duty_words(x, voice) for x in d.duties if x.applies is True]
    owes = any(x.action == "compensate" for x in d.duties if x.applies is not False)
    text = _("Yes, you may.") if not owes else _("Yes, if you contribute back to the commons.")
    if duties:
        text += " " + _("You must:") + " " + " ".join(s if s.endswith(".") else s + "." for s in duties)
    maybe = [x for x in d.duties if x.applies is None]
    if maybe:
        text += " " + _("Possibly also:") + " " + " ".join(duty_words(x, voice) for x in maybe)
    return text + _standing(d, voice)
