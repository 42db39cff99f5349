"""`samla import`: a summary on stdout, flags and failures on stderr, exit 1 when any record failed."""

from click.testing import CliRunner

from samla.cli import main
from samla.records.models import Record

from .conftest import DIVA_SWEPUB

SUMMARY = "{} created, {} updated, {} unchanged, {} deleted, {} flagged, {} failed\n"
TITLE = "Inkjet Printing of Graphene-based Microsupercapacitors for Miniaturized Energy Storage"


def test_import_command_new_records_exits_0_and_prints_summary(db, kth_thesis_copies):
    path = kth_thesis_copies((9200001, {}), (9200002, {}))

    result = CliRunner().invoke(main, ["import", str(path)])

    assert result.exit_code == 0, result.output
    assert result.stdout == SUMMARY.format(2, 0, 0, 0, 0, 0)
    assert "Importing" in result.stderr
    assert Record.objects.filter(local_id__in=["diva2:9200001", "diva2:9200002"]).count() == 2


def test_import_command_several_files_counts_every_status(db):
    files = [DIVA_SWEPUB / "kth-new-diva.xml", DIVA_SWEPUB / "delete_kth_post.xml"]

    result = CliRunner().invoke(main, ["import", *map(str, files)])

    assert result.exit_code == 0, result.output
    assert result.stdout == SUMMARY.format(0, 0, 1, 1, 0, 0)


def test_import_command_record_without_title_exits_1_and_reports_it_on_stderr(db, kth_thesis_copies):
    path = kth_thesis_copies((9200003, {TITLE: "", "Applications": ""}), (9200004, {}))

    result = CliRunner().invoke(main, ["import", str(path)])

    assert result.exit_code == 1
    assert result.stdout == SUMMARY.format(1, 0, 0, 0, 0, 1)
    assert f"{path}:6 diva2:9200003 title: Record diva2:9200003: title: a title is required" in (
        result.stderr
    )


def test_import_command_flagged_record_exits_0_and_names_each_flag_on_stderr(db, kth_thesis_copies):
    path = kth_thesis_copies((9200005, {"0000-0001-9329-9088": "0000-0001-9329-9089"}), (9200006, {}))

    result = CliRunner().invoke(main, ["import", str(path)])

    assert result.exit_code == 0, result.output
    assert result.stdout == SUMMARY.format(2, 0, 0, 0, 1, 0)
    assert (
        f"flagged {path}:6 diva2:9200005 contributors[0].person.orcid: "
        "'0000-0001-9329-9089' is not a valid ORCID iD (wrong form or check digit)\n"
    ) in result.stderr


def test_import_command_not_well_formed_file_exits_1_naming_file_and_line(db, not_well_formed):
    path = not_well_formed

    result = CliRunner().invoke(main, ["import", str(path)])

    assert result.exit_code == 1
    assert result.stdout == SUMMARY.format(0, 0, 0, 0, 0, 1)
    assert f"{path}:186 - -: not well-formed XML (Entity 'oumlaut' not defined" in result.stderr


def test_import_command_missing_file_exits_2(db, tmp_path):
    result = CliRunner().invoke(main, ["import", str(tmp_path / "missing.xml")])

    assert result.exit_code == 2
    assert "does not exist" in result.stderr


def test_import_command_dry_run_lists_each_change_and_writes_nothing(db, curator, kth_thesis_copies):
    from samla.records.services import get_record_for, record_to_input, update_record

    CliRunner().invoke(main, ["import", str(kth_thesis_copies((9200005, {}), name="first.xml"))])
    data = record_to_input(get_record_for(curator, "diva2:9200005"))
    data.publisher = "KTH"
    update_record(curator, local_id="diva2:9200005", data=data)
    changed = kth_thesis_copies(
        (
            9200005,
            {
                "<extent>73</extent>": "<extent>74</extent>",
                "KTH Royal Institute of Technology<": "KTH, Stockholm<",
            },
        ),
        (9200006, {}),
    )
    revision = Record.objects.get(local_id="diva2:9200005").revision

    result = CliRunner().invoke(main, ["import", "--dry-run", str(changed)])

    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"{changed}:6 diva2:9200005: would update page_count; would propose publisher\n"
        f"{changed}:223 diva2:9200006: would create\n"
        "Dry run, nothing written: 1 created, 1 updated, 0 unchanged, 0 deleted, 0 flagged, 0 failed\n"
    )
    assert Record.objects.get(local_id="diva2:9200005").revision == revision
    assert not Record.objects.filter(local_id="diva2:9200006").exists()


def test_import_command_record_with_only_proposals_is_counted_proposed(db, curator, kth_thesis_copies):
    from samla.records.services import get_record_for, record_to_input, update_record

    CliRunner().invoke(main, ["import", str(kth_thesis_copies((9200007, {}), name="first.xml"))])
    data = record_to_input(get_record_for(curator, "diva2:9200007"))
    data.page_count = 70
    update_record(curator, local_id="diva2:9200007", data=data)
    changed = kth_thesis_copies((9200007, {"<extent>73</extent>": "<extent>74</extent>"}))

    result = CliRunner().invoke(main, ["import", str(changed)])

    assert result.exit_code == 0, result.output
    assert result.stdout == SUMMARY.format(0, 0, 0, 0, 0, 0).replace("\n", ", 1 proposed\n")
    assert Record.objects.get(local_id="diva2:9200007").page_count == 70
