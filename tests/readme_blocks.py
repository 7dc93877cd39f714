#!/usr/bin/env python3
"""Runs the ```python blocks of README.md with a given Python, from the
repository root, so that the README's Python cannot drift from the package
it documents. Each block runs in its own process and must exit 0; its
output is printed. A line right before a block can say more:
  <!-- readme-test: skip -->          leaves the block out (say why in the README)
  <!-- readme-test: expect TEXT -->   its output must contain TEXT

Usage: readme_blocks.py README.md PYTHON   (exit 77: a skip, no numpy)
"""
import os
import re
import subprocess
import sys


def python_blocks(text):
    blocks = []
    pattern = r"(?:<!-- readme-test: (skip|expect (.*?)) -->[ \t]*\n)?```python\n(.*?)```"
    for m in re.finditer(pattern, text, re.S):
        line = text.count("\n", 0, m.start(3)) + 1
        if m.group(1) != "skip":
            blocks.append((line, m.group(3), m.group(2)))
    return blocks


def main():
    readme, python = sys.argv[1], sys.argv[2]
    root = os.path.dirname(os.path.abspath(readme))
    blocks = python_blocks(open(readme, encoding="utf-8").read())
    if not blocks:
        print("FAIL: no ```python block in %s" % readme)
        return 1
    if subprocess.call([python, "-c", "import numpy"]) != 0:
        print("SKIP: numpy is not importable by %s (pip install numpy)" % python)
        return 1 if os.environ.get("CI") == "true" else 77
    failed = 0
    for line, code, expect in blocks:
        print("== README.md line %d: python block" % line, flush=True)
        run = subprocess.run([python, "-c", code], cwd=root, stdout=subprocess.PIPE, universal_newlines=True)
        sys.stdout.write(run.stdout)
        if run.returncode != 0:
            print("FAIL: the block at README.md line %d exited %d" % (line, run.returncode))
            failed += 1
        elif expect is not None and expect not in run.stdout:
            print("FAIL: the block at README.md line %d did not print %r" % (line, expect))
            failed += 1
    print("readme python blocks: %d run, %d failed" % (len(blocks), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
