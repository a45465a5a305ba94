"""KaTeX's code from the npm registry: fetched once per version, verified, kept in kb's cache."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import tarfile
from pathlib import Path

from toolkit.errors import KbError

REGISTRY = "https://registry.npmjs.org/katex"

INTEGRITY = {
    "0.11.1": "sha512-5oANDICCTX0NqYIyAiFCCwjQ7ERu3DQG2JFHLbYOf+fXaMoH8eg/"
    "zOq5WSYJsKMi/QebW+Eh3gSM+oss1H/bww==",
    "0.19.1": "sha512-jG8uKntjSEcm2EpQOh0XturpPuuC9r3Sq5HLHdsFdWZT27E672SF19QEi+of0/"
    "YeOy15lDgRhKvr5614uRrEfA==",
}
"""The sha512 the npm registry publishes for each supported version's tarball (`dist.integrity`).

Another version a site loads is fetched too, verified against the integrity the registry gives.
"""

_VERSION = re.compile(r"\d{1,4}\.\d{1,4}\.\d{1,4}(?:-[0-9A-Za-z.]{1,40})?")
_MEMBER = "package/dist/katex.min.js"


def katex_folder() -> Path:
    """Where fetched KaTeX versions are kept: `$KB_KATEX_DIR`, else `katex/` in kb's cache."""
    if os.environ.get("KB_KATEX_DIR"):
        return Path(os.environ["KB_KATEX_DIR"])
    from toolkit.site import cache_folder

    return cache_folder() / "katex"


def _places() -> list[Path]:
    """Folders searched for a fetched version: the configured one, then the user's default."""
    places = [katex_folder()]
    home = Path.home() / ".cache" / "kb" / "katex"
    if home not in places:
        places.append(home)  # a test or a hook with its own KB_CACHE_DIR still finds it
    return places


def katex_source(version: str) -> str:
    """The text of `katex.min.js` of `version`, fetched and verified on first use."""
    if not _VERSION.fullmatch(version):
        raise KbError(f"KaTeX version {version!r} is not a version number such as 0.19.1")
    for folder in _places():
        path = folder / version / "katex.min.js"
        try:
            return path.read_text(encoding="utf-8")
        except OSError:
            continue
    return _fetch(version)


def _fetch(version: str) -> str:
    folder = katex_folder() / version
    try:
        integrity = INTEGRITY.get(version) or _registry_integrity(version)
        data = _download(f"{REGISTRY}/-/katex-{version}.tgz")
    except (OSError, ValueError) as error:
        why = f"cannot fetch it from the npm registry ({error})"
        raise KbError(_unavailable(version, why)) from error
    if not verify(data, integrity):
        raise KbError(_unavailable(version, "the downloaded package fails its sha512 integrity"))
    source = _extract(data)
    from toolkit.fileio import write_atomic

    try:
        folder.mkdir(parents=True, exist_ok=True)
        write_atomic(folder / "katex.min.js", source.encode("utf-8"))
    except OSError:
        pass  # a read-only cache only costs a fetch next time
    return source


def _unavailable(version: str, why: str) -> str:
    return (
        f"KaTeX {version} is needed to check formulas and is not in {katex_folder()}: {why}. "
        f"Run kb once with access to the npm registry, or unpack katex-{version}.tgz from "
        f"npm and copy its dist/katex.min.js to {katex_folder() / version / 'katex.min.js'}"
    )


def verify(data: bytes, integrity: str) -> bool:
    """`data` matches a Subresource Integrity string (`sha512-<base64>`)."""
    algorithm, _, expected = integrity.partition("-")
    if algorithm not in ("sha512", "sha384", "sha256"):
        return False
    digest = base64.b64encode(hashlib.new(algorithm, data).digest()).decode("ascii")
    return digest == expected


def _registry_integrity(version: str) -> str:
    meta = json.loads(_download(f"{REGISTRY}/{version}"))
    integrity = meta.get("dist", {}).get("integrity") if isinstance(meta, dict) else None
    if not isinstance(integrity, str):
        raise ValueError(f"the registry names no integrity for katex {version}")
    return integrity


def _download(url: str) -> bytes:
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": "kb (katex fetch)"})
    with urllib.request.urlopen(request, timeout=60) as response:
        data: bytes = response.read(64 * 1024 * 1024)
    return data


def _extract(data: bytes) -> str:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        member = archive.extractfile(_MEMBER)
        if member is None:
            raise KbError(f"the katex package has no {_MEMBER}")
        return member.read().decode("utf-8")
