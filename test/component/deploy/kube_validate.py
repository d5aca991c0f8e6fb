"""Strict schema check of rendered Kubernetes objects (`helm template` output), run by helm-chart.test.ts.

    python kube_validate.py KUBERNETES_VERSION... < rendered.yaml

Built-in kinds are checked against the Kubernetes API's JSON schemas for each version (kubernetes-validate's
strict variant: an unknown field is an error, as with `kubectl apply --validate=strict`); KEDA's ScaledObject
against KEDA's own types (cloudcoil-models-keda, generated from its CRDs) with unknown fields forbidden. A kind
neither knows is an error, never a skip. Prints one line per object; exits 1 when any object fails.
"""

import sys

import pydantic
import yaml
from cloudcoil.models.keda import v1alpha1 as keda
from kubernetes_validate import utils as k8s


def forbid_unknown_fields() -> None:
    """The generated models accept unknown fields; the API server (strict field validation) does not."""
    models = []

    def collect(cls: type) -> None:
        for sub in cls.__subclasses__():
            models.append(sub)
            collect(sub)

    collect(pydantic.BaseModel)
    for model in models:
        model.model_config["extra"] = "forbid"
    # twice: a model's schema embeds those of the models it holds, rebuilt in any order
    for _ in range(2):
        for model in models:
            try:
                model.model_rebuild(force=True)
            except pydantic.PydanticUserError:
                pass  # abstract or generic bases that cannot be built on their own


KEDA_KINDS = {("keda.sh/v1alpha1", "ScaledObject"): keda.ScaledObject, ("keda.sh/v1alpha1", "TriggerAuthentication"): keda.TriggerAuthentication}


def check(resource: dict, versions: list[str]) -> list[str]:
    kind = (resource.get("apiVersion"), resource.get("kind"))
    if kind in KEDA_KINDS:
        try:
            KEDA_KINDS[kind].model_validate(resource)
            return []
        except pydantic.ValidationError as error:
            return [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors()]
    problems = []
    for version in versions:
        try:
            k8s.validate(resource, version, strict=True)
        except k8s.ValidationError as error:
            problems.append(f"{version}: {'.'.join(map(str, error.path))}: {error.message}")
        except k8s.SchemaNotFoundError:
            problems.append(f"{version}: no schema for {kind[0]} {kind[1]}")
    return problems


def main() -> int:
    versions = sys.argv[1:]
    if not versions:
        print("usage: kube_validate.py KUBERNETES_VERSION... < rendered.yaml", file=sys.stderr)
        return 2
    forbid_unknown_fields()
    failed = 0
    checked = 0
    for resource in yaml.safe_load_all(sys.stdin):
        if not resource:
            continue
        checked += 1
        name = f"{resource.get('kind')}/{resource.get('metadata', {}).get('name')}"
        problems = check(resource, versions)
        if problems:
            failed += 1
            for problem in problems:
                print(f"INVALID {name}: {problem}")
        else:
            print(f"valid {name}")
    print(f"{checked} objects, {failed} invalid")
    return 1 if failed or not checked else 0


if __name__ == "__main__":
    sys.exit(main())
