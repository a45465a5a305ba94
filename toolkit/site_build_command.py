"""`kb build-site` and `kb serve`: build the editions' site, write it or serve it."""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from toolkit.config import load_config
from toolkit.site_build import build_site, make_server


def run_build_site(args: argparse.Namespace) -> int:
    """`kb build-site OUT`: build, report on stderr what was left out; 0 on success."""
    result = build_site(args.out, load_config(path=args.config, root=args.root))
    for edition, source in result.missing:
        print(
            f"kb: note: {source} does not exist: the {edition.code} edition ({edition.url_path}) "
            "is not built; `kb translate` writes it",
            file=sys.stderr,
        )
    for line in result.refused:
        print(f"kb: warning: {line}", file=sys.stderr)
    names = ", ".join(f"{e.code} at {e.url_path}" for e in result.built)
    print(f"built {names} into {result.out}", file=sys.stderr)
    return 1 if result.refused else 0


def run_serve(args: argparse.Namespace) -> int:
    """`kb serve`: build into a temporary folder and serve it until Ctrl-C; 0 when stopped."""
    config = load_config(path=args.config, root=args.root)
    with tempfile.TemporaryDirectory(prefix="kb-site-") as temp:
        out = Path(temp) / "site"
        result = build_site(out, config)
        for edition, source in result.missing:
            print(f"kb: note: {source} does not exist: no {edition.code} edition", file=sys.stderr)
        for line in result.refused:
            print(f"kb: warning: {line}", file=sys.stderr)
        server = make_server(out, args.port)
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        print(f"Serving the book at {url} (Ctrl-C to stop)", flush=True)
        for edition in result.built[1:]:
            print(f"  {edition.code}: {url}{edition.folder}/", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            print("stopped", file=sys.stderr)
        finally:
            server.server_close()
    return 0
