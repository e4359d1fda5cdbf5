//! `pim_rank(ticket_fts, idf_1, …, idf_n)`: bm25 as FTS5 computes it
//! (k1 = 1.2, b = 0.75, every column weighted 1), but with each phrase's
//! inverse document frequency given by the caller instead of counted.
//! FTS5's own `bm25` counts, on its first row, the tickets holding each
//! phrase by walking the phrase's whole doclist: for six common words in a
//! million tickets that is 220 ms, most of a search. The caller estimates
//! the same figure from the newest tickets instead ([`idf`]), a few
//! milliseconds, and the rank of the rows it is given is the same bm25.
//!
//! FTS5 takes such a function through its C interface only (`fts5_api`),
//! hence the `unsafe` below; the arithmetic is [`bm25`], plain Rust.

use std::ffi::{c_int, c_void};

use rusqlite::{ffi, Connection};

/// The name SQL calls it by.
pub const NAME: &str = "pim_rank";

/// One row's bm25 score, negated as FTS5 returns it (lower is better):
/// `tf[i]` the hits of phrase i in the row, `idf[i]` its weight, `dl` the
/// row's tokens, `avgdl` the average tokens a row.
pub fn bm25(tf: &[f64], idf: &[f64], dl: f64, avgdl: f64) -> f64 {
    const K1: f64 = 1.2;
    const B: f64 = 0.75;
    let norm = K1 * (1.0 - B + B * dl / avgdl.max(f64::MIN_POSITIVE));
    let score: f64 = tf
        .iter()
        .zip(idf)
        .map(|(tf, idf)| idf * (tf * (K1 + 1.0)) / (tf + norm))
        .sum();
    -score
}

/// A phrase's inverse document frequency as FTS5's bm25 takes it, from the
/// rows holding it (`hits`) of `rows`: never 0 or less (a word in most rows
/// still counts a little).
pub fn idf(hits: f64, rows: f64) -> f64 {
    let v = ((rows - hits + 0.5) / (hits + 0.5)).ln();
    if v <= 0.0 {
        1e-6
    } else {
        v
    }
}

/// Makes `pim_rank` known to the connection's FTS5.
pub fn register(conn: &Connection) -> rusqlite::Result<()> {
    // SAFETY: the handle is the live connection's; `fts5_api` returns the
    // FTS5 module's own API struct (or fails), which lives as long as the
    // connection; the function pointer given to it has the signature FTS5
    // expects and keeps no state.
    unsafe {
        let api = fts5_api(conn.handle())?;
        let create = (*api).xCreateFunction.ok_or_else(|| failure(ffi::SQLITE_ERROR))?;
        let name = c"pim_rank";
        let rc = create(api, name.as_ptr(), std::ptr::null_mut(), Some(pim_rank), None);
        if rc != ffi::SQLITE_OK {
            return Err(failure(rc));
        }
    }
    Ok(())
}

fn failure(rc: c_int) -> rusqlite::Error {
    rusqlite::Error::SqliteFailure(ffi::Error::new(rc), Some("registering pim_rank with FTS5".into()))
}

/// FTS5's API struct, the documented way: `SELECT fts5(?1)` with a pointer
/// of type "fts5_api_ptr" bound to ?1.
///
/// # Safety
/// `db` must be an open connection.
unsafe fn fts5_api(db: *mut ffi::sqlite3) -> rusqlite::Result<*mut ffi::fts5_api> {
    let mut stmt: *mut ffi::sqlite3_stmt = std::ptr::null_mut();
    let sql = c"SELECT fts5(?1)";
    let rc = ffi::sqlite3_prepare_v2(db, sql.as_ptr(), -1, &mut stmt, std::ptr::null_mut());
    if rc != ffi::SQLITE_OK {
        return Err(failure(rc));
    }
    let mut api: *mut ffi::fts5_api = std::ptr::null_mut();
    let kind = c"fts5_api_ptr";
    ffi::sqlite3_bind_pointer(stmt, 1, (&raw mut api).cast::<c_void>(), kind.as_ptr(), None);
    ffi::sqlite3_step(stmt);
    ffi::sqlite3_finalize(stmt);
    if api.is_null() {
        return Err(failure(ffi::SQLITE_ERROR));
    }
    Ok(api)
}

/// The function FTS5 calls for each row.
unsafe extern "C" fn pim_rank(
    api: *const ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    ctx: *mut ffi::sqlite3_context,
    n: c_int,
    args: *mut *mut ffi::sqlite3_value,
) {
    // SAFETY: FTS5 passes its API, the row's context and `n` arguments.
    match unsafe { row_score(&*api, fts, n, args) } {
        Ok(s) => unsafe { ffi::sqlite3_result_double(ctx, s) },
        Err(rc) => unsafe { ffi::sqlite3_result_error_code(ctx, rc) },
    }
}

/// Gathers the row's figures through the API and scores them.
///
/// # Safety
/// The arguments are those FTS5 gives an auxiliary function.
unsafe fn row_score(
    api: &ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    n: c_int,
    args: *mut *mut ffi::sqlite3_value,
) -> Result<f64, c_int> {
    let ok = |rc: c_int| if rc == ffi::SQLITE_OK { Ok(()) } else { Err(rc) };
    let (Some(phrases), Some(inst_count), Some(inst), Some(col_size), Some(rows), Some(total)) = (
        api.xPhraseCount,
        api.xInstCount,
        api.xInst,
        api.xColumnSize,
        api.xRowCount,
        api.xColumnTotalSize,
    ) else {
        return Err(ffi::SQLITE_MISUSE);
    };
    unsafe {
        let phrases = usize::try_from(phrases(fts)).unwrap_or(0);
        let mut tf = vec![0.0; phrases];
        let mut count = 0;
        ok(inst_count(fts, &mut count))?;
        for i in 0..count {
            let (mut phrase, mut col, mut off) = (0, 0, 0);
            ok(inst(fts, i, &mut phrase, &mut col, &mut off))?;
            if let Some(t) = usize::try_from(phrase).ok().and_then(|p| tf.get_mut(p)) {
                *t += 1.0;
            }
        }
        let given = usize::try_from(n).unwrap_or(0);
        let idf: Vec<f64> = (0..phrases)
            .map(|i| {
                if i < given {
                    ffi::sqlite3_value_double(*args.add(i))
                } else {
                    1.0
                }
            })
            .collect();
        let (mut dl, mut nrow, mut ntok) = (0, 0, 0);
        ok(col_size(fts, -1, &mut dl))?;
        ok(rows(fts, &mut nrow))?;
        ok(total(fts, -1, &mut ntok))?;
        let avgdl = if nrow > 0 { ntok as f64 / nrow as f64 } else { 1.0 };
        Ok(bm25(&tf, &idf, f64::from(dl), avgdl))
    }
}

#[cfg(test)]
mod tests;
