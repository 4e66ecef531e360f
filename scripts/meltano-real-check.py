"""Checks zchat against real Meltano code where Meltano is installed (pip install meltano).

Not run by the tests (they emulate Meltano, which cannot be installed where they
run); a developer's check of what the emulation claims:

  python3 scripts/meltano-real-check.py rewrite            # Meltano's own rewrite of meltano.yml changes nothing
  python3 scripts/meltano-real-check.py parse STDERR_FILE  # Meltano's SDK log parser on a tap's stderr

For the second, run the tap with SINGER_SDK_LOG_CONFIG naming a logging config
whose formatter is {"()": "singer_sdk.logging.StructuredFormatter"}, stderr to a
file. Uses meltano.core.project_files.ProjectFiles, meltano_file.MeltanoFile and
logging.parsers.SingerSDKLogParser, as `meltano config set` and `meltano run` do.
"""

from __future__ import annotations

import collections
import logging
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def rewrite() -> int:
    from meltano.core.meltano_file import MeltanoFile
    from meltano.core.project_files import ProjectFiles

    warnings.simplefilter("ignore")
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "meltano.yml"
        shutil.copy(ROOT / "meltano.yml", copy)
        files = ProjectFiles(Path(tmp), copy)
        files.update(MeltanoFile.parse(files.load()).canonical())
        before = (ROOT / "meltano.yml").read_text()
        after = copy.read_text()
    if before == after:
        print("meltano.yml: Meltano writes it back unchanged")
        return 0
    import difflib

    sys.stdout.writelines(difflib.unified_diff(before.splitlines(True), after.splitlines(True), "meltano.yml", "as Meltano writes it"))
    return 1


def parse(path: str) -> int:
    from meltano.core.logging.parsers import SingerSDKLogParser

    parser = SingerSDKLogParser()
    levels: collections.Counter[str] = collections.Counter()
    unparsed = []
    for line in Path(path).read_text().splitlines():
        if not line.strip():
            continue
        record = parser.parse(line)
        if record is None:
            unparsed.append(line)
            continue
        levels[logging.getLevelName(record.level)] += 1
        if record.level >= logging.WARNING:
            print(logging.getLevelName(record.level), record.message)
    print(dict(levels), f"{len(unparsed)} lines Meltano would log as plain text")
    for line in unparsed[:5]:
        print("  ", line)
    return 1 if unparsed else 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["rewrite"]:
        sys.exit(rewrite())
    if sys.argv[1:2] == ["parse"] and len(sys.argv) == 3:
        sys.exit(parse(sys.argv[2]))
    print(__doc__)
    sys.exit(2)
