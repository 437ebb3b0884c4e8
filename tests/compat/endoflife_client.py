"""Runs a real endoflife.date client, norwegianblue from PyPI, against our v0 API.

Usage: python endoflife_client.py http://127.0.0.1:PORT

The client is pointed at our server by its BASE_URL. Its cycles must match what our own
support API says, and its table must show them; any difference exits non-zero.
"""

import json
import sys
import tempfile
import urllib.request

import norwegianblue
import norwegianblue._cache

base = sys.argv[1].rstrip("/")
# A fresh cache: the client keeps answers for a day, keyed by URL.
norwegianblue._cache.CACHE_DIR = norwegianblue._cache.Path(tempfile.mkdtemp())
norwegianblue.BASE_URL = base + "/api/"

ours = json.load(urllib.request.urlopen(base + "/api/v1/repos/acme/orbit/support"))
try:
    cycles = norwegianblue.norwegianblue(product="orbit", format=None)
except RecursionError:
    # The client asks /api/all.json for suggestions when a product is missing, and loops
    # when that is missing too.
    sys.exit("the client found neither /api/orbit.json nor /api/all.json")

failures = []


def check(what, got, expected):
    if got != expected:
        failures.append(f"{what}: the client read {got!r}, our support API says {expected!r}")


check("cycles", [c["cycle"] for c in cycles], [l["line"].removesuffix(".x") for l in ours["lines"]])
for cycle, line in zip(cycles, ours["lines"]):
    name = cycle["cycle"]
    check(f"{name} release date", cycle["releaseDate"], line["started"])
    check(f"{name} end of full support", cycle["support"], line["eoas"] or line["phase"] == "full")
    check(f"{name} end of life", cycle["eol"], line["eol"] or line["phase"] == "eol")
    check(f"{name} latest", cycle["latest"], line["latest"])

table = norwegianblue.norwegianblue(product="orbit", format="markdown", color="no")
print(table)
for line in ours["lines"]:
    for value in (line["line"].removesuffix(".x"), line["started"], line["eol"], line["latest"]):
        if value and str(value) not in table:
            failures.append(f"the client's table lacks {value!r}")

try:
    norwegianblue.norwegianblue(product="no-such-product", format=None)
    failures.append("an unknown product did not fail")
except ValueError as err:
    print(f"unknown product: {err}")

if failures:
    print("\n".join(failures), file=sys.stderr)
    sys.exit(1)
print(f"norwegianblue {norwegianblue.__version__} read {len(cycles)} cycles from {base}: OK")
