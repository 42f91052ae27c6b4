//! [`Text`], the catalogue in one language, and [`Line`], one of its messages with its
//! arguments, written when formatted.

use std::fmt::{self, Display};

use super::{advice, analysis, boards, chapter, check, control, receiver, Lang};

/// The console text in one language: one method per line hexaboard prints.
///
/// Each method returns a [`Line`]; print it with `println!("{line}")` (see the
/// [module documentation](super) for how newlines are counted). The methods are defined, one
/// part of the catalogue a file, in the modules listed there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Text {
    lang: Lang,
}

impl From<Lang> for Text {
    fn from(lang: Lang) -> Text {
        Text { lang }
    }
}

impl Text {
    /// The text in `lang`.
    pub const fn new(lang: Lang) -> Text {
        Text { lang }
    }

    /// The language of this text.
    pub const fn lang(self) -> Lang {
        self.lang
    }
}

/// One line (or block) of console text, written when formatted with `{}`.
///
/// Made by the methods of [`Text`]; a small `Copy` value that holds references to its
/// arguments and allocates nothing, because some lines (the save line, the reading block) are
/// printed for every message.
#[derive(Clone, Copy)]
pub struct Line<'a> {
    lang: Lang,
    msg: Msg<'a>,
}

impl<'a> Line<'a> {
    pub(super) const fn new(lang: Lang, msg: Msg<'a>) -> Line<'a> {
        Line { lang, msg }
    }
}

/// What a [`Line`] says: a message of one part of the catalogue.
#[derive(Clone, Copy)]
pub(super) enum Msg<'a> {
    Chapter(chapter::Msg<'a>),
    Receiver(receiver::Msg<'a>),
    Boards(boards::Msg<'a>),
    Control(control::Msg<'a>),
    Check(check::Msg<'a>),
    Analysis(analysis::Msg<'a>),
    Advice(advice::Msg<'a>),
}

impl Display for Line<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.msg {
            Msg::Chapter(msg) => msg.write(self.lang, f),
            Msg::Receiver(msg) => msg.write(self.lang, f),
            Msg::Boards(msg) => msg.write(self.lang, f),
            Msg::Control(msg) => msg.write(self.lang, f),
            Msg::Check(msg) => msg.write(self.lang, f),
            Msg::Analysis(msg) => msg.write(self.lang, f),
            Msg::Advice(msg) => msg.write(self.lang, f),
        }
    }
}

impl fmt::Debug for Line<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Line").field(&self.to_string()).finish()
    }
}
