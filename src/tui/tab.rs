//! The console's four tabs (DESIGN.md 2), in the order of their keys 1–4.

/// One tab of the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Tab {
    #[default]
    Queue,
    Sla,
    Invoices,
    Directory,
}

impl Tab {
    /// Every tab in order: keys 1–4 and Tab/Shift-Tab walk this.
    pub const ALL: [Tab; 4] = [Tab::Queue, Tab::Sla, Tab::Invoices, Tab::Directory];

    pub fn name(self) -> &'static str {
        match self {
            Tab::Queue => "Queue",
            Tab::Sla => "SLA",
            Tab::Invoices => "Invoices",
            Tab::Directory => "Directory",
        }
    }

    /// The tab's key: 1 for the Queue … 4 for the Directory.
    pub fn number(self) -> usize {
        self.index() + 1
    }

    fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    pub fn next(self) -> Tab {
        Tab::ALL[(self.index() + 1) % Tab::ALL.len()]
    }

    pub fn prev(self) -> Tab {
        Tab::ALL[(self.index() + Tab::ALL.len() - 1) % Tab::ALL.len()]
    }
}

#[cfg(test)]
mod tests {
    use super::Tab;

    #[test]
    fn tabs_cycle_both_ways_in_key_order() {
        assert_eq!(Tab::Directory.next(), Tab::Queue);
        assert_eq!(Tab::Queue.prev(), Tab::Directory);
        let numbers: Vec<usize> = Tab::ALL.iter().map(|t| t.number()).collect();
        assert_eq!(numbers, [1, 2, 3, 4]);
    }
}
