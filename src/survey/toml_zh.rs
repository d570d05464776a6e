//! The TOML parser's messages in Chinese, so that an author reading
//! Chinese never meets a half-English syntax error. The parser says
//! "<what is wrong>, expected <what may come>"; both halves are put into
//! Chinese from the parser's own wording, and anything this table does
//! not know is kept as the parser wrote it.

/// What the parser found wrong, in its words and in Chinese.
const WHAT: &[(&str, &str)] = &[
    ("duplicate key", "键重复"),
    (
        "carriage return must be followed by newline",
        "回车符后面必须是换行",
    ),
    ("missing opening quote", "缺少开头的引号"),
    (
        "missing comma between array elements",
        "数组元素之间缺少逗号",
    ),
    (
        "integers with a radix cannot be signed",
        "带进制前缀的整数不能有正负号",
    ),
    ("radix must be lowercase", "进制前缀必须是小写"),
    (
        "missing assignment between key-value pairs",
        "键和值之间缺少 =",
    ),
    ("missing escaped value", "反斜杠后缺少转义字符"),
    ("unexpected leading zero", "数字不能以 0 开头"),
    ("unclosed array table", "[[表数组]] 没有闭合"),
    (
        "missing key for inline table element",
        "内联表中的元素缺少键",
    ),
    ("missing inline table opening", "内联表缺少 {"),
    ("missing array opening", "数组缺少 ["),
    ("invalid unquoted key", "不带引号的键无效"),
    (
        "cannot recurse further; max recursion depth met",
        "嵌套太深",
    ),
    ("recursion limit", "嵌套太深"),
    ("unquoted keys cannot be empty", "不带引号的键不能为空"),
    ("unexpected sign", "不应有正负号"),
    ("unexpected key or value", "不应出现键或值"),
    (
        "unexpected content between comment and newline",
        "注释和换行之间有多余内容",
    ),
    ("unexpected content", "有多余内容"),
    ("unexpected `=` in array", "数组中不应有 ="),
    ("unclosed table", "[表] 没有闭合"),
    ("unclosed inline table", "内联表没有闭合"),
    ("unclosed array", "数组没有闭合"),
    ("too few unicode value digits", "Unicode 转义的位数不够"),
    ("string values must be quoted", "文字的值必须加引号"),
    ("redundant numeric sign", "多余的正负号"),
    ("redundant integer number prefix", "多余的整数前缀"),
    ("missing value for key", "键缺少值"),
    ("missing value", "缺少值"),
    ("missing table open", "表缺少 ["),
    ("missing comment start", "注释缺少 #"),
    (
        "missing comma between key-value pairs",
        "键值对之间缺少逗号",
    ),
    (
        "keys cannot be multi-line literal strings",
        "键不能是多行字符串",
    ),
    (
        "keys cannot be multi-line basic strings",
        "键不能是多行字符串",
    ),
    ("key with no value", "键没有值"),
    ("invalid value", "值无效"),
    ("invalid key-value pair", "键值对无效"),
    ("invalid inline table element", "内联表元素无效"),
    ("invalid comment character", "注释中有无效字符"),
    ("extra comma in inline table", "内联表中有多余的逗号"),
    ("extra comma in array", "数组中有多余的逗号"),
    (
        "extra assignment between key-value pairs",
        "键值对之间有多余的 =",
    ),
    ("extra `=`", "多余的 ="),
    ("`_` may only go between digits", "`_` 只能写在数字之间"),
    ("invalid multi-line basic string", "多行字符串无效"),
    ("invalid multi-line literal string", "多行字符串无效"),
    ("invalid basic string", "字符串无效"),
    ("invalid literal string", "字符串无效"),
    ("invalid string", "字符串无效"),
    ("invalid key", "键无效"),
    ("invalid table", "表无效"),
    ("invalid octal number", "八进制数无效"),
    ("invalid hexadecimal number", "十六进制数无效"),
    ("invalid binary number", "二进制数无效"),
    ("invalid integer number", "整数无效"),
    ("invalid mantissa", "数字无效"),
    ("invalid fraction", "小数部分无效"),
    ("invalid exponent", "指数无效"),
    ("invalid float", "小数无效"),
    ("invalid date-time", "日期时间无效"),
    ("invalid boolean", "真假值无效"),
];

/// Words the parser uses for what may come next.
const EXPECTED: &[(&str, &str)] = &[
    ("nothing", "不应再有内容"),
    ("newline", "换行"),
    ("literal string", "字符串"),
    ("basic string", "字符串"),
    ("letters", "字母"),
    ("numbers", "数字"),
    ("printable characters", "可打印字符"),
    ("digits", "数字"),
    ("key", "键"),
    ("value", "值"),
    ("unquoted string", "不带引号的文字"),
    (
        "non-double-quote visible characters",
        "除双引号以外的可见字符",
    ),
    (
        "non-single-quote visible characters",
        "除单引号以外的可见字符",
    ),
    ("non-single-quote characters", "除单引号以外的字符"),
    ("non-double-quote characters", "除双引号以外的字符"),
    ("characters", "字符"),
    ("unicode hexadecimal value", "Unicode 十六进制值"),
    ("multi-line basic string", "多行字符串"),
    ("multi-line literal string", "多行字符串"),
    ("comment", "注释"),
    ("whitespace", "空格"),
    ("end-of-input", "文件结尾"),
    ("key separator", "键之间的 ."),
    ("key-value separator", "="),
    ("value separator", "逗号"),
    ("array open", "["),
    ("array close", "]"),
    ("std-table open", "["),
    ("std-table close", "]"),
    ("array-table open", "[["),
    ("array-table close", "]]"),
    ("inline-table open", "{"),
    ("inline-table close", "}"),
];

/// Parts of dates and times, as the parser names them.
const TIME_PARTS: &[(&str, &str)] = &[
    ("date-time", "日期时间"),
    ("datetime", "日期时间"),
    ("partial-time", "时间"),
    ("time", "时间"),
    ("date", "日期"),
    ("year", "年"),
    ("month", "月"),
    ("day", "日"),
    ("hours", "小时"),
    ("hour", "小时"),
    ("minutes", "分钟"),
    ("minute", "分钟"),
    ("second", "秒"),
    ("nanoseconds", "纳秒"),
    ("offset", "时区"),
];

fn time_part(word: &str) -> Option<&'static str> {
    TIME_PARTS
        .iter()
        .find(|(en, _)| *en == word)
        .map(|(_, zh)| *zh)
}

/// TOML's kinds of value, as the parser names them.
const KINDS: &[(&str, &str)] = &[
    ("string", "文字"),
    ("integer", "整数"),
    ("float", "小数"),
    ("boolean", "真假值"),
    ("datetime", "日期时间"),
    ("array", "数组"),
    ("inline table", "内联表"),
    ("table", "表"),
];

/// "cannot extend value of type integer with a dotted key".
fn dotted_words(text: &str) -> Option<String> {
    let kind = text
        .strip_prefix("cannot extend value of type ")?
        .strip_suffix(" with a dotted key")?;
    let zh = KINDS.iter().find(|(en, _)| *en == kind)?.1;
    Some(format!("类型为{zh}的值不能再用带点的键添加内容"))
}

/// "invalid month", "hour between 00 and 23", "a two-digit day (DD)".
fn time_words(text: &str) -> Option<String> {
    if let Some(part) = text.strip_prefix("invalid ") {
        return time_part(part).map(|p| format!("{p}无效"));
    }
    if let Some((part, range)) = text.split_once(" between ") {
        let (low, high) = range.split_once(" and ")?;
        return time_part(part).map(|p| format!("{p}在 {low} 到 {high} 之间"));
    }
    let rest = text.strip_prefix("a ")?;
    let (digits, rest) = rest.split_once("-digit ")?;
    let (part, form) = rest.split_once(' ')?;
    let digits = match digits {
        "two" => "两",
        "four" => "四",
        _ => return None,
    };
    time_part(part).map(|p| format!("{digits}位数的{p} {form}"))
}

/// The parser's message `message` in Chinese.
pub fn in_chinese(message: &str) -> String {
    let (what, expected) = match message.split_once(", expected ") {
        Some((what, expected)) => (what, Some(expected)),
        None => (message, None),
    };
    let what = WHAT
        .iter()
        .find(|(en, _)| *en == what)
        .map(|(_, zh)| (*zh).to_string())
        .or_else(|| time_words(what))
        .or_else(|| dotted_words(what))
        .unwrap_or_else(|| what.to_string());
    match expected {
        None => what,
        Some(expected) => {
            let items: Vec<String> = split_items(expected)
                .into_iter()
                .map(|item| {
                    EXPECTED
                        .iter()
                        .find(|(en, _)| *en == item)
                        .map(|(_, zh)| (*zh).to_string())
                        .or_else(|| time_words(item))
                        .or_else(|| time_part(item).map(str::to_string))
                        .unwrap_or_else(|| item.to_string())
                })
                .collect();
            if items.len() == 1 && items[0] == "不应再有内容" {
                format!("{what},此处{}", items[0])
            } else {
                format!("{what},此处应为 {}", items.join("、"))
            }
        }
    }
}

/// The items of "`a`, `b`, letters, numbers" (a comma inside backticks is
/// an item, not a separator).
fn split_items(list: &str) -> Vec<&str> {
    let mut items = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, c) in list.char_indices() {
        match c {
            '`' => quoted = !quoted,
            ',' if !quoted => {
                items.push(list[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(list[start..].trim());
    items.retain(|i| !i.is_empty());
    items
}

#[cfg(test)]
mod tests {
    use super::in_chinese;

    #[test]
    fn the_parsers_messages_read_in_chinese() {
        assert_eq!(in_chinese("duplicate key"), "键重复");
        assert_eq!(
            in_chinese("unclosed table, expected `]`"),
            "[表] 没有闭合,此处应为 `]`"
        );
        assert_eq!(
            in_chinese("unexpected leading zero, expected nothing"),
            "数字不能以 0 开头,此处不应再有内容"
        );
        assert_eq!(
            in_chinese("unquoted keys cannot be empty, expected letters, numbers, `-`, `_`"),
            "不带引号的键不能为空,此处应为 字母、数字、`-`、`_`"
        );
        assert_eq!(
            in_chinese("missing escaped value, expected `b`, `,`, `n`"),
            "反斜杠后缺少转义字符,此处应为 `b`、`,`、`n`"
        );
        // What the table does not know is kept as written.
        assert_eq!(in_chinese("something new"), "something new");
    }

    /// English left in a message, outside backticks and the words a
    /// Chinese reader meets in TOML itself.
    fn english_in(text: &str) -> Option<String> {
        let mut outside = String::new();
        let mut quoted = false;
        for c in text.chars() {
            if c == '`' {
                quoted = !quoted;
            } else if !quoted {
                outside.push(c);
            }
        }
        for word in [
            "true", "false", "Unicode", "(YYYY)", "(MM-DD)", "(MM)", "(DD)", "(HH)", "(SS)",
        ] {
            outside = outside.replace(word, "");
        }
        outside
            .chars()
            .any(|c| c.is_ascii_alphabetic())
            .then_some(outside)
    }

    #[test]
    fn every_syntax_error_of_common_mistakes_is_all_chinese() {
        let broken = [
            "a = 1\na = 2\n",
            "a = \"x\n",
            "[s\n",
            "a = \n",
            "a b = 1\n",
            "x = [1 2]\n",
            "a = 01\n",
            "a = tru\n",
            "a = 1 b = 2\n",
            "= 1\n",
            "a = 'x' # c\u{1}\n",
            "a = \"\\q\"\n",
            "[[s]\n",
            "title = { zh = \"好\" en = \"Good\" }\n",
            "x = [1,,2]\n",
            "a = 1__0\n",
            "a = +0x10\n",
            "a = 1979-05-27T25:00:00\n",
            "a = 1979-13-27\n",
            "a = 1979-02-30\n",
            "a = 1979-5-27\n",
            "a = \"\"\"x\n",
            "a.b = 1\na.b.c = 2\n",
            "a = [1]\na.b = 2\n",
            "a = {x = 1}\na.b = 2\n",
            "[a]\n[a]\n",
            "[[a]]\n[a]\n",
            "a = \"\u{7}\"\n",
            "a = 'x\u{7}'\n",
            "a = \"\\u12\"\n",
            "a = 1979-\n",
            "a = 07:\n",
        ];
        for text in broken {
            let (_, errors) = toml::de::DeTable::parse_recoverable(text);
            assert!(!errors.is_empty(), "{text:?} is broken");
            for e in errors {
                let zh = in_chinese(e.message());
                assert_eq!(english_in(&zh), None, "{text:?}: {} → {zh}", e.message());
            }
        }
    }

    #[test]
    fn every_syntax_error_in_the_fuzzers_questionnaires_is_all_chinese() {
        let folder =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/questionnaire");
        let mut read = 0;
        for entry in std::fs::read_dir(&folder).expect("corpus").flatten() {
            let Ok(text) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            let (_, errors) = toml::de::DeTable::parse_recoverable(&text);
            for e in errors {
                let zh = in_chinese(e.message());
                assert_eq!(
                    english_in(&zh),
                    None,
                    "{}: {}",
                    entry.path().display(),
                    e.message()
                );
                read += 1;
            }
        }
        assert!(read > 100, "the corpus has syntax errors to read: {read}");
    }
}
