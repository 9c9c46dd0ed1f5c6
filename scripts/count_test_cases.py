"""Counts test cases in Meson's JUnit logs and prints "N passed, N failed".

Takes one JUnit file per test pass (./test.sh runs up to four: plain, ASan+UBSan, TSan,
libFuzzer). GoogleTest suites (protocol 'gtest') contribute one entry per test case; other tests
one entry each. A skipped case counts as neither and is reported separately. With several files,
one line per file comes first; the last line is always the total.
"""
import sys
import xml.etree.ElementTree as ElementTree


def count(path):
    root = ElementTree.parse(path).getroot()
    passed = failed = skipped = 0
    for case in root.iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
        elif case.find("skipped") is not None:
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped


def summary(passed, failed, skipped):
    line = f"{passed} passed, {failed} failed"
    if skipped:
        line += f", {skipped} skipped"
    return line


def main(paths):
    if not paths:
        sys.exit("usage: count_test_cases.py JUNIT_XML...")
    totals = [0, 0, 0]
    for path in paths:
        counts = count(path)
        if len(paths) > 1:
            print(f"{path}: {summary(*counts)}")
        totals = [total + part for total, part in zip(totals, counts)]
    print(summary(*totals))


if __name__ == "__main__":
    main(sys.argv[1:])
