"""CJK line breaking (kiosk/ui/linebreak.py): no line starts with a closing mark, none ends with an opening one,
nothing is lost, every line fits."""

from hypothesis import given, settings, strategies as st

from kiosk.ui.linebreak import NO_END, NO_START, break_lines, has_cjk, plain, units


def width(text: str) -> int:
    return sum(2 if has_cjk(ch) else 1 for ch in text)


def test_the_consent_sentence_no_longer_starts_a_line_with_a_comma():
    text = "为核验身份，本机将为每位当事人拍摄一张人脸照片，与身份证照片比对。照片只用于本次登记，不会保存在本机。"
    greedy = [text[i : i + 21] for i in range(0, len(text), 21)]
    assert any(line[0] in NO_START for line in greedy[1:])  # what plain wrapping did
    lines = break_lines(text, width, 42)
    assert "".join(lines) == text
    assert all(line[0] not in NO_START for line in lines[1:]) and all(width(x) <= 42 for x in lines)


def test_latin_words_stay_whole_and_tags_have_no_width():
    lines = break_lines("[b]请准备[/b]：Both parties' resident ID cards（身份证）", width, 16)
    assert all(width(plain(x)) <= 16 for x in lines)
    assert "".join(plain(x) for x in lines).replace(" ", "") == "请准备：Bothparties'residentIDcards（身份证）"
    assert units("[b]请[/b]好") == ["[b]请[/b]", "好"]


CJK = st.sampled_from("婚姻登记自助服务请放置身份证照片核验取号窗口")
PUNCT = st.sampled_from(sorted(c for c in NO_START | NO_END if has_cjk(c)))
WORD = st.sampled_from(["ID ", "card ", "photo ", "a ", "staff "])


@st.composite
def texts(draw):
    tokens, last_punct = [], True
    for _ in range(draw(st.integers(0, 80))):
        if not last_punct and draw(st.booleans()) and draw(st.booleans()):
            tokens.append(draw(PUNCT))
            last_punct = True
        else:
            tokens.append(draw(st.one_of(CJK, CJK, WORD)))
            last_punct = False
    return "".join(tokens)


@settings(max_examples=200, deadline=None)
@given(texts(), st.integers(10, 60))
def test_no_line_starts_with_a_closing_mark_or_ends_with_an_opening_one(text, max_width):
    lines = break_lines(text, width, max_width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(width(line) <= max_width for line in lines)
    assert all(line[:1] not in NO_START for line in lines[1:]), lines
    assert all(line.rstrip()[-1:] not in NO_END for line in lines[:-1]), lines


def test_no_paragraph_ends_in_a_stranded_character_or_two():
    # "…（请到窗口由工作人员核验）" left "核验）" alone on the last line; a name left a lone "明".
    text = "陈*明：身份待人工核验，请到窗口由工作人员核验）"
    lines = break_lines(text, width, 44)
    assert "".join(lines) == text and all(width(x) <= 44 for x in lines)
    assert lines == ["陈*明：身份待人工核验，请到窗口由工作人", "员核验）"]


@settings(max_examples=200, deadline=None)
@given(st.lists(CJK, min_size=1, max_size=60).map("".join), st.integers(12, 60))
def test_a_wrapped_paragraph_never_ends_in_one_or_two_characters(text, max_width):
    lines = break_lines(text, width, max_width)
    assert "".join(lines) == text and all(width(line) <= max_width for line in lines)
    assert len(lines) == 1 or len(lines[-1]) > 2, lines
