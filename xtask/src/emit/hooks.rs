//! What every request of a generated client goes through, whichever generator wrote its operation:
//! path values encoded by the runtime's `encode_path` (every byte outside RFC 3986 unreserved), and
//! progenitor's `ClientHooks` implemented by the runtime's `hooks::pre` (the URL must keep its
//! operation's path template) and `hooks::exec` (non-audio bodies are size-limited), over a table of
//! the spec's operations.

use anyhow::{Context, Result, bail};
use quote::quote;
use serde_json::Value;

use crate::spec::{self, Spec, is_binary, is_json_media};

/// Rewrites progenitor's output in place: the `encode_path` import, the `User-Agent` of
/// `Client::new`, the empty `ClientHooks` impl, and the decoding of error bodies.
pub fn apply(spec: &Spec, file: &mut syn::File) -> Result<()> {
    import_runtime_encode_path(file)?;
    name_the_user_agent(file)?;
    syn::visit_mut::VisitMut::visit_file_mut(&mut ErrorBodies, file);
    let table = operation_table(spec)?;
    let hooks: syn::ItemImpl = syn::parse2(quote! {
        /// Every request is checked before it is sent (its URL must keep its operation's path
        /// template: a path value cannot reach another resource) and every response body that is not
        /// declared audio is read within `speech_client_runtime::body_limit`.
        impl ClientHooks<()> for &Client {
            async fn pre<E>(
                &self,
                request: &mut reqwest::Request,
                info: &OperationInfo,
            ) -> std::result::Result<(), Error<E>> {
                speech_client_runtime::hooks::pre(OPERATIONS, &self.baseurl, request, info)
                    .map_err(Error::InvalidRequest)
            }

            async fn exec(
                &self,
                request: reqwest::Request,
                info: &OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                speech_client_runtime::hooks::exec(OPERATIONS, &self.client, request, info).await
            }
        }
    })?;
    let position = file
        .items
        .iter()
        .position(|item| matches!(item, syn::Item::Impl(block) if is_empty_client_hooks(block)))
        .context("progenitor's output has no empty `impl ClientHooks<()> for &Client`")?;
    file.items[position] = syn::Item::Impl(hooks);
    file.items.insert(position, table);
    Ok(())
}

/// Replaces progenitor's decoding of a documented error status,
/// `Err(Error::ErrorResponse(ResponseValue::from_response(response).await?))`, with the runtime's
/// `error_response`, which keeps the status when the body is not the documented shape (progenitor
/// would report `InvalidResponsePayload`, without a status, so a 429 could not be told from a 500).
struct ErrorBodies;

impl syn::visit_mut::VisitMut for ErrorBodies {
    fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
        let progenitors = quote!(Err(Error::ErrorResponse(
            ResponseValue::from_response(response).await?
        )));
        if quote!(#expr).to_string() == progenitors.to_string() {
            *expr = syn::parse_quote!(Err(speech_client_runtime::response::error_response(
                response
            )
            .await));
            return;
        }
        syn::visit_mut::visit_expr_mut(self, expr);
    }
}

fn is_empty_client_hooks(block: &syn::ItemImpl) -> bool {
    block.items.is_empty()
        && block
            .trait_
            .as_ref()
            .and_then(|(_, path, _)| path.segments.last())
            .is_some_and(|segment| segment.ident == "ClientHooks")
}

/// Takes `encode_path` out of progenitor's `use progenitor_client::{..}` and imports the runtime's
/// under the same name, so every path parameter progenitor formats goes through it.
fn import_runtime_encode_path(file: &mut syn::File) -> Result<()> {
    let mut found = false;
    for item in &mut file.items {
        let syn::Item::Use(item) = item else { continue };
        let syn::UseTree::Path(path) = &mut item.tree else {
            continue;
        };
        if path.ident != "progenitor_client" {
            continue;
        }
        let syn::UseTree::Group(group) = path.tree.as_mut() else {
            continue;
        };
        let before = group.items.len();
        group.items = std::mem::take(&mut group.items)
            .into_iter()
            .filter(|tree| !matches!(tree, syn::UseTree::Name(name) if name.ident == "encode_path"))
            .collect();
        found |= group.items.len() != before;
    }
    if !found {
        bail!("progenitor's output no longer imports `progenitor_client::encode_path`");
    }
    file.items.insert(
        0,
        syn::parse_quote! {
            #[allow(unused_imports)]
            use speech_client_runtime::path::encode_path;
        },
    );
    Ok(())
}

/// Adds `pub const USER_AGENT` (the crate's name and version, read when the crate is built) and
/// makes `Client::new` send it: progenitor's `reqwest::ClientBuilder::new()` sets none, so a
/// provider could not tell these clients' requests from any other program's.
fn name_the_user_agent(file: &mut syn::File) -> Result<()> {
    struct UserAgent(usize);
    impl syn::visit_mut::VisitMut for UserAgent {
        fn visit_expr_mut(&mut self, expr: &mut syn::Expr) {
            if quote!(#expr).to_string() == quote!(reqwest::ClientBuilder::new()).to_string() {
                *expr = syn::parse_quote!(reqwest::ClientBuilder::new().user_agent(USER_AGENT));
                self.0 += 1;
                return;
            }
            syn::visit_mut::visit_expr_mut(self, expr);
        }
    }
    let mut rewrite = UserAgent(0);
    syn::visit_mut::VisitMut::visit_file_mut(&mut rewrite, file);
    if rewrite.0 == 0 {
        bail!("progenitor's `Client::new` no longer builds a `reqwest::ClientBuilder::new()`");
    }
    file.items.push(syn::parse_quote! {
        /// The `User-Agent` that [`Client::new`] sends: this crate's name and version, such as
        /// `acme-client/1.2.0`. A client built with [`Client::new_with_client`] sends the
        /// `reqwest::Client`'s own; pass this to `reqwest::ClientBuilder::user_agent` to keep it.
        pub const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));
    });
    Ok(())
}

/// `const OPERATIONS`: each operation's id, path template and declared audio media types.
fn operation_table(spec: &Spec) -> Result<syn::Item> {
    let mut rows = Vec::new();
    for operation in spec.operations() {
        let id = operation
            .id()
            .with_context(|| format!("{} has no operationId", operation.label()))?;
        let path = operation.path;
        let audio = audio_media_types(spec, &operation)?;
        rows.push(quote! {
            speech_client_runtime::hooks::Operation { id: #id, path: #path, audio: &[#(#audio),*] }
        });
    }
    Ok(syn::parse2(quote! {
        /// The spec's operations, for the hooks: id, path template, declared audio media types.
        const OPERATIONS: &[speech_client_runtime::hooks::Operation] = &[#(#rows),*];
    })?)
}

/// The binary media types of the operation's success responses, in spec order, without repeats.
fn audio_media_types(spec: &Spec, operation: &spec::Operation) -> Result<Vec<String>> {
    let mut media_types = Vec::new();
    for (status, response) in operation.responses() {
        if !spec::is_success(status) {
            continue;
        }
        let response = spec.resolve(response)?;
        let content = response.get("content").and_then(Value::as_object);
        for (media, object) in content.into_iter().flatten() {
            let binary = object.get("schema").is_some_and(is_binary);
            if binary && !is_json_media(media) && !media_types.contains(media) {
                media_types.push(media.clone());
            }
        }
    }
    Ok(media_types)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    const SPEC: &str = r#"
openapi: 3.0.3
info: {title: T, version: "1"}
paths:
  /tts/{id}:
    get:
      operationId: get_speech
      responses:
        "200":
          description: audio or JSON
          content:
            audio/mpeg: {schema: {type: string, format: binary}}
            application/json: {schema: {type: object}}
            audio/wav: {schema: {type: string, format: binary}}
        "202":
          description: again
          content:
            audio/mpeg: {schema: {type: string, format: binary}}
        "400":
          description: error
          content:
            application/octet-stream: {schema: {type: string, format: binary}}
"#;

    fn progenitor_like() -> syn::File {
        syn::parse_quote! {
            #[allow(unused_imports)]
            use progenitor_client::{encode_path, ClientHooks, OperationInfo, RequestBuilderExt};
            impl ClientHooks<()> for &Client {}
            impl Client {
                pub fn new(baseurl: &str) -> Self {
                    let client = reqwest::ClientBuilder::new().timeout(dur);
                    Self::new_with_client(baseurl, client.build().unwrap())
                }
            }
        }
    }

    #[test]
    fn the_table_lists_each_operation_with_its_success_audio_types_once() {
        let spec = Spec::parse(Path::new("specs/t.yaml"), SPEC).unwrap();
        let table = operation_table(&spec).unwrap();
        let text = quote!(#table).to_string().replace(' ', "");
        assert!(
            text.contains(r#"id:"get_speech",path:"/tts/{id}",audio:&["audio/mpeg","audio/wav"]"#),
            "{text}"
        );
    }

    #[test]
    fn progenitor_output_gets_the_runtime_encode_path_and_hooks() {
        let spec = Spec::parse(Path::new("specs/t.yaml"), SPEC).unwrap();
        let mut file = progenitor_like();
        apply(&spec, &mut file).unwrap();
        let text = quote!(#file).to_string();
        assert!(
            text.contains("use speech_client_runtime :: path :: encode_path ;"),
            "{text}"
        );
        assert!(
            text.contains("use progenitor_client :: { ClientHooks , OperationInfo"),
            "{text}"
        );
        assert!(
            text.contains("speech_client_runtime :: hooks :: pre (OPERATIONS"),
            "{text}"
        );
        assert!(
            text.contains("speech_client_runtime :: hooks :: exec (OPERATIONS"),
            "{text}"
        );
        assert!(
            text.contains(
                "reqwest :: ClientBuilder :: new () . user_agent (USER_AGENT) . timeout (dur)"
            ),
            "{text}"
        );
        assert!(text.contains("pub const USER_AGENT"), "{text}");
    }

    #[test]
    fn a_changed_progenitor_output_is_an_error_not_a_silent_skip() {
        let spec = Spec::parse(Path::new("specs/t.yaml"), SPEC).unwrap();
        let mut file: syn::File = syn::parse_quote! {
            use progenitor_client::{encode_path, ClientHooks};
            fn new() { reqwest::ClientBuilder::new(); }
        };
        let error = apply(&spec, &mut file).unwrap_err().to_string();
        assert!(error.contains("no empty `impl ClientHooks"), "{error}");
        let mut file: syn::File = syn::parse_quote! {
            use progenitor_client::{encode_path, ClientHooks};
            impl ClientHooks<()> for &Client {}
        };
        let error = apply(&spec, &mut file).unwrap_err().to_string();
        assert!(error.contains("no longer builds"), "{error}");
        let mut file: syn::File = syn::parse_quote! {
            impl ClientHooks<()> for &Client {}
        };
        let error = apply(&spec, &mut file).unwrap_err().to_string();
        assert!(error.contains("no longer imports"), "{error}");
    }
}
