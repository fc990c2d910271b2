//! `coded_enum!`: the small enums whose values travel to Python as `u8` codes with a label each
//! (interval method, trend model, funnel significance, test used), defined in one place: the
//! enum (`#[repr(u8)]`, code = discriminant), `ALL` in code order (checked at compile time) and
//! `label()`.

/// Define a `#[repr(u8)]` enum of coded values with `ALL` (index = code) and `label()`.
///
/// Syntax: `coded_enum! { /// doc  pub enum Name in "module" { /// doc  Variant = 0 => "label", ... } }`
/// with the codes 0, 1, 2, ... in order; `"module"` is the public module path (for the doc
/// example of `label()`).
macro_rules! coded_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident in $module:literal {
            $(#[$fmeta:meta])* $first:ident = $fcode:literal => $flabel:literal
            $(, $(#[$vmeta:meta])* $variant:ident = $code:literal => $label:literal)* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
        #[repr(u8)]
        $vis enum $name {
            $(#[$fmeta])* $first = $fcode,
            $($(#[$vmeta])* $variant = $code,)*
        }

        impl $name {
            /// Every value in code order (index = `as u8`).
            pub const ALL: [$name; [$fcode $(, $code)*].len()] = [$name::$first $(, $name::$variant)*];

            #[doc = concat!(
                "The label shown in result tables.\n\n# Examples\n```\nassert_eq!(saferstats::",
                $module, "::", stringify!($name), "::", stringify!($first), ".label(), ",
                stringify!($flabel), ");\n```"
            )]
            pub fn label(self) -> &'static str {
                match self {
                    $name::$first => $flabel,
                    $($name::$variant => $label,)*
                }
            }
        }

        // ALL[i] has code i, so codes index ALL and the label lists built from it
        const _: () = {
            let mut i = 0;
            while i < $name::ALL.len() {
                assert!($name::ALL[i] as usize == i, "coded_enum: codes must be 0, 1, 2, ... in order");
                i += 1;
            }
        };
    };
}
