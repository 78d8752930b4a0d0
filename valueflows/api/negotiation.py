"""Content negotiation for records: JSON (the plain API), JSON-LD, Turtle, N-Triples or an HTML view."""

from __future__ import annotations

MEDIA = {
    "application/json": "json", "application/ld+json": "jsonld", "text/turtle": "turtle",
    "application/n-triples": "nt", "text/html": "html",
}
CONTENT_TYPES = {"json": "application/json", "jsonld": "application/ld+json", "turtle": "text/turtle; charset=utf-8",
                 "nt": "application/n-triples; charset=utf-8", "html": "text/html; charset=utf-8"}


def choose(accept: str | None, default: str = "json") -> str | None:
    """The format the client prefers among ours, by quality then order; None if it accepts none of them."""
    if not accept or not accept.strip():
        return default
    offers: list[tuple[float, int, str]] = []
    for i, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for p in params:
            name, _, value = p.partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        media = media.lower()
        if quality <= 0:
            continue
        if media in MEDIA:
            offers.append((quality, i, MEDIA[media]))
        elif media in ("*/*", "application/*"):
            offers.append((quality - 0.001, i, default))
        elif media == "text/*":
            offers.append((quality - 0.001, i, "turtle"))
    if not offers:
        return None
    return sorted(offers, key=lambda o: (-o[0], o[1]))[0][2]
