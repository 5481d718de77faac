//! Charts drawn on the server as inline SVG: columns (one per category), horizontal bars (one
//! per named item) and a line (a daily series).
//!
//! Every chart is an `<svg role="img">` named by its `<title>` and described by a `<desc>` (the
//! text alternative); each bar or point carries its own `<title>` ("Tuesday: 3") for pointer
//! users. Pages put the same numbers in a table next to the chart. Lengths are proportional to
//! the values on an axis that starts at zero; a chart whose values are all zero draws its axis
//! and a "no bookings" note, never dividing by zero. All text is escaped here: callers pass
//! plain text (event type names come from users).
//!
//! Colours come from classes styled in `kairos.css` (`.chart-svg .bar`, …), with presentation
//! attributes as a fallback; no inline `style`, so the pages' content security policy holds.

use std::fmt::Write;

/// One value of a chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Datum {
    /// The full label: the bar's tooltip and the data table (`Tuesday`, `2026-12-01`).
    pub label: String,
    /// The short label under the axis (`Tue`, `1 Dec`); empty to leave that tick unlabelled.
    pub tick: String,
    pub value: u64,
}

impl Datum {
    pub fn new(label: impl Into<String>, tick: impl Into<String>, value: u64) -> Self {
        Self {
            label: label.into(),
            tick: tick.into(),
            value,
        }
    }
}

/// The name, the text alternative and the element id of a chart.
#[derive(Debug, Clone)]
pub struct ChartText<'a> {
    /// Unique on the page; the `<title>` and `<desc>` ids derive from it.
    pub id: &'a str,
    pub title: &'a str,
    pub description: &'a str,
    /// What one unit is, for the tooltips: `booking` → "3 bookings".
    pub unit: &'a str,
    /// Drawn for a full-width card (twice as wide) rather than a half-width one.
    pub wide: bool,
}

impl ChartText<'_> {
    fn width(&self) -> f64 {
        if self.wide { 960.0 } else { 480.0 }
    }
}

const COLUMN_HEIGHT: f64 = 240.0;
const TOP: f64 = 16.0;
const BOTTOM: f64 = 36.0;
const LEFT: f64 = 40.0;
const RIGHT: f64 = 12.0;
const ACCENT: &str = "#1d4ed8";
const GRID: &str = "#e5e7eb";
const INK: &str = "#4b5563";

/// Escapes text for SVG/XML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// The top of the value axis and its step: at most four steps of 1, 2 or 5 × 10ⁿ, the top at
/// or above `max`. Zero data gives `(0, 1)`.
pub fn axis(max: u64) -> (u64, u64) {
    if max == 0 {
        return (0, 1);
    }
    let wanted = max.div_ceil(4);
    let mut magnitude = 1u64;
    loop {
        for factor in [1u64, 2, 5] {
            let step = factor.saturating_mul(magnitude);
            if step >= wanted {
                return (max.div_ceil(step).saturating_mul(step), step);
            }
        }
        magnitude = magnitude.saturating_mul(10);
    }
}

/// `value` as a share of `extent` on an axis ending at `top` (0 when the axis is empty).
pub fn scaled(value: u64, top: u64, extent: f64) -> f64 {
    if top == 0 {
        0.0
    } else {
        value as f64 / top as f64 * extent
    }
}

fn plural(count: u64, unit: &str) -> String {
    if count == 1 {
        format!("1 {unit}")
    } else {
        format!("{count} {unit}s")
    }
}

/// The opening tag, `<title>` and `<desc>` of a chart `height` tall.
fn open(out: &mut String, text: &ChartText<'_>, kind: &str, height: f64) {
    let id = escape(text.id);
    let width = text.width();
    let kind = if text.wide {
        format!("{kind} wide")
    } else {
        kind.to_owned()
    };
    let _ = write!(
        out,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart-svg {kind}\" id=\"{id}\" \
         viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" \
         font-size=\"13\" font-family=\"system-ui, sans-serif\">\
         <title id=\"{id}-title\">{}</title><desc id=\"{id}-desc\">{}</desc>",
        escape(text.title),
        escape(text.description),
    );
}

/// Horizontal grid lines and their values, for a plot from `top_y` down to `base_y`.
fn value_grid(out: &mut String, width: f64, top: u64, step: u64, top_y: f64, base_y: f64) {
    out.push_str("<g class=\"grid\">");
    let mut tick = 0u64;
    loop {
        let y = base_y - scaled(tick, top, base_y - top_y);
        let _ = write!(
            out,
            "<line x1=\"{LEFT}\" x2=\"{:.1}\" y1=\"{y:.1}\" y2=\"{y:.1}\" stroke=\"{GRID}\"/>\
             <text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"{INK}\">{tick}</text>",
            width - RIGHT,
            LEFT - 6.0,
            y + 4.0,
        );
        if top == 0 || tick >= top {
            break;
        }
        tick = tick.saturating_add(step);
    }
    out.push_str("</g>");
}

fn empty_note(out: &mut String, x: f64, y: f64) {
    let _ = write!(
        out,
        "<text class=\"empty\" x=\"{x:.1}\" y=\"{y:.1}\" text-anchor=\"middle\" fill=\"{INK}\">No bookings in this period</text>"
    );
}

/// One column per datum, in order, with its tick under it.
pub fn columns(text: &ChartText<'_>, data: &[Datum]) -> String {
    let width = text.width();
    let mut out = String::new();
    open(&mut out, text, "columns", COLUMN_HEIGHT);
    let max = data.iter().map(|d| d.value).max().unwrap_or(0);
    let (top, step) = axis(max);
    let base_y = COLUMN_HEIGHT - BOTTOM;
    let plot_height = base_y - TOP;
    value_grid(&mut out, width, top, step, TOP, base_y);
    let slot = (width - LEFT - RIGHT) / data.len().max(1) as f64;
    let bar_width = (slot * 0.7).max(1.0);
    out.push_str("<g class=\"bars\">");
    for (index, datum) in data.iter().enumerate() {
        if datum.value == 0 {
            continue;
        }
        let height = scaled(datum.value, top, plot_height);
        let x = LEFT + slot * index as f64 + (slot - bar_width) / 2.0;
        let _ = write!(
            out,
            "<rect class=\"bar\" x=\"{x:.1}\" y=\"{:.1}\" width=\"{bar_width:.1}\" height=\"{height:.1}\" rx=\"2\" fill=\"{ACCENT}\" data-value=\"{}\"><title>{}: {}</title></rect>",
            base_y - height,
            datum.value,
            escape(&datum.label),
            plural(datum.value, text.unit),
        );
    }
    out.push_str("</g><g class=\"ticks\">");
    for (index, datum) in data.iter().enumerate() {
        if datum.tick.is_empty() {
            continue;
        }
        let x = LEFT + slot * (index as f64 + 0.5);
        let _ = write!(
            out,
            "<text class=\"tick\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"{INK}\">{}</text>",
            base_y + 20.0,
            escape(&datum.tick),
        );
    }
    out.push_str("</g>");
    if max == 0 {
        empty_note(
            &mut out,
            LEFT + (width - LEFT - RIGHT) / 2.0,
            TOP + plot_height / 2.0,
        );
    }
    out.push_str("</svg>");
    out
}

const ROW: f64 = 32.0;
const LABEL_WIDTH: f64 = 150.0;
const VALUE_WIDTH: f64 = 80.0;

/// Shortens a label to `max` characters, ending in `…` when cut.
fn shorten(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_owned()
    } else {
        let mut short: String = label.chars().take(max.saturating_sub(1)).collect();
        short.push('…');
        short
    }
}

/// One horizontal bar per datum, top to bottom, its label on the left and its value (with
/// `suffix(index, datum)`, e.g. a share) at its end.
pub fn bars(
    text: &ChartText<'_>,
    data: &[Datum],
    suffix: impl Fn(usize, &Datum) -> String,
) -> String {
    let width = text.width();
    let rows = data.len().max(1) as f64;
    let height = TOP + ROW * rows + 8.0;
    let mut out = String::new();
    open(&mut out, text, "bars", height);
    let max = data.iter().map(|d| d.value).max().unwrap_or(0);
    let extent = width - LABEL_WIDTH - VALUE_WIDTH;
    let _ = write!(
        out,
        "<line class=\"baseline\" x1=\"{LABEL_WIDTH}\" x2=\"{LABEL_WIDTH}\" y1=\"{TOP}\" y2=\"{:.1}\" stroke=\"{GRID}\"/>",
        height - 8.0,
    );
    out.push_str("<g class=\"bars\">");
    for (index, datum) in data.iter().enumerate() {
        let y = TOP + ROW * index as f64;
        let length = scaled(datum.value, max, extent);
        let _ = write!(
            out,
            "<text class=\"label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" fill=\"{INK}\">{}</text>",
            LABEL_WIDTH - 8.0,
            y + ROW / 2.0 + 4.0,
            escape(&shorten(&datum.label, 20)),
        );
        if datum.value > 0 {
            let _ = write!(
                out,
                "<rect class=\"bar\" x=\"{LABEL_WIDTH}\" y=\"{:.1}\" width=\"{length:.1}\" height=\"{:.1}\" rx=\"2\" fill=\"{ACCENT}\" data-value=\"{}\"><title>{}: {}</title></rect>",
                y + 6.0,
                ROW - 12.0,
                datum.value,
                escape(&datum.label),
                plural(datum.value, text.unit),
            );
        }
        let _ = write!(
            out,
            "<text class=\"value\" x=\"{:.1}\" y=\"{:.1}\" fill=\"{INK}\">{}{}</text>",
            LABEL_WIDTH + length + 6.0,
            y + ROW / 2.0 + 4.0,
            datum.value,
            escape(&suffix(index, datum)),
        );
    }
    out.push_str("</g>");
    if data.is_empty() || max == 0 {
        empty_note(&mut out, width / 2.0, TOP + ROW / 2.0 + 4.0);
    }
    out.push_str("</svg>");
    out
}

/// A line through one point per datum, left to right, with the area under it shaded.
pub fn line(text: &ChartText<'_>, data: &[Datum]) -> String {
    let width = text.width();
    let mut out = String::new();
    open(&mut out, text, "line", COLUMN_HEIGHT);
    let max = data.iter().map(|d| d.value).max().unwrap_or(0);
    let (top, step) = axis(max);
    let base_y = COLUMN_HEIGHT - BOTTOM;
    let plot_height = base_y - TOP;
    value_grid(&mut out, width, top, step, TOP, base_y);
    let inner = width - LEFT - RIGHT - 16.0;
    let x_of = |index: usize| {
        if data.len() <= 1 {
            LEFT + 8.0 + inner / 2.0
        } else {
            LEFT + 8.0 + inner * index as f64 / (data.len() - 1) as f64
        }
    };
    let points: Vec<(f64, f64)> = data
        .iter()
        .enumerate()
        .map(|(index, d)| (x_of(index), base_y - scaled(d.value, top, plot_height)))
        .collect();
    if let (Some(first), Some(last)) = (points.first(), points.last()) {
        let mut path = format!("M{:.1} {base_y:.1}", first.0);
        for (x, y) in &points {
            let _ = write!(path, " L{x:.1} {y:.1}");
        }
        let _ = write!(path, " L{:.1} {base_y:.1} Z", last.0);
        let _ = write!(
            out,
            "<path class=\"area\" d=\"{path}\" fill=\"#e8eefc\"/><polyline class=\"trend\" fill=\"none\" stroke=\"{ACCENT}\" stroke-width=\"2.5\" stroke-linejoin=\"round\" points=\""
        );
        for (index, (x, y)) in points.iter().enumerate() {
            if index > 0 {
                out.push(' ');
            }
            let _ = write!(out, "{x:.1},{y:.1}");
        }
        out.push_str("\"/>");
    }
    out.push_str("<g class=\"points\">");
    for (datum, (x, y)) in data.iter().zip(&points) {
        let _ = write!(
            out,
            "<circle class=\"point\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3.5\" fill=\"{ACCENT}\" data-value=\"{}\"><title>{}: {}</title></circle>",
            datum.value,
            escape(&datum.label),
            plural(datum.value, text.unit),
        );
    }
    out.push_str("</g><g class=\"ticks\">");
    for (index, datum) in data.iter().enumerate() {
        if datum.tick.is_empty() {
            continue;
        }
        let _ = write!(
            out,
            "<text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\" fill=\"{INK}\">{}</text>",
            x_of(index),
            base_y + 20.0,
            escape(&datum.tick),
        );
    }
    out.push_str("</g>");
    if max == 0 {
        empty_note(
            &mut out,
            LEFT + (width - LEFT - RIGHT) / 2.0,
            TOP + plot_height / 2.0,
        );
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(id: &'static str) -> ChartText<'static> {
        ChartText {
            id,
            title: "Bookings",
            description: "A test chart",
            unit: "booking",
            wide: false,
        }
    }

    /// The value of `attribute` on every element whose tag starts with `tag`.
    fn attributes(svg: &str, tag: &str, attribute: &str) -> Vec<f64> {
        svg.match_indices(tag)
            .map(|(start, _)| {
                let element = &svg[start..start + svg[start..].find('>').expect("tag end")];
                let needle = format!(" {attribute}=\"");
                let from = element.find(&needle).expect("attribute") + needle.len();
                let to = from + element[from..].find('"').expect("quote");
                element[from..to].parse().expect("number")
            })
            .collect()
    }

    #[test]
    fn axes_end_on_round_numbers_at_or_above_the_largest_value() {
        assert_eq!(axis(0), (0, 1));
        assert_eq!(axis(1), (1, 1));
        assert_eq!(axis(3), (3, 1));
        assert_eq!(axis(4), (4, 1));
        assert_eq!(axis(7), (8, 2));
        assert_eq!(axis(9), (10, 5));
        assert_eq!(axis(37), (40, 10));
        assert_eq!(
            axis(u64::MAX).0,
            u64::MAX,
            "saturates instead of overflowing"
        );
    }

    #[test]
    fn column_heights_are_proportional_to_the_values() {
        let data = [
            Datum::new("Monday", "Mon", 2),
            Datum::new("Tuesday", "Tue", 4),
            Datum::new("Wednesday", "Wed", 0),
            Datum::new("Thursday", "Thu", 1),
        ];
        let svg = columns(&text("c"), &data);
        let heights = attributes(&svg, "<rect class=\"bar\"", "height");
        assert_eq!(heights.len(), 3, "no bar for a zero: {svg}");
        assert!((heights[1] / heights[0] - 2.0).abs() < 0.01, "{heights:?}");
        assert!((heights[1] / heights[2] - 4.0).abs() < 0.01, "{heights:?}");
        // The largest value reaches the top of the axis (4 is a round top).
        assert!((heights[1] - (COLUMN_HEIGHT - BOTTOM - TOP)).abs() < 0.1);
        assert!(svg.contains("<title>Tuesday: 4 bookings</title>"));
        assert!(svg.contains("<title>Thursday: 1 booking</title>"));
        assert!(svg.contains(">Wed</text>"), "every tick is labelled");
    }

    #[test]
    fn bar_lengths_are_proportional_to_the_values() {
        let data = [Datum::new("Intro", "", 6), Datum::new("Demo", "", 3)];
        let svg = bars(&text("b"), &data, |_, d| format!(" ({}%)", d.value * 10));
        let widths = attributes(&svg, "<rect class=\"bar\"", "width");
        assert_eq!(widths.len(), 2);
        assert!((widths[0] / widths[1] - 2.0).abs() < 0.01, "{widths:?}");
        assert!(svg.contains(">6 (60%)</text>"));
    }

    #[test]
    fn trend_points_sit_at_proportional_heights() {
        let data = [
            Datum::new("2026-12-01", "1 Dec", 0),
            Datum::new("2026-12-02", "", 2),
            Datum::new("2026-12-03", "3 Dec", 4),
        ];
        let svg = line(&text("t"), &data);
        let ys = attributes(&svg, "<circle", "cy");
        assert_eq!(ys.len(), 3);
        let base = COLUMN_HEIGHT - BOTTOM;
        assert!((base - ys[0]).abs() < 0.01, "zero sits on the axis");
        assert!(
            ((base - ys[2]) / (base - ys[1]) - 2.0).abs() < 0.01,
            "{ys:?}"
        );
        assert!(svg.contains("<polyline"));
    }

    #[test]
    fn zero_data_draws_an_empty_chart_without_dividing_by_zero() {
        let zeros: Vec<Datum> = (0..7)
            .map(|i| Datum::new(format!("Day {i}"), "", 0))
            .collect();
        for svg in [
            columns(&text("z1"), &zeros),
            line(&text("z2"), &zeros),
            bars(&text("z3"), &zeros, |_, _| String::new()),
            bars(&text("z4"), &[], |_, _| String::new()),
            columns(&text("z5"), &[]),
            line(&text("z6"), &[]),
        ] {
            assert!(!svg.contains("NaN") && !svg.contains("inf"), "{svg}");
            assert!(!svg.contains("<rect class=\"bar\""), "{svg}");
            assert!(svg.contains("No bookings in this period"), "{svg}");
            assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
            assert!(svg.contains("role=\"img\""));
        }
    }

    #[test]
    fn text_is_escaped_everywhere() {
        let text = ChartText {
            id: "x\"y",
            title: "<b>Title</b>",
            description: "Tom & Jerry's",
            unit: "booking",
            wide: true,
        };
        let data = [Datum::new("<script>alert(1)</script>", "<i>", 1)];
        for svg in [
            columns(&text, &data),
            bars(&text, &data, |_, _| " <%>".to_owned()),
            line(&text, &data),
        ] {
            assert!(!svg.contains("<script>"), "{svg}");
            assert!(!svg.contains("<b>") && !svg.contains("<i>"), "{svg}");
            assert!(
                svg.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
                "{svg}"
            );
            assert!(svg.contains("Tom &amp; Jerry&#39;s"));
            assert!(svg.contains("id=\"x&quot;y\""));
        }
    }

    #[test]
    fn long_labels_are_shortened_on_the_axis_but_whole_in_the_tooltip() {
        let name = "A very long event type name that goes on";
        let svg = bars(&text("l"), &[Datum::new(name, "", 1)], |_, _| String::new());
        assert!(svg.contains(">A very long event t…<"), "{svg}");
        assert!(svg.contains(&format!("<title>{name}: 1 booking</title>")));
    }
}
