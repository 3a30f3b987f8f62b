//! Company events and holidays: what an admin puts on the company calendar, stored under the
//! company's partition by date so a month is one key query and companies never mix.

mod event;
mod month;
mod repo;

pub(crate) use event::sortable_year;
pub use event::{Event, EventDraft, MAX_TITLE_CHARS, date_of_event_id, event_id};
pub use month::Month;
pub use repo::{EventRepo, PAGE};
