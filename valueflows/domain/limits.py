"""Every size limit of the ledger, in one place: the rules check them, the tables are sized by them, and the doors
(GraphQL, imports, HTTP) quote them."""

from __future__ import annotations

MAX_ID = 200  # an id (the last segment of a record's IRI); also a licence id
MAX_KEY = 200  # an idempotency key
MAX_LABEL = 200  # a unit's label, a value equation's name
MAX_NAME = 500  # a record's name
MAX_IRI = 2000  # an IRI (an image, an agreement)
MAX_IMAGES = 20  # images of one record (imageList)
MAX_NOTE = 10_000  # a note
MAX_PAGE = 1000  # records in one page of a list, and behind one relation field
MAX_CHAIN = 10_000  # corrections followed back from one event (the rules refuse a loop)
