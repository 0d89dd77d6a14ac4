"""What a user installs: the wheel and sdist contents, and the public surface."""

from __future__ import annotations

import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

import tillpoint

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )
    return out


def test_wheel_ships_types_and_nothing_but_the_package(dist: Path) -> None:
    (wheel,) = dist.glob("tillpoint-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()

    assert "tillpoint/py.typed" in names
    assert "tillpoint/__init__.py" in names
    assert "tillpoint/funcs/checkouts_create.py" in names
    assert "tillpoint/auth.py" in names
    assert not [n for n in names if n.startswith(("tests/", "examples/", "bench/", "docs/"))]
    assert all(n.startswith(("tillpoint/", "tillpoint-")) for n in names)


def test_wheel_metadata(dist: Path) -> None:
    (wheel,) = dist.glob("tillpoint-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        (metadata_name,) = [n for n in archive.namelist() if n.endswith("METADATA")]
        metadata = archive.read(metadata_name).decode()

    assert f"Version: {tillpoint.__version__}" in metadata
    assert "Requires-Python: >=3.10" in metadata
    runtime = [
        line.split(" ")[1].split(">")[0].split("<")[0].split(";")[0].lower()
        for line in metadata.splitlines()
        if line.startswith("Requires-Dist:") and "extra ==" not in line
    ]
    assert sorted(runtime) == ["anyio", "attrs", "cattrs", "httpx"]
    assert "Provides-Extra: jwt" in metadata
    assert "Provides-Extra: sandbox" in metadata
    assert "Classifier: Typing :: Typed" in metadata


def test_sdist_has_sources_and_tests(dist: Path) -> None:
    (sdist,) = dist.glob("tillpoint-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = archive.getnames()

    assert any(n.endswith("src/tillpoint/py.typed") for n in names)
    assert any(n.endswith("tests/conftest.py") for n in names)
    assert any(n.endswith("LICENSE") for n in names)


def test_public_surface() -> None:
    # DESIGN.md: these names are a contract.
    from tillpoint import (  # noqa: F401
        BackoffStrategy,
        Err,
        Ok,
        Result,
        RetryConfig,
        Tillpoint,
        TillpointCore,
        errors,
        funcs,
        models,
    )

    expected = {
        "checkouts_list",
        "checkouts_create",
        "checkouts_get",
        "checkouts_update",
        "checkouts_delete",
        "checkouts_attach_source",
        "checkouts_detach_source",
        "sessions_create",
        "sessions_update",
        "sessions_get",
        "sessions_delete",
    }
    assert expected <= set(funcs.__all__)
    assert {
        "CheckoutSessionCreate",
        "CheckoutSession",
        "CheckoutSessionPaymentMethod",
        "CheckoutSessionPaymentMethodDetails",
        "CartItem",
        "GuestBuyer",
        "BillingDetails",
        "ShippingDetails",
        "SessionAddress",
        "TaxId",
        "Airline",
        "AirlineLeg",
        "AirlinePassenger",
    } <= set(models.__all__)
    assert all(hasattr(models, name) for name in models.__all__)
    assert all(callable(getattr(funcs, name)) for name in funcs.__all__)
    assert set(dir(tillpoint)) >= {"Tillpoint", "TillpointCore", "Ok", "Err", "errors"}
    with pytest.raises(AttributeError):
        tillpoint.no_such_name  # noqa: B018


def test_import_is_lazy() -> None:
    code = (
        "import sys, tillpoint; "
        "heavy = [m for m in ('httpx', 'cattrs', 'attrs', 'anyio') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == ""
