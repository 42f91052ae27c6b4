//! How the catalogue is written: the [`catalogue!`] macro, in which each message is defined
//! once, with its arguments and its Korean and English text side by side.
//!
//! A part of the catalogue (a file beside this one) is one call of the macro with up to three
//! sections:
//!
//! - `lines`: messages with arguments. Each becomes a method of [`Text`](super::Text) that
//!   returns a [`Line`](super::Line), a variant of the part's `Msg` enum that holds the
//!   arguments, and a `match` arm that writes the template of the line's language with
//!   `write!`. Every template argument is handed to `write!` by name, so a template that leaves
//!   out an argument, or names one that is not there, does not compile.
//! - `words`: a word for each value of a type (a trend, a comfort band, a colour), as a method
//!   returning `&'static str`; the `match` is checked for every value by the compiler.
//! - `lists`: a row of words, such as a table's column headers, as a method returning an array
//!   whose length the compiler checks.
//!
//! A message with one language only does not match the macro. The part's `templates()` lists
//! every text as written for the catalogue's tests (`tests.rs`), which check what the compiler
//! cannot: that the English text is not Korean and that both languages name the same
//! placeholders.

/// One text of the catalogue as written, for the tests.
#[cfg(test)]
#[derive(Debug, Clone, Copy)]
pub(crate) struct Template {
    /// The method, and for words the value (`trend(Trend::Rising)`).
    pub(crate) name: &'static str,
    /// The Korean text.
    pub(crate) ko: &'static str,
    /// The English text.
    pub(crate) en: &'static str,
    /// The names a line's templates may use.
    pub(crate) args: &'static [&'static str],
}

/// Defines a part of the catalogue; see the [module documentation](self).
///
/// ```text
/// catalogue! {
///     part Chapter(text);          // the part's name, and what the argument expressions call
///                                  // the text in the line's language (for sub-lines)
///     lines {
///         /// `📬 구독: {filter}` and a blank line.
///         pub fn subscribed(filter: &'a str) { filter = EscStr(filter) }
///             ko: "📬 구독: {filter}\n",
///             en: "📬 Subscribed: {filter}\n";
///     }
///     words {
///         /// A trend in words.
///         pub fn trend(trend: Trend) {
///             Trend::Rising => "상승", "rising";
///             Trend::Falling => "하락", "falling";
///         }
///     }
///     lists {
///         /// The column headers.
///         pub fn columns() -> [&'static str; 2] {
///             "보드", "Board";
///             "온도", "Temp";
///         }
///     }
/// }
/// ```
///
/// A line's arguments are listed in braces after its parameters: `name = expression` shows
/// a value the way the expression says (escaped, formatted), a bare `name` passes the
/// parameter of that name as it is. The expressions run only when the line is written.
macro_rules! catalogue {
    (
        part $part:ident($text:ident);
        $(
            lines {
                $(
                    $(#[$line_attr:meta])*
                    $line_vis:vis fn $line:ident($($param:ident: $param_ty:ty),* $(,)?)
                        { $($arg:ident $(= $value:expr)?),* $(,)? }
                        ko: $line_ko:literal,
                        en: $line_en:literal;
                )*
            }
        )?
        $(
            words {
                $(
                    $(#[$word_attr:meta])*
                    $word_vis:vis fn $word:ident($word_param:ident: $word_ty:ty) {
                        $($pat:pat => $word_ko:literal, $word_en:literal;)*
                    }
                )*
            }
        )?
        $(
            lists {
                $(
                    $(#[$list_attr:meta])*
                    $list_vis:vis fn $list:ident() -> [&'static str; $n:literal] {
                        $($item_ko:literal, $item_en:literal;)*
                    }
                )*
            }
        )?
    ) => {
        $(
            /// What a line of this part says, with its arguments.
            #[allow(non_camel_case_types)]
            #[derive(Clone, Copy)]
            pub(super) enum Msg<'a> {
                $($line { $($param: $param_ty),* },)*
                /// Keeps `'a` in use in a part whose lines borrow nothing; never made.
                #[allow(dead_code)]
                Never(::std::convert::Infallible, ::std::marker::PhantomData<&'a ()>),
            }

            impl Msg<'_> {
                /// Writes the line in `lang`.
                pub(super) fn write(
                    self,
                    lang: $crate::text::Lang,
                    f: &mut ::std::fmt::Formatter<'_>,
                ) -> ::std::fmt::Result {
                    #[allow(unused_variables)]
                    let $text = $crate::text::Text::new(lang);
                    match self {
                        $(
                            Msg::$line { $($param),* } => {
                                $($(let $arg = $value;)?)*
                                match lang {
                                    $crate::text::Lang::Ko => {
                                        ::std::write!(f, $line_ko $(, $arg = $arg)*)
                                    }
                                    $crate::text::Lang::En => {
                                        ::std::write!(f, $line_en $(, $arg = $arg)*)
                                    }
                                }
                            }
                        )*
                        Msg::Never(never, _) => match never {},
                    }
                }
            }

            impl $crate::text::Text {
                $(
                    $(#[$line_attr])*
                    $line_vis fn $line<'a>(self, $($param: $param_ty),*) -> $crate::text::Line<'a> {
                        $crate::text::Line::new(
                            self.lang(),
                            $crate::text::line::Msg::$part(Msg::$line { $($param),* }),
                        )
                    }
                )*
            }
        )?
        $(
            impl $crate::text::Text {
                $(
                    $(#[$word_attr])*
                    $word_vis fn $word(self, $word_param: $word_ty) -> &'static str {
                        match $word_param {
                            $($pat => self.lang().pick($word_ko, $word_en),)*
                        }
                    }
                )*
            }
        )?
        $(
            impl $crate::text::Text {
                $(
                    $(#[$list_attr])*
                    $list_vis fn $list(self) -> [&'static str; $n] {
                        [$(self.lang().pick($item_ko, $item_en)),*]
                    }
                )*
            }
        )?

        /// Every text of this part as written, for the catalogue's tests.
        #[cfg(test)]
        pub(super) fn templates() -> ::std::vec::Vec<$crate::text::catalogue::Template> {
            use $crate::text::catalogue::Template;
            ::std::vec![
                $($(Template {
                    name: stringify!($line),
                    ko: $line_ko,
                    en: $line_en,
                    args: &[$(stringify!($arg)),*],
                },)*)?
                $($($(Template {
                    name: concat!(stringify!($word), "(", stringify!($pat), ")"),
                    ko: $word_ko,
                    en: $word_en,
                    args: &[],
                },)*)*)?
                $($($(Template {
                    name: stringify!($list),
                    ko: $item_ko,
                    en: $item_en,
                    args: &[],
                },)*)*)?
            ]
        }
    };
}

pub(crate) use catalogue;
