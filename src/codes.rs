//! The two enum macros. `coded_enum!`: the small enums whose values travel to Python as `u8`
//! codes with a label each (interval method, trend model, funnel significance, test used): the
//! enum (`#[repr(u8)]`, code = discriminant), `ALL` in code order (checked at compile time) and
//! `label()`. `choice!`: the option enums Python passes by name (string parsing, aliases and the
//! "valid: …" message generated in one place).

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
            /// Every label in code order (index = code): the list a binding hands to Python.
            pub const LABELS: [&'static str; [$fcode $(, $code)*].len()] = [$flabel $(, $label)*];

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

        impl From<$name> for u8 {
            fn from(v: $name) -> u8 {
                v as u8
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

/// Define an option enum chosen by name: the enum, `NAMES` (the canonical names in order),
/// `name()`, and `FromStr` accepting each name and its aliases; an unknown name is
/// [`Error::InvalidArgument`](crate::Error::InvalidArgument) for the argument, reading
/// `unknown <what> "x"; valid: "a", "b"`. Every option enum that Python passes as a string is
/// defined this way (the binding contract, `src/bindings/mod.rs`).
///
/// Syntax: `choice! { /// doc  #[derive(Default)]  pub enum Name("argument", "what") {
/// /// doc  #[default] Variant = "name" | "alias", ... } }`.
macro_rules! choice {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident($arg:literal, $what:literal) {
            $($(#[$vmeta:meta])* $variant:ident = $primary:literal $(| $alias:literal)*),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
        $vis enum $name {
            $($(#[$vmeta])* $variant,)+
        }

        impl $name {
            /// The canonical names, in declaration order (aliases are accepted but not listed).
            pub const NAMES: &'static [&'static str] = &[$($primary),+];
            /// The argument whose value this is (named in the error for an unknown name).
            pub const ARGUMENT: &'static str = $arg;
            /// What a value is called in the error for an unknown name.
            pub const WHAT: &'static str = $what;

            /// The canonical name of this value (parses back to it).
            pub fn name(self) -> &'static str {
                match self {
                    $($name::$variant => $primary,)+
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::error::Error;
            fn from_str(s: &str) -> $crate::error::Result<Self> {
                match s {
                    $($primary $(| $alias)* => Ok($name::$variant),)+
                    other => Err($crate::codes::unknown_choice(
                        $arg, $what, $crate::codes::Given::Name(other), Self::NAMES,
                    )),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

/// What was given for an option that is not one of its names.
pub(crate) enum Given<'a> {
    /// A string that is not a name (shown quoted).
    Name(&'a str),
    /// Something other than a string, e.g. a number from Python (its repr, shown as it is).
    #[cfg_attr(not(feature = "python"), allow(dead_code))]
    NotAName(&'a str),
}

/// The error for an unknown option: `unknown <what> "x"; valid: "a", "b"` on `argument`, or
/// `unknown <what> 3 (a name is expected); valid: ...` for a value that is not a string.
pub(crate) fn unknown_choice(
    argument: &str,
    what: &str,
    given: Given<'_>,
    names: &[&str],
) -> crate::error::Error {
    let got = match given {
        Given::Name(s) => format!("{s:?}"),
        Given::NotAName(r) => format!("{r} (a name is expected)"),
    };
    let valid: Vec<String> = names.iter().map(|n| format!("{n:?}")).collect();
    crate::error::Error::argument(
        argument,
        format!("unknown {what} {got}; valid: {}", valid.join(", ")),
    )
}
