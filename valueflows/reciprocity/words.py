"""A decision in plain words, for a seller reading the open-shop page or the CLI."""

from __future__ import annotations

from decimal import Decimal

from valueflows.reciprocity.decide import Decision, Owed

FACT_WORDS = {
    "headcount": "how many people work for your organisation",
    "groupHeadcount": "how many people work for your whole group (every organisation under common control)",
    "groupRevenue": "your whole group's revenue in the last tax year",
    "legalForm": "your organisation's legal form",
    "workerOwned": "whether your organisation is owned by its workers",
    "surplusToWorkerOwners": "whether all surplus goes to the worker-owners",
    "commercial": "whether the use is commercial",
    "production": "whether this is production use",
    "adapted": "whether you share an adapted version",
    "revenue": "the revenue you make with it this quarter",
    "date": "the date of the use",
    "firstPublished": "when this version was first published",
    "revenueCurrency": "the currency of your revenue",
}


def money(amount: Decimal, currency: str | None) -> str:
    return f"{amount:,.2f} {currency or ''}".rstrip()


def fact_words(name: str) -> str:
    base, _, unit = name.partition(" in ")
    words = FACT_WORDS.get(base, base)
    return f"{words} in {unit}" if unit else words


def duty_words(d: Owed) -> str:
    if d.action != "compensate":
        return d.text
    if d.amount is None:
        return f"{d.text} (the amount needs {', '.join(fact_words(m) for m in d.missing)})"
    parts = [f"Contribute {money(d.amount, d.currency)} to the commons steward"]
    if d.minimum_applied:
        parts.append("(the minimum for the quarter)")
    if d.period:
        parts.append(f"for {d.period[0]:%d %b %Y} to {d.period[1]:%d %b %Y}")
    if d.due:
        parts.append(f"by {d.due:%d %B %Y}")
    sentence = " ".join(parts)
    if d.hours is not None and d.work_rate is not None:
        sentence += f", in money or as {d.hours:g} hours of work (valued at {money(d.work_rate, d.currency)} an hour)"
    return sentence + "."


def headline(d: Decision) -> str:
    """The answer in one sentence (the duties follow it as a list on the page)."""
    if d.permitted is True and not d.overdue:
        owes = any(x.action == "compensate" for x in d.duties if x.applies is not False)
        return ("Yes, if you contribute back to the commons." if owes else "Yes, you may.") + _standing(d)
    return summary(d)


def _standing(d: Decision) -> str:
    if "overdue" not in d.withheld:
        return ""
    return (" (An overdue obligation of this user to the steward would hold the permission back; obligations are "
            "shown only to the user, the steward and admins.)")


def summary(d: Decision) -> str:
    """One paragraph: the answer, why, and what comes with it."""
    if d.overdue:
        return (f"Not now: permitted once the overdue obligation {d.overdue[0]} is settled."
                if len(d.overdue) == 1 else
                f"Not now: permitted once the {len(d.overdue)} overdue obligations are settled.")
    if d.permitted is None:
        needs = ", ".join(fact_words(m) for m in d.missing)
        return f"It depends: to answer, we need to know {needs}."
    if d.permitted is False:
        forbids = [r for r in d.reasons if r.outcome == "forbids"]
        if forbids:
            return f"No: {d.licence} does not permit this use ({forbids[0].clause}: {forbids[0].text})"
        unmet = [r for r in d.reasons if r.outcome == "does not apply"]
        why = (f": its permission ({unmet[0].clause}) does not cover you: {'; '.join(unmet[0].facts)}"
               if unmet else "")
        return f"No: {d.licence} does not permit this use{why}."
    duties = [duty_words(x) for x in d.duties if x.applies is True]
    owes = any(x.action == "compensate" for x in d.duties if x.applies is not False)
    text = "Yes, you may." if not owes else "Yes, if you contribute back to the commons."
    if duties:
        text += " You must: " + " ".join(s if s.endswith(".") else s + "." for s in duties)
    maybe = [x for x in d.duties if x.applies is None]
    if maybe:
        text += " Possibly also: " + " ".join(duty_words(x) for x in maybe)
    return text + _standing(d)
