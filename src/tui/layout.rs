//! Where things go on screen. Both the view (to draw) and the update (to
//! map a mouse click to a row or a choice) use these functions, so a click
//! always lands on what was drawn there.

use ratatui::layout::Rect;
use unicode_width::UnicodeWidthChar;

/// Title bar, body, status bar.
pub fn frame(area: Rect) -> (Rect, Rect, Rect) {
    let title = Rect {
        height: 1.min(area.height),
        ..area
    };
    let status = Rect {
        y: area.bottom().saturating_sub(1),
        height: 1.min(area.height),
        ..area
    };
    let body = Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(2),
        ..area
    };
    (title, body, status)
}

/// The rows of a list drawn in `body`: one header line, then the rows,
/// then one line of key hints.
pub fn list_rows(body: Rect) -> Rect {
    Rect {
        y: body.y + 1,
        height: body.height.saturating_sub(2),
        ..body
    }
}

/// The part of `body` a list takes when a filter line is shown under it.
pub fn with_filter(body: Rect, shown: bool) -> Rect {
    Rect {
        height: body.height.saturating_sub(u16::from(shown)),
        ..body
    }
}

/// The Surveys screen: the list takes the upper half, details the rest.
pub fn surveys_list(body: Rect) -> Rect {
    Rect {
        height: body.height.saturating_sub(body.height / 2),
        ..body
    }
}

/// The priorities screen: the table, and the chart beside it when the
/// terminal is wide, under it otherwise; two lines at the bottom stay for
/// the filters and the keys.
pub fn priorities(body: Rect) -> (Rect, Rect) {
    let usable = Rect {
        height: body.height.saturating_sub(1),
        ..body
    };
    if body.width >= 110 {
        let chart_width = 44;
        let table = Rect {
            width: usable.width - chart_width - 1,
            ..usable
        };
        let chart = Rect {
            x: usable.x + table.width + 1,
            y: usable.y + 1,
            width: chart_width,
            height: usable.height.saturating_sub(2),
        };
        (table, chart)
    } else {
        let chart_height = (usable.height / 3).min(7);
        let table = Rect {
            height: usable.height.saturating_sub(chart_height),
            ..usable
        };
        let chart = Rect {
            y: table.bottom().saturating_sub(1),
            height: chart_height.saturating_sub(1),
            ..usable
        };
        (table, chart)
    }
}

/// The first row shown so that `selected` is visible in `height` rows.
pub fn scroll(selected: usize, height: u16) -> usize {
    selected.saturating_sub((height as usize).saturating_sub(1))
}

/// The interview screen: an outline on the left when there is room, and
/// the question panel.
pub struct InterviewAreas {
    pub outline: Option<Rect>,
    pub panel: Rect,
}

pub fn interview(body: Rect) -> InterviewAreas {
    let outline_width = match body.width {
        w if w >= 110 => 34,
        w if w >= 76 => 24,
        _ => 0,
    };
    if outline_width == 0 {
        return InterviewAreas {
            outline: None,
            panel: body,
        };
    }
    InterviewAreas {
        outline: Some(Rect {
            width: outline_width,
            ..body
        }),
        panel: Rect {
            x: body.x + outline_width + 1,
            width: body.width.saturating_sub(outline_width + 1),
            ..body
        },
    }
}

/// Lines of `text` wrapped to `width` display columns: at a space when the
/// line has one (English), anywhere otherwise (Chinese).
pub fn wrap(text: &str, width: u16) -> Vec<String> {
    let width = usize::from(width.max(2));
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut used = 0;
        for c in paragraph.chars() {
            let w = c.width().unwrap_or(0);
            if used + w > width {
                let cut = line.rfind(' ').filter(|&i| i > 0);
                match cut {
                    Some(i) if c != ' ' => {
                        let rest = line[i + 1..].to_string();
                        line.truncate(i);
                        lines.push(std::mem::take(&mut line));
                        used = rest.chars().map(|c| c.width().unwrap_or(0)).sum();
                        line = rest;
                    }
                    _ => {
                        lines.push(std::mem::take(&mut line));
                        used = 0;
                    }
                }
                if c == ' ' {
                    continue;
                }
            }
            line.push(c);
            used += w;
        }
        lines.push(line);
    }
    lines
}

/// Where the question panel puts its parts, given how many lines the label
/// and hint take.
pub struct PanelRows {
    pub header: Rect,
    pub label: Rect,
    pub hint: Rect,
    /// Choices, or the input box.
    pub answer: Rect,
    pub error: Rect,
    pub keys: Rect,
}

pub fn panel(panel: Rect, label_lines: usize, hint_lines: usize) -> PanelRows {
    let row = |y: u16, h: u16| Rect {
        x: panel.x,
        y: y.min(panel.bottom()),
        width: panel.width,
        height: h.min(panel.bottom().saturating_sub(y)),
    };
    let header = row(panel.y, 2);
    let label_h = label_lines as u16;
    let label = row(panel.y + 3, label_h);
    let hint = row(label.y + label_h, hint_lines as u16);
    let answer_y = hint.y + hint_lines as u16 + 1;
    let keys = row(panel.bottom().saturating_sub(1), 1);
    let error = row(panel.bottom().saturating_sub(2), 1);
    let answer = row(answer_y, error.y.saturating_sub(answer_y));
    PanelRows {
        header,
        label,
        hint,
        answer,
        error,
        keys,
    }
}

#[cfg(test)]
mod tests {
    use super::wrap;

    #[test]
    fn wraps_by_display_width() {
        assert_eq!(
            wrap("旱季家里主要饮用水来源?", 10),
            ["旱季家里主", "要饮用水来", "源?"]
        );
        assert_eq!(
            wrap("Main drinking-water source", 12),
            ["Main", "drinking-wat", "er source"]
        );
        assert_eq!(wrap("one two three", 7), ["one two", "three"]);
    }
}
