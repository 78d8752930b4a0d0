"""The open-shop page in headless Chromium against the real server (the demo co-op): a seller picks a design,
fills the plain form, and reads what they may do and owe; a missing fact is asked for, bad input is named."""

from __future__ import annotations

import json
import os
from pathlib import Path

import httpx
from e2e_support import cli, page_gone, running_server, serious_violations
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from valueflows.service.bootstrap import open_ledger
from valueflows.store.ports import Follow, ReceivedRecord, RemoteActor


def _fill(driver: object, values: dict[str, str], choices: dict[str, str]) -> None:
    for field, value in values.items():
        box = driver.find_element(By.ID, field)  # type: ignore[attr-defined]
        if box.tag_name == "select":
            Select(box).select_by_value(value)
        elif box.get_attribute("type") == "date":
            driver.execute_script("arguments[0].value = arguments[1]", box, value)  # type: ignore[attr-defined]
        else:
            box.clear()
            box.send_keys(value)
    for name, value in choices.items():
        driver.find_element(By.CSS_SELECTOR, f"input[name={name}][value='{value}']").click()  # type: ignore[attr-defined]
    button = driver.find_element(By.ID, "check")  # type: ignore[attr-defined]
    button.click()
    # the answer is a new page: wait until the old one is gone, then for the answer
    WebDriverWait(driver, 20).until(lambda _: page_gone(button))
    WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#answer, #problems"))


def test_a_seller_checks_a_design(browser: object, tmp_path: Path) -> None:
    driver = browser
    with running_server(tmp_path, "--demo") as base:
        driver.get(base + "/shop")  # type: ignore[attr-defined]
        names = [a.text for a in driver.find_elements(By.CSS_SELECTOR, "#designs a")]  # type: ignore[attr-defined]
        assert "Seed drill v2 design" in names
        # designs only: the seed drills built from the design carry its licence, but are goods, not designs
        assert sorted(names) == ["Roller-crimper design", "Seed drill v2 design", "Tool carrier design"]
        driver.find_element(By.LINK_TEXT, "Seed drill v2 design").click()  # type: ignore[attr-defined]
        WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.ID, "check"))
        assert "CopyFair" in driver.find_element(By.TAG_NAME, "body").text  # type: ignore[attr-defined]

        # a 240-person company selling machines made from the design in Q3
        _fill(driver, {"legal_form": "company", "headcount": "240", "use": "sell", "revenue": "12000",
                       "currency": "EUR", "date": "2026-08-10"}, {"worker_owned": "no", "commercial": "yes"})
        answer = driver.find_element(By.ID, "answer")  # type: ignore[attr-defined]
        assert "yes" in answer.get_attribute("class").split()
        assert driver.find_element(By.ID, "summary").text == "Yes, if you contribute back to the commons."  # type: ignore[attr-defined]
        duties = driver.find_element(By.ID, "duties").text  # type: ignore[attr-defined]
        assert "Contribute 360.00 EUR to the commons steward" in duties and "by 30 October 2026" in duties
        assert "7.25 hours of work" in duties and "Credit the authors" in duties
        shots = Path(os.environ.get("VF_SCREENSHOTS", tmp_path))
        shots.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(shots / "open-shop.png"))  # type: ignore[attr-defined]

        # the answer is a link: the same URL gives the same answer without the browser
        again = httpx.get(driver.current_url)  # type: ignore[attr-defined]
        assert again.status_code == 200 and "360.00 EUR" in again.text

        # a worker co-op owes nothing; a company that does not say its size is asked for it
        _fill(driver, {"legal_form": "worker_coop", "headcount": ""}, {})
        assert driver.find_element(By.ID, "summary").text == "Yes, you may."  # type: ignore[attr-defined]
        _fill(driver, {"legal_form": "company", "headcount": ""}, {})
        summary = driver.find_element(By.ID, "summary").text  # type: ignore[attr-defined]
        assert summary == "It depends: to answer, we need to know how many people work for your organisation."
        driver.save_screenshot(str(shots / "open-shop-needs.png"))  # type: ignore[attr-defined]

        # bad input is named, nothing breaks
        _fill(driver, {"headcount": "12", "revenue": "lots"}, {})
        problems = driver.find_element(By.ID, "problems").text  # type: ignore[attr-defined]
        assert "the revenue you make with it this quarter" in problems
        assert httpx.get(base + "/shop/no-such-design").status_code == 404
        assert httpx.get(base + "/shop/drills-batch-1").status_code == 404


def test_the_open_shop_answers_in_french_with_no_serious_accessibility_violation(browser: object, axe: str,
                                                                                 tmp_path: Path) -> None:
    driver = browser
    shots = Path(os.environ.get("VF_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    with running_server(tmp_path, "--demo") as base:
        driver.get(base + "/shop?lang=fr")  # type: ignore[attr-defined]
        assert driver.find_element(By.TAG_NAME, "h1").text == "Boutique ouverte"  # type: ignore[attr-defined]
        assert not serious_violations(driver, axe), serious_violations(driver, axe)
        driver.find_element(By.LINK_TEXT, "Seed drill v2 design").click()  # type: ignore[attr-defined]
        WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.ID, "check"))
        assert driver.find_element(By.ID, "check").text == "Vérifier"  # type: ignore[attr-defined]
        _fill(driver, {"legal_form": "company", "headcount": "240", "use": "sell", "revenue": "12000.00",
                       "currency": "EUR", "date": "2026-08-14"}, {"commercial": "yes"})
        summary = driver.find_element(By.ID, "summary").text  # type: ignore[attr-defined]
        assert summary.startswith("Oui, si vous contribuez en retour au commun."), summary
        duties = driver.find_element(By.ID, "duties").text  # type: ignore[attr-defined]
        assert "Verser" in duties and "€" not in duties and "EUR" in duties, duties
        assert not serious_violations(driver, axe), serious_violations(driver, axe)
        driver.save_screenshot(str(shots / "shop-fr.png"))  # type: ignore[attr-defined]
        driver.get(base + "/shop?lang=en")  # type: ignore[attr-defined]  # leave the browser in English


def test_designs_from_followed_nodes_are_in_the_shop(browser: object, tmp_path: Path) -> None:
    """A design another node published to this one (kept as received) is listed with its node, and checked with
    this node's engine on its licence, like a local one."""
    db = f"sqlite:///{tmp_path / 'ledger.db'}"
    assert cli("demo", "--db", db, cwd=tmp_path).returncode == 0
    other = "https://atelier.example/actors/atelier"
    uow = open_ledger(db)
    with uow.write() as tx:
        tx.federation.keep_remote_actor(RemoteActor(other, other + "/inbox", None, other + "#main-key", "-", json.dumps(
            {"id": other, "name": "L'Atelier Paysan"}), tx.now))
        tx.federation.follow(Follow("node", other, other + "#follow", "accepted", tx.now))
        tx.federation.keep_record(ReceivedRecord(
            "https://atelier.example/resources/cultibutte", other, "EconomicResource", json.dumps(
                {"id": "https://atelier.example/resources/cultibutte", "type": "EconomicResource",
                 "name": "Cultibutte", "licence": "LicenseRef-CopyFair-1.0",
                 "primaryAccountable": "https://atelier.example/agents/atelier"}), other + "/activities/9",
            other + "#main-key", tx.now))
    uow.engine.dispose()
    driver = browser
    with running_server(tmp_path, "--db", db) as base:
        driver.get(base + "/shop")  # type: ignore[attr-defined]
        rows = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "#designs tbody tr")]  # type: ignore[attr-defined]
        assert "Cultibutte L'Atelier Paysan CopyFair Reciprocity Licence 1.0 (template) atelier.example" in rows, rows
        assert sum(r.endswith("this node") for r in rows) == 3  # the demo's own designs
        shots = Path(os.environ.get("VF_SCREENSHOTS", tmp_path))
        shots.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(shots / "open-shop-list.png"))  # type: ignore[attr-defined]
        driver.find_element(By.LINK_TEXT, "Cultibutte").click()  # type: ignore[attr-defined]
        WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.ID, "check"))
        assert "on the node atelier.example" in driver.find_element(By.TAG_NAME, "body").text  # type: ignore[attr-defined]
        _fill(driver, {"legal_form": "company", "headcount": "240", "use": "sell", "revenue": "12000",
                       "currency": "EUR", "date": "2026-08-10"}, {"worker_owned": "no", "commercial": "yes"})
        duties = driver.find_element(By.ID, "duties").text  # type: ignore[attr-defined]
        assert "Contribute 360.00 EUR to the commons steward" in duties  # this node's engine, the design's licence
        driver.save_screenshot(str(shots / "open-shop-remote.png"))  # type: ignore[attr-defined]
        assert httpx.get(base + "/shop", params={"design": "https://atelier.example/resources/nothing"}
                         ).status_code == 404
