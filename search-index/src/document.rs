//! What the index reads from a record: its searchable fields, their weights and its
//! facets.

/// The searchable fields of one catalog entry, borrowed from the caller's record.
#[derive(Debug, Clone, Copy)]
pub struct Document<'a> {
    pub uri: &'a str,
    /// `dataset`, `table` or `folder`.
    pub entry_type: &'a str,
    pub label: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub tags: &'a [String],
    pub topics: &'a [String],
    pub region: &'a str,
    pub confidentiality: &'a str,
    pub columns: &'a [String],
    /// Uris of the approved glossary terms linked to the entry.
    pub terms: &'a [String],
}

/// A record the index can hold: it exposes its searchable fields.
pub trait Indexable {
    fn document(&self) -> Document<'_>;
}

/// A searchable field and its weight in the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Label,
    Name,
    Tags,
    Terms,
    Topics,
    Columns,
    Description,
}

impl Field {
    pub const ALL: [Field; 7] = [
        Field::Label,
        Field::Name,
        Field::Tags,
        Field::Terms,
        Field::Topics,
        Field::Columns,
        Field::Description,
    ];

    /// Returns the field's weight: a match in the label counts three times one in the
    /// description.
    pub fn weight(self) -> f32 {
        match self {
            Field::Label => 3.0,
            Field::Name => 2.5,
            Field::Tags | Field::Terms => 2.0,
            Field::Topics | Field::Columns => 1.5,
            Field::Description => 1.0,
        }
    }
}

/// A facet: a field whose values filter the results and are counted over them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Facet {
    Type,
    Tags,
    Topics,
    Region,
    Confidentiality,
    Terms,
}

impl Facet {
    pub const ALL: [Facet; 6] = [
        Facet::Type,
        Facet::Tags,
        Facet::Topics,
        Facet::Region,
        Facet::Confidentiality,
        Facet::Terms,
    ];
}
