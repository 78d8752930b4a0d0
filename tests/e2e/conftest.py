"""Headless Chromium for the page tests (Debian's chromium and chromium-driver; `.ci/run` installs them)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from e2e_support import needs

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """One headless Chromium for the whole run (it takes seconds to start)."""
    if not (CHROMIUM and CHROMEDRIVER):
        needs("chromium and chromedriver")
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1400,900"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    yield driver
    driver.quit()


@pytest.fixture
def browser(chromium: object) -> object:
    """The browser, as a newcomer's: no cookie from an earlier test (every test's server is on 127.0.0.1, and a
    cookie is kept per host, not per port: a language or a session chosen on one would carry over to the next)."""
    chromium.execute_cdp_cmd("Network.clearBrowserCookies", {})  # type: ignore[attr-defined]
    return chromium


@pytest.fixture(scope="session")
def axe(tmp_path_factory: pytest.TempPathFactory) -> str:
    from e2e_support import axe_script

    return axe_script(tmp_path_factory.mktemp("axe"))
