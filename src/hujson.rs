//! The HuJSON dialect Aperture reads (JSON plus comments and trailing commas): defined once
//! for the config parser, the comment-keeping editor and the data files of the catalogs.

use jsonc_parser::ParseOptions;

/// HuJSON: JSON plus comments and trailing commas, nothing looser.
pub fn hujson_options() -> ParseOptions {
    ParseOptions {
        allow_comments: true,
        allow_loose_object_property_names: false,
        allow_trailing_commas: true,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}
