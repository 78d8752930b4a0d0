"""The pages' languages: English and French, chosen per request by `?lang=` (remembered in a cookie), else by the
browser's Accept-Language; messages from gettext catalogs (`valueflows/locale/LANG/LC_MESSAGES/messages.po`, read
with Babel and compiled in memory), numbers and money formatted for the locale with Babel."""

from __future__ import annotations

from contextvars import ContextVar
from datetime import date
from decimal import Decimal
from functools import cache
from importlib.resources import files
from io import BytesIO
from typing import Literal

from babel import Locale
from babel.dates import format_date, get_month_names
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.support import NullTranslations, Translations
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LANGUAGES = ("en", "fr")
DEFAULT = "en"
COOKIE = "vf_lang"
_current: ContextVar[str] = ContextVar("valueflows_language", default=DEFAULT)


def current() -> str:
    return _current.get()


@cache
def translations(language: str) -> NullTranslations:
    """The language's catalog (English is the source: no catalog)."""
    if language == DEFAULT:
        return NullTranslations()
    source = files("valueflows") / "locale" / language / "LC_MESSAGES" / "messages.po"
    with source.open("rb") as po:
        catalog = read_po(po, locale=language)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(fp=compiled)


def gettext(message: str) -> str:
    return translations(current()).gettext(message)


def accepted(header: str | None) -> str:
    """The language of ours the browser prefers (Accept-Language, by quality then order), else English."""
    wanted: list[tuple[float, int, str]] = []
    for i, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if tag and quality > 0:
            wanted.append((quality, i, tag.strip().replace("-", "_")))
    preferred = [tag for _, _, tag in sorted(wanted, key=lambda w: (-w[0], w[1]))]
    found = Locale.negotiate(preferred, list(LANGUAGES), sep="_") if preferred else None
    return str(found.language) if found is not None else DEFAULT


def chosen(request: Request) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    remembered = request.cookies.get(COOKIE)
    if remembered in LANGUAGES:
        return remembered
    return accepted(request.headers.get("accept-language"))


def number(value: str | Decimal, places: int) -> str:
    """A fixed number of decimals, grouped as the locale groups them (12,345.60; 12 345,60)."""
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(Decimal(value), format=pattern, locale=current(), decimal_quantization=True)


def quantity(value: str | Decimal) -> str:
    """Hours and other quantities: as many decimals as they have, up to 2 (7.5, 7,5; 0.33 for a third)."""
    return format_decimal(Decimal(value), format="#,##0.##", locale=current())


def day(value: date) -> str:
    """A day as the locale writes it (30 November 2026; 30 novembre 2026)."""
    return format_date(value, format="long", locale=current())


def month(number: int, width: Literal["abbreviated", "narrow", "wide"] = "wide") -> str:
    """A month's name (January; janvier), or its abbreviation with `width="abbreviated"` (Jan; janv.)."""
    return str(get_month_names(width, locale=current())[number])


class Languages:
    """Middleware: each request's language; `?lang=fr` is remembered in a cookie for the pages that follow."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        language = chosen(request)
        switched = request.query_params.get("lang") in LANGUAGES and request.cookies.get(COOKIE) != language
        token = _current.set(language)

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start" and switched:
                MutableHeaders(scope=message).append(
                    "set-cookie", f"{COOKIE}={language}; Path=/; Max-Age=31536000; SameSite=Lax")
            await send(message)
        try:
            await self.app(scope, receive, sending)
        finally:
            _current.reset(token)
