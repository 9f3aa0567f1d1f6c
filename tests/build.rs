//! Turns the ```rust blocks of the workspace README into Rust that this crate compiles, so a
//! consumer example that no longer matches the generated API fails the build (and CI).
//!
//! A block whose first item is a `fn` (after `use` lines and doc comments) is a helper and goes at
//! module level; any other block is a fragment of a consumer program and becomes the body of its own
//! `async fn ... -> Result<(), Box<dyn std::error::Error>>`, where `?` and `.await` work as written.
//!
//! It also lists each spec's generated client type (`specs/<name>.yaml` is `<name>_client`), so a
//! test reaches every typed client through `Provider::client` without naming a provider.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    // Read at run time: a build script compiled in another checkout must read this one.
    let manifest = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let readme = Path::new(&manifest).join("../README.md");
    println!("cargo::rerun-if-changed={}", readme.display());
    let text = std::fs::read_to_string(&readme).expect("README.md is readable");

    let mut out = String::new();
    for (index, (line, block)) in rust_blocks(&text).into_iter().enumerate() {
        writeln!(out, "// README.md line {line}").unwrap();
        if is_helper(&block) {
            out.push_str(&block);
        } else {
            writeln!(
                out,
                "pub async fn readme_example_{index}() -> Result<(), Box<dyn std::error::Error>> {{\n{block}\nOk(())\n}}"
            )
            .unwrap();
        }
        out.push('\n');
    }
    let out_dir = std::env::var("OUT_DIR").expect("OUT_DIR");
    std::fs::write(Path::new(&out_dir).join("readme.rs"), out).expect("OUT_DIR is writable");

    let specs = Path::new(&manifest).join("../specs");
    println!("cargo::rerun-if-changed={}", specs.display());
    let clients = typed_clients(&spec_names(&specs));
    std::fs::write(Path::new(&out_dir).join("clients.rs"), clients).expect("OUT_DIR is writable");
}

/// The stems of the `.yaml` files in `specs`, sorted.
fn spec_names(specs: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(specs)
        .expect("the specs directory is readable")
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| {
            path.extension()
                .is_some_and(|extension| extension == "yaml")
        })
        .filter_map(|path| Some(path.file_stem()?.to_str()?.to_owned()))
        .collect();
    names.sort();
    names
}

/// One function per spec that reaches its typed client, and the list of them.
fn typed_clients(names: &[String]) -> String {
    let mut out = String::new();
    let mut list = String::new();
    for name in names {
        let krate = format!("{}_client", name.replace('-', "_"));
        let function = format!("typed_{}", name.replace('-', "_"));
        writeln!(
            out,
            "fn {function}(provider: &speech_facade::Provider) -> Option<(&str, &reqwest::Client)> {{\n\
             \x20   let client = provider.client::<{krate}::Client>()?;\n\
             \x20   Some((\n\
             \x20       <{krate}::Client as {krate}::ClientInfo<()>>::baseurl(client),\n\
             \x20       <{krate}::Client as {krate}::ClientInfo<()>>::client(client),\n\
             \x20   ))\n\
             }}"
        )
        .unwrap();
        writeln!(list, "    (\"{name}\", {function}),").unwrap();
    }
    writeln!(
        out,
        "/// Each spec's name, with what reaches its typed client from a `Provider`.\n\
         pub const TYPED_CLIENTS: &[(&str, Typed)] = &[\n{list}];"
    )
    .unwrap();
    out
}

/// The ```rust blocks, each with the line of its opening fence.
fn rust_blocks(text: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (number, line) in text.lines().enumerate() {
        let fence = line.trim_start();
        match current.as_mut() {
            None if fence == "```rust" => current = Some((number + 1, String::new())),
            Some(_) if fence == "```" => blocks.extend(current.take()),
            Some((_, block)) => {
                block.push_str(line);
                block.push('\n');
            }
            None => {}
        }
    }
    blocks
}

fn is_helper(block: &str) -> bool {
    block
        .lines()
        .map(str::trim_start)
        .find(|line| !line.is_empty() && !line.starts_with("use ") && !line.starts_with("//"))
        .is_some_and(|line| line.starts_with("fn ") || line.starts_with("pub fn "))
}
