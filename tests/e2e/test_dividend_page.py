"""The dividend report for the annual meeting, in headless Chromium against the real server: the treasurer signs
in and reads the table and the SVG chart, downloads the CSV, prints; a member sees the totals and their own line;
strangers are refused."""

from __future__ import annotations

import csv
import io
import os
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import httpx
from e2e_support import running_server

from valueflows.domain.inputs import EventInput, MeasureInput
from valueflows.service import dividends, ledger, tokens
from valueflows.service.bootstrap import open_ledger
from valueflows.service.demo import seed_demo

SURPLUS = Decimal("24000.00")


def _seed(workdir: Path) -> dict[str, str]:
    """The demo co-op with one committed run, and tokens for a member, a stranger and the treasurer."""
    uow = open_ledger(f"sqlite:///{workdir / 'valueflows.db'}")
    seed_demo(uow, lambda: None)
    run = dividends.commit(uow, dividends.RunRequest(
        date(2026, 1, 1), date(2026, 12, 31), SURPLUS, "EUR", Decimal("0.3"), Decimal("0.4"),
        organization="atelier", note="AGM 2027"), key="agm-2026").run
    # work of November 2026 recorded after the run closed the year: a prior-period adjustment, counted in 2027
    ledger.record_event(uow, EventInput("work", "ana", "atelier", effort_quantity=MeasureInput("4", "hour"),
                                        has_point_in_time=datetime(2027, 1, 12, 9, tzinfo=UTC),
                                        prior_period=date(2026, 11, 3), note="jig repair, missed in November"))
    found = {"run": run.id}
    for name, agent, scope in (("member", "ana", "read"), ("stranger", "farmhack", "read"),
                               ("admin", "atelier", "admin")):
        found[name] = tokens.create_token(uow, agent, scope)[1]
    uow.engine.dispose()
    return found


def test_meeting_report_in_chromium(browser: object, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    seeded = _seed(tmp_path)
    driver = browser
    with running_server(tmp_path) as base:
        page = f"{base}/dividends/{seeded['run']}"
        driver.delete_all_cookies()  # type: ignore[attr-defined]
        driver.get(page)  # type: ignore[attr-defined]
        assert "Sign in" in driver.find_element(By.TAG_NAME, "h1").text  # type: ignore[attr-defined]
        driver.find_element(By.ID, "token").send_keys(seeded["admin"])  # type: ignore[attr-defined]
        driver.find_element(By.CSS_SELECTOR, "form.signin button").click()  # type: ignore[attr-defined]
        WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.ID, "allocations"))
        assert not driver.find_elements(By.ID, "withheld")  # type: ignore[attr-defined]

        assert driver.find_element(By.TAG_NAME, "h1").text == "Dividends of Atelier Commun"  # type: ignore[attr-defined]
        rows = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")]
                for tr in driver.find_elements(By.CSS_SELECTOR, "#allocations tbody tr")]  # type: ignore[attr-defined]
        assert [r[0] for r in rows] == ["Bruno Keller", "Ana Duval", "Dario Rossi", "Chloé Martin"]
        dividends_shown = [Decimal(r[3].replace(",", "")) for r in rows]
        total = Decimal(driver.find_element(By.CSS_SELECTOR, "#allocations tfoot td.num").text  # type: ignore[attr-defined]
                        .replace(",", ""))
        assert sum(dividends_shown) == total == SURPLUS * Decimal("0.7")  # reserve 30%, nothing undistributed
        for r in rows:  # cash + retained = dividend on every line
            assert Decimal(r[4].replace(",", "")) + Decimal(r[5].replace(",", "")) == Decimal(r[3].replace(",", ""))

        bars = driver.find_elements(By.CSS_SELECTOR, "#chart g.bar")  # type: ignore[attr-defined]
        assert len(bars) == 4
        widths = []
        for bar in bars:
            cash, retained = bar.find_elements(By.TAG_NAME, "rect")
            widths.append(float(cash.get_attribute("width")) + float(retained.get_attribute("width")))
        # bars are proportional to the dividends: the largest spans the chart, the others in proportion
        for shown, width in zip(dividends_shown, widths, strict=True):
            assert abs(width / widths[0] - float(shown / dividends_shown[0])) < 0.001
        assert "Proof" in driver.page_source and seeded["run"] in driver.page_source  # type: ignore[attr-defined]

        shots = Path(os.environ.get("VF_SCREENSHOTS", tmp_path))
        shots.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(shots / "dividend-report.png"))  # type: ignore[attr-defined]
        driver.execute_script("document.getElementById('explanation').scrollIntoView()")  # type: ignore[attr-defined]
        driver.save_screenshot(str(shots / "dividend-report-explained.png"))  # type: ignore[attr-defined]

        # the CSV link works with the same sign-in (the cookie), and its rows add up to the surplus
        text = driver.execute_async_script(  # type: ignore[attr-defined]
            "fetch(document.getElementById('csv').href).then(r => r.text()).then(arguments[0]);")
        table = list(csv.DictReader(io.StringIO(text)))
        amounts = [Decimal(row["dividend (EUR)"]) for row in table if row["agent"]]
        extra = {row["name"]: Decimal(row["dividend (EUR)"]) for row in table if not row["agent"]}
        assert sum(amounts) + extra["reserve"] + extra["undistributed"] == extra["surplus"] == SURPLUS

        # printed, the buttons and links disappear
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})  # type: ignore[attr-defined]
        assert not driver.find_element(By.CSS_SELECTOR, ".actions").is_displayed()  # type: ignore[attr-defined]
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})  # type: ignore[attr-defined]

        # a member sees the run's totals and their own line only, and is told so
        driver.delete_all_cookies()  # type: ignore[attr-defined]
        driver.get(page)  # type: ignore[attr-defined]
        driver.find_element(By.ID, "token").send_keys(seeded["member"])  # type: ignore[attr-defined]
        driver.find_element(By.CSS_SELECTOR, "form.signin button").click()  # type: ignore[attr-defined]
        WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.ID, "allocations"))
        mine = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")]
                for tr in driver.find_elements(By.CSS_SELECTOR, "#allocations tbody tr")]  # type: ignore[attr-defined]
        assert [r[0] for r in mine] == ["Ana Duval"] and mine[0] == rows[1]
        assert driver.find_element(By.ID, "withheld").is_displayed()  # type: ignore[attr-defined]
        assert len(driver.find_elements(By.CSS_SELECTOR, "#chart g.bar")) == 1  # type: ignore[attr-defined]
        for other in ("Bruno Keller", "Dario Rossi", "Chloé Martin"):
            assert other not in driver.page_source  # type: ignore[attr-defined]
        driver.save_screenshot(str(shots / "dividend-report-member.png"))  # type: ignore[attr-defined]
        member_csv = httpx.get(page + ".csv", headers={"authorization": f"Bearer {seeded['member']}"}).text
        assert "Ana Duval" in member_csv and "Bruno Keller" not in member_csv

        # the treasurer's preview of another year: labelled as such
        driver.delete_all_cookies()  # type: ignore[attr-defined]
        driver.get(f"{base}/dividends/preview?from=2026-01-01&to=2026-06-30&surplus=1000.00&currency=EUR"  # type: ignore[attr-defined]
                   "&reserve=0.1&cash=1&org=atelier")
        driver.find_element(By.ID, "token").send_keys(seeded["admin"])  # type: ignore[attr-defined]
        driver.find_element(By.CSS_SELECTOR, "form.signin button").click()  # type: ignore[attr-defined]
        WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.ID, "allocations"))
        assert "Preview, not committed" in driver.page_source  # type: ignore[attr-defined]
        assert not driver.find_elements(By.ID, "adjustments")  # type: ignore[attr-defined]

        # next year's preview shows the adjustment for 2026 on its own lines, and counts it
        driver.get(f"{base}/dividends/preview?from=2027-01-01&to=2027-12-31&surplus=400.00&currency=EUR"  # type: ignore[attr-defined]
                   "&reserve=0&cash=1&org=atelier")
        WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.ID, "adjustments"))
        adjusted = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")]
                    for tr in driver.find_elements(By.CSS_SELECTOR, "#adjustments tbody tr")]  # type: ignore[attr-defined]
        assert adjusted == [["Ana Duval", "work", "", "4 hour", "2026-11-03"]]
        assert "Adjustments for earlier periods" in driver.page_source  # type: ignore[attr-defined]
        shares = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")]
                  for tr in driver.find_elements(By.CSS_SELECTOR, "#allocations tbody tr")]  # type: ignore[attr-defined]
        assert [(r[0], r[3]) for r in shares] == [("Ana Duval", "400.00")]
        driver.execute_script("document.getElementById('adjustments').scrollIntoView()")  # type: ignore[attr-defined]
        driver.save_screenshot(str(shots / "dividend-report-adjustments.png"))  # type: ignore[attr-defined]

        # a stranger's token finds nothing (the run answers as a missing one does), a bad token keeps the sign-in
        # form, nothing leaks
        answer = httpx.get(page, headers={"authorization": f"Bearer {seeded['stranger']}"})
        assert answer.status_code == 404 and "Ana Duval" not in answer.text
        bad = httpx.post(f"{base}/session", data={"token": "vf_nope", "next": page}, follow_redirects=False)
        assert bad.status_code == 401 and "Not signed in" in bad.text
        assert httpx.get(f"{base}/dividends/no-such-run",
                         headers={"authorization": f"Bearer {seeded['admin']}"}).status_code == 404
        offsite = httpx.post(f"{base}/session", data={"token": seeded["member"], "next": "//evil.example/"},
                             follow_redirects=False)
        assert offsite.status_code == 303 and offsite.headers["location"] == "/dividends"
