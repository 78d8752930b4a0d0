"""GraphiQL in headless Chromium: the page loads (its scripts from a local copy), a query runs, the answer shows."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from e2e_support import cli, running_server

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
QUERY = ('{ contributionReport(start: "2026-01-01T00:00:00Z", end: "2027-01-01T00:00:00Z", receiver: "atelier") '
         "{ totalHours contributors { agent { name } hours share } } }")


def _needs(what: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{what} is needed for the browser test in CI")
    pytest.skip(f"{what} is not installed")


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not (CHROMIUM and CHROMEDRIVER):
        _needs("chromium and chromedriver")
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


def test_graphiql_runs_a_query(browser: object, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    if not shutil.which("npm"):
        _needs("npm")
    assets = tmp_path / "graphiql-assets"
    fetched = cli("graphiql-assets", str(assets), cwd=tmp_path)
    assert fetched.returncode == 0, fetched.stderr
    with running_server(tmp_path, "--demo", "--graphiql-assets", str(assets)) as base:
        driver = browser
        driver.get(base + "/graphql")  # type: ignore[attr-defined]
        wait = WebDriverWait(driver, 30)
        wait.until(lambda d: d.find_elements(By.CSS_SELECTOR, ".graphiql-execute-button"))
        assert driver.execute_script(  # type: ignore[attr-defined]
            "const cm = document.querySelector('.graphiql-query-editor .CodeMirror');"
            "if (!cm) return false; cm.CodeMirror.setValue(arguments[0]); return true;", QUERY)
        driver.find_element(By.CSS_SELECTOR, ".graphiql-execute-button").click()  # type: ignore[attr-defined]
        wait.until(lambda d: "totalHours" in d.find_element(By.CSS_SELECTOR, ".graphiql-response").text)
        answer = driver.find_element(By.CSS_SELECTOR, ".graphiql-response").text  # type: ignore[attr-defined]
        driver.save_screenshot(str(tmp_path / "graphiql.png"))  # type: ignore[attr-defined]
    assert '"totalHours": "1655"' in answer and "Bruno Keller" in answer and "errors" not in answer
