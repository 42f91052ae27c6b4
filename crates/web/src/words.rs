//! The page's words in Korean and English.
