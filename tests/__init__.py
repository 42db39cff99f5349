"""End-to-end tests, and the one place the project's test data is named from."""

from pathlib import Path

# Real, public test material carried by the project (testdata/README.md and MANIFEST.tsv say where each
# file came from), so a clone alone passes its tests.
TESTDATA = Path(__file__).resolve().parents[1] / "testdata"
