"""GraphiQL in headless Chromium: the page loads (its scripts from a local copy), a query runs, the answer shows."""

from __future__ import annotations

import shutil
from pathlib import Path

from e2e_support import cli, needs, running_server

QUERY = ('{ economicResource(id: "steel-stock") { name accountingQuantity { hasDecimalValue hasUnit { label } } '
         "primaryAccountable { name } } }")


def test_graphiql_runs_a_query(browser: object, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    if not shutil.which("npm"):
        needs("npm")
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
        wait.until(lambda d: "hasDecimalValue" in d.find_element(By.CSS_SELECTOR, ".graphiql-response").text)
        answer = driver.find_element(By.CSS_SELECTOR, ".graphiql-response").text  # type: ignore[attr-defined]
        driver.save_screenshot(str(tmp_path / "graphiql.png"))  # type: ignore[attr-defined]
    assert '"hasDecimalValue": "220"' in answer and "Atelier Commun" in answer and "errors" not in answer
