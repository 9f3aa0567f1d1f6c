//! Every spec's generated client stays reachable, typed, from the one `Provider` type, for every
//! operation and option of its API: `Provider::client::<C>()` gives the client of the provider's
//! own crate (aimed at the given base URL, its HTTP client carrying the key) and no other type.
//! The types come from `speech_tests::clients`, listed from `specs/` at build time.

use crate::common;

use common::specs::specs;
use common::{KEY, options, stand_in};
use speech_facade::{ApiKey, Provider};
use speech_spec::{Spec, security_alternatives};
use speech_tests::clients::TYPED_CLIENTS;

/// The URL and method of an operation of `spec` that needs the key and no path value.
fn keyed_operation(spec: &Spec, base: &str) -> (reqwest::Method, String) {
    spec.operations()
        .into_iter()
        .find(|operation| {
            !operation.path.contains('{')
                && !security_alternatives(&spec.doc, operation)
                    .unwrap()
                    .is_empty()
        })
        .map(|operation| {
            let method = operation.method.to_ascii_uppercase().parse().unwrap();
            (method, format!("{base}{}", operation.path))
        })
        .unwrap_or_else(|| panic!("{}: no operation needs the key", spec.provider))
}

#[tokio::test]
async fn each_provider_reaches_its_own_typed_client_and_no_other() {
    let specs = specs();
    assert_eq!(
        TYPED_CLIENTS.len(),
        specs.len(),
        "one typed client per spec"
    );
    for spec in &specs {
        let stand_in = stand_in(spec).start().unwrap();
        let provider =
            Provider::new(&spec.provider, stand_in.url(), ApiKey::new(KEY), options()).unwrap();
        let mut reached = 0;
        for (name, typed) in TYPED_CLIENTS {
            let Some((base, http)) = typed(&provider) else {
                assert_ne!(*name, spec.provider, "its own client is reachable");
                continue;
            };
            assert_eq!(*name, spec.provider, "another provider's client type");
            assert_eq!(base, stand_in.url(), "{name}");
            // Its HTTP client carries the key: the stand-in lets it past the credential check,
            // and turns away the same request without it.
            let (method, url) = keyed_operation(spec, base);
            let keyed = http.request(method.clone(), &url).send().await.unwrap();
            assert!(
                ![401, 403].contains(&keyed.status().as_u16()),
                "{name}: {}",
                keyed.status()
            );
            let bare = reqwest::Client::new()
                .request(method, &url)
                .send()
                .await
                .unwrap();
            assert!(
                [401, 403].contains(&bare.status().as_u16()),
                "{name}: {}",
                bare.status()
            );
            reached += 1;
        }
        assert_eq!(reached, 1, "{}", spec.provider);
        assert!(provider.client::<reqwest::Client>().is_none());
    }
}
