//! One answer as typed and as stored: its canonical text (plain numbers
//! within bounds, dates in any written form, choices by name), why it is
//! refused, and its value in expressions.

use super::Answers;
use crate::i18n::Tr;
use crate::survey::expr::eval::Value;
use crate::survey::{Question, QuestionKind, Special, Survey, date_from_written};
use crate::tr;

/// Why an answer was not accepted, in both languages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AnswerError {
    pub message: Tr,
}

pub(super) fn refuse<T>(message: Tr) -> Result<T, AnswerError> {
    Err(AnswerError { message })
}

/// The value of a stored answer in expressions.
pub(super) fn value_of<'t>(question: &Question, text: &'t str) -> Value<'t> {
    if question.kind.is_numeric() {
        text.parse().map_or(Value::Empty, Value::Number)
    } else {
        Value::Text(text.into())
    }
}

fn format_bound(n: f64) -> String {
    n.to_string()
}

/// Checks the type, choice names and bounds of a typed answer and returns
/// its canonical text. The constraint is checked by [`State::accept`],
/// which knows the other answers.
pub fn canonical(survey: &Survey, question: &Question, raw: &str) -> Result<String, AnswerError> {
    let text = crate::text::half_width(raw);
    if let Some(special) = Special::of_stored(text.trim()) {
        if question.special.contains(&special) {
            return Ok(special.stored().to_string());
        }
        let said = special.label();
        let (zh, en) = (said.zh, said.en);
        return refuse(tr!(
            "本题不能答“{zh}”",
            "this question does not take \"{en}\""
        ));
    }
    if text.is_empty() {
        // An optional multiple choice with nothing ticked is answered:
        // "nothing observed" is not "not asked" (count-selected is 0, and
        // a rule such as not(selected(., 'soap')) holds).
        if question.kind == QuestionKind::SelectMultiple && !question.required {
            return Ok(text);
        }
        return refuse(tr!("请填写答案", "please enter an answer"));
    }
    if let Some((n, canonical)) = number(question, &text)? {
        within_bounds(question, n)?;
        return Ok(canonical.unwrap_or(text));
    }
    match question.kind {
        QuestionKind::Date => match date_from_written(&text) {
            Some(date) => Ok(date),
            None => refuse(tr!(
                "日期写作 2026-03-01、2026/3/1、2026.3.1 或 2026年3月1日",
                "write the date as 2026-03-01, 2026/3/1, 2026.3.1 or 2026年3月1日"
            )),
        },
        QuestionKind::SelectOne | QuestionKind::YesNo => {
            if survey.choices_of(question).iter().any(|c| c.name == text) {
                Ok(text)
            } else {
                refuse(tr!(
                    "'{text}' 不是本题的选项",
                    "'{text}' is not a choice of this question"
                ))
            }
        }
        QuestionKind::SelectMultiple => {
            let choices = survey.choices_of(question);
            let picked: Vec<&str> = text.split_whitespace().collect();
            if let Some(bad) = picked
                .iter()
                .find(|p| !choices.iter().any(|c| c.name == **p))
            {
                return refuse(tr!(
                    "'{bad}' 不是本题的选项",
                    "'{bad}' is not a choice of this question"
                ));
            }
            let names: Vec<&str> = choices
                .iter()
                .filter(|c| picked.contains(&c.name.as_str()))
                .map(|c| c.name.as_str())
                .collect();
            Ok(names.join(" "))
        }
        _ => Ok(raw.trim().to_string()),
    }
}

/// The value of an answer to a number question, with its canonical text
/// when that differs from `text` (a whole number is kept as written
/// unless padded with zeros or written -0); nothing for other kinds (a
/// note takes no answer at all).
fn number(question: &Question, text: &str) -> Result<Option<(f64, Option<String>)>, AnswerError> {
    match question.kind {
        QuestionKind::Note => refuse(tr!("说明不需要回答", "a note takes no answer")),
        QuestionKind::Integer => {
            match plain_number(text, false).and_then(|t| t.parse::<i64>().ok()) {
                Some(n) => {
                    let digits = text.strip_prefix('-').unwrap_or(text);
                    let padded = digits.len() > 1 && digits.starts_with('0');
                    let rewritten = padded || text == "-0";
                    Ok(Some((n as f64, rewritten.then(|| n.to_string()))))
                }
                None => refuse(tr!(
                    "请填写整数,例如 12",
                    "enter a whole number, for example 12"
                )),
            }
        }
        QuestionKind::Decimal => match plain_number(text, true).and_then(|t| t.parse::<f64>().ok())
        {
            Some(n) if n.is_finite() => Ok(Some((n, Some(n.to_string())))),
            _ => refuse(tr!(
                "请填写数字,例如 2.5",
                "enter a number, for example 2.5"
            )),
        },
        _ => Ok(None),
    }
}

/// `text` when it is a number in plain notation: an optional minus, digits,
/// and (when `point`) a decimal point with digits on both sides. What
/// Rust would also read (`+3`, `5.`, `.5`, `1e3`, `inf`) is refused: a
/// cadre who typed it meant something else, or mistyped.
fn plain_number(text: &str, point: bool) -> Option<&str> {
    let unsigned = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = match unsigned.split_once('.') {
        Some((w, f)) if point => (w, Some(f)),
        Some(_) => return None,
        None => (unsigned, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    (digits(whole) && fraction.is_none_or(digits)).then_some(text)
}

/// Refuses a number outside the question's bounds.
fn within_bounds(question: &Question, n: f64) -> Result<(), AnswerError> {
    if let Some(min) = question.min
        && n < min
    {
        let m = format_bound(min);
        return refuse(tr!("不能小于 {m}", "must be at least {m}"));
    }
    if let Some(max) = question.max
        && n > max
    {
        let m = format_bound(max);
        return refuse(tr!("不能大于 {m}", "must be at most {m}"));
    }
    Ok(())
}

/// The stored answer of question `name` in `row` (0 outside rosters).
pub fn stored<'a>(answers: &'a Answers, name: &str, row: u32) -> Option<&'a String> {
    if row == 0 {
        return answers.get(name);
    }
    // `name[row]` written on the stack: read for every row of every roster
    // question, it is never allocated.
    let mut buf = [0u8; 80];
    let bytes = name.as_bytes();
    let Some(rest) = buf.get_mut(bytes.len()..bytes.len() + 12) else {
        return answers.get(&crate::survey::roster::key(name, row));
    };
    let mut digits = [0u8; 10];
    let mut n = row;
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let written = digits.len() - at;
    rest[0] = b'[';
    rest[1..=written].copy_from_slice(&digits[at..]);
    rest[written + 1] = b']';
    buf[..bytes.len()].copy_from_slice(bytes);
    let len = bytes.len() + written + 2;
    std::str::from_utf8(&buf[..len])
        .ok()
        .and_then(|key| answers.get(key))
}

/// What joins the answers of a roster question's rows where one text
/// shows them all (an explanation of a project).
pub const ROW_SEPARATOR: &str = " / ";

/// The stored answer of `question`; for a question of a roster, every
/// row's answer in row order joined by [`ROW_SEPARATOR`] (an unanswered
/// row as nothing), `None` when no row has one.
pub fn stored_rows(survey: &Survey, answers: &Answers, question: &str) -> Option<String> {
    let roster = survey.index_of(question).and_then(|i| survey.roster_of(i));
    if roster.is_none() {
        return answers.get(question).cloned();
    }
    let rows: Vec<(u32, &String)> = answers
        .iter()
        .filter_map(|(key, value)| {
            let (name, row) = crate::survey::roster::split_key(key);
            (name == question && row > 0).then_some((row, value))
        })
        .collect();
    let last = rows.iter().map(|(row, _)| *row).max()?;
    let texts: Vec<&str> = (1..=last)
        .map(|row| {
            rows.iter()
                .find(|(r, _)| *r == row)
                .map_or("", |(_, v)| v.as_str())
        })
        .collect();
    Some(texts.join(ROW_SEPARATOR))
}
