"""`samla import`: a summary on stdout, failures on stderr, exit 1 when any record failed."""

from click.testing import CliRunner

from samla.cli import main
from samla.records.models import Record

from .conftest import DIVA_SWEPUB

SUMMARY = "{} created, {} updated, {} unchanged, {} deleted, {} failed\n"


def test_import_command_new_records_exits_0_and_prints_summary(db, kth_thesis_copies):
    path = kth_thesis_copies((9200001, {}), (9200002, {}))

    result = CliRunner().invoke(main, ["import", str(path)])

    assert result.exit_code == 0, result.output
    assert result.stdout == SUMMARY.format(2, 0, 0, 0, 0)
    assert "Importing" in result.stderr
    assert Record.objects.filter(local_id__in=["diva2:9200001", "diva2:9200002"]).count() == 2


def test_import_command_several_files_counts_every_status(db):
    files = [DIVA_SWEPUB / "kth-new-diva.xml", DIVA_SWEPUB / "delete_kth_post.xml"]

    result = CliRunner().invoke(main, ["import", *map(str, files)])

    assert result.exit_code == 0, result.output
    assert result.stdout == SUMMARY.format(0, 0, 1, 1, 0)


def test_import_command_failed_record_exits_1_and_reports_it_on_stderr(db, kth_thesis_copies):
    path = kth_thesis_copies((9200003, {"0000-0001-9329-9088": "0000-0001-9329-9089"}), (9200004, {}))

    result = CliRunner().invoke(main, ["import", str(path)])

    assert result.exit_code == 1
    assert result.stdout == SUMMARY.format(1, 0, 0, 0, 1)
    assert f"{path}:6 diva2:9200003 contributors[0].person.orcid: Record diva2:9200003:" in result.stderr


def test_import_command_not_well_formed_file_exits_1_naming_file_and_line(db):
    path = DIVA_SWEPUB / "chalmers.xml"

    result = CliRunner().invoke(main, ["import", str(path)])

    assert result.exit_code == 1
    assert result.stdout == SUMMARY.format(0, 0, 0, 0, 1)
    assert f"{path}:186 - -: not well-formed XML (Entity 'ouml' not defined" in result.stderr


def test_import_command_missing_file_exits_2(db, tmp_path):
    result = CliRunner().invoke(main, ["import", str(tmp_path / "missing.xml")])

    assert result.exit_code == 2
    assert "does not exist" in result.stderr
