//! Topic filters: building never panics; a built filter matches and captures without panicking
//! and captures exactly when it matches.
#![no_main]

use hexaboard_core::topic::{TopicFilter, TopicName};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: (&str, &str)| {
    let (filter, topic) = input;
    let _ = TopicName::new(topic);
    if let Ok(filter) = TopicFilter::new(filter) {
        assert_eq!(filter.matches(topic), filter.captures(topic).is_some());
        assert_eq!(TopicFilter::new(filter.as_str()).as_ref(), Ok(&filter));
    }
});
