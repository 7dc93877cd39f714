#!/usr/bin/env python3
"""readme.programs: every ```c / ```cpp block of README.md whose first line
is its compile command (`// cc demo.c ...` or `// c++ ... demo.cpp ...`) is
compiled with that very command and run from the repository root, as a
reader would: so the README's programs and their compile lines cannot drift
from the libraries. Each program must exit 0.

The command runs from the repository root with `build/` meaning BUILD_DIR,
`cc` / `c++` meaning CC / CXX (plus FLAGS: a sanitizer build's flags), and
the source file written to a scratch folder under BUILD_DIR.

Usage: readme_programs.py README.md BUILD_DIR CC CXX [FLAGS]
"""
import os
import re
import shlex
import subprocess
import sys


def main():
    readme, build, cc, cxx = sys.argv[1:5]
    flags = shlex.split(sys.argv[5]) if len(sys.argv) > 5 else []
    root = os.path.dirname(os.path.abspath(readme))
    build = os.path.abspath(build)
    scratch = os.path.join(build, "readme_programs")
    os.makedirs(scratch, exist_ok=True)
    text = open(readme, encoding="utf-8").read()
    blocks = re.findall(r"```(c|cpp)\n// (cc|c\+\+) ([^\n]*)\n(.*?)```", text, re.S)
    if not blocks:
        print("FAIL: no ```c or ```cpp block starting with its compile command in %s" % readme)
        return 1
    failed = 0
    for n, (lang, compiler, args, body) in enumerate(blocks, 1):
        words = shlex.split(args.replace("$PWD", root))
        sources = [w for w in words if re.fullmatch(r"[\w.-]+\.(c|cc|cpp)", w)]
        if len(sources) != 1:
            print("FAIL: block %d: no single source file in '%s'" % (n, args))
            failed += 1
            continue
        src = os.path.join(scratch, sources[0])
        exe = os.path.join(scratch, "program%d" % n)
        with open(src, "w", encoding="utf-8") as f:
            f.write("// " + compiler + " " + args + "\n" + body)
        cmd = [cc if compiler == "cc" else cxx] + flags
        for w in words:
            if w == sources[0]:
                w = src
            else:
                w = w.replace(root + "/build/", build + "/")
                w = re.sub(r"^(-L|-I|)build/", lambda m: m.group(1) + build + "/", w)
            cmd.append(w)
        cmd += ["-o", exe]
        print("== README.md block %d (%s): %s" % (n, lang, " ".join(shlex.quote(c) for c in cmd)), flush=True)
        if subprocess.call(cmd, cwd=root) != 0:
            print("FAIL: block %d does not compile with its README line" % n)
            failed += 1
            continue
        run = subprocess.run([exe], cwd=root, stdout=subprocess.PIPE, universal_newlines=True)
        out = run.stdout.strip().splitlines()
        print("\n".join(out[:3] + (["..."] if len(out) > 3 else [])))
        if run.returncode != 0 or not out:
            print("FAIL: block %d exited %d, %d lines of output" % (n, run.returncode, len(out)))
            failed += 1
    print("readme programs: %d built and run, %d failed" % (len(blocks), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
