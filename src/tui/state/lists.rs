//! A cursor for short lists, loaded whole (invoices, the directory).

/// One row of a picker: the id it stands for and the words it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PickRow {
    pub id: i64,
    pub label: String,
}

impl PickRow {
    pub fn new(id: i64, label: impl Into<String>) -> PickRow {
        PickRow {
            id,
            label: label.into(),
        }
    }
}

/// A cursor over a fully loaded, short list.
#[derive(Debug, Default, Clone, Copy)]
pub struct Cursor {
    pub selected: usize,
    pub offset: usize,
}

impl Cursor {
    pub fn move_by(&mut self, delta: i64, len: usize, height: usize) {
        let max = len.saturating_sub(1) as i64;
        self.selected = (self.selected as i64 + delta).clamp(0, max) as usize;
        let h = height.max(1);
        if self.selected < self.offset {
            self.offset = self.selected;
        } else if self.selected >= self.offset + h {
            self.offset = self.selected + 1 - h;
        }
    }
}
