#!/usr/bin/env python3
"""Where generated test models are cached, outside the clone.

    python3 scripts/model_cache.py SET      prints the cache directory of SET (zoo, large, quant)

The directory is ${OAR_MODEL_CACHE:-$HOME/.cache/oar/models}/<SET>-<hash>/, where the hash
covers the scripts that generate SET (the generator and what it imports from scripts/) and
the installed paddlepaddle's version: a change to any of them gives a new directory, which
scripts/test.sh generates and links as tests/data/<SET>. Directories of other hashes are
left alone (other checkouts may use them); delete the cache to reclaim the space.
Imports no paddle (the version comes from the package metadata), so it is quick.
"""

import hashlib
import importlib.metadata
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SETS = {
    "zoo": ["gen_zoo.py", "gen_fixtures.py", "gen_pir_fixtures.py", "gen_bert.py"],
    "large": ["gen_fixtures.py", "gen_pir_fixtures.py", "gen_bert.py"],
    # Made from the large models: their generators count too.
    "quant": ["gen_quant_zoo.py", "gen_onnx_fixtures.py", "gen_fixtures.py", "gen_pir_fixtures.py", "gen_bert.py"],
}


def cache_root():
    root = os.environ.get("OAR_MODEL_CACHE")
    return root if root else os.path.join(os.path.expanduser("~"), ".cache", "oar", "models")


def cache_key(name):
    h = hashlib.sha256()
    for script in SETS[name]:
        with open(os.path.join(HERE, script), "rb") as f:
            data = f.read()
        h.update(b"%s %d\n" % (script.encode(), len(data)))
        h.update(data)
    try:
        version = importlib.metadata.version("paddlepaddle")
    except importlib.metadata.PackageNotFoundError:
        version = "none"
    h.update(b"paddlepaddle " + version.encode())
    return h.hexdigest()[:16]


def main(argv):
    if len(argv) != 2 or argv[1] not in SETS:
        sys.stderr.write("usage: model_cache.py {%s}\n" % ",".join(sorted(SETS)))
        return 2
    print(os.path.join(cache_root(), "%s-%s" % (argv[1], cache_key(argv[1]))))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
