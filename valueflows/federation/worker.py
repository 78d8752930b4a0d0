"""The server's delivery worker: a round of due deliveries every few seconds, for as long as the server runs.
The queue is in the store, so a worker stopped mid-round (the server killed) leaves nothing lost: what it had
not noted as delivered is tried again at the next start."""

from __future__ import annotations

import asyncio
import logging

from starlette.concurrency import run_in_threadpool

from valueflows.domain.access import OPERATOR
from valueflows.domain.errors import NotFound
from valueflows.federation import documents
from valueflows.service import deliveries, following, publishing, remote_fulfilments, remote_payments
from valueflows.service.federation import Peers, public_url
from valueflows.store.engine import is_transient
from valueflows.store.ports import UnitOfWork

log = logging.getLogger("valueflows.federation")


async def deliveries_worker(uow: UnitOfWork, peers: Peers, every: float) -> None:
    operator = uow.acting_as(OPERATOR)
    while True:
        try:
            base = await run_in_threadpool(public_url, operator)
            await run_in_threadpool(publishing.publish_new, operator, base, documents.activity)
            await run_in_threadpool(following.mirror_new, operator, peers, base)
            await run_in_threadpool(remote_payments.deliver_payments, operator, base)
            await run_in_threadpool(remote_fulfilments.deliver_fulfilments, operator, base)
            done = await run_in_threadpool(deliveries.deliver_due, operator, peers, base)
            if done.delivered or done.retried or done.failed:
                log.info("deliveries: %d delivered, %d to retry, %d failed", done.delivered, done.retried,
                         done.failed)
                continue  # there may be more due: go on at once
        except NotFound:  # no public URL yet: nothing can be signed
            pass
        except Exception as exc:  # a round that failed is tried again; the worker never stops on it
            if not is_transient(exc):
                log.exception("a round of deliveries failed")
        await asyncio.sleep(every)
