//! [`Captures`]: the texts matched by a filter's wildcards, found without allocating.

use std::iter::FusedIterator;

use super::filter::{level_end, literal_run};

/// The texts matched by the wildcards of a [`TopicFilter`](super::TopicFilter), from
/// [`TopicFilter::captures`](super::TopicFilter::captures).
///
/// An iterator that walks the filter and the topic as it goes, so it allocates nothing.
#[derive(Debug, Clone)]
pub struct Captures<'f, 't> {
    filter: &'f str,
    topic: &'t str,
    // Positions in `filter` and `topic` where the walk goes on; they advance together over
    // literal text, which the topic shares with the filter since it matched.
    i: usize,
    j: usize,
    // Wildcards not yet yielded; lets the iterator report its exact length.
    left: usize,
}

impl<'f, 't> Captures<'f, 't> {
    /// The walk over `topic`, which `filter` (the inner filter, with `wildcards` wildcards)
    /// matched.
    pub(super) fn new(filter: &'f str, topic: &'t str, wildcards: usize) -> Captures<'f, 't> {
        Captures {
            filter,
            topic,
            i: 0,
            j: 0,
            left: wildcards,
        }
    }

    /// The text matched by the wildcard number `index` (from 0), if there is one.
    pub fn get(&self, index: usize) -> Option<&'t str> {
        self.clone().nth(index)
    }
}

impl<'t> Iterator for Captures<'_, 't> {
    type Item = &'t str;

    fn next(&mut self) -> Option<&'t str> {
        if self.left == 0 {
            return None;
        }
        let run = literal_run(&self.filter.as_bytes()[self.i..]);
        self.i += run;
        self.j += run;
        match self.filter.as_bytes().get(self.i)? {
            b'#' => {
                self.left = 0;
                // Past the end when `#` matched the parent level: then it captured nothing.
                Some(self.topic.get(self.j..).unwrap_or(""))
            }
            _ => {
                let start = self.j;
                self.j = level_end(self.topic.as_bytes(), start);
                self.i += 1;
                self.left -= 1;
                // `start` follows a `/` (or is 0) and `j` is at a `/` or the end: both are
                // character boundaries.
                self.topic.get(start..self.j)
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for Captures<'_, '_> {}

impl FusedIterator for Captures<'_, '_> {}

#[cfg(test)]
mod tests {
    use crate::topic::TopicFilter;

    #[test]
    fn captures_know_their_length() {
        let filter = TopicFilter::new("a/+/+/#").unwrap();
        let captures = filter.captures("a/b/c/d/e").unwrap();
        assert_eq!(captures.len(), 3);
        assert_eq!(captures.collect::<Vec<_>>(), ["b", "c", "d/e"]);
    }
}
