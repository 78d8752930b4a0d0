"""A co-op's node from `valueflows init` to members working in a browser, in English and in French, in headless
Chromium against the real server: a member signs in with a one-time link, logs a day's work (a second submit of
the same form writes nothing more), sees it in their contributions; the treasurer prepares a dividend run, sees
what it would give, confirms and commits it; the member then sees the dividend in their statement. A stranger
sees none of the private pages. No serious accessibility violation (axe-core) on any page. Screenshots are kept
under VF_SCREENSHOTS."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import httpx
import pytest
from e2e_support import cli, page_gone, running_server, serious_violations
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.ui import WebDriverWait

WORDS = {
    "en": {"continue": "Continue", "log": "Log my work", "record": "Record", "recorded": "Your work was recorded.",
           "preview": "Preview", "commit": "Commit the run", "statement": "My statement", "sign in": "Sign in",
           "error": "the hours, or a start and an end time", "report": "Dividends of Atelier Commun",
           "runs": "Dividend runs", "shop": "Open shop"},
    "fr": {"continue": "Continuer", "log": "Déclarer mon travail", "record": "Enregistrer",
           "recorded": "Votre travail est enregistré.", "preview": "Aperçu", "commit": "Arrêter la répartition",
           "statement": "Mon relevé", "sign in": "Se connecter",
           "error": "les heures, ou une heure de début et une heure de fin", "report": "Ristournes de Atelier Commun",
           "runs": "Ristournes", "shop": "Boutique ouverte"},
}


def _find(driver: object, how: str, what: str) -> Any:
    """An element of the page a click is loading (waiting for it, up to 10 s)."""
    return WebDriverWait(driver, 10).until(expected_conditions.presence_of_element_located((how, what)))


def _submit(driver: object, how: str, what: str, keys: str | None = None, within: Any = None) -> None:
    """Click the element (or type `keys` into it) and wait until the page it was on has gone: what is found next
    is on the page the form or link loads. Chromium sometimes answers a click made as a page settles with "node
    does not belong to the document": the element is found again and clicked again (a page that had gone would
    have left nothing to click, so nothing is sent twice)."""
    for attempt in range(3):
        element = (within or driver).find_element(how, what)
        try:
            element.send_keys(keys) if keys else element.click()
        except (StaleElementReferenceException, WebDriverException) as exc:
            if attempt == 2 or ("does not belong to the document" not in str(exc) and not isinstance(
                    exc, StaleElementReferenceException)):
                raise
            continue
        WebDriverWait(driver, 10).until(lambda _, clicked=element: page_gone(clicked))
        return


def _ok(driver: object, axe: str, where: str) -> None:
    found = serious_violations(driver, axe)
    assert not found, f"{where}: {found}"


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_a_member_journey_from_init_to_the_statement(browser: object, axe: str, tmp_path: Path, lang: str) -> None:
    driver, words = browser, WORDS[lang]
    shots = Path(os.environ.get("VF_SCREENSHOTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)

    def shot(name: str) -> None:
        driver.save_screenshot(str(shots / f"member-{lang}-{name}.png"))  # type: ignore[attr-defined]

    started = cli("init", "--org", "Atelier Commun", "--admin", "Ana Duval", "--since", "2026-01-01", "--json",
                  cwd=tmp_path)
    assert started.returncode == 0, started.stderr
    admin_token = json.loads(started.stdout)["token"]
    assert cli("agent", "add", "Bruno Petit", "--id", "bruno", cwd=tmp_path).returncode == 0
    assert cli("member", "add", "bruno", "--org", "atelier-commun", "--since", "2026-01-01",
               cwd=tmp_path).returncode == 0
    with running_server(tmp_path) as base:
        link = cli("login-link", "--agent", "bruno", "--base-url", base, cwd=tmp_path)
        assert link.returncode == 0, link.stderr
        url = link.stdout.strip()
        assert url.startswith(base + "/session/link/vf_")
        driver.delete_all_cookies()  # type: ignore[attr-defined]

        # a stranger sees none of the private pages
        for page in ("/me", "/me/work", "/dividends/new"):
            driver.get(base + page + f"?lang={lang}")  # type: ignore[attr-defined]
            assert driver.find_element(By.TAG_NAME, "h1").text == words["sign in"], page  # type: ignore[attr-defined]
        assert httpx.get(base + "/me").status_code == 401

        # the one-time link: a click opens the session; the same link again is refused
        driver.get(url + f"?lang={lang}")  # type: ignore[attr-defined]
        _ok(driver, axe, "sign-in link")
        _submit(driver, By.XPATH, f"//button[text()='{words['continue']}']")
        WebDriverWait(driver, 10).until(expected_conditions.url_contains("/me"))
        assert driver.current_url.startswith(base + "/me")  # type: ignore[attr-defined]
        assert driver.find_element(By.TAG_NAME, "h1").text == "Bruno Petit"  # type: ignore[attr-defined]
        assert httpx.post(base + "/session/link", data={"link": url.rsplit("/", 1)[1]}).status_code == 401
        _ok(driver, axe, "my page, empty")

        # log a day's work; a mistake first (no hours), shown beside its field, nothing written
        _submit(driver, By.LINK_TEXT, words["log"])
        day = _find(driver, By.ID, "day")  # type: ignore[attr-defined]
        driver.execute_script("arguments[0].value = '2026-12-10'", day)  # type: ignore[attr-defined]
        _submit(driver, By.ID, "record")
        assert _find(driver, By.ID, "hours-error").text == words["error"]  # type: ignore[attr-defined]
        assert driver.find_element(By.ID, "hours").get_attribute("aria-invalid") == "true"  # type: ignore[attr-defined]
        _ok(driver, axe, "work form with an error")
        shot("work-error")
        driver.find_element(By.ID, "hours").send_keys("7.5")  # type: ignore[attr-defined]
        driver.find_element(By.ID, "note").send_keys("welding the frame")  # type: ignore[attr-defined]
        sent = {e.get_attribute("name"): e.get_attribute("value")  # type: ignore[attr-defined]
                for e in driver.find_elements(By.CSS_SELECTOR, "form.work [name]")}  # type: ignore[attr-defined]
        _submit(driver, By.ID, "hours", Keys.ENTER)  # by keyboard alone
        assert _find(driver, By.ID, "recorded").text.startswith(words["recorded"])  # type: ignore[attr-defined]
        first = driver.current_url  # type: ignore[attr-defined]
        assert "recorded=" in first
        # the same form sent again (a double click, a resend): the same event, nothing more written
        session = {c["name"]: c["value"] for c in driver.get_cookies()}  # type: ignore[attr-defined]
        again = httpx.post(base + "/me/work", data=sent, cookies=session)
        assert again.status_code == 303 and again.headers["location"] == first.removeprefix(base)
        assert driver.find_element(By.ID, "total-hours").text in ("7.5", "7,5")  # type: ignore[attr-defined]
        _ok(driver, axe, "my page with work")
        shot("me")

        # the treasurer prepares, previews, confirms and commits the run for 2026
        driver.delete_all_cookies()  # type: ignore[attr-defined]
        driver.get(base + f"/session?next=/dividends/new&lang={lang}")  # type: ignore[attr-defined]
        driver.find_element(By.ID, "token").send_keys(admin_token)  # type: ignore[attr-defined]
        _submit(driver, By.CSS_SELECTOR, "form.signin button")
        _find(driver, By.ID, "surplus")
        _ok(driver, axe, "new run")
        _find(driver, By.ID, "surplus").send_keys("12000")  # type: ignore[attr-defined]
        _submit(driver, By.ID, "preview")
        _find(driver, By.ID, "commit")
        _ok(driver, axe, "confirm run")
        shot("confirm")
        members = [r.find_elements(By.TAG_NAME, "td")[0].text  # type: ignore[attr-defined]
                   for r in driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")]  # type: ignore[attr-defined]
        assert members == ["Bruno Petit"]  # the only one who worked in 2026
        _submit(driver, By.ID, "commit")
        WebDriverWait(driver, 10).until(expected_conditions.url_matches(r"/dividends/[0-9a-f-]{36}$"))
        assert re.search(r"/dividends/[0-9a-f-]{36}$", driver.current_url)  # type: ignore[attr-defined]
        _ok(driver, axe, "committed run")
        assert driver.find_element(By.TAG_NAME, "h1").text == words["report"]  # type: ignore[attr-defined]
        shot("report")
        for page, heading in (("/dividends", words["runs"]), ("/shop", words["shop"]),
                              ("/agents/bruno", "Bruno Petit")):
            driver.get(base + page)  # type: ignore[attr-defined]
            assert driver.find_element(By.TAG_NAME, "h1").text == heading  # type: ignore[attr-defined]
            _ok(driver, axe, page)

        # the member sees the dividend in their statement: 12,000 less 30% reserve, 40% of it in cash
        link = cli("login-link", "--agent", "bruno", "--base-url", base, cwd=tmp_path).stdout.strip()
        driver.delete_all_cookies()  # type: ignore[attr-defined]
        driver.get(link + f"?lang={lang}")  # type: ignore[attr-defined]
        _submit(driver, By.XPATH, f"//button[text()='{words['continue']}']")
        WebDriverWait(driver, 10).until(expected_conditions.url_contains("/me"))
        second = {c["name"]: c["value"] for c in driver.get_cookies()}  # type: ignore[attr-defined]
        driver.get(base + "/me?year=2026")  # type: ignore[attr-defined]
        assert driver.find_element(By.ID, "statement").text == words["statement"]  # type: ignore[attr-defined]
        dividend = driver.find_element(By.CSS_SELECTOR, "dd.dividend").text  # type: ignore[attr-defined]
        grouped = "8,400.00" if lang == "en" else "8\u202f400,00"
        assert dividend.startswith(grouped.replace("\u202f", " ")) or dividend.startswith(grouped), dividend
        assert driver.find_element(By.ID, "capital").text.replace("\u202f", " ").startswith(  # type: ignore[attr-defined]
            "5,040.00" if lang == "en" else "5 040,00")
        _ok(driver, axe, "statement")
        shot("statement")
        _submit(driver, By.XPATH, "//form[@action='/session/end']/button")
        assert httpx.get(base + "/me", cookies=second).status_code == 401  # signing out ends the session
        assert httpx.get(base + "/me", cookies=session).status_code == 200  # the other browser's still holds
        driver.delete_all_cookies()  # type: ignore[attr-defined]


def test_an_admin_adds_and_ends_memberships_and_makes_and_revokes_tokens(browser: object, axe: str,
                                                                          tmp_path: Path) -> None:
    driver = browser
    shots = Path(os.environ.get("VF_SCREENSHOTS", tmp_path))
    started = cli("init", "--org", "Atelier Commun", "--admin", "Ana Duval", "--since", "2026-01-01", "--json",
                  cwd=tmp_path)
    admin_token = json.loads(started.stdout)["token"]
    with running_server(tmp_path) as base:
        driver.delete_all_cookies()  # type: ignore[attr-defined]
        assert httpx.get(base + "/admin/members").status_code == 401
        driver.get(base + "/session?next=/admin/members&lang=en")  # type: ignore[attr-defined]
        driver.find_element(By.ID, "token").send_keys(admin_token)  # type: ignore[attr-defined]
        _submit(driver, By.CSS_SELECTOR, "form.signin button")
        _find(driver, By.ID, "add-member")
        _ok(driver, axe, "members")
        driver.find_element(By.ID, "name").send_keys("Chloé Martin")  # type: ignore[attr-defined]
        _submit(driver, By.CSS_SELECTOR, "#add-member button")
        assert _find(driver, By.ID, "done").text.startswith("Member added: chloe-martin")  # type: ignore[attr-defined]
        names = [r.find_elements(By.TAG_NAME, "td")[0].text  # type: ignore[attr-defined]
                 for r in driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")]  # type: ignore[attr-defined]
        assert names == ["Ana Duval", "Chloé Martin"], names
        rows = driver.find_elements(By.CSS_SELECTOR, "main table tbody tr")  # type: ignore[attr-defined]
        end = rows[-1].find_element(By.TAG_NAME, "form")
        _submit(driver, By.TAG_NAME, "button", within=end)
        assert "Membership ended" in driver.find_element(By.ID, "done").text  # type: ignore[attr-defined]
        shot = shots / "admin-members.png"
        driver.save_screenshot(str(shot))  # type: ignore[attr-defined]

        driver.get(base + "/admin/tokens")  # type: ignore[attr-defined]
        _ok(driver, axe, "tokens")
        Select(driver.find_element(By.ID, "agent")).select_by_visible_text("Chloé Martin")  # type: ignore[attr-defined]
        driver.find_element(By.ID, "note").send_keys("Chloé's phone")  # type: ignore[attr-defined]
        _submit(driver, By.CSS_SELECTOR, "#create-token button")
        token = _find(driver, By.ID, "token-value").text  # type: ignore[attr-defined]
        assert driver.find_element(By.ID, "new-token").text.startswith("A new token for chloe-martin (write)")  # type: ignore[attr-defined]
        query, bearer = {"query": "{ myAgent { id } }"}, {"authorization": f"Bearer {token}"}
        assert httpx.post(base + "/graphql", json=query, headers=bearer).status_code == 200
        driver.save_screenshot(str(shots / "admin-tokens.png"))  # type: ignore[attr-defined]
        token_id = token.split("_")[1]
        _submit(driver, By.CSS_SELECTOR, f"button[aria-label='Revoke {token_id}']")
        assert httpx.post(base + "/graphql", json=query, headers=bearer).status_code == 401
        # a member who is not an admin is turned away
        reader = cli("login-link", "--agent", "ana-duval", "--scope", "read", "--base-url", base, cwd=tmp_path)
        driver.delete_all_cookies()  # type: ignore[attr-defined]
        driver.get(reader.stdout.strip())  # type: ignore[attr-defined]
        _submit(driver, By.XPATH, "//button[text()='Continue']")
        WebDriverWait(driver, 10).until(expected_conditions.url_contains("/me"))
        driver.get(base + "/admin/tokens")  # type: ignore[attr-defined]
        assert _find(driver, By.TAG_NAME, "h1").text == "Refused"  # type: ignore[attr-defined]
        driver.delete_all_cookies()  # type: ignore[attr-defined]
