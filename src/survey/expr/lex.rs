//! The lexer of XLSForm expressions: text in, tokens with their byte
//! spans out, or the first character that cannot start a token.

use std::ops::Range;

use super::{BinOp, ExprError};
use crate::tr;

#[derive(Clone, Debug, PartialEq)]
pub(super) enum Tok {
    Number(f64),
    Text(String),
    Ref(String),
    Dot,
    Word(String),
    LParen,
    RParen,
    Comma,
    Op(BinOp),
}

pub(super) type Spanned = (Tok, Range<usize>);

pub(super) fn err(span: Range<usize>, message: crate::i18n::Tr) -> ExprError {
    ExprError {
        message,
        help: None,
        span,
    }
}

pub(super) fn lex(src: &str) -> Result<Vec<Spanned>, ExprError> {
    let bytes = src.as_bytes();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < src.len() {
        if matches!(bytes[i], b' ' | b'\t' | b'\n' | b'\r') {
            i += 1;
            continue;
        }
        let (tok, end) = token(src, i)?;
        toks.push((tok, i..end));
        i = end;
    }
    Ok(toks)
}

/// The token starting at byte `start` (not whitespace), and where it ends.
fn token(src: &str, start: usize) -> Result<(Tok, usize), ExprError> {
    let bytes = src.as_bytes();
    let c = bytes[start];
    let next = bytes.get(start + 1).copied();
    let one = |tok| Ok((tok, start + 1));
    match c {
        b'0'..=b'9' | b'.' if c != b'.' || next.is_some_and(|n| n.is_ascii_digit()) => {
            number(src, start)
        }
        b'.' => one(Tok::Dot),
        b'\'' | b'"' => text(src, start),
        b'$' => reference(src, start),
        b'(' => one(Tok::LParen),
        b')' => one(Tok::RParen),
        b',' => one(Tok::Comma),
        b'+' => one(Tok::Op(BinOp::Add)),
        b'-' => one(Tok::Op(BinOp::Sub)),
        b'*' => one(Tok::Op(BinOp::Mul)),
        b'=' if next == Some(b'=') => Err(ExprError {
            message: tr!("未知的运算符 '=='", "unknown operator '=='"),
            help: Some(tr!("相等写作 '='", "equality is written '='")),
            span: start..start + 2,
        }),
        b'=' => one(Tok::Op(BinOp::Eq)),
        b'!' if next == Some(b'=') => Ok((Tok::Op(BinOp::Ne), start + 2)),
        b'<' | b'>' => {
            let eq = next == Some(b'=');
            let op = match (c, eq) {
                (b'<', false) => BinOp::Lt,
                (b'<', true) => BinOp::Le,
                (_, false) => BinOp::Gt,
                (_, true) => BinOp::Ge,
            };
            Ok((Tok::Op(op), start + if eq { 2 } else { 1 }))
        }
        b'&' | b'|' | b'!' => Err(foreign_operator(c, next, start)),
        c if c.is_ascii_alphabetic() || c == b'_' => Ok(word(src, start)),
        _ => {
            let ch = src[start..].chars().next().unwrap_or('?');
            let span = start..start + ch.len_utf8();
            let message = tr!(
                "表达式中不能有字符 '{ch}'",
                "unexpected character '{ch}' in expression"
            );
            // A Chinese input method types these: say which key to use.
            let help = ascii_of(ch).map(|ascii| {
                tr!(
                    "这是全角或中文标点,请切换到英文输入,输入 {ascii}",
                    "this is a full-width or Chinese punctuation mark: switch the input method to English and type {ascii}"
                )
            });
            Err(ExprError {
                message,
                help,
                span,
            })
        }
    }
}

/// The ASCII character a Chinese input method's look-alike stands for.
fn ascii_of(ch: char) -> Option<&'static str> {
    Some(match ch {
        '＝' => "=",
        '，' | '、' => ",",
        '（' => "(",
        '）' => ")",
        '“' | '”' | '＂' => "\"",
        '‘' | '’' | '＇' => "'",
        '＜' | '《' => "<",
        '＞' | '》' => ">",
        '！' => "!",
        '＋' => "+",
        '－' => "-",
        '＊' | '×' => "*",
        '＄' | '￥' => "$",
        '｛' => "{",
        '｝' => "}",
        '．' | '。' => ".",
        '　' => "' '",
        _ => return None,
    })
}

/// A number: digits, then a fraction when a digit follows the point.
fn number(src: &str, start: usize) -> Result<(Tok, usize), ExprError> {
    let bytes = src.as_bytes();
    let digits = |mut i: usize| {
        while i < src.len() && bytes[i].is_ascii_digit() {
            i += 1;
        }
        i
    };
    let mut i = digits(start);
    if i < src.len() && bytes[i] == b'.' && bytes.get(i + 1).is_some_and(|n| n.is_ascii_digit()) {
        i = digits(i + 1);
    }
    let text = &src[start..i];
    match text.parse::<f64>() {
        Ok(n) if n.is_finite() => Ok((Tok::Number(n), i)),
        _ => Err(err(
            start..i,
            tr!("数字 {text} 太大", "number {text} is too large"),
        )),
    }
}

/// Text between single or double quotes, without escapes.
fn text(src: &str, start: usize) -> Result<(Tok, usize), ExprError> {
    let quote = src.as_bytes()[start] as char;
    let Some(len) = src[start + 1..].find(quote) else {
        return Err(ExprError {
            message: tr!("字符串没有结束引号", "text is missing its closing quote"),
            help: Some(tr!(
                "在文字末尾加上 {q}",
                "add {q} at the end of the text",
                q = quote
            )),
            span: start..src.len(),
        });
    };
    let end = start + len + 2;
    Ok((Tok::Text(src[start + 1..end - 1].to_string()), end))
}

/// A question reference, `${name}`.
fn reference(src: &str, start: usize) -> Result<(Tok, usize), ExprError> {
    if src.as_bytes().get(start + 1) != Some(&b'{') {
        return Err(ExprError {
            message: tr!("'$' 后面应为 '{{'", "expected '{{' after '$'"),
            help: Some(tr!(
                "问题的引用写作 ${{问题名}}",
                "a question is written ${{name}}"
            )),
            span: start..start + 1,
        });
    }
    let Some(len) = src[start + 2..].find('}') else {
        return Err(err(
            start..src.len(),
            tr!("'${{' 没有对应的 '}}'", "'${{' is not closed with '}}'"),
        ));
    };
    let end = start + len + 3;
    Ok((Tok::Ref(src[start + 2..end - 1].to_string()), end))
}

/// `&`, `|` and `!` of other languages, with the word XLSForm uses.
fn foreign_operator(c: u8, next: Option<u8>, start: usize) -> ExprError {
    let (op, help) = match c {
        b'&' => ("&", tr!("“并且”写作 and", "write 'and'")),
        b'|' => ("|", tr!("“或者”写作 or", "write 'or'")),
        _ => ("!", tr!("“非”写作 not(...)", "write not(...)")),
    };
    let len = if next == Some(c) { 2 } else { 1 };
    let op = op.repeat(len);
    ExprError {
        message: tr!("未知的运算符 '{op}'", "unknown operator '{op}'"),
        help: Some(help),
        span: start..start + len,
    }
}

/// A word (a function, a household field, a keyword operator); a hyphen
/// followed by a letter continues it, as in `count-selected`.
fn word(src: &str, start: usize) -> (Tok, usize) {
    let bytes = src.as_bytes();
    let mut i = start;
    while i < src.len() {
        let b = bytes[i];
        let hyphen_word =
            b == b'-' && bytes.get(i + 1).is_some_and(|n| n.is_ascii_alphabetic()) && i > start;
        if b.is_ascii_alphanumeric() || b == b'_' || hyphen_word {
            i += 1;
        } else {
            break;
        }
    }
    let tok = match &src[start..i] {
        "and" => Tok::Op(BinOp::And),
        "or" => Tok::Op(BinOp::Or),
        "div" => Tok::Op(BinOp::Div),
        "mod" => Tok::Op(BinOp::Mod),
        word => Tok::Word(word.to_string()),
    };
    (tok, i)
}
