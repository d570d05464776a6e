//! Lexer and Pratt parser for XLSForm expressions.
//!
//! Owns the grammar. Nesting (parentheses, prefix minus, calls) is capped at
//! [`MAX_DEPTH`] while parsing, and the height of the finished tree, which
//! long flat chains such as `a and b and …` add to, at [`MAX_HEIGHT`], so
//! that neither the parser nor the recursive checker and evaluator can
//! overflow the stack on any input. A flat chain is not nesting: it may run
//! to hundreds of terms.

use std::ops::Range;

use super::lex::{Spanned, Tok, err, lex};
use super::{BinOp, Expr, ExprError, ExprKind, Func, HouseholdField};
use crate::survey::diag::nearest;
use crate::survey::is_valid_name;
use crate::tr;

/// The deepest nesting an expression may have. Real rules nest three or four
/// levels; 64 leaves room while keeping recursion far from the stack limit.
pub const MAX_DEPTH: usize = 64;

/// The tallest tree an expression may make. Flat chains of operators are
/// as tall as they are long; 512 terms is far past any real rule and far
/// from the stack limit of a test thread.
pub const MAX_HEIGHT: usize = 512;

/// Parses one expression. The error, if any, is the first problem found.
pub fn parse(src: &str) -> Result<Expr, ExprError> {
    let toks = lex(src)?;
    if toks.is_empty() {
        return Err(err(
            0..src.len(),
            tr!("表达式是空的", "the expression is empty"),
        ));
    }
    let mut parser = Parser {
        src,
        toks,
        pos: 0,
        depth: 0,
    };
    let (expr, _) = parser.expr(0)?;
    if let Some((_, span)) = parser.toks.get(parser.pos) {
        let text = &src[span.clone()];
        return Err(err(
            span.clone(),
            tr!(
                "表达式在 '{text}' 之前就已完整",
                "unexpected '{text}' after a complete expression"
            ),
        ));
    }
    Ok(expr)
}

struct Parser<'a> {
    src: &'a str,
    toks: Vec<Spanned>,
    pos: usize,
    depth: usize,
}

fn too_long(span: Range<usize>) -> ExprError {
    ExprError {
        message: tr!(
            "表达式的项太多(一串运算最多 {MAX_HEIGHT} 项)",
            "expression has too many terms (at most {MAX_HEIGHT} in a chain of operators)"
        ),
        help: Some(tr!(
            "把条件拆成几个更简单的规则",
            "split the condition into simpler rules"
        )),
        span,
    }
}

fn too_deep(span: Range<usize>) -> ExprError {
    ExprError {
        message: tr!(
            "表达式嵌套太深(最多 {MAX_DEPTH} 层)",
            "expression is nested too deeply (at most {MAX_DEPTH} levels)"
        ),
        help: Some(tr!(
            "把条件拆成几个更简单的规则",
            "split the condition into simpler rules"
        )),
        span,
    }
}

impl Parser<'_> {
    fn peek(&self) -> Option<&Spanned> {
        self.toks.get(self.pos)
    }

    fn end_span(&self) -> Range<usize> {
        self.src.len()..self.src.len()
    }

    /// Parses operators binding tighter than `min_prec`; returns the tree and
    /// its height.
    fn expr(&mut self, min_prec: u8) -> Result<(Expr, usize), ExprError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            let span = self.peek().map_or(self.end_span(), |t| t.1.clone());
            return Err(too_deep(span));
        }
        let (mut lhs, mut height) = self.prefix()?;
        while let Some((Tok::Op(op), _)) = self.peek() {
            let op = *op;
            if op.precedence() <= min_prec {
                break;
            }
            self.pos += 1;
            let (rhs, rhs_height) = self.expr(op.precedence())?;
            height = height.max(rhs_height) + 1;
            let span = lhs.span.start..rhs.span.end;
            if height > MAX_HEIGHT {
                return Err(too_long(span));
            }
            lhs = Expr {
                kind: ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)),
                span,
            };
        }
        self.depth -= 1;
        Ok((lhs, height))
    }

    fn prefix(&mut self) -> Result<(Expr, usize), ExprError> {
        let Some((tok, span)) = self.toks.get(self.pos).cloned() else {
            return Err(err(
                self.end_span(),
                tr!("表达式不完整", "the expression ends too early"),
            ));
        };
        self.pos += 1;
        let leaf = |kind| {
            Ok((
                Expr {
                    kind,
                    span: span.clone(),
                },
                1,
            ))
        };
        match tok {
            Tok::Number(n) => leaf(ExprKind::Number(n)),
            Tok::Text(s) => leaf(ExprKind::Text(s)),
            Tok::Dot => leaf(ExprKind::Dot),
            Tok::Ref(name) => leaf(self.reference(&name, span.clone())?),
            Tok::Op(BinOp::Sub) => {
                let (inner, height) = self.expr(BinOp::Mul.precedence())?;
                let span = span.start..inner.span.end;
                Ok((
                    Expr {
                        kind: ExprKind::Neg(Box::new(inner)),
                        span,
                    },
                    height + 1,
                ))
            }
            Tok::LParen => {
                let (inner, height) = self.expr(0)?;
                self.expect_close(span)?;
                Ok((inner, height))
            }
            Tok::Word(word) => self.call(&word, span),
            Tok::Op(_) | Tok::RParen | Tok::Comma => {
                let text = &self.src[span.clone()];
                Err(err(
                    span.clone(),
                    tr!(
                        "这里应为一个值,而不是 '{text}'",
                        "expected a value, found '{text}'"
                    ),
                ))
            }
        }
    }

    fn expect_close(&mut self, open: Range<usize>) -> Result<(), ExprError> {
        match self.peek() {
            Some((Tok::RParen, _)) => {
                self.pos += 1;
                Ok(())
            }
            other => {
                let span = other.map_or(self.end_span(), |t| t.1.clone());
                Err(ExprError {
                    message: tr!("缺少 ')'", "expected ')'"),
                    help: Some(tr!(
                        "第 {col} 个字符处的 '(' 没有闭合",
                        "the '(' at character {col} is not closed",
                        col = self.src[..open.start].chars().count() + 1
                    )),
                    span,
                })
            }
        }
    }

    fn reference(&self, name: &str, span: Range<usize>) -> Result<ExprKind, ExprError> {
        if let Some(field) = name.strip_prefix("household.") {
            return HouseholdField::ALL
                .into_iter()
                .find(|f| f.name() == field)
                .map(ExprKind::Household)
                .ok_or_else(|| ExprError {
                    message: tr!(
                        "未知的户字段 '{field}'",
                        "unknown household field '{field}'"
                    ),
                    help: Some(
                        match nearest(field, HouseholdField::ALL.map(|f| f.name())) {
                            Some(s) => {
                                tr!("是不是 'household.{s}'?", "did you mean 'household.{s}'?")
                            }
                            None => {
                                let all = HouseholdField::ALL.map(|f| f.name()).join(", ");
                                tr!("可用的字段:{all}", "available fields: {all}")
                            }
                        },
                    ),
                    span,
                });
        }
        if is_valid_name(name) {
            Ok(ExprKind::Question(name.to_string()))
        } else {
            Err(ExprError {
                message: tr!(
                    "'{name}' 不是有效的问题名",
                    "'{name}' is not a valid question name"
                ),
                help: Some(tr!(
                    "问题名以字母开头,只含字母、数字和 _",
                    "a question name starts with a letter and uses only letters, digits and _"
                )),
                span,
            })
        }
    }

    fn call(&mut self, word: &str, span: Range<usize>) -> Result<(Expr, usize), ExprError> {
        if !matches!(self.peek(), Some((Tok::LParen, _))) {
            return Err(ExprError {
                message: tr!("'{word}' 不能单独出现", "unexpected word '{word}'"),
                help: Some(tr!(
                    "文字要加引号('{word}'),问题写作 ${{{word}}}",
                    "text is written in quotes ('{word}'), a question as ${{{word}}}"
                )),
                span,
            });
        }
        let open = self.toks[self.pos].1.clone();
        self.pos += 1;
        let mut args = Vec::new();
        let mut height = 0;
        // `position(..)`: the `..` (the row) is the only thing it takes.
        if word == "position"
            && matches!(self.toks.get(self.pos), Some((Tok::Dot, _)))
            && matches!(self.toks.get(self.pos + 1), Some((Tok::Dot, _)))
        {
            self.pos += 2;
        }
        if matches!(self.peek(), Some((Tok::RParen, _))) {
            self.pos += 1;
        } else {
            loop {
                let (arg, h) = self.expr(0)?;
                height = height.max(h);
                args.push(arg);
                match self.peek() {
                    Some((Tok::Comma, _)) => self.pos += 1,
                    _ => {
                        self.expect_close(open)?;
                        break;
                    }
                }
            }
        }
        let end = self.toks[self.pos - 1].1.end;
        let call_span = span.start..end;
        let kind = match word {
            "true" | "false" if args.is_empty() => ExprKind::Bool(word == "true"),
            "true" | "false" => {
                return Err(err(
                    call_span,
                    tr!("{word}() 不带参数", "{word}() takes no arguments"),
                ));
            }
            _ => {
                let func = function(word, &span)?;
                check_arity(func, args.len(), &call_span)?;
                ExprKind::Call(func, args)
            }
        };
        Ok((
            Expr {
                kind,
                span: call_span,
            },
            height + 1,
        ))
    }
}

/// The function named `word`, or an error saying which was meant.
fn function(word: &str, span: &Range<usize>) -> Result<Func, ExprError> {
    if let Some(func) = Func::ALL.into_iter().find(|f| f.name() == word) {
        return Ok(func);
    }
    let names = Func::ALL.iter().map(|f| f.name()).chain(["true", "false"]);
    Err(ExprError {
        message: tr!("未知的函数 '{word}'", "unknown function '{word}'"),
        help: Some(match nearest(word, names) {
            Some(s) => tr!("是不是 '{s}'?", "did you mean '{s}'?"),
            None => {
                let all = Func::ALL
                    .iter()
                    .map(|f| f.name())
                    .chain(["true", "false"])
                    .collect::<Vec<_>>()
                    .join(", ");
                tr!("可用的函数:{all}", "available functions: {all}")
            }
        }),
        span: span.clone(),
    })
}

/// `got` arguments are as many as `func` takes.
fn check_arity(func: Func, got: usize, call_span: &Range<usize>) -> Result<(), ExprError> {
    let name = func.name();
    let message = match func.arity() {
        (least, None) if got < least => Some(tr!(
            "{name}() 至少需要 {least} 个参数,这里有 {got} 个",
            "{name}() takes at least {least} argument(s), found {got}"
        )),
        (least, Some(most)) if got < least || got > most => Some(if least == most {
            tr!(
                "{name}() 需要 {least} 个参数,这里有 {got} 个",
                "{name}() takes {least} argument(s), found {got}"
            )
        } else {
            tr!(
                "{name}() 需要 {least} 到 {most} 个参数,这里有 {got} 个",
                "{name}() takes {least} to {most} arguments, found {got}"
            )
        }),
        _ => None,
    };
    match message {
        Some(message) => Err(err(call_span.clone(), message)),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(s: &str) -> String {
        parse(s)
            .map(|e| e.to_string())
            .unwrap_or_else(|e| format!("ERR {}", e.message.en))
    }

    #[test]
    fn precedence_and_associativity() {
        assert_eq!(p("1 + 2 * 3"), "1 + (2 * 3)");
        assert_eq!(p("1 - 2 - 3"), "(1 - 2) - 3");
        assert_eq!(p("a() or 1"), "ERR unknown function 'a'");
        assert_eq!(
            p("${a} > 1 and ${b} = 'x' or not(${c} != '')"),
            "((${a} > 1) and (${b} = 'x')) or not(${c} != '')"
        );
        assert_eq!(p("-2 * 3"), "(-2) * 3");
        assert_eq!(p("10 div 3 mod 2"), "(10 div 3) mod 2");
        assert_eq!(p(". >= 0 and . <= 600"), "(. >= 0) and (. <= 600)");
        assert_eq!(p("count-selected(${x}) >= 2"), "count-selected(${x}) >= 2");
        assert_eq!(p("${household.members} > .5"), "${household.members} > 0.5");
        assert_eq!(p("true() and false()"), "true() and false()");
        assert_eq!(p("1 < 2 = 2 > 1"), "(1 < 2) = (2 > 1)");
    }

    #[test]
    fn errors_have_spans() {
        let e = parse("${a} == 1").unwrap_err();
        assert_eq!(
            (e.message.en.as_str(), e.span),
            ("unknown operator '=='", 5..7)
        );
        let e = parse("if(${a}, 1)").unwrap_err();
        assert_eq!(e.message.en, "if() takes 3 argument(s), found 2");
        assert_eq!(e.span, 0..11);
        let e = parse("(1 + 2").unwrap_err();
        assert_eq!((e.message.en.as_str(), e.span), ("expected ')'", 6..6));
        let e = parse("'abc").unwrap_err();
        assert_eq!(e.message.en, "text is missing its closing quote");
        let e = parse("${a").unwrap_err();
        assert_eq!(e.message.en, "'${' is not closed with '}'");
        let e = parse("cont-selected(${a})").unwrap_err();
        assert_eq!(e.help.unwrap().en, "did you mean 'count-selected'?");
        let e = parse("${household.member}").unwrap_err();
        assert_eq!(e.help.unwrap().en, "did you mean 'household.members'?");
        let e = parse("1 2").unwrap_err();
        assert_eq!(
            (e.message.en.as_str(), e.span),
            ("unexpected '2' after a complete expression", 2..3)
        );
        let e = parse("   ").unwrap_err();
        assert_eq!(e.message.en, "the expression is empty");
        let e = parse("${a} = 是").unwrap_err();
        assert_eq!(
            (e.message.en.as_str(), e.span),
            ("unexpected character '是' in expression", 7..10)
        );
        let e = parse("yes").unwrap_err();
        assert_eq!(e.message.en, "unexpected word 'yes'");
        let e = parse("1 +").unwrap_err();
        assert_eq!(e.message.en, "the expression ends too early");
        let e = parse("${a b}").unwrap_err();
        assert_eq!(e.message.en, "'a b' is not a valid question name");
    }

    #[test]
    fn depth_is_capped() {
        let deep = format!("{}1{}", "(".repeat(1000), ")".repeat(1000));
        assert!(
            parse(&deep)
                .unwrap_err()
                .message
                .en
                .contains("nested too deeply")
        );
        let chain = vec!["1"; 10_000].join(" + ");
        assert!(
            parse(&chain)
                .unwrap_err()
                .message
                .en
                .contains("too many terms")
        );
        let negs = format!("{}1", "-".repeat(10_000));
        assert!(
            parse(&negs)
                .unwrap_err()
                .message
                .en
                .contains("nested too deeply")
        );
        let ok = vec!["1"; MAX_DEPTH].join(" + ");
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn a_flat_chain_is_not_nesting() {
        let terms: Vec<String> = (0..65).map(|i| format!("${{q{i}}} = 'yes'")).collect();
        assert!(
            parse(&terms.join(" and ")).is_ok(),
            "65 terms joined by and"
        );
        let long = vec!["1"; MAX_HEIGHT].join(" or ");
        assert!(parse(&long).is_ok());
        // Nested chains still count their height together.
        let nested = format!("({}) and 1", vec!["1"; MAX_HEIGHT].join(" and "));
        assert!(
            parse(&nested)
                .unwrap_err()
                .message
                .en
                .contains("too many terms")
        );
    }
}
