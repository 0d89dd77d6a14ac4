"""``tillpoint.funcs`` and ``tillpoint.models`` load what is used, and nothing else.

Each check runs in a fresh interpreter: what is imported depends on what ran before.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

import tillpoint.models
from tillpoint import funcs


def run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return done.stdout.strip()


LOADED = "import sys; print(sorted(m for m in sys.modules if m.startswith('tillpoint.')))"


def test_a_checkouts_call_loads_neither_sessions_nor_error_models() -> None:
    loaded = run(f"from tillpoint.funcs import checkouts_get; {LOADED}")
    assert "tillpoint.funcs.checkouts_get" in loaded
    assert "tillpoint.models.checkouts" in loaded
    for absent in ("sessions", "checkouts_create", "models.errors", "sdk"):
        assert absent not in loaded, absent
    # A read builds no request body, nor loads the checks request models run, nor what
    # a create recovers with.
    assert "tillpoint.models._checkout_requests" not in loaded
    assert "tillpoint.models._request" not in loaded
    assert "tillpoint.funcs._recovery" not in loaded


def test_a_request_body_loads_with_its_first_use_under_its_public_name() -> None:
    code = (
        "import tillpoint.models.checkouts as c, tillpoint.models.sessions as s, sys; "
        "print('tillpoint.models._checkout_requests' in sys.modules, "
        "c.CheckoutCreate.__name__, s.CheckoutSessionCreate.__name__, "
        "'tillpoint.models._checkout_requests' in sys.modules)"
    )
    assert run(code) == "False CheckoutCreate CheckoutSessionCreate True"


def test_a_sessions_call_does_not_load_the_digital_river_models() -> None:
    loaded = run(f"from tillpoint.funcs import sessions_get; {LOADED}")
    assert "tillpoint.models.sessions" in loaded
    assert "tillpoint.models.checkouts" not in loaded
    assert "tillpoint.models._session_requests" not in loaded


@pytest.mark.parametrize(
    "code",
    [
        "from tillpoint.funcs import checkouts_get as f",
        "import tillpoint.funcs.checkouts_get as f",
        "import tillpoint.funcs; f = tillpoint.funcs.checkouts_get",
        "import tillpoint; f = tillpoint.funcs.checkouts_get",
        # The submodule first: its import must not leave the module where the function is.
        "import tillpoint.funcs.checkouts_get; f = tillpoint.funcs.checkouts_get",
        "import tillpoint.funcs.checkouts_get; from tillpoint.funcs import checkouts_get as f",
        "from tillpoint.funcs.checkouts_get import CheckoutsGetError; "
        "from tillpoint.funcs import checkouts_get as f",
        "from tillpoint.funcs import *; f = checkouts_get",
    ],
)
def test_a_function_name_is_the_function_however_it_was_imported(code: str) -> None:
    check = (
        "import inspect, sys; "
        "assert inspect.iscoroutinefunction(f), f; "
        "assert f.__module__ == 'tillpoint.funcs.checkouts_get'; "
        "assert inspect.ismodule(sys.modules['tillpoint.funcs.checkouts_get']); "
        "print('ok')"
    )
    assert run(f"{code}; {check}") == "ok"


def test_every_function_and_every_model_is_reachable() -> None:
    assert all(callable(getattr(funcs, name)) for name in funcs.__all__)
    assert set(dir(funcs)) >= set(funcs.__all__)
    assert all(hasattr(tillpoint.models, name) for name in tillpoint.models.__all__)
    with pytest.raises(AttributeError):
        funcs.no_such_operation  # noqa: B018
    with pytest.raises(AttributeError):
        tillpoint.models.NoSuchModel  # noqa: B018


def test_the_models_table_matches_each_submodule() -> None:
    from tillpoint.models import _EXPORTS, checkouts, errors, sessions

    submodules = {"checkouts": checkouts, "sessions": sessions, "errors": errors}
    assert set(_EXPORTS) == set(submodules)
    for name, module in submodules.items():
        assert sorted(_EXPORTS[name]) == sorted(module.__all__), name
    # Star-import and attribute access give the very same objects.
    namespace: dict[str, object] = {}
    exec("from tillpoint.models import *", namespace)
    assert namespace["Checkout"] is checkouts.Checkout
    assert namespace["CheckoutSession"] is sessions.CheckoutSession
    assert namespace["CheckoutCreate"] is checkouts.CheckoutCreate
    assert namespace["CheckoutSessionCreate"] is sessions.CheckoutSessionCreate
    assert namespace["UNSET"] is tillpoint.models.UNSET


def test_the_open_enum_aliases_are_still_importable_from_the_public_modules() -> None:
    # Before the models were split into private modules, every alias a model field is
    # annotated with was a name of ``models.checkouts``; annotations in users' code
    # may import them from there.
    from tillpoint.models import _checkout_responses, checkouts

    aliases = [
        "BillingTitle",
        "ChargeState",
        "ChargeType",
        "CustomerType",
        "DisclosureType",
        "FeeType",
        "Language",
        "Metadata",
        "PaymentSessionState",
        "ShippingTerms",
        "SourceFlow",
        "SourceState",
        "SourceType",
        "TaxIdentifierState",
        "WeightUnit",
    ]
    for name in aliases:
        assert getattr(checkouts, name) is getattr(_checkout_responses, name), name
