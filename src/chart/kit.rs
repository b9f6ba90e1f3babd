//! The drawing kit every chart draws through: the bundled DejaVu Sans font (embedded here,
//! once) and its registration with plotters, the slide size and font sizes, text
//! measurement and fitting ([`text_width`], [`fit_text`]) and (in PNGs) rasterisation with
//! `ab_glyph` placed the way SVG viewers place plotters' `<text>`, the [`Canvas`]
//! pixel-coordinate drawing helpers, [`simplify`] for long polylines, and [`thousands`],
//! the one integer formatter with thousands separators (also used by the stdout story and
//! the chart subtitles).
//!
//! Nothing here consults a system font or iterates a hash map, and pixel positions come
//! from integer arithmetic and rounding only, so a chart is byte-identical for the same
//! input on every run and machine.

use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::prelude::{
    Circle, Color, DrawingArea, DrawingBackend, PathElement, Polygon, Rectangle,
};
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters::style::{FontDesc, FontFamily, FontStyle, FontTransform, RGBAColor, RGBColor};

use ab_glyph::{point, Font, FontRef, Glyph, PxScale, ScaleFont};

/// The bundled font: DejaVu Sans 2.37 (Bitstream Vera licence with public-domain DejaVu
/// changes; see `assets/fonts/LICENSE-DejaVuSans.txt`).
static FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Family name the bundled font is registered under. It doubles as the SVG `font-family`
/// attribute, where it reads as a CSS fallback list.
const FONT_FAMILY: &str = "DejaVu Sans, sans-serif";

/// Width of every chart, in pixels.
pub(crate) const WIDTH: u32 = 1600;
/// Height of the timeline, downtime and sweep charts, in pixels.
pub(crate) const HEIGHT: u32 = 800;

/// Outer margin around the drawing.
pub(crate) const MARGIN: i32 = 24;
/// Font sizes in plotters' units: text is drawn at `size / 1.24` pixels per em, so 22
/// gives 17.7 px text and the smallest, 20, gives 16 px.
pub(crate) const TITLE_SIZE: f64 = 38.0;
pub(crate) const SUBTITLE_SIZE: f64 = 24.0;
pub(crate) const LABEL_SIZE: f64 = 22.0;
pub(crate) const SMALL_SIZE: f64 = 20.0;
pub(crate) const MESSAGE_SIZE: f64 = 36.0;

/// An integer with thousands separators: `12,345`.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

/// Result of drawing; the error is plotters' message.
pub(crate) type Drawn = Result<(), String>;

/// Registers the bundled font with plotters once per process (SVG text is drawn through
/// plotters' font registry).
pub(crate) fn register_font() -> Result<(), String> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let registered = *REGISTERED.get_or_init(|| {
        // Also under "sans-serif", plotters' default family, so no text can ever be
        // looked up in a family that is not registered.
        [FONT_FAMILY, "sans-serif"].iter().all(|family| {
            plotters::style::register_font(family, FontStyle::Normal, FONT_BYTES).is_ok()
        })
    });
    if registered {
        Ok(())
    } else {
        Err("the bundled font DejaVuSans.ttf could not be loaded".to_string())
    }
}

// ---------------------------------------------------------------------------------------
// Text: measured and (in PNGs) drawn with the bundled font through ab_glyph, placed the way
// SVG viewers place plotters' `<text>`, so both formats look alike.
// ---------------------------------------------------------------------------------------

/// Horizontal anchor of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Center,
    Right,
}

/// How to draw a text: size, colour, anchor; `middle` centres it vertically on the
/// point instead of hanging it below; `upright` rotates it to read bottom-up.
#[derive(Debug, Clone, Copy)]
pub(crate) struct TextLook {
    size: f64,
    colour: RGBColor,
    align: Align,
    middle: bool,
    upright: bool,
}

impl TextLook {
    pub(crate) fn new(size: f64, colour: RGBColor) -> Self {
        TextLook {
            size,
            colour,
            align: Align::Left,
            middle: false,
            upright: false,
        }
    }

    pub(crate) fn align(mut self, align: Align) -> Self {
        self.align = align;
        self
    }

    pub(crate) fn middle(mut self) -> Self {
        self.middle = true;
        self
    }

    pub(crate) fn upright(mut self) -> Self {
        self.upright = true;
        self
    }
}

fn font(size: f64) -> FontDesc<'static> {
    FontDesc::new(FontFamily::Name(FONT_FAMILY), size, FontStyle::Normal)
}

/// The bundled font, parsed once, for laying out text and drawing it in PNGs.
fn glyph_font() -> Option<&'static FontRef<'static>> {
    static FONT: OnceLock<Option<FontRef<'static>>> = OnceLock::new();
    FONT.get_or_init(|| FontRef::try_from_slice(FONT_BYTES).ok())
        .as_ref()
}

/// Pixels per em for a plotters font size: plotters' SVG backend writes
/// `font-size = size / 1.24`, and PNG text is drawn at the same size so both agree.
fn em_px(size: f64) -> f32 {
    (size / 1.24) as f32
}

/// DejaVu Sans x-height (1120 / 2048 em): SVG viewers centre text on half of it.
const X_HEIGHT_EM: f32 = 0.547;
/// Baseline of hanging text below its anchor, as plotters' SVG backend writes it
/// (`dy = 0.76em`).
const HANGING_BASELINE_EM: f32 = 0.76;

/// Glyphs of `text` at `size`, positioned along a baseline at y = 0 from x = 0 (with
/// kerning), and the advance width.
fn layout_glyphs(font: &FontRef<'static>, text: &str, size: f64) -> (Vec<Glyph>, f32) {
    let scale =
        PxScale::from(em_px(size) * font.height_unscaled() / font.units_per_em().unwrap_or(2048.0));
    let scaled = font.as_scaled(scale);
    let mut glyphs = Vec::with_capacity(text.len());
    let mut x = 0.0f32;
    let mut previous = None;
    for c in text.chars() {
        let id = scaled.glyph_id(c);
        if let Some(p) = previous {
            x += scaled.kern(p, id);
        }
        glyphs.push(id.with_scale_and_position(scale, point(x, 0.0)));
        x += scaled.h_advance(id);
        previous = Some(id);
    }
    (glyphs, x)
}

/// Width of `text` in pixels at `size` (advance widths and kerning of the bundled
/// font, as both the PNG renderer and an SVG viewer with DejaVu Sans lay it out).
pub(crate) fn text_width(text: &str, size: f64) -> i32 {
    match glyph_font() {
        Some(font) => layout_glyphs(font, text, size).1.ceil() as i32,
        // Unreachable with the bundled font; a generous estimate keeps layouts sane.
        None => (text.chars().count() as f64 * size * 0.6) as i32,
    }
}

/// Shortens `text` with an ellipsis until it fits in `max_w` pixels: the longest prefix
/// that fits, found by bisection (a prefix's width grows with its length), so a label of
/// n characters costs O(log n) measurements, not n (a 30,000-character scenario name took
/// 82 s when each shorter prefix was measured in turn).
pub(crate) fn fit_text(text: &str, size: f64, max_w: i32) -> String {
    if text_width(text, size) <= max_w {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    let candidate = |k: usize| chars[..k].iter().collect::<String>().trim_end().to_string() + "…";
    let fits = |k: usize| text_width(&candidate(k), size) <= max_w;
    if !fits(0) {
        return String::new();
    }
    // Invariant: prefix `lo` fits, prefix `hi` does not (the whole text does not fit).
    let (mut lo, mut hi) = (0, chars.len());
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if fits(mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    candidate(lo)
}

// ---------------------------------------------------------------------------------------
// Drawing
// ---------------------------------------------------------------------------------------

/// Pixel-coordinate drawing helpers over a plotters drawing area.
pub(crate) struct Canvas<'a, DB: DrawingBackend> {
    pub(crate) area: &'a DrawingArea<DB, Shift>,
    /// Drawing into a bitmap (PNG): text is rasterised here with ab_glyph instead of
    /// plotters' own text drawing, so both formats look alike.
    bitmap: bool,
}

impl<'a, DB: DrawingBackend> Canvas<'a, DB> {
    /// A canvas over `area`; `bitmap` when drawing a PNG (text is then rasterised here).
    pub(crate) fn new(area: &'a DrawingArea<DB, Shift>, bitmap: bool) -> Self {
        Canvas { area, bitmap }
    }

    pub(crate) fn fill_rect(
        &self,
        (x0, y0): (i32, i32),
        (x1, y1): (i32, i32),
        colour: RGBAColor,
    ) -> Drawn {
        if x1 < x0 || y1 < y0 {
            return Ok(());
        }
        self.area
            .draw(&Rectangle::new([(x0, y0), (x1, y1)], colour.filled()))
            .map_err(|e| e.to_string())
    }

    pub(crate) fn outline_rect(
        &self,
        (x0, y0): (i32, i32),
        (x1, y1): (i32, i32),
        colour: RGBAColor,
        width: u32,
    ) -> Drawn {
        self.area
            .draw(&Rectangle::new(
                [(x0, y0), (x1, y1)],
                colour.stroke_width(width),
            ))
            .map_err(|e| e.to_string())
    }

    pub(crate) fn line(&self, points: Vec<(i32, i32)>, colour: RGBAColor, width: u32) -> Drawn {
        self.area
            .draw(&PathElement::new(points, colour.stroke_width(width)))
            .map_err(|e| e.to_string())
    }

    pub(crate) fn polygon(&self, points: Vec<(i32, i32)>, colour: RGBAColor) -> Drawn {
        if points.len() < 3 {
            return Ok(());
        }
        self.area
            .draw(&Polygon::new(points, colour.filled()))
            .map_err(|e| e.to_string())
    }

    /// A filled circle.
    pub(crate) fn dot(&self, centre: (i32, i32), radius: i32, colour: RGBAColor) -> Drawn {
        self.area
            .draw(&Circle::new(centre, radius, colour.filled()))
            .map_err(|e| e.to_string())
    }

    /// A vertical dashed line from `y_top` down to `y_bottom`.
    pub(crate) fn dashed_vline(
        &self,
        x: i32,
        (y_top, y_bottom): (i32, i32),
        colour: RGBAColor,
        width: u32,
        (on, off): (i32, i32),
    ) -> Drawn {
        let mut y = y_bottom;
        while y > y_top {
            let end = (y - on).max(y_top);
            self.line(vec![(x, y), (x, end)], colour, width)?;
            y = end - off;
        }
        Ok(())
    }

    /// A horizontal dashed line from `x0` to `x1`, dashes `on` pixels long, `off` apart.
    pub(crate) fn dashed_hline(
        &self,
        (x0, x1): (i32, i32),
        y: i32,
        colour: RGBAColor,
        width: u32,
        (on, off): (i32, i32),
    ) -> Drawn {
        let mut x = x0;
        while x < x1 {
            let end = (x + on).min(x1);
            self.line(vec![(x, y), (end, y)], colour, width)?;
            x = end + off;
        }
        Ok(())
    }

    /// Diagonal hatching clipped to a rectangle: how fault windows are shown, so the
    /// colours underneath keep their meaning.
    pub(crate) fn hatch(
        &self,
        (x0, y0): (i32, i32),
        (x1, y1): (i32, i32),
        colour: RGBAColor,
    ) -> Drawn {
        const SPACING: i32 = 10;
        if x1 <= x0 || y1 <= y0 {
            return Ok(());
        }
        let height = y1 - y0;
        // Line k joins the points where x + (y1 - y) = c; walk c over the rectangle,
        // anchored to multiples of SPACING so neighbouring windows line up.
        let mut c = (x0).div_euclid(SPACING) * SPACING;
        while c < x1 + height {
            let d_lo = (c - x1).max(0);
            let d_hi = (c - x0).min(height);
            if d_lo < d_hi {
                self.line(
                    vec![(c - d_lo, y1 - d_lo), (c - d_hi, y1 - d_hi)],
                    colour,
                    1,
                )?;
            }
            c += SPACING;
        }
        Ok(())
    }

    pub(crate) fn text(&self, text: &str, (x, y): (i32, i32), look: TextLook) -> Drawn {
        if text.is_empty() {
            return Ok(());
        }
        if self.bitmap {
            return self.raster_text(text, (x, y), look);
        }
        let h = match look.align {
            Align::Left => HPos::Left,
            Align::Center => HPos::Center,
            Align::Right => HPos::Right,
        };
        let v = if look.middle { VPos::Center } else { VPos::Top };
        let mut desc = font(look.size);
        if look.upright {
            desc = desc.transform(FontTransform::Rotate270);
        }
        let style = desc.color(&look.colour).pos(Pos::new(h, v));
        self.area
            .draw_text(text, &style, (x, y))
            .map_err(|e| e.to_string())
    }

    /// Draws text into a bitmap with ab_glyph, placed the way SVG viewers place the
    /// `<text>` plotters writes (anchor, `dy`, rotation), so PNG and SVG look alike.
    /// plotters 0.3.7's own ab_glyph drawing ignores glyph side bearings, which makes
    /// letter spacing uneven; this draws each glyph at its true position, anti-aliased.
    fn raster_text(&self, text: &str, (x, y): (i32, i32), look: TextLook) -> Drawn {
        let Some(font) = glyph_font() else {
            return Err("the bundled font DejaVuSans.ttf could not be parsed".to_string());
        };
        let (glyphs, width) = layout_glyphs(font, text, look.size);
        let em = em_px(look.size);
        let dx = match look.align {
            Align::Left => 0.0,
            Align::Center => -width / 2.0,
            Align::Right => -width,
        };
        let baseline = if look.middle {
            X_HEIGHT_EM * em / 2.0
        } else {
            HANGING_BASELINE_EM * em
        };
        for mut glyph in glyphs {
            glyph.position = point(glyph.position.x + dx, baseline);
            let Some(outline) = font.outline_glyph(glyph) else {
                continue;
            };
            let bounds = outline.px_bounds();
            let (x0, y0) = (bounds.min.x as i32, bounds.min.y as i32);
            let mut result = Ok(());
            outline.draw(|gx, gy, coverage| {
                if result.is_err() || coverage <= 0.0 {
                    return;
                }
                // Offsets from the anchor; upright text turns them a quarter
                // counter-clockwise, as SVG's rotate(270) does.
                let (ox, oy) = (x0 + gx as i32, y0 + gy as i32);
                let (px, py) = if look.upright {
                    (x + oy, y - ox)
                } else {
                    (x + ox, y + oy)
                };
                result = self
                    .area
                    .draw_pixel((px, py), &look.colour.mix(f64::from(coverage.min(1.0))))
                    .map_err(|e| e.to_string());
            });
            result?;
        }
        Ok(())
    }

    /// Text on an opaque box, so lines behind it do not cross it.
    pub(crate) fn boxed_text(
        &self,
        text: &str,
        (x, y): (i32, i32),
        look: TextLook,
        fill: RGBColor,
    ) -> Drawn {
        let w = text_width(text, look.size);
        let (x0, x1) = match look.align {
            Align::Left => (x, x + w),
            Align::Center => (x - w / 2, x + w - w / 2),
            Align::Right => (x - w, x),
        };
        // Cap height to descender, with a little air.
        let em = f64::from(em_px(look.size));
        let (y0, y1) = if look.middle {
            (
                y - (0.62 * em).round() as i32,
                y + (0.62 * em).round() as i32,
            )
        } else {
            (y - 2, y + (1.05 * em).round() as i32)
        };
        self.fill_rect((x0 - 4, y0), (x1 + 4, y1), fill.to_rgba())?;
        self.text(text, (x, y), look)
    }
}

/// Reduces a pixel polyline to what can be seen: in each run of points on the same
/// pixel column only the first, lowest, highest and last stay, then repeated points
/// and the middle of straight horizontal or vertical runs go. Keeps SVG files small
/// for long series without changing the picture.
pub(crate) fn simplify(points: &[(i32, i32)]) -> Vec<(i32, i32)> {
    let mut reduced: Vec<(i32, i32)> = Vec::with_capacity(points.len().min(8_192));
    let mut i = 0;
    while i < points.len() {
        let x = points[i].0;
        let mut j = i;
        while j < points.len() && points[j].0 == x {
            j += 1;
        }
        let run = &points[i..j];
        let (mut lo, mut hi) = (0, 0);
        for (k, p) in run.iter().enumerate() {
            if p.1 < run[lo].1 {
                lo = k;
            }
            if p.1 > run[hi].1 {
                hi = k;
            }
        }
        let mut keep = [0, lo, hi, run.len() - 1];
        keep.sort_unstable();
        for k in keep {
            if reduced.last() != Some(&run[k]) {
                reduced.push(run[k]);
            }
        }
        i = j;
    }
    let mut out: Vec<(i32, i32)> = Vec::with_capacity(reduced.len());
    for p in reduced {
        if out.len() >= 2 {
            let a = out[out.len() - 2];
            let b = out[out.len() - 1];
            let straight = (a.0 == b.0 && b.0 == p.0) || (a.1 == b.1 && b.1 == p.1);
            // Only drop b when it lies between a and p (not a reversal).
            let between = (a.0.min(p.0) <= b.0 && b.0 <= a.0.max(p.0))
                && (a.1.min(p.1) <= b.1 && b.1 <= a.1.max(p.1));
            if straight && between {
                out.pop();
            }
        }
        out.push(p);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The old linear search, kept as the reference the bisection must agree with.
    fn fit_text_linear(text: &str, size: f64, max_w: i32) -> String {
        if text_width(text, size) <= max_w {
            return text.to_string();
        }
        let mut chars: Vec<char> = text.chars().collect();
        while !chars.is_empty() {
            chars.pop();
            let candidate = chars.iter().collect::<String>().trim_end().to_string() + "…";
            if text_width(&candidate, size) <= max_w {
                return candidate;
            }
        }
        String::new()
    }

    #[test]
    fn long_labels_took_minutes_to_fit() {
        for text in [
            "us-west-2 outage (all planes)",
            "WorkSpaces cross-Region redirection:   us-west-2 -> us-east-1",
            "iiiiiiiiiiWWWWWWWWWW  mmmm  ....",
            "",
        ] {
            for max_w in [0, 5, 20, 60, 120, 400] {
                assert_eq!(
                    fit_text(text, LABEL_SIZE, max_w),
                    fit_text_linear(text, LABEL_SIZE, max_w),
                    "{text:?} in {max_w}"
                );
            }
        }
        let name = "x".repeat(30_000);
        let started = std::time::Instant::now();
        let fitted = fit_text(&name, LABEL_SIZE, 700);
        assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
        assert!(fitted.ends_with('…') && text_width(&fitted, LABEL_SIZE) <= 700);
    }

    #[test]
    fn thousands_groups_digits_by_three() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(thousands(u64::MAX), "18,446,744,073,709,551,615");
    }

    #[test]
    fn simplify_keeps_the_shape() {
        let points = vec![
            (0, 10),
            (0, 10),
            (1, 10),
            (2, 10),
            (2, 5),
            (2, 8),
            (2, 7),
            (3, 7),
        ];
        assert_eq!(
            simplify(&points),
            vec![(0, 10), (2, 10), (2, 5), (2, 7), (3, 7)]
        );
        assert_eq!(simplify(&[]), Vec::<(i32, i32)>::new());
    }
}
