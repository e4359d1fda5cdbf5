//! Reading an import file as a stream: the top object's sections are
//! visited in file order and each record is handed on (to the loader) as
//! soon as it is read. A section whose references point at a section
//! further down the file waits for another read of it, so memory holds
//! only key maps whatever the file's size or order.

use std::cell::RefCell;
use std::fmt;
use std::io::Read;

use std::path::Path;

use serde::de::{self, DeserializeOwned, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::strict::{self, Duplicate, Seed};
use super::{AgreementRec, CompanyRec, ContactRec, ImportError, NoteRec, TechnicianRec, TicketRec, TimeEntryRec};

/// The refusal of an object that names a field twice (serde would keep the last).
const DUPLICATE_FIELD: &str = "this field is given twice in one object; give it once";

/// The sections of DESIGN.md 5 (and notes), in the order they load.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Section {
    Companies,
    Contacts,
    Technicians,
    Agreements,
    Tickets,
    TimeEntries,
    Notes,
}

const ALL: [Section; 7] = [
    Section::Companies,
    Section::Contacts,
    Section::Technicians,
    Section::Agreements,
    Section::Tickets,
    Section::TimeEntries,
    Section::Notes,
];

impl Section {
    fn from_name(name: &str) -> Option<Section> {
        ALL.into_iter().find(|s| s.name() == name)
    }
    fn name(self) -> &'static str {
        match self {
            Section::Companies => "companies",
            Section::Contacts => "contacts",
            Section::Technicians => "technicians",
            Section::Agreements => "agreements",
            Section::Tickets => "tickets",
            Section::TimeEntries => "time_entries",
            Section::Notes => "notes",
        }
    }
    /// The sections whose keys this one's records name.
    fn needs(self) -> &'static [Section] {
        match self {
            Section::Companies | Section::Technicians => &[],
            Section::Contacts | Section::Agreements => &[Section::Companies],
            Section::Tickets => &[Section::Companies, Section::Contacts, Section::Technicians],
            Section::TimeEntries | Section::Notes => &[Section::Tickets, Section::Technicians],
        }
    }
}

/// Which sections the file has and which are loaded, across reads.
#[derive(Debug, Default)]
pub(super) struct Plan {
    /// Reads of the file started so far.
    reads: u32,
    present: [bool; 7],
    loaded: [bool; 7],
}

impl Plan {
    /// A section loads in this read once every section it names is loaded
    /// (or, after the first read, known to be absent).
    fn ready(&self, s: Section) -> bool {
        s.needs()
            .iter()
            .all(|&n| self.loaded[n as usize] || (self.reads > 1 && !self.present[n as usize]))
    }
    /// How many sections are loaded.
    pub(super) fn loaded(&self) -> usize {
        self.loaded.iter().filter(|&&l| l).count()
    }
    /// Reads of the file started so far.
    pub(super) fn reads(&self) -> u32 {
        self.reads
    }
    /// True when every section the file has is loaded.
    pub(super) fn complete(&self) -> bool {
        ALL.iter()
            .all(|&s| self.loaded[s as usize] || !self.present[s as usize])
    }
}

/// One record as read, for the loader: its kind and what it says.
pub(super) enum Record {
    Company(CompanyRec),
    Contact(ContactRec),
    Technician(TechnicianRec),
    Agreement(AgreementRec),
    Ticket(TicketRec),
    TimeEntry(TimeEntryRec),
    Note(NoteRec),
}

/// The records' taker has stopped (it refused one): reading ends quietly.
#[derive(Debug, thiserror::Error)]
#[error("the import stopped")]
pub(super) struct Stopped;

/// One read of the file.
struct Pass<'p> {
    file: &'p Path,
    plan: &'p mut Plan,
    found: RefCell<Option<Duplicate>>,
    /// Why the read stopped, when it was not the JSON (serde carries only text).
    failed: Option<anyhow::Error>,
    /// Takes each record (with its place in its section); false: stop reading.
    sink: &'p mut dyn FnMut(usize, Record) -> bool,
}

impl Pass<'_> {
    fn fail<E: de::Error>(&mut self, e: impl Into<anyhow::Error>) -> E {
        self.failed = Some(e.into());
        E::custom("import stopped")
    }
    fn refuse<E: de::Error>(&mut self, record: String, field: Option<String>, message: &str) -> E {
        let e = ImportError {
            file: self.file.to_path_buf(),
            record,
            field,
            message: message.into(),
        };
        self.fail(e)
    }
}

/// Reads the file once, handing `sink` the records of every section that
/// can load in this read; the plan says whether another read is needed.
/// The first refusal in file order ends the read (as [`Stopped`] when `sink`
/// asked to stop).
pub(super) fn read_once<R: Read>(
    reader: R,
    file: &Path,
    plan: &mut Plan,
    sink: &mut dyn FnMut(usize, Record) -> bool,
) -> anyhow::Result<()> {
    plan.reads += 1;
    let mut pass = Pass {
        file,
        plan,
        found: RefCell::new(None),
        failed: None,
        sink,
    };
    let mut de = serde_json::Deserializer::from_reader(reader);
    let shape =
        serde::Deserializer::deserialize_any(&mut de, Top { pass: &mut pass }).and_then(|s| de.end().map(|()| s));
    let file = file.to_path_buf();
    if let Some(e) = pass.failed.take() {
        return Err(e);
    }
    if let Some((record, field)) = pass.found.take() {
        return Err(ImportError {
            file,
            record,
            field: Some(field),
            message: DUPLICATE_FIELD.into(),
        }
        .into());
    }
    match shape {
        Err(e) if e.is_io() => Err(crate::app::UsageError(format!("cannot read {}: {e}", file.display())).into()),
        Err(e) => Err(ImportError {
            file,
            record: format!("line {} column {}", e.line(), e.column()),
            field: None,
            message: e.to_string(),
        }
        .into()),
        Ok(false) => Err(ImportError {
            file,
            record: "the file".into(),
            field: None,
            message: "expected a JSON object with companies, contacts, technicians, agreements, tickets, time_entries"
                .into(),
        }
        .into()),
        Ok(true) => Ok(()),
    }
}

/// The top object; `false` when the file is JSON but not an object.
struct Top<'a, 'p> {
    pass: &'a mut Pass<'p>,
}

impl<'de> Visitor<'de> for Top<'_, '_> {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        let mut names: Vec<String> = Vec::new();
        while let Some(name) = map.next_key::<String>()? {
            if names.contains(&name) {
                *self.pass.found.borrow_mut() = Some(("the file".into(), name));
                return Err(de::Error::custom("duplicate key"));
            }
            map.next_value_seed(SectionSeed {
                pass: &mut *self.pass,
                name: &name,
            })?;
            names.push(name);
        }
        Ok(true)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<bool, A::Error> {
        Seed::new(String::new(), &self.pass.found).visit_seq(seq).map(|_| false)
    }
    fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_str<E>(self, _: &str) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_unit<E>(self) -> Result<bool, E> {
        Ok(false)
    }
}

/// One member of the top object: a section's list of records.
struct SectionSeed<'a, 'p> {
    pass: &'a mut Pass<'p>,
    name: &'a str,
}

impl<'de> DeserializeSeed<'de> for SectionSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl SectionSeed<'_, '_> {
    fn not_a_list<E: de::Error>(self) -> E {
        self.pass
            .refuse(self.name.to_string(), None, "expected a list of records")
    }
}

impl<'de> Visitor<'de> for SectionSeed<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of records")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some(section) = Section::from_name(self.name) else {
            Seed::new(self.name.to_string(), &self.pass.found).visit_seq(seq)?;
            return Err(self.pass.refuse(
                format!("section {:?}", self.name),
                None,
                "unknown section; expected companies, contacts, technicians, agreements, tickets, time_entries, notes",
            ));
        };
        let at = section as usize;
        self.pass.plan.present[at] = true;
        if self.pass.plan.loaded[at] || !self.pass.plan.ready(section) {
            while seq.next_element::<IgnoredAny>()?.is_some() {}
            return Ok(());
        }
        let mut i = 0;
        while seq
            .next_element_seed(RecordSeed {
                pass: &mut *self.pass,
                section,
                i,
            })?
            .is_some()
        {
            i += 1;
        }
        self.pass.plan.loaded[at] = true;
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<(), A::Error> {
        Seed::new(self.name.to_string(), &self.pass.found).visit_map(map)?;
        Err(self.not_a_list())
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Err(self.not_a_list())
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        Err(self.not_a_list())
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        Err(self.not_a_list())
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        Err(self.not_a_list())
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        Err(self.not_a_list())
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Err(self.not_a_list())
    }
}

/// One record: read strictly, checked, written.
struct RecordSeed<'a, 'p> {
    pass: &'a mut Pass<'p>,
    section: Section,
    i: usize,
}

impl<'de> DeserializeSeed<'de> for RecordSeed<'_, '_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        // The record's text is kept (JSON errors still name the file's line
        // and column) and read straight into its type; only a record that
        // does not read goes the strict way that names what is wrong.
        let raw = <Box<RawValue>>::deserialize(d)?;
        let (file, name, i) = (self.pass.file, self.section.name(), self.i);
        let read = match self.section {
            Section::Companies => typed(file, name, i, &raw).map(Record::Company),
            Section::Contacts => typed(file, name, i, &raw).map(Record::Contact),
            Section::Technicians => typed(file, name, i, &raw).map(Record::Technician),
            Section::Agreements => typed(file, name, i, &raw).map(Record::Agreement),
            Section::Tickets => typed(file, name, i, &raw).map(Record::Ticket),
            Section::TimeEntries => typed(file, name, i, &raw).map(Record::TimeEntry),
            Section::Notes => typed(file, name, i, &raw).map(Record::Note),
        };
        match read {
            Ok(record) => {
                if (self.pass.sink)(i, record) {
                    Ok(())
                } else {
                    Err(self.pass.fail(Stopped))
                }
            }
            Err(e) => Err(self.pass.fail(e)),
        }
    }
}

/// One record's text as `T`: read directly when it is right, else read
/// strictly (a field given twice, or the field `T` cannot take, named).
fn typed<T: DeserializeOwned>(file: &Path, section: &str, i: usize, raw: &RawValue) -> Result<T, ImportError> {
    if let Ok(r) = serde_json::from_str::<T>(raw.get()) {
        return Ok(r);
    }
    match strict::parse_at(raw.get(), format!("{section}[{i}]")) {
        Ok(v) => super::record(file, section, i, v),
        Err(Ok((record, field))) => Err(ImportError {
            file: file.to_path_buf(),
            record,
            field: Some(field),
            message: DUPLICATE_FIELD.into(),
        }),
        Err(Err(e)) => Err(ImportError {
            file: file.to_path_buf(),
            record: format!("{section}[{i}]"),
            field: None,
            message: e.to_string(),
        }),
    }
}
