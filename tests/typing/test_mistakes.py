"""Mistakes mypy must reject: checked by ``mypy --strict`` in ``make lint``, never run.

Each line below is a mistake from docs/errors.md's "Common mistakes", silenced with
the exact error code mypy reports for it. ``warn_unused_ignores`` (part of strict)
turns an ignore that silences nothing into an error: if mypy ever stopped flagging
one of these mistakes, ``make lint`` fails. The functions are never called, so
pytest collects nothing here.
"""

from __future__ import annotations

import tillpoint.sync
from tillpoint import Tillpoint, TillpointCore, models
from tillpoint.funcs import checkouts_create, checkouts_get, checkouts_list, sessions_get


async def _unknown_keywords(core: TillpointCore, tp: Tillpoint) -> None:
    await checkouts_list(core, limt=5)  # type: ignore[call-arg]
    await checkouts_get(core, "chk_1", timeout=0.1)  # type: ignore[call-arg]
    await sessions_get(core, "ses_1", idempotency_key="k")  # type: ignore[call-arg]
    await tp.checkouts.get("chk_1", timeout=0.1)  # type: ignore[call-arg]
    await tp.checkouts.list(curency="USD")  # type: ignore[call-arg]
    await tp.sessions.get("ses_1", merchant_acount_id="m")  # type: ignore[call-arg]
    TillpointCore(bearer_aut="sk_test_1")  # type: ignore[call-arg]
    Tillpoint(bearer_aut="sk_test_1")  # type: ignore[call-arg]
    core.with_options(timeout=5)  # type: ignore[call-arg]
    models.CheckoutCreate(curency="USD")  # type: ignore[call-arg]


def _unknown_keywords_in_sync_code(core: TillpointCore) -> None:
    tillpoint.sync.checkouts_list(core, limt=5)  # type: ignore[call-arg]
    with tillpoint.sync.Tillpoint(bearer_aut="sk_test_1") as tp:  # type: ignore[call-arg]
        tp.checkouts.list(curency="USD")  # type: ignore[call-arg]


async def _wrong_types(core: TillpointCore) -> None:
    models.Item(sku_id="sku_1", quantity=1, price=0.1 + 0.2)  # type: ignore[arg-type]
    models.Item(sku_id="sku_1", quantity=1, price="10.10")  # type: ignore[arg-type]
    models.CheckoutCreate(items=[{"sku_id": "sku_1", "quantity": 1}])  # type: ignore[list-item]
    models.CheckoutSessionCreate(amount=12.99)  # type: ignore[arg-type]
    await checkouts_get(core, "chk_1", timeout_ms=0.5)  # type: ignore[arg-type]
    await checkouts_list(core, limit="5")  # type: ignore[arg-type]
    await checkouts_create(core, {"currency": "USD"})  # type: ignore[arg-type]
    await checkouts_list(core, total_amount=10.5)  # type: ignore[arg-type]
