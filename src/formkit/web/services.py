"""Everything a request handler needs, built once from the settings and handed to the app."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from litestar import Request
from sqlalchemy.engine import Engine

from formkit._devpki import development_trust_dir
from formkit.blobs import FileBlobStore
from formkit.catalogue import Catalogue
from formkit.filer import Filer
from formkit.receipts import ReceiptLayout, Seal, load_seal, read_layout
from formkit.render import Renderer
from formkit.settings import Settings
from formkit.signing import EidTrust
from formkit.store.apikeys import ApiKeys
from formkit.store.batching import FilingQueue
from formkit.store.database import open_database
from formkit.store.dossiers import DossierStore
from formkit.store.drafts import DraftStore
from formkit.store.outbox import Backoff, Outbox
from formkit.store.receipts import ReceiptStore, StoredReceipt
from formkit.store.uploads import ApiUploads
from formkit.store.webhooks import Webhooks
from formkit.store.writer import ProcessWriter, dossier_store
from formkit.web._limiter import RateLimits
from formkit.web._staff_auth import StaffAccess
from formkit.work import RECEIPT_PDF, ReceiptPdf, issue_stored_pdf, serve, stored_jws


@dataclass(frozen=True, slots=True)
class Services:
    settings: Settings
    catalogue: Catalogue
    engine: Engine
    dossiers: DossierStore
    seal: Seal  # the city's: seals receipts and the log's tree heads
    receipts: ReceiptStore
    receipt_layout: ReceiptLayout
    queue: FilingQueue
    filer: Filer
    blobs: FileBlobStore
    api_keys: ApiKeys
    secret: bytes  # signs CSRF tokens and resume links; kept in the data folder
    drafts: DraftStore  # the citizen pages' drafts and their uploads
    renderer: Renderer  # the citizen pages' HTML, from renderers/templates
    outbox: Outbox  # work after a filing (webhooks), done by formkit.work
    webhooks: Webhooks  # integrators' subscriptions
    rate_limits: RateLimits  # requests per client on /verificatie and the API, in this process
            staff=StaffAccess.build(settings, engine, clock, staff_http),
