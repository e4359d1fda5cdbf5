//! The one rule every number of the config follows: a range, said in words.

/// A number outside `range`, in words.
pub(super) fn range(value: i64, lo: i64, hi: i64, unit: &str) -> Result<(), String> {
    if (lo..=hi).contains(&value) {
        Ok(())
    } else {
        Err(format!("{value} is out of range: write {lo} to {hi} {unit}"))
    }
}
