//! Money as integer cents.
//!
//! Every amount in pimdesk is a whole number of cents in an `i64`; rounding is
//! half-up (away from zero at exactly half a cent) and happens only in
//! [`Cents::mul_ratio`] and [`Cents::per_hour`], with an `i128` intermediate so
//! the product never overflows before the division.

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub, SubAssign};

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// An amount of money in cents (US dollars).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Cents(pub i64);

/// Why a text could not be read as money. Each variant names the input.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum MoneyError {
    #[error("no amount given")]
    Empty,
    #[error("{input:?} is not an amount of money (expected e.g. 1,234.56)")]
    Invalid { input: String },
    #[error("{input:?} has more than 2 decimals; amounts are whole cents")]
    TooManyDecimals { input: String },
    #[error("{input:?} is negative; a negative amount is not allowed here")]
    Negative { input: String },
    #[error("{input:?} is too large")]
    Overflow { input: String },
}

impl Cents {
    pub const ZERO: Cents = Cents(0);

    /// The raw number of cents.
    pub fn get(self) -> i64 {
        self.0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// Reads a non-negative amount: "123.45", "123", "1,234.5", "$12.00".
    /// Commas must group thousands properly; at most 2 decimals.
    pub fn parse(input: &str) -> Result<Cents, MoneyError> {
        let text = input.trim();
        if text.starts_with('-') || text.starts_with("$-") {
            return Err(MoneyError::Negative {
                input: input.to_string(),
            });
        }
        parse_unsigned(input, text)
    }

    /// Like [`Cents::parse`] but also accepts a leading minus: "-5.00",
    /// "-$5.00" (for credits and adjustments).
    pub fn parse_signed(input: &str) -> Result<Cents, MoneyError> {
        let text = input.trim();
        let rest = match (text.strip_prefix('-'), text.strip_prefix("$-")) {
            (Some(r), _) => Some(r),
            (None, Some(r)) if !r.starts_with('$') => Some(r),
            (None, Some(_)) => return Err(invalid(input)),
            (None, None) => None,
        };
        match rest {
            Some(r) if r.starts_with('-') || r.starts_with("$-") => Err(invalid(input)),
            Some(r) => parse_unsigned(input, r).map(|c| -c),
            None => parse_unsigned(input, text),
        }
    }

    /// `self × num ÷ den`, rounded half-up (away from zero at .5), computed
    /// in `i128`; saturates at the `i64` bounds. `den` must not be zero (it
    /// panics like integer division); use [`Cents::checked_mul_ratio`] for
    /// untrusted denominators.
    pub fn mul_ratio(self, num: i64, den: i64) -> Cents {
        let (q, neg) = ratio_parts(self.0, num, den);
        let signed = if neg { -q } else { q };
        Cents(signed.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64)
    }

    /// `self × num ÷ den` rounded half-up, or `None` when `den` is zero or
    /// the result does not fit in an `i64`.
    pub fn checked_mul_ratio(self, num: i64, den: i64) -> Option<Cents> {
        if den == 0 {
            return None;
        }
        let (q, neg) = ratio_parts(self.0, num, den);
        i64::try_from(if neg { -q } else { q }).ok().map(Cents)
    }

    /// Price of `minutes` at an hourly `rate`: rate × minutes ÷ 60, half-up.
    pub fn per_hour(rate: Cents, minutes: i64) -> Cents {
        rate.mul_ratio(minutes, 60)
    }

    pub fn checked_add(self, other: Cents) -> Option<Cents> {
        self.0.checked_add(other.0).map(Cents)
    }
}

/// Magnitude of `a × num ÷ den` rounded half-up, and whether it is negative.
fn ratio_parts(a: i64, num: i64, den: i64) -> (i128, bool) {
    let product = i128::from(a) * i128::from(num);
    let neg = (product < 0) != (den < 0) && product != 0;
    let (p, d) = (product.abs(), i128::from(den).abs());
    let (q, rem) = (p / d, p % d);
    (if rem * 2 >= d { q + 1 } else { q }, neg)
}

fn invalid(input: &str) -> MoneyError {
    MoneyError::Invalid {
        input: input.to_string(),
    }
}

/// Parses `text` (already trimmed, no sign) as dollars; errors name `input`.
fn parse_unsigned(input: &str, text: &str) -> Result<Cents, MoneyError> {
    if input.trim().is_empty() {
        return Err(MoneyError::Empty);
    }
    let body = text.strip_prefix('$').unwrap_or(text);
    let (whole, frac) = match body.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (body, None),
    };
    let dollars = parse_whole(input, whole)?;
    let cents = parse_fraction(input, frac)?;
    if whole.is_empty() && frac.is_none_or(str::is_empty) {
        return Err(invalid(input));
    }
    dollars
        .checked_mul(100)
        .and_then(|d| d.checked_add(cents))
        .map(Cents)
        .ok_or_else(|| MoneyError::Overflow {
            input: input.to_string(),
        })
}

/// The dollars part: digits, optionally grouped by commas in threes.
fn parse_whole(input: &str, whole: &str) -> Result<i64, MoneyError> {
    if whole.is_empty() {
        return Ok(0);
    }
    let groups: Vec<&str> = whole.split(',').collect();
    let well_grouped = groups.len() == 1
        || groups.iter().enumerate().all(|(i, g)| match i {
            0 => (1..=3).contains(&g.len()),
            _ => g.len() == 3,
        });
    let digits: String = groups.concat();
    if !well_grouped || digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(input));
    }
    digits.parse::<i64>().map_err(|_| MoneyError::Overflow {
        input: input.to_string(),
    })
}

/// The cents part: none, or 1–2 digits after the point.
fn parse_fraction(input: &str, frac: Option<&str>) -> Result<i64, MoneyError> {
    let Some(f) = frac else { return Ok(0) };
    if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(input));
    }
    if f.len() > 2 {
        return Err(MoneyError::TooManyDecimals {
            input: input.to_string(),
        });
    }
    let value: i64 = f.parse().map_err(|_| invalid(input))?;
    Ok(if f.len() == 1 { value * 10 } else { value })
}

impl fmt::Display for Cents {
    /// "$1,234.56"; negative amounts as "-$5.00".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let magnitude = self.0.unsigned_abs();
        let digits = (magnitude / 100).to_string();
        let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
        for (i, ch) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        let sign = if self.0 < 0 { "-" } else { "" };
        write!(f, "{sign}${grouped}.{:02}", magnitude % 100)
    }
}

impl Add for Cents {
    type Output = Cents;
    fn add(self, rhs: Cents) -> Cents {
        Cents(self.0 + rhs.0)
    }
}

impl Sub for Cents {
    type Output = Cents;
    fn sub(self, rhs: Cents) -> Cents {
        Cents(self.0 - rhs.0)
    }
}

impl AddAssign for Cents {
    fn add_assign(&mut self, rhs: Cents) {
        self.0 += rhs.0;
    }
}

impl SubAssign for Cents {
    fn sub_assign(&mut self, rhs: Cents) {
        self.0 -= rhs.0;
    }
}

impl Neg for Cents {
    type Output = Cents;
    fn neg(self) -> Cents {
        Cents(-self.0)
    }
}

impl Sum for Cents {
    fn sum<I: Iterator<Item = Cents>>(iter: I) -> Cents {
        iter.fold(Cents::ZERO, Add::add)
    }
}

impl<'a> Sum<&'a Cents> for Cents {
    fn sum<I: Iterator<Item = &'a Cents>>(iter: I) -> Cents {
        iter.copied().sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_the_usual_forms() {
        assert_eq!(Cents::parse("123.45"), Ok(Cents(12_345)));
        assert_eq!(Cents::parse("123"), Ok(Cents(12_300)));
        assert_eq!(Cents::parse("1,234.5"), Ok(Cents(123_450)));
        assert_eq!(Cents::parse("$12.00"), Ok(Cents(1_200)));
        assert_eq!(Cents::parse(" $1,000,000.01 "), Ok(Cents(100_000_001)));
        assert_eq!(Cents::parse("0.07"), Ok(Cents(7)));
        assert_eq!(Cents::parse(".50"), Ok(Cents(50)));
    }

    #[test]
    fn refuses_garbage_naming_the_input() {
        for bad in [
            "abc", "12.", "1,23.00", "12,3456", "$", "1.2.3", "12a", "1 000", "$$1", ".",
        ] {
            let err = Cents::parse(bad).unwrap_err();
            assert!(err.to_string().contains(bad), "{bad}: {err}");
        }
        assert_eq!(Cents::parse("  "), Err(MoneyError::Empty));
        assert!(matches!(Cents::parse("1.234"), Err(MoneyError::TooManyDecimals { .. })));
        assert!(matches!(Cents::parse("-5.00"), Err(MoneyError::Negative { .. })));
        assert!(matches!(
            Cents::parse("99999999999999999999"),
            Err(MoneyError::Overflow { .. })
        ));
    }

    #[test]
    fn signed_parse_accepts_credits() {
        assert_eq!(Cents::parse_signed("-5.00"), Ok(Cents(-500)));
        assert_eq!(Cents::parse_signed("-$5.00"), Ok(Cents(-500)));
        assert_eq!(Cents::parse_signed("$-5"), Ok(Cents(-500)));
        assert_eq!(Cents::parse_signed("7.25"), Ok(Cents(725)));
        assert!(Cents::parse_signed("--5").is_err());
    }

    #[test]
    fn displays_like_an_invoice() {
        assert_eq!(Cents(123_456).to_string(), "$1,234.56");
        assert_eq!(Cents(-500).to_string(), "-$5.00");
        assert_eq!(Cents(5).to_string(), "$0.05");
        assert_eq!(Cents(100_000_000).to_string(), "$1,000,000.00");
        assert_eq!(Cents(i64::MIN).to_string(), "-$92,233,720,368,547,758.08");
    }

    #[test]
    fn rounds_half_up_away_from_zero() {
        // $1,200.00 × 22/31 = $851.6129… → $851.61
        assert_eq!(Cents(120_000).mul_ratio(22, 31), Cents(85_161));
        assert_eq!(Cents(1).mul_ratio(1, 2), Cents(1));
        assert_eq!(Cents(-1).mul_ratio(1, 2), Cents(-1));
        assert_eq!(Cents(3).mul_ratio(1, -2), Cents(-2));
        assert_eq!(Cents(i64::MAX).mul_ratio(2, 1), Cents(i64::MAX));
        assert_eq!(Cents(1).checked_mul_ratio(1, 0), None);
        // 70 minutes at $150/h = $175.00; 1 minute at $100/h = $1.666… → $1.67
        assert_eq!(Cents::per_hour(Cents(15_000), 70), Cents(17_500));
        assert_eq!(Cents::per_hour(Cents(10_000), 1), Cents(167));
    }

    #[test]
    fn arithmetic_and_sums() {
        let v = [Cents(100), Cents(250), Cents(-50)];
        assert_eq!(v.iter().sum::<Cents>(), Cents(300));
        assert_eq!(v.into_iter().sum::<Cents>(), Cents(300));
        let mut c = Cents(10);
        c += Cents(5);
        c -= Cents(1);
        assert_eq!(c - Cents(4), Cents(10));
        assert_eq!(-c, Cents(-14));
    }

    proptest! {
        #[test]
        fn parse_display_round_trip(x in 0i64..=i64::MAX) {
            prop_assert_eq!(Cents::parse(&Cents(x).to_string()), Ok(Cents(x)));
        }

        #[test]
        fn signed_round_trip(x in -i64::MAX..=i64::MAX) {
            prop_assert_eq!(Cents::parse_signed(&Cents(x).to_string()), Ok(Cents(x)));
        }

        #[test]
        fn mul_ratio_within_half_a_cent(
            a in -10_000_000_000i64..10_000_000_000,
            num in -100_000i64..100_000,
            den in prop_oneof![-100_000i64..-1, 1i64..100_000],
        ) {
            let r = Cents(a).mul_ratio(num, den);
            let exact = i128::from(a) * i128::from(num);
            let err = (i128::from(r.0) * i128::from(den) - exact).abs();
            // |r − a·num/den| ≤ ½  ⇔  2·|r·den − a·num| ≤ |den|
            prop_assert!(err * 2 <= i128::from(den).abs());
            prop_assert_eq!(Cents(a).checked_mul_ratio(num, den), Some(r));
        }

        #[test]
        fn realistic_sums_never_overflow(
            v in proptest::collection::vec(0i64..=10_000_000_000, 0..2_000),
        ) {
            // up to 2,000 lines of up to $100M each
            let exact: i128 = v.iter().map(|&c| i128::from(c)).sum();
            let folded = v.iter().try_fold(Cents::ZERO, |acc, &c| acc.checked_add(Cents(c)));
            prop_assert_eq!(folded.map(|c| i128::from(c.0)), Some(exact));
            prop_assert_eq!(v.iter().map(|&c| Cents(c)).sum::<Cents>().0 as i128, exact);
        }
    }
}
