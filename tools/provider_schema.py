"""The Terraform providers' schemas, read from their CDKTF prebuilt bindings on npm.

CI cannot reach the Terraform registry, so `terraform providers schema` cannot run here.
The CDKTF bindings are generated from the same provider releases and are published on npm,
which CI can reach: their ``.jsii`` assembly describes every resource and data source, each
argument (required or optional), each nested block (required or optional, once or repeated)
and every attribute that can be read back. This module turns one assembly into a small
schema and caches it:

    .venv/bin/python -m tools.provider_schema                       # fetch what is missing, say where
    .venv/bin/python -m tools.provider_schema --show google_identity_platform_config

Packages are fetched with ``npm pack`` (never installed into node_modules: they are ~30 MB
each and only their ``.jsii`` file is read), checked against the pinned integrity, and cached
under ``.local/provider-schemas/``: the ``.jsii`` as extracted, and the derived schema, which
is what the checks load (a few hundred milliseconds instead of seconds).
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(os.environ.get("PANTAU_PROVIDER_SCHEMA_CACHE", ROOT / ".local" / "provider-schemas"))

# Bump when the derived schema's shape changes, so caches written by older code are rebuilt.
FORMAT = 1


@dataclass(frozen=True)
class Package:
    """One provider's CDKTF binding, pinned: the npm version and its registry integrity."""

    provider: str  # the local name in required_providers
    npm: str
    version: str
    integrity: str  # npm's dist.integrity (sha512, base64)
    terraform_version: str  # the provider release the binding was generated from (its package.json says so)

    @property
    def spec(self) -> str:
        return f"{self.npm}@{self.version}"

    @property
    def stem(self) -> str:
        return f"{self.npm.replace('@', '').replace('/', '+')}-{self.version}"


# hashicorp/google and google-beta 6.50.0; hashicorp/archive 2.7.1 (the newest bindings of each;
# CDKTF stopped publishing after these, so they are the schema the pinned series is checked against).
PACKAGES: dict[str, Package] = {
    "google": Package(
        "google", "@cdktf/provider-google", "16.12.1",
        "sha512-KqNA/5RiFT07r0PSZ6/07cJ2zESUgbj1JchVj21iBFBZVUbD+578xA/k8eq/r0cbyEgLmg9eYWeVslaYah4DCQ==", "6.50.0",
    ),
    "google-beta": Package(
        "google-beta", "@cdktf/provider-google-beta", "16.12.1",
        "sha512-ip0dXu0ZrsyMgcoGNfkJCYG8PFjNtfb2wkz4Sw7IU09rQMK/A6++SwkmFHl8wJ8KlwMvd2w4tNXfErIbWWWqag==", "6.50.0",
    ),
    "archive": Package(
        "archive", "@cdktf/provider-archive", "11.0.1",
        "sha512-2Plwhj1hVUOYmQrxNbBvy2nrw/gyHZKnQFauPCwjhQX+MpRImF7cceKgX8zZgBPvB5YEP75MIFPbr4sjxDWeHw==", "2.7.1",
    ),
}


class SchemaUnavailable(Exception):
    pass


# -- the schema ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Argument:
    required: bool
    type: str  # "string", "number", "bool", "list(string)", "map(string)", ...


@dataclass(frozen=True)
class NestedBlock:
    required: bool  # at least one must be given
    repeated: bool  # more than one may be given
    block: BlockSchema


@dataclass(frozen=True)
class BlockSchema:
    """What may be written inside a resource, data source, provider or nested block, and
    what can be read from it (``readable``: attribute name -> nested readable, or None for a value)."""

    arguments: dict[str, Argument]
    blocks: dict[str, NestedBlock]
    readable: dict[str, Readable | None]

    @staticmethod
    def from_json(data: dict[str, Any]) -> BlockSchema:
        return BlockSchema(
            arguments={n: Argument(**a) for n, a in data["arguments"].items()},
            blocks={n: NestedBlock(b["required"], b["repeated"], BlockSchema.from_json(b["block"])) for n, b in data["blocks"].items()},
            readable={n: None if r is None else Readable.from_json(r) for n, r in data["readable"].items()},
        )


@dataclass(frozen=True)
class Readable:
    """A nested value one can read attributes from: a list of objects (blocks are lists in
    Terraform, even those that allow only one: ``service_config[0].uri``)."""

    attributes: dict[str, Readable | None]

    @staticmethod
    def from_json(data: dict[str, Any]) -> Readable:
        return Readable({n: None if r is None else Readable.from_json(r) for n, r in data.items()})


@dataclass(frozen=True)
class ProviderSchema:
    package: Package
    source: str  # registry.terraform.io/hashicorp/google
    provider: BlockSchema
    resources: dict[str, BlockSchema]
    data_sources: dict[str, BlockSchema]


# -- from the .jsii assembly ----------------------------------------------------------------------

_TYPE_LINK = re.compile(r"\{@link https://registry\.terraform\.io/providers/[\w-]+/[\w-]+/[\w.]+/docs/(resources|data-sources)/\w+ (\w+)\}")
_ANCHOR = re.compile(r"\{@link https://registry\.terraform\.io/providers/\S+#(\w+) [^}]*\}")
_META_ARGUMENTS = {"count", "depends_on", "for_each", "lifecycle", "provider", "connection", "provisioners"}


def _snake(name: str) -> str:
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


def _terraform_name(prop: dict[str, Any]) -> str:
    """The HCL name of a property: its registry docs anchor (exact, e.g. ``hugepage_size_1g``),
    or, where the generator wrote its own description instead, the camelCase name undone."""
    docs = prop.get("docs", {})
    found = _ANCHOR.search(docs.get("summary", "") + " " + docs.get("remarks", ""))
    return found.group(1) if found else _snake(prop["name"])


class _Assembly:
    def __init__(self, assembly: dict[str, Any]) -> None:
        self.types: dict[str, dict[str, Any]] = assembly["types"]
        self._blocks: dict[str, dict[str, Any]] = {}

    def _struct(self, type_ref: dict[str, Any]) -> str | None:
        fqn = type_ref.get("fqn")
        if fqn and not fqn.startswith("cdktf.") and self.types[fqn]["kind"] == "interface":
            return fqn
        return None

    def _value_type(self, type_ref: dict[str, Any]) -> str:
        if "primitive" in type_ref:
            return {"boolean": "bool"}.get(type_ref["primitive"], type_ref["primitive"])
        if "collection" in type_ref:
            c = type_ref["collection"]
            return f"{c['kind'].replace('array', 'list')}({self._value_type(c['elementtype'])})"
        if "union" in type_ref:  # boolean | IResolvable
            return "|".join(sorted(self._value_type(t) for t in type_ref["union"]["types"] if t.get("fqn") != "cdktf.IResolvable"))
        return type_ref.get("fqn", "any")

    def block(self, config_fqn: str, reader_fqn: str | None) -> dict[str, Any]:
        """A config struct (what one writes) and its reader class (what one reads back)."""
        key = config_fqn
        if key in self._blocks:
            return self._blocks[key]
        arguments: dict[str, Any] = {}
        blocks: dict[str, Any] = {}
        config = self.types[config_fqn]
        names_by_property = {}
        for prop in config.get("properties", []):
            name = _terraform_name(prop)
            names_by_property[prop["name"]] = name
            if config_fqn.endswith("Config") and config.get("interfaces") and name in _META_ARGUMENTS:
                continue
            required = not prop.get("optional", False)
            type_ref = prop["type"]
            single = self._struct(type_ref)
            repeated = None
            if "union" in type_ref:
                for member in type_ref["union"]["types"]:
                    if "collection" in member and self._struct(member["collection"]["elementtype"]):
                        repeated = self._struct(member["collection"]["elementtype"])
            if single or repeated:
                inner = single or repeated
                reader = inner + "OutputReference" if inner + "OutputReference" in self.types else None
                blocks[name] = {"required": required, "repeated": repeated is not None, "block": self.block(inner, reader)}
            else:
                arguments[name] = {"required": required, "type": self._value_type(type_ref)}
        out = {"arguments": arguments, "blocks": blocks, "readable": self.readable(reader_fqn, names_by_property) if reader_fqn else {}}
        self._blocks[key] = out
        return out

    def readable(self, class_fqn: str, names: dict[str, str], seen: frozenset[str] = frozenset()) -> dict[str, Any]:
        """Attributes one can refer to: the class's getters (not the ``...Input`` twins)."""
        out: dict[str, Any] = {}
        cls = self.types[class_fqn]
        for prop in cls.get("properties", []):
            if prop.get("static") or prop["name"] == "internalValue" or prop["name"].endswith("Input"):
                continue
            name = names.get(prop["name"]) or _snake(prop["name"])
            fqn = prop["type"].get("fqn", "")
            nested = None
            if fqn and not fqn.startswith("cdktf.") and fqn not in seen:
                target = self.types[fqn]
                if target.get("base") == "cdktf.ComplexList":
                    get = next(m for m in target.get("methods", []) if m["name"] == "get")
                    fqn = get["returns"]["type"]["fqn"]
                    target = self.types[fqn]
                if target.get("base") == "cdktf.ComplexObject":
                    config_twin = fqn.removesuffix("OutputReference")
                    inner_names = {p["name"]: _terraform_name(p) for p in self.types.get(config_twin, {}).get("properties", [])}
                    nested = self.readable(fqn, inner_names, seen | {fqn})
            out[name] = nested
        return out

    def provider_schema(self, package: Package) -> dict[str, Any]:
        resources: dict[str, Any] = {}
        data_sources: dict[str, Any] = {}
        provider: dict[str, Any] | None = None
        for fqn, t in self.types.items():
            base = t.get("base")
            if base not in ("cdktf.TerraformResource", "cdktf.TerraformDataSource", "cdktf.TerraformProvider"):
                continue
            config = next(p for p in t["initializer"]["parameters"] if p["name"] == "config")["type"]["fqn"]
            if base == "cdktf.TerraformProvider":
                provider = self.block(config, None)
                continue
            link = _TYPE_LINK.search(t["docs"]["summary"])
            if link is None:
                raise SchemaUnavailable(f"{package.spec}: cannot tell the Terraform type of {fqn}")
            kind, type_name = link.groups()
            (resources if kind == "resources" else data_sources)[type_name] = self.block(config, fqn)
        if provider is None:
            raise SchemaUnavailable(f"{package.spec}: no provider configuration in the assembly")
        return {"resources": resources, "data_sources": data_sources, "provider": provider}


# -- fetching and caching -----------------------------------------------------------------------------

def _npm_pack(package: Package, into: Path) -> Path:
    npm = shutil.which("npm")
    if npm is None:
        raise SchemaUnavailable("npm is required to fetch the provider schemas (Node.js 18+: https://nodejs.org)")
    try:
        done = subprocess.run(
            [npm, "pack", package.spec, "--pack-destination", str(into), "--silent", "--no-audit", "--no-fund"],
            cwd=into, capture_output=True, text=True, timeout=600, check=False,
        )
    except subprocess.TimeoutExpired as error:
        raise SchemaUnavailable(f"npm pack {package.spec} took longer than 10 minutes") from error
    if done.returncode != 0:
        raise SchemaUnavailable(f"npm pack {package.spec} failed (is registry.npmjs.org reachable?):\n{done.stderr.strip()}")
    tarballs = list(into.glob("*.tgz"))
    if len(tarballs) != 1:
        raise SchemaUnavailable(f"npm pack {package.spec} left {len(tarballs)} tarballs")
    return tarballs[0]


def _verify(package: Package, tarball: Path) -> None:
    algorithm, _, expected = package.integrity.partition("-")
    digest = hashlib.new(algorithm)
    with tarball.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    if base64.b64encode(digest.digest()).decode() != expected:
        raise SchemaUnavailable(f"{package.spec}: the tarball does not match the pinned integrity {package.integrity}")


def _extract_jsii(tarball: Path, target: Path) -> None:
    # Streamed: .jsii comes first in these tarballs, so the rest (the JavaScript) is never unpacked.
    with tarfile.open(tarball, mode="r|gz") as archive:
        for member in archive:
            if member.name == "package/.jsii":
                source = archive.extractfile(member)
                assert source is not None
                partial = target.with_suffix(".partial")
                with partial.open("wb") as out:
                    shutil.copyfileobj(source, out, 1 << 20)
                partial.replace(target)
                return
    raise SchemaUnavailable(f"{tarball.name} has no package/.jsii")


def jsii_path(package: Package) -> Path:
    """The package's .jsii assembly in the cache, fetched with npm when missing."""
    target = CACHE / f"{package.stem}.jsii"
    if target.exists():
        return target
    CACHE.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=CACHE, prefix="npm-pack-") as work:
        tarball = _npm_pack(package, Path(work))
        _verify(package, tarball)
        _extract_jsii(tarball, target)
    return target


def _derive(package: Package) -> dict[str, Any]:
    assembly = json.loads(jsii_path(package).read_text())
    # The binding says which provider release it was generated from; it must be the pinned one.
    provider = _generated_from(assembly)
    if provider["version"] != package.terraform_version:
        raise SchemaUnavailable(f"{package.spec} was generated from {provider['name']} {provider['version']}, not {package.terraform_version}")
    return {
        "format": FORMAT,
        "package": package.spec,
        "source": provider["name"],
        "version": provider["version"],
        **_Assembly(assembly).provider_schema(package),
    }


def _generated_from(assembly: dict[str, Any]) -> dict[str, str]:
    readme = assembly.get("readme", {}).get("markdown", "")
    found = re.search(r"registry\.terraform\.io/providers/([\w-]+/[\w-]+)/([\d.]+)", readme)
    if not found:
        raise SchemaUnavailable(f"{assembly['name']}: cannot tell which provider release it was generated from")
    return {"name": f"registry.terraform.io/{found.group(1)}", "version": found.group(2)}


def schema_path(package: Package) -> Path:
    return CACHE / f"{package.stem}.schema-v{FORMAT}.json"


def ensure(package: Package) -> Path:
    """The derived schema file of a package, built (and fetched) when missing."""
    target = schema_path(package)
    if not target.exists():
        data = _derive(package)
        partial = target.with_suffix(f".{os.getpid()}.partial")
        partial.write_text(json.dumps(data, separators=(",", ":"), sort_keys=True))
        partial.replace(target)  # atomic: a concurrent reader sees the whole file or none
    return target


@cache
def load(provider: str) -> ProviderSchema:
    package = PACKAGES[provider]
    data = json.loads(ensure(package).read_text())
    return ProviderSchema(
        package=package,
        source=data["source"],
        provider=BlockSchema.from_json(data["provider"]),
        resources={n: BlockSchema.from_json(b) for n, b in data["resources"].items()},
        data_sources={n: BlockSchema.from_json(b) for n, b in data["data_sources"].items()},
    )


# -- command line -------------------------------------------------------------------------------------

def _describe(block: BlockSchema, indent: str = "") -> list[str]:
    lines = []
    for name, argument in sorted(block.arguments.items()):
        lines.append(f"{indent}{name} = <{argument.type}>{'  (required)' if argument.required else ''}")
    for name, nested in sorted(block.blocks.items()):
        how = ("required" if nested.required else "optional") + (", repeatable" if nested.repeated else ", at most one")
        lines.append(f"{indent}{name} {{  ({how})")
        lines += _describe(nested.block, indent + "  ")
        lines.append(f"{indent}}}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show", metavar="TYPE", help="print what a resource or data source (data.TYPE) accepts")
    parser.add_argument("--provider", default=None, help="google, google-beta or archive (default: from the type's name)")
    args = parser.parse_args(argv)
    try:
        if args.show:
            data = args.show.startswith("data.")
            name = args.show.removeprefix("data.")
            provider = args.provider or ("archive" if name.startswith("archive_") else "google")
            schema = load(provider)
            table = schema.data_sources if data else schema.resources
            if name not in table:
                print(f"{args.show}: not in {schema.package.spec}", file=sys.stderr)
                return 1
            print(f"# {args.show} in {schema.source} {schema.package.terraform_version} ({schema.package.spec})")
            print("\n".join(_describe(table[name])))
            return 0
        for package in PACKAGES.values():
            print(f"{package.spec}: {ensure(package)}")
    except SchemaUnavailable as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
