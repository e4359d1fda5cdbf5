//! Values between rusqlite's types and a PostgreSQL statement's: a
//! parameter takes the type the server inferred for it, a result cell comes
//! back as the SQLite value it would have been (integers, booleans and
//! whole numerics as integers, text as text, bytea as a blob).

use std::error::Error;

use postgres::types::{FromSql, ToSql as PgToSql, Type};
use rusqlite::types::{FromSqlError, ToSql, ToSqlOutput, Value, ValueRef};

use super::{Cell, Result};

type BoxError = Box<dyn Error + Sync + Send>;

/// One parameter, in the Rust type of the server's parameter type.
#[derive(Debug)]
pub enum Arg {
    I8(Option<i64>),
    I4(Option<i32>),
    I2(Option<i16>),
    Bool(Option<bool>),
    F8(Option<f64>),
    F4(Option<f32>),
    Text(Option<String>),
    Bytes(Option<Vec<u8>>),
}

impl Arg {
    pub fn as_pg(&self) -> &(dyn PgToSql + Sync) {
        match self {
            Arg::I8(v) => v,
            Arg::I4(v) => v,
            Arg::I2(v) => v,
            Arg::Bool(v) => v,
            Arg::F8(v) => v,
            Arg::F4(v) => v,
            Arg::Text(v) => v,
            Arg::Bytes(v) => v,
        }
    }
}

fn bad(n: usize, ty: &Type, what: &str) -> rusqlite::Error {
    rusqlite::Error::ToSqlConversionFailure(format!("parameter ${n}: {what} where the server expects {ty}").into())
}

/// Parameter number `n` (from 1) for a parameter of type `ty`.
pub fn arg(n: usize, ty: &Type, p: &dyn ToSql) -> Result<Arg> {
    let out = p.to_sql()?;
    let v: ValueRef<'_> = match &out {
        ToSqlOutput::Borrowed(v) => *v,
        ToSqlOutput::Owned(v) => ValueRef::from(v),
        _ => return Err(bad(n, ty, "a value of an unsupported kind")),
    };
    let int = |v: ValueRef<'_>| -> Result<Option<i64>> {
        match v {
            ValueRef::Null => Ok(None),
            ValueRef::Integer(i) => Ok(Some(i)),
            _ => Err(bad(n, ty, "a non-integer")),
        }
    };
    let narrow = |i: Option<i64>, fits: fn(i64) -> bool| -> Result<Option<i64>> {
        match i {
            Some(x) if !fits(x) => Err(bad(n, ty, "an integer out of range")),
            other => Ok(other),
        }
    };
    Ok(match *ty {
        Type::INT8 => Arg::I8(int(v)?),
        Type::INT4 => Arg::I4(narrow(int(v)?, |x| i32::try_from(x).is_ok())?.map(|x| x as i32)),
        Type::INT2 => Arg::I2(narrow(int(v)?, |x| i16::try_from(x).is_ok())?.map(|x| x as i16)),
        Type::BOOL => Arg::Bool(int(v)?.map(|x| x != 0)),
        Type::FLOAT8 | Type::FLOAT4 => {
            let f = match v {
                ValueRef::Null => None,
                ValueRef::Integer(i) => Some(i as f64),
                ValueRef::Real(f) => Some(f),
                _ => return Err(bad(n, ty, "a non-number")),
            };
            if *ty == Type::FLOAT8 {
                Arg::F8(f)
            } else {
                Arg::F4(f.map(|f| f as f32))
            }
        }
        Type::BYTEA => Arg::Bytes(match v {
            ValueRef::Null => None,
            ValueRef::Blob(b) | ValueRef::Text(b) => Some(b.to_vec()),
            _ => return Err(bad(n, ty, "a non-blob")),
        }),
        _ => Arg::Text(match v {
            ValueRef::Null => None,
            ValueRef::Integer(i) => Some(i.to_string()),
            ValueRef::Real(f) => Some(f.to_string()),
            ValueRef::Text(t) => Some(String::from_utf8_lossy(t).into_owned()),
            ValueRef::Blob(_) => return Err(bad(n, ty, "a blob")),
        }),
    })
}

impl<'a> FromSql<'a> for Cell<'a> {
    fn from_sql(ty: &Type, raw: &'a [u8]) -> std::result::Result<Self, BoxError> {
        Ok(match *ty {
            Type::INT8 => Cell::Owned(Value::Integer(i64::from_sql(ty, raw)?)),
            Type::INT4 => Cell::Owned(Value::Integer(i32::from_sql(ty, raw)?.into())),
            Type::INT2 => Cell::Owned(Value::Integer(i16::from_sql(ty, raw)?.into())),
            Type::OID => Cell::Owned(Value::Integer(u32::from_sql(ty, raw)?.into())),
            Type::BOOL => Cell::Owned(Value::Integer(bool::from_sql(ty, raw)?.into())),
            Type::FLOAT8 => Cell::Owned(Value::Real(f64::from_sql(ty, raw)?)),
            Type::FLOAT4 => Cell::Owned(Value::Real(f32::from_sql(ty, raw)?.into())),
            Type::NUMERIC => Cell::Owned(numeric(raw)?),
            Type::BYTEA => Cell::Borrowed(ValueRef::Blob(raw)),
            // Text of every kind is sent as its UTF-8 bytes.
            _ => Cell::Borrowed(ValueRef::Text(raw)),
        })
    }

    fn from_sql_null(_: &Type) -> std::result::Result<Self, BoxError> {
        Ok(Cell::Borrowed(ValueRef::Null))
    }

    fn accepts(_: &Type) -> bool {
        true
    }
}

/// A NUMERIC in PostgreSQL's binary form: whole numbers (sums of bigint
/// columns) as integers, others as reals.
fn numeric(raw: &[u8]) -> std::result::Result<Value, BoxError> {
    let word = |i: usize| -> std::result::Result<u16, BoxError> {
        raw.get(i * 2..i * 2 + 2)
            .map(|b| u16::from_be_bytes([b[0], b[1]]))
            .ok_or_else(|| "a numeric cut short".into())
    };
    let (ndigits, weight, sign, dscale) = (word(0)? as usize, word(1)? as i16, word(2)?, word(3)?);
    if sign == 0xC000 {
        return Err("a numeric that is not a number".into());
    }
    let mut whole: i128 = 0;
    let mut real = 0f64;
    for i in 0..ndigits {
        let d = word(4 + i)?;
        let power = i32::from(weight) - i as i32;
        real += f64::from(d) * 10000f64.powi(power);
        if power >= 0 {
            whole = whole
                .checked_mul(10000)
                .and_then(|w| w.checked_add(i128::from(d)))
                .ok_or("a numeric too large")?;
        }
    }
    // Digits stop before the units: scale the whole part up.
    let trailing = i32::from(weight) + 1 - ndigits as i32;
    for _ in 0..trailing.max(0) {
        whole = whole.checked_mul(10000).ok_or("a numeric too large")?;
    }
    let negative = sign == 0x4000;
    if dscale == 0 {
        let w = if negative { -whole } else { whole };
        return Ok(Value::Integer(
            i64::try_from(w).map_err(|_| "a numeric too large for 64 bits")?,
        ));
    }
    Ok(Value::Real(if negative { -real } else { real }))
}

/// Column `idx` of a server's row.
pub fn cell(r: &postgres::Row, idx: usize) -> Result<Cell<'_>> {
    if idx >= r.len() {
        return Err(rusqlite::Error::InvalidColumnIndex(idx));
    }
    r.try_get::<_, Cell<'_>>(idx).map_err(super::from_server)
}

/// A value that does not convert, named by its column (and row id).
pub fn conversion(r: &postgres::Row, idx: usize, e: FromSqlError) -> rusqlite::Error {
    let column = r.columns()[idx].name().to_string();
    match e {
        FromSqlError::InvalidType => rusqlite::Error::InvalidColumnType(idx, column, rusqlite::types::Type::Null),
        other => {
            let id = (idx > 0 && r.columns()[0].name() == "id")
                .then(|| r.try_get::<_, Option<i64>>(0).ok().flatten())
                .flatten();
            let place = match id {
                Some(id) => format!("column {column} of row {id}"),
                None => format!("column {column}"),
            };
            rusqlite::Error::FromSqlConversionFailure(
                idx,
                rusqlite::types::Type::Text,
                format!("{place}: {other}").into(),
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(words: &[u16]) -> Value {
        let raw: Vec<u8> = words.iter().flat_map(|w| w.to_be_bytes()).collect();
        numeric(&raw).unwrap()
    }

    #[test]
    fn whole_numerics_are_integers_and_others_reals() {
        // 1234567 = 123|4567: two digits, weight 1.
        assert_eq!(num(&[2, 1, 0, 0, 123, 4567]), Value::Integer(1_234_567));
        // -20000 = 2 × 10000¹, one digit, weight 1.
        assert_eq!(num(&[1, 1, 0x4000, 0, 2]), Value::Integer(-20000));
        assert_eq!(num(&[0, 0, 0, 0]), Value::Integer(0));
        // 1.5 = 1 . 5000, scale 1.
        assert_eq!(num(&[2, 0, 0, 1, 1, 5000]), Value::Real(1.5));
    }
}
