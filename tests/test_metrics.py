"""The shipped advance table of the width font: it must say what the font says."""

from ebookmaker import metrics


def test_the_shipped_advance_table_is_the_fonts_own():
    # Made by `python3 -m ebookmaker.metrics`; a changed font, Pillow or FreeType that
    # measures otherwise must be noticed (the table is then made again).
    singles, kerned = metrics._table()
    assert singles and kerned, "the table file is missing from the package"
    measured = metrics.measure_table()
    assert singles == measured["advances"]
    assert kerned == measured["kerned"]


def test_widths_from_the_table_equal_widths_measured_pair_by_pair():
    line = "AVATAR fiord, «Wörter» — 1950-talet; Łódź"
    from_table = metrics.text_width(line)
    measured = sum(
        metrics._measure(a + b) - metrics._measure(b) for a, b in zip(line, line[1:], strict=False)
    ) + metrics._measure(line[-1])
    assert from_table == measured
    assert abs(from_table - metrics._measure(line)) < 0.003 * from_table
