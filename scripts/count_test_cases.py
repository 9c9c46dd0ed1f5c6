"""Counts test cases in Meson's JUnit log and prints "N passed, N failed".

GoogleTest suites (protocol 'gtest') contribute one entry per test case; other tests one entry
each. A skipped case counts as neither and is reported separately.
"""
import sys
import xml.etree.ElementTree as ElementTree


def main(path):
    root = ElementTree.parse(path).getroot()
    passed = failed = skipped = 0
    for case in root.iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
        elif case.find("skipped") is not None:
            skipped += 1
        else:
            passed += 1
    line = f"{passed} passed, {failed} failed"
    if skipped:
        line += f", {skipped} skipped"
    print(line)


if __name__ == "__main__":
    main(sys.argv[1])
