//! The brief as one self-contained HTML page, printable on A4: a summary
//! page, then a page per township with its villages' phases coloured, its
//! top projects as an SVG bar chart, and its low-reliability villages.
//! No scripts, no network: the styles and charts are in the file, the
//! Chinese fonts are the system's.

use std::fmt::Write as _;

use super::{Brief, PHASES};

/// The projects a township's chart shows.
const TOP: usize = 10;

/// The phase colours, 1 (none) to 5 (most severe), and their text colour.
const PHASE_COLOURS: [(&str, &str); 5] = [
    ("#cdfacd", "#000"),
    ("#fae61e", "#000"),
    ("#e67800", "#000"),
    ("#c80000", "#fff"),
    ("#640000", "#fff"),
];

const STYLE: &str = r#"
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei",
  "Microsoft YaHei", "PingFang SC", "SimSun", sans-serif; font-size: 10.5pt; color: #111; margin: 0; }
.page { break-after: page; page-break-after: always; }
.page:last-child { break-after: auto; page-break-after: auto; }
h1 { font-size: 17pt; margin: 0 0 4pt 0; }
h2 { font-size: 14pt; margin: 0 0 6pt 0; }
h3 { font-size: 11.5pt; margin: 10pt 0 4pt 0; }
p.meta { color: #555; margin: 0 0 8pt 0; font-size: 9pt; }
table { border-collapse: collapse; width: 100%; margin-bottom: 6pt; }
th, td { border: 0.6pt solid #999; padding: 2pt 4pt; font-size: 9pt; }
th { background: #eee; font-weight: bold; text-align: center; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
td.p { text-align: center; font-weight: bold; }
tr.total td { font-weight: bold; background: #f6f6f6; }
.legend span { display: inline-block; padding: 1pt 6pt; margin-right: 4pt; font-size: 8.5pt; }
ul.notes { margin: 2pt 0 0 14pt; padding: 0; font-size: 9pt; }
svg text { font-family: inherit; font-size: 9px; }
"#;

/// Escapes text for HTML.
fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A number with thousands separated: 12,345.
fn grouped(n: f64) -> String {
    let digits = format!("{:.0}", n.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0.0 && digits != "0" {
        out.insert(0, '-');
    }
    out
}

/// The whole page.
pub fn render(brief: &Brief) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let lang = brief.say("zh-CN", "en");
    let title = esc(&brief.title());
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
    );
    summary_page(brief, &mut out);
    for township in brief.townships() {
        township_page(brief, township, &mut out);
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// A table row of cells, `n` marking the numeric ones.
fn row(out: &mut String, class: &str, cells: &[(String, bool)]) {
    let _ = write!(out, "<tr class=\"{class}\">");
    for (text, numeric) in cells {
        let class = if *numeric { " class=\"n\"" } else { "" };
        let _ = write!(out, "<td{class}>{}</td>", esc(text));
    }
    out.push_str("</tr>\n");
}

fn header(out: &mut String, titles: &[&str]) {
    out.push_str("<tr>");
    for t in titles {
        let _ = write!(out, "<th>{}</th>", esc(t));
    }
    out.push_str("</tr>\n");
}

/// The legend of the phase colours.
fn legend(brief: &Brief, out: &mut String) {
    out.push_str("<p class=\"legend\">");
    for (p, (bg, fg)) in PHASES.iter().zip(PHASE_COLOURS) {
        let _ = write!(
            out,
            "<span style=\"background:{bg};color:{fg}\">{}{p}</span>",
            esc(brief.say("阶段", "phase "))
        );
    }
    out.push_str("</p>\n");
}

/// Per township and in all: villages, households, coverage, urgent
/// households, projects by status and their estimated cost.
fn summary_table(brief: &Brief, out: &mut String) {
    let _ = write!(
        out,
        "<h3>{}</h3>\n<table>\n",
        esc(brief.say("概况", "At a glance"))
    );
    header(out, &brief.summary_headers());
    let total = brief.say("合计", "Total");
    for l in brief.summary() {
        let (class, place) = if l.place.is_empty() {
            ("total", total.to_string())
        } else {
            ("", l.place.clone())
        };
        row(
            out,
            class,
            &[
                (place, false),
                (l.villages.to_string(), true),
                (grouped(l.registered as f64), true),
                (grouped(l.surveyed as f64), true),
                (format!("{:.0}%", l.coverage() * 100.0), true),
                (grouped(l.urgent as f64), true),
                (l.proposed.to_string(), true),
                (l.approved.to_string(), true),
                (l.funded.to_string(), true),
                (l.done.to_string(), true),
                (grouped(l.estimated), true),
                (grouped(l.approved_amount), true),
            ],
        );
    }
    out.push_str("</table>\n");
}

/// The summary: per township and in all, then the villages at each phase
/// per category, and the estimated cost per category.
fn summary_page(brief: &Brief, out: &mut String) {
    let _ = write!(
        out,
        "<section class=\"page\">\n<h1>{}</h1>\n<p class=\"meta\">{}</p>\n",
        esc(&brief.title()),
        esc(&brief.made_line())
    );
    if let Some(said) = brief.weights_line() {
        let _ = writeln!(out, "<p class=\"meta\"><b>{}</b></p>", esc(&said));
    }
    summary_table(brief, out);
    let _ = write!(
        out,
        "<h3>{}</h3>\n<table>\n",
        esc(brief.say(
            "各类别处于各阶段的村数",
            "Villages at each phase, per category"
        ))
    );
    let phases: Vec<String> = PHASES
        .iter()
        .map(|p| format!("{}{p}", brief.say("阶段", "Phase ")))
        .collect();
    let mut titles = vec![brief.say("类别", "Category")];
    titles.extend(phases.iter().map(String::as_str));
    titles.push(brief.say("估算费用(元)", "Estimated (yuan)"));
    header(out, &titles);
    let costs = brief.cost_by_category();
    for ((c, counts), (_, cost)) in brief.phase_counts(None).into_iter().zip(costs) {
        let mut cells = vec![(brief.category_name(c).to_string(), false)];
        cells.extend(counts.iter().map(|n| (n.to_string(), true)));
        cells.push((grouped(cost), true));
        row(out, "", &cells);
    }
    out.push_str("</table>\n");
    legend(brief, out);
    let _ = writeln!(
        out,
        "<h3>{}</h3>",
        esc(brief.say(
            "全部排名前 10 的项目:受影响户数",
            "The first 10 projects: households affected"
        ))
    );
    let first: Vec<usize> = (0..brief.projects.len().min(TOP)).collect();
    bar_chart(brief, &first, out);
    let _ = write!(
        out,
        "<p class=\"meta\">{}</p>\n</section>\n",
        esc(brief.say(
            "阶段:一个村至少 20% 调查户达到的最高严重程度(1 没有问题 … 5 危及生命安全)。急难户:有任一严重程度≥3 的需求的户,每户只计一次。",
            "Phase: the highest severity at least 20% of a village's surveyed households reach (1 no problem … 5 life and safety). Urgent households: households with any need of severity 3 or more, each counted once."
        ))
    );
}

/// A township's page: its villages' phases, its top projects, and its
/// villages of low reliability.
fn township_page(brief: &Brief, township: &str, out: &mut String) {
    let _ = write!(
        out,
        "<section class=\"page\">\n<h2>{}</h2>\n",
        esc(township)
    );
    let categories = brief.categories();
    let _ = write!(
        out,
        "<h3>{}</h3>\n<table>\n",
        esc(brief.say("各村各类别的阶段", "Phase of each village, per category"))
    );
    let mut titles = vec![
        brief.say("村", "Village"),
        brief.say("调查/登记", "Surveyed/registered"),
        brief.say("急难户", "Urgent households"),
    ];
    titles.extend(categories.iter().map(|c| brief.category_name(c)));
    header(out, &titles);
    for a in brief.areas().filter(|a| a.area.township == township) {
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=\"n\">{}/{}</td><td class=\"n\">{}</td>",
            esc(&a.area.village),
            a.surveyed,
            a.registered,
            a.urgent
        );
        for c in &categories {
            match a.phase(c) {
                Some(p) => {
                    let (bg, fg) = PHASE_COLOURS[usize::from(p.clamp(1, 5)) - 1];
                    let _ = write!(
                        out,
                        "<td class=\"p\" style=\"background:{bg};color:{fg}\">{p}</td>"
                    );
                }
                None => out.push_str("<td class=\"p\">–</td>"),
            }
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</table>\n");
    legend(brief, out);
    let top: Vec<usize> = (0..brief.projects.len())
        .filter(|&i| brief.projects[i].area.township == township)
        .take(TOP)
        .collect();
    let _ = writeln!(
        out,
        "<h3>{}</h3>",
        esc(&format!(
            "{}{}",
            brief.say(
                "排名靠前的项目:受影响户数(前 ",
                "Top projects: households affected (first "
            ),
            format_args!("{TOP}{}", brief.say(" 个)", ")"))
        ))
    );
    bar_chart(brief, &top, out);
    weak_villages(brief, township, out);
    out.push_str("</section>\n");
}

/// The township's villages of low reliability, or that there are none.
fn weak_villages(brief: &Brief, township: &str, out: &mut String) {
    let weak = brief.unreliable(Some(township));
    let _ = writeln!(
        out,
        "<h3>{}</h3>",
        esc(brief.say("可靠性低的村", "Villages of low reliability"))
    );
    if weak.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"meta\">{}</p>",
            esc(brief.say("没有:每个村都调查了至少 5 户、且不少于登记户数的一半。", "None: every village has at least 5 households surveyed and at least half of those registered."))
        );
    } else {
        out.push_str("<ul class=\"notes\">\n");
        for a in weak {
            let _ = writeln!(
                out,
                "<li>{}{}</li>",
                esc(&a.area.village),
                esc(&format!(
                    "{}{}/{}{}",
                    brief.say(":调查 ", ": "),
                    a.surveyed,
                    a.registered,
                    brief.say(
                        " 户,比例和阶段可能不稳",
                        " households surveyed; its shares and phases are unsteady"
                    )
                ))
            );
        }
        out.push_str("</ul>\n");
    }
}

/// The projects `list` as horizontal bars of households affected.
fn bar_chart(brief: &Brief, list: &[usize], out: &mut String) {
    if list.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"meta\">{}</p>",
            esc(brief.say("没有项目。", "No projects."))
        );
        return;
    }
    const WIDTH: usize = 700;
    const LABEL: usize = 300;
    const BAR: usize = 20;
    let most = list
        .iter()
        .map(|&i| brief.projects[i].affected)
        .max()
        .unwrap_or(1)
        .max(1);
    let height = list.len() * BAR + 6;
    let _ = writeln!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100%\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\">"
    );
    let room = (WIDTH - LABEL - 50) as f64;
    for (n, &i) in list.iter().enumerate() {
        let p = &brief.projects[i];
        let y = n * BAR + 3;
        let len = ((p.affected as f64 / most as f64) * room).max(1.0);
        let (bg, _) = PHASE_COLOURS[usize::from(p.phase.clamp(1, 5)) - 1];
        let label = format!("{} · {}", p.area.village, brief.project_label(p));
        let _ = writeln!(
            out,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
             <rect x=\"{LABEL}\" y=\"{}\" width=\"{len:.1}\" height=\"{}\" fill=\"{bg}\" stroke=\"#555\" stroke-width=\"0.5\"/>\
             <text x=\"{:.1}\" y=\"{}\">{}</text>",
            LABEL - 6,
            y + 13,
            esc(&label),
            y + 2,
            BAR - 5,
            LABEL as f64 + len + 4.0,
            y + 13,
            p.affected
        );
    }
    out.push_str("</svg>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_numbers_grouped() {
        assert_eq!(esc("<b>\"a&b'"), "&lt;b&gt;&quot;a&amp;b&#39;");
        assert_eq!(grouped(1_234_567.0), "1,234,567");
        assert_eq!(grouped(999.0), "999");
        assert_eq!(grouped(-1000.0), "-1,000");
        assert_eq!(grouped(0.0), "0");
    }
}
