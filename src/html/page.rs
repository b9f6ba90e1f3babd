//! The page skeleton and the small pieces every section uses: escaping, tables, figures,
//! and the scenario text with overrides marked.

use std::fmt::Write;

/// Escapes text for HTML element content and attribute values.
pub(crate) fn esc(text: &str) -> String {
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

/// Readable on a laptop, printable (charts never split across pages), no web fonts.
const STYLE: &str = "
:root { color-scheme: light; }
body { font-family: 'DejaVu Sans', system-ui, -apple-system, 'Segoe UI', sans-serif; color: #212121;
  margin: 0 auto; max-width: 1180px; padding: 24px 32px 64px; line-height: 1.45; background: #fff; }
h1 { font-size: 1.7em; margin: 0 0 4px; }
h2 { font-size: 1.25em; margin: 36px 0 10px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.sub { color: #5a5a5a; margin: 0 0 18px; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr)); gap: 10px; }
.figure { border: 1px solid #ddd; border-radius: 6px; padding: 8px 12px; }
.figure .v { font-size: 1.35em; font-weight: bold; }
.figure .k { color: #5a5a5a; font-size: 0.85em; }
pre { background: #f6f6f6; padding: 12px; overflow-x: auto; font-size: 0.85em; line-height: 1.35; }
pre.story { white-space: pre-wrap; }
figure { margin: 16px 0 28px; break-inside: avoid; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; display: block; border: 1px solid #eee; }
figcaption { color: #5a5a5a; font-size: 0.9em; margin-top: 4px; }
table { border-collapse: collapse; font-size: 0.88em; width: 100%; }
th, td { border-bottom: 1px solid #e4e4e4; padding: 4px 8px; text-align: right; vertical-align: top; }
th:first-child, td:first-child, td.text, th.text { text-align: left; }
thead th { border-bottom: 2px solid #bbb; }
.pass { color: #0a6b3d; font-weight: bold; } .fail { color: #a3261b; font-weight: bold; }
.lint { border-left: 4px solid #e69f00; padding: 4px 12px; margin: 8px 0; background: #fffaf0; }
.lint.note { border-left-color: #56b4e9; background: #f3f9fd; }
.src { counter-reset: line; }
.src span { display: block; white-space: pre; }
.src span.set { background: #fff1c2; }
.src span.set::after { content: attr(data-was); color: #8a5a00; }
dl.prov { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
dl.prov dt { color: #5a5a5a; } dl.prov dd { margin: 0; font-family: monospace; word-break: break-all; }
@media print { body { max-width: none; padding: 0; } h2 { break-after: avoid; } }
";

/// Writes the page around `body`.
pub(crate) fn page(title: &str, body: &str) -> String {
    let mut s = String::with_capacity(body.len() + 4096);
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<script>window.addEventListener('error', function (e) {{ \
         document.documentElement.setAttribute('data-script-error', String(e.message)); }});</script>\n\
         <style>{STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n",
        esc(title)
    );
    s
}

/// A grid of key figures: `(label, value)`.
pub(crate) fn figures(items: &[(String, String)]) -> String {
    let mut s = String::from("<div class=\"figures\">\n");
    for (k, v) in items {
        let _ = writeln!(
            s,
            "<div class=\"figure\"><div class=\"v\">{}</div><div class=\"k\">{}</div></div>",
            esc(v),
            esc(k)
        );
    }
    s.push_str("</div>\n");
    s
}

/// A table; the first `text_columns` columns are left-aligned text.
pub(crate) fn table(header: &[String], rows: &[Vec<String>], text_columns: usize) -> String {
    let class = |i: usize| {
        if i < text_columns {
            " class=\"text\""
        } else {
            ""
        }
    };
    let mut s = String::from("<table>\n<thead><tr>");
    for (i, h) in header.iter().enumerate() {
        let _ = write!(s, "<th{}>{}</th>", class(i), esc(h));
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        s.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let _ = write!(s, "<td{}>{}</td>", class(i), esc(cell));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody></table>\n");
    s
}

/// A chart: its inline SVG and a caption.
pub(crate) fn chart(svg: &str, caption: &str) -> String {
    format!(
        "<figure>\n{svg}\n<figcaption>{}</figcaption>\n</figure>\n",
        esc(caption)
    )
}

/// The scenario text as run (overrides applied), lines changed by `--set` marked with
/// what they said in the file.
pub(crate) fn scenario_text(original: &str, edited: &str) -> String {
    let a: Vec<&str> = original.lines().collect();
    let b: Vec<&str> = edited.lines().collect();
    let was = changed_lines(&a, &b);
    let mut s = String::from("<pre class=\"src\">");
    for (i, line) in b.iter().enumerate() {
        match &was[i] {
            None => {
                let _ = write!(s, "<span>{}</span>", esc(line));
            }
            Some(old) => {
                let note = match old {
                    Some(old) => format!("   \u{2190} --set (file: {})", old.trim()),
                    None => "   \u{2190} --set (not in the file)".to_string(),
                };
                let _ = write!(
                    s,
                    "<span class=\"set\" data-was=\"{}\">{}</span>",
                    esc(&note),
                    esc(line)
                );
            }
        }
    }
    s.push_str("</pre>\n");
    s
}

/// For each line of `b`: `None` when it is unchanged from `a` (a longest common
/// subsequence of lines), else `Some(the line of a it replaced, if any)`.
fn changed_lines(a: &[&str], b: &[&str]) -> Vec<Option<Option<String>>> {
    // A run without `--set` shows the file as written: no table to fill for that.
    if a == b {
        return vec![None; b.len()];
    }
    // Scenario files are small (hundreds of lines): the quadratic table is fine; beyond a
    // few thousand lines, compare line by line instead.
    if a.len().saturating_mul(b.len()) > 4_000_000 {
        return b
            .iter()
            .enumerate()
            .map(|(i, l)| (a.get(i) != Some(l)).then(|| a.get(i).map(|x| x.to_string())))
            .collect();
    }
    let (n, m) = (a.len(), b.len());
    let mut lcs = vec![0u32; (n + 1) * (m + 1)];
    let at = |i: usize, j: usize| i * (m + 1) + j;
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[at(i, j)] = if a[i] == b[j] {
                lcs[at(i + 1, j + 1)] + 1
            } else {
                lcs[at(i + 1, j)].max(lcs[at(i, j + 1)])
            };
        }
    }
    let mut out = vec![None; m];
    let (mut i, mut j) = (0, 0);
    let mut removed: Vec<String> = Vec::new();
    while j < m {
        if i < n && a[i] == b[j] {
            removed.clear();
            i += 1;
            j += 1;
        } else if i < n && lcs[at(i + 1, j)] >= lcs[at(i, j + 1)] {
            removed.push(a[i].to_string());
            i += 1;
        } else {
            let old = (!removed.is_empty()).then(|| removed.remove(0));
            out[j] = Some(old);
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped() {
        assert_eq!(
            esc("a <b> & \"c\" 'd'"),
            "a &lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;"
        );
    }

    #[test]
    fn overridden_lines_are_marked_with_what_the_file_said() {
        let original = "[dns]\nttl = \"60s\"\nzone = \"public\"\n";
        let edited = "[dns]\nttl = \"300s\"\nzone = \"public\"\nextra = 1\n";
        let html = scenario_text(original, edited);
        assert!(html.contains("<span>[dns]</span>"), "{html}");
        assert!(
            html.contains("data-was=\"   \u{2190} --set (file: ttl = &quot;60s&quot;)\">ttl = &quot;300s&quot;</span>"),
            "{html}"
        );
        assert!(
            html.contains("<span>zone = &quot;public&quot;</span>"),
            "{html}"
        );
        assert!(
            html.contains("(not in the file)\">extra = 1</span>"),
            "{html}"
        );
    }
}
