"""An organization's page (the HTML of /agents/ORG) shows each reader what the access policy lets it see: members and
designs to everyone, the activity a reader may see, and the open obligations owed to the organization only to
whom the policy shows them (the steward's admins)."""

from __future__ import annotations

import re

from starlette.testclient import TestClient

from valueflows.api.app import create_app
from valueflows.service import tokens
from valueflows.service.demo import seed_demo
from valueflows.store.ports import UnitOfWork


def _page(client: TestClient, token: str | None = None) -> str:
    headers = {"accept": "text/html", **({"authorization": f"Bearer {token}"} if token else {})}
    answer = client.get("/agents/atelier", headers=headers)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/html")
    return answer.text


def _activity(page: str) -> int:
    """How many events the page's activity table lists."""
    return len(re.findall(r'<a href="/events/', page.split('id="activity"')[1].split("</table>")[0]))


def test_the_organization_page_shows_each_reader_its_part(uow: UnitOfWork) -> None:
    seed_demo(uow)
    client = TestClient(create_app(uow), base_url="http://node.test")
    _, admin = tokens.create_token(uow, "atelier", "admin")
    _, farm = tokens.create_token(uow, "agrimachines", "read")
    public, steward, other = _page(client), _page(client, admin), _page(client, farm)
    for page in (public, steward, other):
        assert re.findall(r'<li><a href="/agents/(\w+)">', page) == ["ana", "bruno", "chloe"]
        assert page.count('href="/shop/') == 2  # the two designs it stewards
        assert 'id="properties"' in page  # and the record's own properties
    assert 'id="owed"' in steward and "AgriMachines SA" in steward.split('id="owed"')[1]
    assert 'id="owed"' not in public and 'id="owed"' not in other
    assert _activity(steward) == 15  # the newest fifteen an admin sees
    assert _activity(public) < _activity(steward)  # fewer for a passer-by (work and licence terms are private)
