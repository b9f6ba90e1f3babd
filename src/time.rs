//! Simulated time: integer milliseconds since scenario start.
//!
//! failsim never uses a float clock: instants and spans are plain `u64` milliseconds, named
//! with a `_ms` suffix (`at_ms`, `ttl_ms`), so that every run on every machine orders events
//! the same way. (Newtypes were tried and dropped: every field already says its unit, and the
//! hot paths do arithmetic on millions of them.) Durations in scenario files are strings with units
//! (`"250ms"`, `"30s"`,
//! `"1h 30m"`), parsed by [`parse_duration`].
//!
//! This module is also the one home of time formatting: durations for people
//! ([`format_ms`], [`format_human`], [`format_duration_whole_seconds`],
//! [`format_minutes_seconds`], [`format_hours_minutes`]) and instants as clock times since scenario start
//! ([`format_clock`], [`format_clock_minutes`], [`format_clock_compact`]), used by the
//! stdout story, the chart labels and messages alike. All use integer arithmetic only, and
//! all follow one rounding rule: a figure is rounded to the nearest unit it shows, halves up
//! ([`round_to`]), so the story's `+1m 50s` and a chart's `1:01:50` name the same instant.
//! Files keep exact milliseconds.

/// Rounds `ms` to the nearest multiple of `unit_ms`, halves up: the one rounding rule of
/// every time shown to people.
pub fn round_to(ms: u64, unit_ms: u64) -> u64 {
    ms.saturating_add(unit_ms / 2) / unit_ms * unit_ms
}

/// Formats milliseconds as a compact human duration (`1h 2m 3.5s`, `45s`, `250ms`).
pub fn format_ms(ms: u64) -> String {
    if ms == 0 {
        return "0s".to_string();
    }
    if ms < 1000 {
        return format!("{ms}ms");
    }
    let h = ms / 3_600_000;
    let m = (ms / 60_000) % 60;
    let s = (ms / 1000) % 60;
    let rest = ms % 1000;
    let mut parts = Vec::new();
    if h > 0 {
        parts.push(format!("{h}h"));
    }
    if m > 0 {
        parts.push(format!("{m}m"));
    }
    if s > 0 || rest > 0 {
        if rest > 0 {
            let tenths = format!("{s}.{rest:03}");
            parts.push(format!("{}s", tenths.trim_end_matches('0')));
        } else {
            parts.push(format!("{s}s"));
        }
    }
    parts.join(" ")
}

/// Formats a duration for people: whole seconds from a minute up (`4m 10s`), tenths of a
/// second below (`9.8s`), milliseconds under a second. Files keep exact milliseconds.
pub fn format_human(ms: u64) -> String {
    if ms >= 60_000 {
        format_ms(round_to(ms, 1000))
    } else if ms >= 1000 {
        format_ms(round_to(ms, 100))
    } else {
        format_ms(ms)
    }
}

/// Formats an instant as `h:mm:ss` from scenario start, rounded to the second (hours are not
/// wrapped: `26:00:00`), for stdout stories and chart labels.
pub fn format_clock(ms: u64) -> String {
    let total_s = round_to(ms, 1000) / 1000;
    format!(
        "{}:{:02}:{:02}",
        total_s / 3600,
        (total_s / 60) % 60,
        total_s % 60
    )
}

/// Formats an instant as `h:mm` from scenario start, rounded to the minute (hours are not
/// wrapped: `26:00`); for time-axis ticks a whole number of minutes apart.
pub fn format_clock_minutes(ms: u64) -> String {
    let minutes = round_to(ms, 60_000) / 60_000;
    format!("{}:{:02}", minutes / 60, minutes % 60)
}

/// Formats an instant as `h:mm` when it rounds to a whole minute and as `h:mm:ss`
/// otherwise; for the times of a fault window.
pub fn format_clock_compact(ms: u64) -> String {
    if round_to(ms, 1000) % 60_000 == 0 {
        format_clock_minutes(ms)
    } else {
        format_clock(ms)
    }
}

/// Formats a duration rounded to the second, with two-digit minutes and seconds after
/// the largest unit: `45s`, `12m 04s`, `1h 02m 03s`; for chart labels, where figures of
/// one width line up.
pub fn format_duration_whole_seconds(ms: u64) -> String {
    let seconds = round_to(ms, 1000) / 1_000;
    let (h, m, s) = (seconds / 3_600, (seconds / 60) % 60, seconds % 60);
    if h > 0 {
        format!("{h}h {m:02}m {s:02}s")
    } else if m > 0 {
        format!("{m}m {s:02}s")
    } else {
        format!("{s}s")
    }
}

/// Formats a duration as `m:ss`, rounded to the second (minutes not wrapped: `75:00`); for
/// duration-axis ticks less than a minute apart.
pub fn format_minutes_seconds(ms: u64) -> String {
    let seconds = round_to(ms, 1000) / 1_000;
    format!("{}:{:02}", seconds / 60, seconds % 60)
}

/// Formats a duration rounded to the minute as hours and two-digit minutes: `18h`,
/// `17h 50m`, `45m`; for long spans such as the age of replicated data on chart labels,
/// where seconds are noise.
pub fn format_hours_minutes(ms: u64) -> String {
    let minutes = round_to(ms, 60_000) / 60_000;
    match (minutes / 60, minutes % 60) {
        (0, m) => format!("{m}m"),
        (h, 0) => format!("{h}h"),
        (h, m) => format!("{h}h {m:02}m"),
    }
}

/// The longest duration any scenario field or flag accepts: 100 years (of 365.25 days, as
/// humantime counts them).
///
/// Why this bound: it is longer than anything a failover scenario needs (DNS allows TTLs up
/// to 2^31 - 1 seconds, about 68 years: RFC 2181 §8), and small enough that the simulator
/// can add a million such durations to a time without overflowing `u64` milliseconds
/// (100 years is about 3.2e12 ms; `u64::MAX` is about 1.8e19), so `now + duration` never
/// wraps and never trips the event queue's "time went backwards" invariant.
pub const MAX_DURATION_MS: u64 = 36_525 * 86_400_000;

/// Parses a duration string with units into milliseconds.
///
/// Accepts what `humantime` accepts (`"250ms"`, `"30s"`, `"5m"`, `"1h 30m"`, `"2days"`) and
/// rejects a bare number (units are mandatory so `ttl = "60"` cannot be misread), anything
/// finer than a millisecond and anything longer than [`MAX_DURATION_MS`].
pub fn parse_duration(text: &str) -> Result<u64, String> {
    let t = text.trim();
    if t.is_empty() {
        return Err("empty duration".into());
    }
    if t.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Err(format!(
            "`{t}` has no unit; write e.g. \"{t}s\" or \"{t}ms\""
        ));
    }
    let d = humantime::parse_duration(t).map_err(|e| format!("`{t}` is not a duration ({e})"))?;
    if d.subsec_nanos() % 1_000_000 != 0 {
        return Err(format!("`{t}` is finer than a millisecond"));
    }
    match u64::try_from(d.as_millis()) {
        Ok(ms) if ms <= MAX_DURATION_MS => Ok(ms),
        _ => Err(format!(
            "`{t}` is too long (at most 100 years, {MAX_DURATION_MS} ms)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_units() {
        assert_eq!(parse_duration("250ms").unwrap(), 250);
        assert_eq!(parse_duration("30s").unwrap(), 30_000);
        assert_eq!(parse_duration("5m").unwrap(), 300_000);
        assert_eq!(parse_duration("1h 30m").unwrap(), 5_400_000);
        assert_eq!(parse_duration("0s").unwrap(), 0);
    }

    #[test]
    fn rejects_bare_numbers_and_garbage() {
        assert!(parse_duration("60").unwrap_err().contains("no unit"));
        assert!(parse_duration("fast").is_err());
        assert!(parse_duration("").is_err());
        assert!(parse_duration("1us").is_err());
    }

    #[test]
    fn duration_overflow_is_refused() {
        assert_eq!(parse_duration("100y").unwrap(), MAX_DURATION_MS);
        let e = parse_duration("584542046y 33d 2h 25m 51s 115ms").unwrap_err();
        assert!(e.contains("too long"), "{e}");
        assert!(parse_duration("101y")
            .unwrap_err()
            .contains("at most 100 years"));
    }

    #[test]
    fn formats() {
        assert_eq!(format_ms(0), "0s");
        assert_eq!(format_ms(250), "250ms");
        assert_eq!(format_ms(90_500), "1m 30.5s");
        assert_eq!(format_ms(3_723_000), "1h 2m 3s");
        assert_eq!(format_clock(3_723_000), "1:02:03");
        assert_eq!(format_human(2_921_435), "48m 41s");
        assert_eq!(format_human(9_849), "9.8s");
        assert_eq!(format_human(59_999), "1m");
        assert_eq!(format_human(250), "250ms");
    }

    #[test]
    fn formats_chart_labels() {
        const MIN: u64 = 60_000;
        assert_eq!(format_clock_minutes(0), "0:00");
        assert_eq!(format_clock_minutes(105 * MIN), "1:45");
        assert_eq!(format_clock_minutes(26 * 60 * MIN), "26:00");
        assert_eq!(format_clock(3_700_000), "1:01:40");
        assert_eq!(format_clock_compact(3_600_000), "1:00");
        assert_eq!(format_clock_compact(3_690_000), "1:01:30");
        assert_eq!(format_duration_whole_seconds(754_400), "12m 34s");
        assert_eq!(format_duration_whole_seconds(499), "0s");
        assert_eq!(format_duration_whole_seconds(3_723_000), "1h 02m 03s");
        assert_eq!(format_minutes_seconds(75_000), "1:15");
        assert_eq!(format_hours_minutes(18 * 60 * MIN), "18h");
        assert_eq!(format_hours_minutes(64_190_956), "17h 50m");
        assert_eq!(format_hours_minutes(45 * MIN + 29_999), "45m");
        assert_eq!(format_hours_minutes(60 * MIN - 30_000), "1h");
    }

    #[test]
    fn every_format_rounds_half_up_to_the_unit_it_shows() {
        // 1h 1m 49.6s: the story's `+1m 50s` after a fault at 1:00:00, and a chart's marker.
        let t = 3_709_600;
        assert_eq!(format_clock(t), "1:01:50");
        assert_eq!(format_human(t - 3_600_000), "1m 50s");
        assert_eq!(format_duration_whole_seconds(t), "1h 01m 50s");
        assert_eq!(format_minutes_seconds(t - 3_600_000), "1:50");
        assert_eq!(format_clock_compact(3_599_500), "1:00");
        assert_eq!(format_clock_compact(3_599_499), "0:59:59");
        assert_eq!(format_clock_minutes(89_999), "0:01");
        assert_eq!(format_clock_minutes(90_000), "0:02");
        assert_eq!(format_clock(499), "0:00:00");
        assert_eq!(format_clock(500), "0:00:01");
        assert_eq!(round_to(u64::MAX, 1000), u64::MAX / 1000 * 1000);
    }
}

/// A wall-clock instant with the UTC offset it was written in: `scenario.start`. The run
/// itself stays in milliseconds since start; people read clock times made from this.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Instant {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    pub unix_ms: i64,
    /// Offset from UTC in minutes (`-08:00` = -480).
    pub offset_minutes: i32,
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date of a day count (inverse of [`days_from_civil`]).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Parses a UTC offset `Z`, `+01:00` or `-08:00` into minutes.
pub fn parse_offset(text: &str) -> Result<i32, String> {
    if text == "Z" {
        return Ok(0);
    }
    let bad =
        || format!("`{text}` is not a UTC offset; allowed: Z or +HH:MM / -HH:MM, e.g. -08:00");
    let (sign, rest) = match text.as_bytes().first() {
        Some(b'+') => (1, &text[1..]),
        Some(b'-') => (-1, &text[1..]),
        _ => return Err(bad()),
    };
    let (h, m) = rest.split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(bad());
    }
    let (h, m): (i32, i32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 23 || m > 59 {
        return Err(bad());
    }
    Ok(sign * (h * 60 + m))
}

/// Parses an RFC 3339 instant with an offset: `2026-03-02T09:00:00-08:00` (seconds may carry
/// up to three decimals; `Z` for UTC).
pub fn parse_instant(text: &str) -> Result<Instant, String> {
    let bad = || {
        format!("`{text}` is not an instant; allowed: RFC 3339 with an offset, e.g. 2026-03-02T09:00:00-08:00")
    };
    if text.len() < 20 || !text.is_char_boundary(19) {
        return Err(bad());
    }
    let (date_time, offset) = text.split_at(19);
    let b = date_time.as_bytes();
    if b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't' | b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return Err(bad());
    }
    let num = |r: std::ops::Range<usize>| -> Result<u32, String> {
        let s = &date_time[r];
        if s.bytes().all(|c| c.is_ascii_digit()) {
            s.parse().map_err(|_| bad())
        } else {
            Err(bad())
        }
    };
    let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    let (h, mi, s) = (num(11..13)?, num(14..16)?, num(17..19)?);
    let (millis, offset) = match offset.strip_prefix('.') {
        Some(rest) => {
            let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 || digits > 3 {
                return Err(bad());
            }
            let ms: u32 = rest[..digits].parse().map_err(|_| bad())?;
            (ms * 10u32.pow(3 - digits as u32), &rest[digits..])
        }
        None => (0, offset),
    };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days_in = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&mo)
        || d < 1
        || d > days_in[mo as usize - 1]
        || h > 23
        || mi > 59
        || s > 59
    {
        return Err(bad());
    }
    let offset_minutes = parse_offset(offset).map_err(|_| bad())?;
    let local_ms = days_from_civil(i64::from(y), mo, d) * 86_400_000
        + i64::from(h * 3_600 + mi * 60 + s) * 1000
        + i64::from(millis);
    Ok(Instant {
        unix_ms: local_ms - i64::from(offset_minutes) * 60_000,
        offset_minutes,
    })
}

impl Instant {
    /// The instant `ms` after this one, in the same offset.
    pub fn after(self, ms: u64) -> Instant {
        Instant {
            unix_ms: self.unix_ms + ms as i64,
            ..self
        }
    }

    /// Local milliseconds since midnight in `offset_minutes`.
    pub fn time_of_day_ms(self, offset_minutes: i32) -> u64 {
        (self.unix_ms + i64::from(offset_minutes) * 60_000).rem_euclid(86_400_000) as u64
    }

    /// `2026-03-02 09:40:00 -08:00`, for people (stories, report headings).
    pub fn format(self) -> String {
        let local = self.unix_ms + i64::from(self.offset_minutes) * 60_000;
        let (y, m, d) = civil_from_days(local.div_euclid(86_400_000));
        let secs = local.rem_euclid(86_400_000) / 1000;
        let off = self.offset_minutes.abs();
        format!(
            "{y:04}-{m:02}-{d:02} {:02}:{:02}:{:02} {}{:02}:{:02}",
            secs / 3600,
            secs / 60 % 60,
            secs % 60,
            if self.offset_minutes < 0 { '-' } else { '+' },
            off / 60,
            off % 60
        )
    }

    /// `09:40:05` local time, for story lines.
    pub fn format_hh_mm_ss(self) -> String {
        let secs = self.time_of_day_ms(self.offset_minutes) / 1000;
        format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
    }

    /// The UTC offset as written: `-08:00`, `+01:00`.
    pub fn format_offset(self) -> String {
        let off = self.offset_minutes.abs();
        format!(
            "{}{:02}:{:02}",
            if self.offset_minutes < 0 { '-' } else { '+' },
            off / 60,
            off % 60
        )
    }

    /// `09:40` local time, for short labels.
    pub fn format_hh_mm(self) -> String {
        let secs = self.time_of_day_ms(self.offset_minutes) / 1000;
        format!("{:02}:{:02}", secs / 3600, secs / 60 % 60)
    }
}

#[cfg(test)]
mod instant_tests {
    use super::*;

    #[test]
    fn instants_round_trip_with_their_offset() {
        let i = parse_instant("2026-03-02T09:00:00-08:00").unwrap();
        // 2026-03-02T17:00:00Z.
        assert_eq!(i.unix_ms, 1_772_470_800_000);
        assert_eq!(i.offset_minutes, -480);
        assert_eq!(i.format(), "2026-03-02 09:00:00 -08:00");
        assert_eq!(i.after(40 * 60_000).format_hh_mm(), "09:40");
        assert_eq!(i.format_offset(), "-08:00");
        // London (UTC in March) is at 17:00.
        assert_eq!(i.time_of_day_ms(0), 17 * 3_600_000);
        assert_eq!(
            i.after(16 * 3_600_000).format(),
            "2026-03-03 01:00:00 -08:00"
        );
        let z = parse_instant("2024-02-29T23:59:59.5Z").unwrap();
        assert_eq!(z.format(), "2024-02-29 23:59:59 +00:00");
    }

    #[test]
    fn malformed_instants_are_refused() {
        for bad in [
            "2026-03-02T09:00:00",
            "2026-02-30T09:00:00Z",
            "2026-03-02 9:00:00Z",
            "2026-03-02T09:00:00+8:00",
            "yesterday",
        ] {
            assert!(parse_instant(bad).is_err(), "{bad}");
        }
    }
}
