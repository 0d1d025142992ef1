"""`make lint` checks template line lengths (tools/check_template_lines.py); this keeps the check honest."""

from tools.check_template_lines import LIMIT, long_lines


def test_no_template_line_runs_past_the_limit():
    assert long_lines() == []


def test_the_check_counts_characters_and_names_the_line(tmp_path):
    templates = tmp_path / "claims" / "templates"
    templates.mkdir(parents=True)
    (templates / "ok.html").write_text("ع" * LIMIT + "\n", encoding="utf-8")  # 400 bytes, 200 characters
    (templates / "long.html").write_text("<p>\n" + "x" * (LIMIT + 1) + "\n", encoding="utf-8")
    assert long_lines(templates) == [f"claims/templates/long.html:2: {LIMIT + 1} characters"]
