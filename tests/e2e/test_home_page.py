"""A node's home page in headless Chromium against the real server: what the node is (its co-ops, their members
and designs, what the ledger holds) and the ways in, each of which answers; no serious accessibility violation
(axe-core) on it or on the sign-in page, in English and in French (by the switch, remembered, or by the
browser's Accept-Language); the same as JSON for a machine."""

from __future__ import annotations

import os
from pathlib import Path

import httpx
from e2e_support import running_server, serious_violations
from selenium.webdriver.common.by import By


def test_the_home_page_says_what_the_node_is_and_the_ways_in(browser: object, axe: str, tmp_path: Path) -> None:
    driver = browser
    with running_server(tmp_path, "--demo") as base:
        driver.get(base + "/")  # type: ignore[attr-defined]
        assert driver.title == "Atelier Commun"  # type: ignore[attr-defined]
        rows = [[c.text for c in r.find_elements(By.TAG_NAME, "td")]
                for r in driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")]  # type: ignore[attr-defined]
        assert rows == [["Atelier Commun", "3", "2"]], rows  # Ana, Bruno and Chloé today; two of the designs
        assert not serious_violations(driver, axe), serious_violations(driver, axe)
        shots = Path(os.environ.get("VF_SCREENSHOTS", tmp_path))
        shots.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(shots / "home.png"))  # type: ignore[attr-defined]
        links = [a.get_attribute("href") for a in driver.find_elements(By.CSS_SELECTOR, "nav a")]  # type: ignore[attr-defined]
        assert len(links) >= 9
        for link in links:
            if link.startswith(base):
                assert httpx.get(link, headers={"accept": "text/html"}).status_code in (200, 401), link
        driver.find_element(By.LINK_TEXT, "Sign in").click()  # type: ignore[attr-defined]
        assert driver.find_element(By.ID, "token")  # type: ignore[attr-defined]
        assert not serious_violations(driver, axe), serious_violations(driver, axe)
        # in French: by the switch (remembered), then by the browser's own preference
        driver.get(base + "/?lang=fr")  # type: ignore[attr-defined]
        assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "fr"  # type: ignore[attr-defined]
        headings = [h.text for h in driver.find_elements(By.TAG_NAME, "h2")]  # type: ignore[attr-defined]
        assert headings == ["Qui tient ce registre", "Par où entrer"], headings
        assert not serious_violations(driver, axe), serious_violations(driver, axe)
        driver.save_screenshot(str(shots / "home-fr.png"))  # type: ignore[attr-defined]
        driver.get(base + "/session")  # type: ignore[attr-defined]
        assert driver.find_element(By.TAG_NAME, "h1").text == "Se connecter"  # type: ignore[attr-defined]
        driver.find_element(By.LINK_TEXT, "English").click()  # type: ignore[attr-defined]
        assert driver.find_element(By.TAG_NAME, "h1").text == "Sign in"  # type: ignore[attr-defined]
        french = httpx.get(base + "/", headers={"accept-language": "fr-CA, fr;q=0.9, en;q=0.5"})
        assert french.headers["content-language"] == "fr" and "Qui tient ce registre" in french.text
        assert httpx.get(base + "/", headers={"accept-language": "de, en;q=0.5"}).headers["content-language"] == "en"
        machine = httpx.get(base + "/", headers={"accept": "application/json"}).json()
        assert machine["organizations"] == [{"id": "atelier", "name": "Atelier Commun", "members": 3, "designs": 2}]
        assert machine["links"]["graphql"] == "/graphql" and machine["events"] > 100


def test_an_organizations_page_shows_its_members_designs_and_activity(browser: object, axe: str,
                                                                       tmp_path: Path) -> None:
    driver = browser
    shots = Path(os.environ.get("VF_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    with running_server(tmp_path, "--demo") as base:
        for lang, heading in (("en", "Members today"), ("fr", "Membres aujourd\u2019hui")):
            driver.get(base + f"/agents/atelier?lang={lang}")  # type: ignore[attr-defined]
            assert driver.find_element(By.TAG_NAME, "h1").text == "Atelier Commun"  # type: ignore[attr-defined]
            assert driver.find_element(By.TAG_NAME, "h2").text == heading  # type: ignore[attr-defined]
            members = [li.text.split(" ")[0] for li in  # type: ignore[attr-defined]
                       driver.find_elements(By.CSS_SELECTOR, "#members li")]  # type: ignore[attr-defined]
            assert members == ["Ana", "Bruno", "Chloé"], members
            designs = [r.find_elements(By.TAG_NAME, "td")[1].text  # type: ignore[attr-defined]
                       for r in driver.find_elements(By.CSS_SELECTOR, "#designs tbody tr")]  # type: ignore[attr-defined]
            assert len(designs) == 2 and all(designs), designs
            assert not driver.find_elements(By.ID, "owed")  # type: ignore[attr-defined]  # not for a passer-by
            assert not serious_violations(driver, axe), serious_violations(driver, axe)
            driver.save_screenshot(str(shots / f"organization-{lang}.png"))  # type: ignore[attr-defined]
        # the same IRI still gives the record as linked data to a machine
        data = httpx.get(base + "/agents/atelier", headers={"accept": "application/ld+json"})
        assert data.status_code == 200 and "Atelier Commun" in data.text
