"""Counts test cases in Meson's JUnit logs and prints "N passed, N failed".

Takes one JUnit file per test pass (./test.sh runs up to five: plain, plain on the pwrite
backend, ASan+UBSan, TSan, libFuzzer). GoogleTest suites (protocol 'gtest') contribute one entry
per test case; other tests one entry each. A skipped case counts as neither: the skipped cases
are named on a line of their own. `--failed WHAT` (repeatable) counts one failed case that has
no JUnit log, such as a build that failed so that its pass's tests could not run; a JUnit file
that is missing or unreadable counts as one failed case too, so that a broken pass is never
read as a clean one. With several files, one line per file comes first; the last line is always
the total, exactly "N passed, N failed".
"""
import argparse
import sys
import xml.etree.ElementTree as ElementTree


def count(path):
    """Returns (passed, failed, names of skipped cases) of one JUnit file."""
    root = ElementTree.parse(path).getroot()
    passed = failed = 0
    skipped = []
    for case in root.iter("testcase"):
        if case.find("failure") is not None or case.find("error") is not None:
            failed += 1
        elif case.find("skipped") is not None:
            name = case.get("name", "?")
            classname = case.get("classname")
            skipped.append(f"{classname}.{name}" if classname else name)
        else:
            passed += 1
    return passed, failed, skipped


def summary(passed, failed, skipped=0):
    line = f"{passed} passed, {failed} failed"
    if skipped:
        line += f", {skipped} skipped"
    return line


def main(argv):
    parser = argparse.ArgumentParser(
        description='Counts test cases in JUnit logs; the last line is "N passed, N failed".')
    parser.add_argument("junit", nargs="*", help="a JUnit XML file written by `meson test`")
    parser.add_argument("--failed", action="append", default=[], metavar="WHAT",
                        help="count one failed case that left no JUnit log (e.g. a failed build)")
    args = parser.parse_args(argv)
    if not args.junit and not args.failed:
        parser.error("give at least one JUnit file or --failed")

    passed = failed = 0
    skipped = []
    for what in args.failed:
        print(f"{what}: 1 failed (no tests ran)")
        failed += 1
    for path in args.junit:
        try:
            file_passed, file_failed, file_skipped = count(path)
        except (OSError, ElementTree.ParseError) as error:
            print(f"{path}: 1 failed (cannot read the JUnit log: {error})")
            failed += 1
            continue
        if len(args.junit) + len(args.failed) > 1:
            print(f"{path}: {summary(file_passed, file_failed, len(file_skipped))}")
        passed += file_passed
        failed += file_failed
        skipped += file_skipped
    if skipped:
        print(f"{len(skipped)} skipped: {', '.join(skipped)}")
    print(summary(passed, failed))


if __name__ == "__main__":
    main(sys.argv[1:])
