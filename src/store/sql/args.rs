//! What may stand for a statement's parameters: the forms rusqlite takes
//! (`[a, b]`, `params![…]`, a slice or vector; `()` for none), so calls read the same on both
//! engines.

use rusqlite::types::ToSql;

pub trait Args {
    fn with<R>(&self, f: impl FnOnce(&[&dyn ToSql]) -> R) -> R;
}

/// No parameters.
impl Args for () {
    fn with<R>(&self, f: impl FnOnce(&[&dyn ToSql]) -> R) -> R {
        f(&[])
    }
}

impl<T: ToSql> Args for &[T] {
    fn with<R>(&self, f: impl FnOnce(&[&dyn ToSql]) -> R) -> R {
        let refs: Vec<&dyn ToSql> = self.iter().map(|v| v as &dyn ToSql).collect();
        f(&refs)
    }
}

impl<T: ToSql> Args for Vec<T> {
    fn with<R>(&self, f: impl FnOnce(&[&dyn ToSql]) -> R) -> R {
        self.as_slice().with(f)
    }
}

impl<T: ToSql + ?Sized, const N: usize> Args for &[&T; N] {
    fn with<R>(&self, f: impl FnOnce(&[&dyn ToSql]) -> R) -> R {
        let refs: Vec<&dyn ToSql> = self.iter().map(|v| v as &dyn ToSql).collect();
        f(&refs)
    }
}

impl<T: ToSql> Args for &Vec<T> {
    fn with<R>(&self, f: impl FnOnce(&[&dyn ToSql]) -> R) -> R {
        self.as_slice().with(f)
    }
}

macro_rules! arrays {
    ($($n:literal)*) => {$(
        impl<T: ToSql> Args for [T; $n] {
            fn with<R>(&self, f: impl FnOnce(&[&dyn ToSql]) -> R) -> R {
                let refs: Vec<&dyn ToSql> = self.iter().map(|v| v as &dyn ToSql).collect();
                f(&refs)
            }
        }
    )*};
}
arrays!(1 2 3 4 5 6 7 8);
