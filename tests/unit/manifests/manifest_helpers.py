"""Helpers of the manifest tests: repository paths and validation against cluster schemas.

The schemas are the Prometheus Operator's own CRDs (release 0.93), shipped in
``kube_devops/sandbox/real/crds`` (the real sandbox installs them; source and licence in its
README). A missing schema fails the test: validating against nothing would prove nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

REPO_ROOT = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").exists())
SCHEMA_DIR = REPO_ROOT / "kube_devops" / "sandbox" / "real" / "crds"
KUBE_TESTS = REPO_ROOT / "kube-tests"


def operator_schema(plural: str) -> dict[str, Any]:
    """The openAPIV3Schema of ``<plural>.monitoring.coreos.com`` v1, closed against unknown keys."""
    path = SCHEMA_DIR / f"monitoring.coreos.com_{plural}.yaml"
    if not path.is_file():
        pytest.fail(f"{path} is missing: restore it from the source its folder's README.md names")
    crd = yaml.safe_load(path.read_text(encoding="utf-8"))
    version = next(v for v in crd["spec"]["versions"] if v["name"] == "v1")
    schema = _closed(version["schema"]["openAPIV3Schema"])
    assert isinstance(schema, dict), f"{path}: openAPIV3Schema is not an object"
    return schema


def _closed(schema: Any) -> Any:
    """Forbid properties a structural schema does not declare (a misspelt field must fail)."""
    if isinstance(schema, dict):
        closed = {key: _closed(value) for key, value in schema.items()}
        if "properties" in schema and "additionalProperties" not in schema:
            closed["additionalProperties"] = False
        return closed
    if isinstance(schema, list):
        return [_closed(item) for item in schema]
    return schema


def validate_operator_object(obj: dict[str, Any], plural: str) -> None:
    """Raise ``jsonschema.ValidationError`` when ``obj`` breaks the operator's CRD schema."""
    schema = operator_schema(plural)
    # metadata is an open object in CRD schemas; check the body strictly.
    body = {key: value for key, value in obj.items() if key != "metadata"}
    jsonschema.Draft202012Validator(schema).validate(body)


def validate_core_object(obj: dict[str, Any]) -> None:
    """Validate a core Kubernetes object strictly against the newest bundled schema."""
    kubernetes_validate.validate(obj, kubernetes_validate.utils.latest_version(), strict=True)
