//! Texts that show values: a label, a hint, a message or a row label with
//! `${name}` in it. One reading of the `${...}` for the loader (which names
//! must exist) and the interview (what to show).

/// The name in each `${...}` of `text`, in order; an unclosed `${` ends it.
pub fn refs(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else { break };
        out.push(&after[..end]);
        rest = &after[end + 1..];
    }
    out
}

/// `text` with each `${name}` replaced by `value(name)`; an unclosed `${`
/// and what follows it stay as written.
pub fn fill(text: &str, mut value: impl FnMut(&str) -> String) -> String {
    if !text.contains("${") {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return out;
        };
        out.push_str(&value(&after[..end]));
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_read_and_filled_and_an_unclosed_one_stays() {
        assert_eq!(
            refs("a ${x} b ${household.members} ${y"),
            ["x", "household.members"]
        );
        assert_eq!(fill("${x}+${y}=${z", |n| n.to_uppercase()), "X+Y=${z");
        assert_eq!(fill("plain", |_| unreachable!()), "plain");
    }
}
