//! Operations progenitor cannot generate, emitted in progenitor's builder style.
//!
//! Each operation becomes a method on `Client` returning a builder in the `builder` module, whose
//! `send()` goes through the same `ClientHooks` (`pre`, `exec`, `post`) and returns the same
//! `ResponseValue`/`Error` types as progenitor's own methods, so callers cannot tell them apart.

use anyhow::{Result, bail};
use heck::{ToSnakeCase, ToUpperCamelCase};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use crate::plan::{
    BinaryBodyPlan, Body, EmittedOperation, FilePartPlan, Parameter, ParameterLocation, StatusKey,
    SuccessBody,
};
use crate::spec::FieldEncoding;

/// The code for one operation, split by the module each part belongs to.
pub struct OperationCode {
    /// The `Client` method.
    pub method: TokenStream,
    /// The builder struct and its impl (module `builder`).
    pub builder: TokenStream,
    /// The result enum when the operation has several kinds of success body (module `types`).
    pub result_type: Option<TokenStream>,
}

pub fn emit(operation: &EmittedOperation) -> Result<OperationCode> {
    let struct_name = format_ident!("{}", operation.id.to_upper_camel_case());
    let method_name = format_ident!("{}", operation.id.to_snake_case());
    let result = ResultShape::new(operation)?;
    let doc = method_doc(operation);

    let method = quote! {
        #[doc = #doc]
        pub fn #method_name(&self) -> builder::#struct_name<'_> {
            builder::#struct_name::new(self)
        }
    };

    let fields = Fields::new(operation);
    let field_decls = &fields.declarations;
    let field_inits = &fields.initialisers;
    let setters = &fields.setters;
    let field_names = &fields.names;
    let unpack = &fields.unpack;
    let url = url(operation);
    let queries = operation
        .parameters
        .iter()
        .filter(|p| p.location == ParameterLocation::Query)
        .map(|p| {
            let wire = &p.name;
            let ident = parameter_ident(p);
            quote!(.query(&progenitor_client::QueryParam::new(#wire, &#ident)))
        });
    let (body_prepare, body_attach) = body_code(operation.body.as_ref());
    let http_method = format_ident!("{}", operation.method);
    let accept = result.accept();
    let operation_id = &operation.id;
    let success_type = result.rust_type();
    let error_type = match &operation.error {
        Some((schema, _)) => {
            let schema = format_ident!("{schema}");
            quote!(types::#schema)
        }
        None => quote!(()),
    };
    let arms = response_arms(operation, &result)?;
    let send_doc = format!(
        "Sends a `{}` request to `{}`",
        operation.method.to_uppercase(),
        operation.path
    );
    let struct_doc = format!("Builder for [`Client::{method_name}`](super::Client::{method_name})");

    let builder = quote! {
        #[doc = #struct_doc]
        #[derive(Debug, Clone)]
        pub struct #struct_name<'a> {
            client: &'a super::Client,
            #(#field_decls,)*
        }

        impl<'a> #struct_name<'a> {
            pub fn new(client: &'a super::Client) -> Self {
                Self {
                    client,
                    #(#field_inits,)*
                }
            }

            #(#setters)*

            #[doc = #send_doc]
            pub async fn send(self) -> Result<ResponseValue<#success_type>, Error<#error_type>> {
                let Self { client, #(#field_names,)* } = self;
                #(#unpack)*
                let url = #url;
                #body_prepare
                let mut header_map = ::reqwest::header::HeaderMap::with_capacity(1usize);
                header_map.append(
                    ::reqwest::header::HeaderName::from_static("api-version"),
                    ::reqwest::header::HeaderValue::from_static(super::Client::api_version()),
                );
                #[allow(unused_mut)]
                let mut request = client
                    .client
                    .#http_method(url)
                    .header(
                        ::reqwest::header::ACCEPT,
                        ::reqwest::header::HeaderValue::from_static(#accept),
                    )
                    #(#queries)*
                    #body_attach
                    .headers(header_map)
                    .build()?;
                let info = OperationInfo { operation_id: #operation_id };
                client.pre(&mut request, &info).await?;
                let result = client.exec(request, &info).await;
                client.post(&result, &info).await?;
                let response = result?;
                match response.status().as_u16() {
                    #(#arms)*
                    _ => Err(Error::UnexpectedResponse(response)),
                }
            }
        }
    };

    Ok(OperationCode {
        method,
        builder,
        result_type: result.enum_definition(operation),
    })
}

fn method_doc(operation: &EmittedOperation) -> String {
    let mut doc = String::new();
    for text in [&operation.summary, &operation.description]
        .into_iter()
        .flatten()
    {
        doc.push_str(text.trim());
        doc.push_str("\n\n");
    }
    doc.push_str(&format!(
        "Sends a `{}` request to `{}`.",
        operation.method.to_uppercase(),
        operation.path
    ));
    doc
}

fn parameter_ident(parameter: &Parameter) -> proc_macro2::Ident {
    format_ident!("{}", parameter.name.to_snake_case())
}

fn file_ident(part: &FilePartPlan) -> proc_macro2::Ident {
    format_ident!("{}", part.setter())
}

/// The builder's fields: parameters, body and file parts, each held as a `Result` so a bad value
/// surfaces as `Error::InvalidRequest` from `send()` without anything being sent.
struct Fields {
    names: Vec<proc_macro2::Ident>,
    declarations: Vec<TokenStream>,
    initialisers: Vec<TokenStream>,
    setters: Vec<TokenStream>,
    unpack: Vec<TokenStream>,
}

impl Fields {
    fn new(operation: &EmittedOperation) -> Self {
        let mut fields = Self {
            names: Vec::new(),
            declarations: Vec::new(),
            initialisers: Vec::new(),
            setters: Vec::new(),
            unpack: Vec::new(),
        };
        for parameter in &operation.parameters {
            fields.add_parameter(parameter);
        }
        match &operation.body {
            Some(Body::Json(schema)) => fields.add_body(schema),
            Some(Body::Multipart {
                fields: schema,
                files,
                ..
            }) => {
                fields.add_body(schema);
                for part in files {
                    fields.add_file_part(part);
                }
            }
            Some(Body::Binary(body)) => fields.add_binary_body(body),
            None => {}
        }
        fields
    }

    fn add_parameter(&mut self, parameter: &Parameter) {
        let ident = parameter_ident(parameter);
        let ty: TokenStream = parameter.rust_type.parse().unwrap_or_else(|_| quote!(()));
        let message = format!(
            "conversion to `{}` for {} failed",
            parameter.rust_type, parameter.name
        );
        if parameter.required {
            let missing = format!("{} was not initialized", parameter.name);
            self.declarations.push(quote!(#ident: Result<#ty, String>));
            self.initialisers
                .push(quote!(#ident: Err(#missing.to_string())));
            self.setters.push(quote! {
                pub fn #ident<V>(mut self, value: V) -> Self
                where
                    V: std::convert::TryInto<#ty>,
                {
                    self.#ident = value.try_into().map_err(|_| #message.to_string());
                    self
                }
            });
        } else {
            self.declarations
                .push(quote!(#ident: Result<Option<#ty>, String>));
            self.initialisers.push(quote!(#ident: Ok(None)));
            self.setters.push(quote! {
                pub fn #ident<V>(mut self, value: V) -> Self
                where
                    V: std::convert::TryInto<#ty>,
                {
                    self.#ident = value.try_into().map(Some).map_err(|_| #message.to_string());
                    self
                }
            });
        }
        self.unpack
            .push(quote!(let #ident = #ident.map_err(Error::InvalidRequest)?;));
        self.names.push(ident);
    }

    fn add_body(&mut self, schema: &str) {
        let ty = format_ident!("{schema}");
        let message = format!("conversion to `{schema}` for body failed: {{}}");
        self.declarations
            .push(quote!(body: Result<types::builder::#ty, String>));
        self.initialisers
            .push(quote!(body: Ok(::std::default::Default::default())));
        self.setters.push(quote! {
            pub fn body<V>(mut self, value: V) -> Self
            where
                V: std::convert::TryInto<types::#ty>,
                <V as std::convert::TryInto<types::#ty>>::Error: std::fmt::Display,
            {
                self.body = value.try_into().map(From::from).map_err(|s| format!(#message, s));
                self
            }

            pub fn body_map<F>(mut self, f: F) -> Self
            where
                F: std::ops::FnOnce(types::builder::#ty) -> types::builder::#ty,
            {
                self.body = self.body.map(f);
                self
            }
        });
        self.unpack.push(quote! {
            let body = body
                .and_then(|v| types::#ty::try_from(v).map_err(|e| e.to_string()))
                .map_err(Error::InvalidRequest)?;
        });
        self.names.push(format_ident!("body"));
    }

    fn add_file_part(&mut self, part: &FilePartPlan) {
        let ident = file_ident(part);
        let mut doc = format!("Sets the file part `{}`.", part.name);
        if let Some(description) = &part.description {
            doc = format!("{}\n\n{doc}", description.trim());
        }
        if let Some(max) = part.max_bytes {
            doc.push_str(&format!(" At most {max} bytes."));
        }
        if !part.content_types.is_empty() {
            doc.push_str(&format!(
                " Accepted types: {}.",
                part.content_types.join(", ")
            ));
        }
        if part.required {
            let missing = format!("no file part set for `{}`", part.name);
            self.declarations
                .push(quote!(#ident: Result<speech_client_runtime::FilePart, String>));
            self.initialisers
                .push(quote!(#ident: Err(#missing.to_string())));
            self.setters.push(quote! {
                #[doc = #doc]
                pub fn #ident(mut self, value: speech_client_runtime::FilePart) -> Self {
                    self.#ident = Ok(value);
                    self
                }
            });
            self.unpack
                .push(quote!(let #ident = #ident.map_err(Error::InvalidRequest)?;));
        } else {
            self.declarations
                .push(quote!(#ident: Option<speech_client_runtime::FilePart>));
            self.initialisers.push(quote!(#ident: None));
            self.setters.push(quote! {
                #[doc = #doc]
                pub fn #ident(mut self, value: speech_client_runtime::FilePart) -> Self {
                    self.#ident = Some(value);
                    self
                }
            });
        }
        self.names.push(ident);
    }

    /// The whole body as one file, checked and opened when the request is sent.
    fn add_binary_body(&mut self, body: &BinaryBodyPlan) {
        let mut doc = format!(
            "Sets the file sent as the whole request body (as {}).",
            body.media_types.join(" or ")
        );
        if let Some(description) = &body.description {
            doc = format!("{}\n\n{doc}", description.trim());
        }
        if let Some(max) = body.max_bytes {
            doc.push_str(&format!(" At most {max} bytes."));
        }
        if !body.content_types.is_empty() {
            doc.push_str(&format!(
                " Accepted types: {}.",
                body.content_types.join(", ")
            ));
        }
        self.declarations
            .push(quote!(body: Result<speech_client_runtime::FilePart, String>));
        self.initialisers
            .push(quote!(body: Err("no file set for the request body".to_string())));
        self.setters.push(quote! {
            #[doc = #doc]
            pub fn body(mut self, value: speech_client_runtime::FilePart) -> Self {
                self.body = Ok(value);
                self
            }
        });
        self.unpack
            .push(quote!(let body = body.map_err(Error::InvalidRequest)?;));
        self.names.push(format_ident!("body"));
    }
}

/// `format!` of the base URL and the path, with path parameters percent-encoded.
fn url(operation: &EmittedOperation) -> TokenStream {
    let mut template = String::from("{}");
    let mut arguments = Vec::new();
    let mut rest = operation.path.as_str();
    while let Some(start) = rest.find('{') {
        template.push_str(&rest[..start]);
        let end = rest[start..]
            .find('}')
            .map_or(rest.len(), |end| start + end);
        let name = &rest[start + 1..end];
        template.push_str("{}");
        let ident = format_ident!("{}", name.to_snake_case());
        arguments.push(quote!(encode_path(&#ident.to_string())));
        rest = rest.get(end + 1..).unwrap_or("");
    }
    template.push_str(rest);
    quote!(format!(#template, client.baseurl, #(#arguments),*))
}

/// The statements that build the body before the request, and the builder call that attaches it.
fn body_code(body: Option<&Body>) -> (TokenStream, TokenStream) {
    match body {
        None => (quote!(), quote!()),
        Some(Body::Json(_)) => (quote!(), quote!(.json(&body))),
        Some(Body::Multipart {
            files, encodings, ..
        }) => {
            let parts = files.iter().map(|part| {
                let ident = file_ident(part);
                let field = &part.name;
                let max_bytes = optional_u64(part.max_bytes);
                let content_types = &part.content_types;
                let rules = quote! {
                    &speech_client_runtime::PartRules {
                        field: #field,
                        max_bytes: #max_bytes,
                        content_types: &[#(#content_types),*],
                    }
                };
                let attach = quote! {
                    form = form.part(#field, part.into_part(#rules).await.map_err(Error::InvalidRequest)?);
                };
                if part.required {
                    quote! { let part = #ident; #attach }
                } else {
                    quote! { if let Some(part) = #ident { #attach } }
                }
            });
            let encodings = encodings.iter().map(|(field, encoding)| {
                let encoding = match encoding {
                    FieldEncoding::Text => quote!(Text),
                    FieldEncoding::Json => quote!(Json),
                    FieldEncoding::EachItem => quote!(EachItem),
                };
                quote!((#field, speech_client_runtime::multipart::FieldEncoding::#encoding))
            });
            (
                quote! {
                    #[allow(unused_mut)]
                    let mut form = speech_client_runtime::multipart::text_fields(
                        &body,
                        &[#(#encodings),*],
                    )
                    .map_err(Error::InvalidRequest)?;
                    #(#parts)*
                },
                quote!(.multipart(form)),
            )
        }
        Some(Body::Binary(plan)) => {
            let max_bytes = optional_u64(plan.max_bytes);
            let content_types = &plan.content_types;
            let media_types = &plan.media_types;
            (
                quote! {
                    let body = body
                        .into_body(&speech_client_runtime::BodyRules {
                            max_bytes: #max_bytes,
                            content_types: &[#(#content_types),*],
                            media_types: &[#(#media_types),*],
                        })
                        .await
                        .map_err(Error::InvalidRequest)?;
                },
                quote! {
                    .header(::reqwest::header::CONTENT_TYPE, body.content_type)
                    .header(::reqwest::header::CONTENT_LENGTH, body.length)
                    .body(body.body)
                },
            )
        }
    }
}

fn optional_u64(value: Option<u64>) -> TokenStream {
    match value {
        Some(value) => {
            let value = Literal::u64_unsuffixed(value);
            quote!(Some(#value))
        }
        None => quote!(None),
    }
}

/// What a successful call returns: one type, or an enum with a variant per kind of body.
enum ResultShape<'a> {
    Single(&'a SuccessBody),
    Enum {
        name: proc_macro2::Ident,
        bodies: Vec<&'a SuccessBody>,
    },
}

impl<'a> ResultShape<'a> {
    fn new(operation: &'a EmittedOperation) -> Result<Self> {
        let bodies = operation.success_bodies();
        match bodies[..] {
            [] => bail!("{} has no success response", operation.id),
            [single] => Ok(Self::Single(single)),
            _ => {
                if bodies.contains(&&SuccessBody::Empty) {
                    bail!(
                        "{}: a success response without a body next to ones with a body is not supported",
                        operation.id
                    );
                }
                Ok(Self::Enum {
                    name: format_ident!("{}Response", operation.id.to_upper_camel_case()),
                    bodies,
                })
            }
        }
    }

    fn rust_type(&self) -> TokenStream {
        match self {
            Self::Single(body) => body_type(body),
            Self::Enum { name, .. } => quote!(types::#name),
        }
    }

    /// The `Accept` header: every media type a successful call can return.
    fn accept(&self) -> String {
        let bodies: Vec<&SuccessBody> = match self {
            Self::Single(body) => vec![body],
            Self::Enum { bodies, .. } => bodies.clone(),
        };
        let mut media: Vec<&str> = Vec::new();
        for body in bodies {
            match body {
                SuccessBody::Json(_) => media.push("application/json"),
                SuccessBody::Binary(types) => media.extend(types.iter().map(String::as_str)),
                SuccessBody::Empty => {}
            }
        }
        media.dedup();
        if media.is_empty() {
            "*/*".to_owned()
        } else {
            media.join(", ")
        }
    }

    /// The expression that turns `response` into the result for a status with these bodies.
    fn decode(&self, bodies: &[SuccessBody]) -> Result<TokenStream> {
        let json_schemas: Vec<&String> = bodies
            .iter()
            .filter_map(|b| {
                if let SuccessBody::Json(s) = b {
                    Some(s)
                } else {
                    None
                }
            })
            .collect();
        if json_schemas.len() > 1 {
            bail!("one status with two JSON schemas cannot be told apart");
        }
        let wrap = |body: &SuccessBody| match self {
            Self::Single(_) => quote!(|value| value),
            Self::Enum { name, .. } => {
                let variant = variant_name(body);
                quote!(types::#name::#variant)
            }
        };
        let json = json_schemas.first().map(|schema| {
            let wrap = wrap(&SuccessBody::Json((*schema).clone()));
            let ty = format_ident!("{}", schema);
            quote!(speech_client_runtime::response::json::<types::#ty, _, _>(response, #wrap).await)
        });
        let binary = bodies.iter().find_map(|body| match body {
            SuccessBody::Binary(media) => Some((body, media)),
            _ => None,
        });
        // Audio is only accepted with a declared media type: an HTML error page with status 200 is
        // an unexpected response, not audio.
        let binary = binary.map(|(body, media)| {
            let wrap = wrap(body);
            quote! {
                if speech_client_runtime::response::media_type_is_one_of(&response, &[#(#media),*]) {
                    Ok(speech_client_runtime::response::audio(response, #wrap))
                } else {
                    Err(Error::UnexpectedResponse(response))
                }
            }
        });
        Ok(match (json, binary) {
            (Some(json), Some(binary)) => quote! {
                if speech_client_runtime::response::is_json(&response) { #json } else #binary
            },
            (Some(json), None) => json,
            (None, Some(binary)) => binary,
            (None, None) => quote!(Ok(ResponseValue::empty(response))),
        })
    }

    fn enum_definition(&self, operation: &EmittedOperation) -> Option<TokenStream> {
        let Self::Enum { name, bodies } = self else {
            return None;
        };
        let variants = bodies.iter().map(|body| {
            let variant = variant_name(body);
            // Inside the `types` module: schema types by their bare name.
            let ty = match body {
                SuccessBody::Json(schema) => {
                    let ty = format_ident!("{schema}");
                    quote!(#ty)
                }
                other => body_type(other),
            };
            let statuses: Vec<String> = operation
                .success
                .iter()
                .filter(|s| s.bodies.contains(body))
                .map(|s| status_text(s.status))
                .collect();
            let media = match body {
                SuccessBody::Json(_) => "application/json".to_owned(),
                SuccessBody::Binary(types) => types.join(", "),
                SuccessBody::Empty => String::new(),
            };
            let doc = format!("`{}` with {media}", statuses.join("`, `"));
            quote! { #[doc = #doc] #variant(#ty), }
        });
        let doc = format!(
            "What a successful [`Client::{}`](crate::generated::Client::{}) returns, by status and content type.",
            operation.id.to_snake_case(),
            operation.id.to_snake_case()
        );
        Some(quote! {
            #[doc = #doc]
            #[derive(Debug)]
            pub enum #name { #(#variants)* }
        })
    }
}

fn variant_name(body: &SuccessBody) -> proc_macro2::Ident {
    match body {
        SuccessBody::Json(schema) => format_ident!("{schema}"),
        SuccessBody::Binary(_) => format_ident!("Audio"),
        SuccessBody::Empty => format_ident!("Empty"),
    }
}

fn body_type(body: &SuccessBody) -> TokenStream {
    match body {
        SuccessBody::Json(schema) => {
            let ty = format_ident!("{schema}");
            quote!(types::#ty)
        }
        SuccessBody::Binary(_) => quote!(speech_client_runtime::Audio),
        SuccessBody::Empty => quote!(()),
    }
}

fn status_text(status: StatusKey) -> String {
    match status {
        StatusKey::Code(code) => code.to_string(),
        StatusKey::Range(class) => format!("{class}XX"),
    }
}

fn status_pattern(status: StatusKey) -> TokenStream {
    match status {
        StatusKey::Code(code) => {
            let code = Literal::u16_suffixed(code);
            quote!(#code)
        }
        StatusKey::Range(class) => {
            let low = Literal::u16_suffixed(class * 100);
            let high = Literal::u16_suffixed(class * 100 + 99);
            quote!(#low..=#high)
        }
    }
}

/// Match arms: success statuses decode their bodies, error statuses the error schema; exact codes
/// before ranges so that each arm is reachable.
fn response_arms(operation: &EmittedOperation, result: &ResultShape) -> Result<Vec<TokenStream>> {
    let mut arms: Vec<(bool, TokenStream)> = Vec::new();
    for success in &operation.success {
        let pattern = status_pattern(success.status);
        let decode = result.decode(&success.bodies)?;
        arms.push((
            matches!(success.status, StatusKey::Range(_)),
            quote!(#pattern => #decode,),
        ));
    }
    if let Some((_, statuses)) = &operation.error {
        for status in statuses {
            let pattern = status_pattern(*status);
            arms.push((
                matches!(status, StatusKey::Range(_)),
                quote!(#pattern => Err(speech_client_runtime::response::error_response(response).await),),
            ));
        }
    }
    arms.sort_by_key(|(is_range, _)| *is_range);
    Ok(arms.into_iter().map(|(_, arm)| arm).collect())
}
