//! Localized fields: `lang`, `Accept-Language`, and fallback to the original.

use reqwest::header::{ACCEPT_LANGUAGE, HeaderMap, HeaderValue};
use serde_json::json;

use crate::backend_test;
use crate::common::{TestApp, data, first_error_code};

const SUMMARY: &str = r#"query ($lang: String) {
  caseStudy(slug: "sotenas-symbioscentrum") {
    originalLang
    summary(lang: $lang) { text lang original originalLang availableLanguages }
    summaryTranslations { lang original }
  } }"#;

backend_test!(lang_argument_selects_translation);
async fn lang_argument_selects_translation(app: &TestApp) {
    let (body, _) = app.graphql(SUMMARY, json!({ "lang": "en" })).await;
    let summary = &data(&body)["caseStudy"]["summary"];
    assert_eq!(summary["lang"], "en");
    assert_eq!(summary["original"], false);
    assert_eq!(summary["originalLang"], "sv");
    let available = summary["availableLanguages"].as_array().unwrap();
    assert!(available.contains(&json!("sv")) && available.contains(&json!("en")));

    let (body, _) = app.graphql(SUMMARY, json!({ "lang": "sv-SE" })).await;
    let summary = &data(&body)["caseStudy"]["summary"];
    assert_eq!(summary["lang"], "sv");
    assert_eq!(summary["original"], true);
    assert!(
        summary["text"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("symbios")
    );
}

backend_test!(missing_language_falls_back_to_original);
async fn missing_language_falls_back_to_original(app: &TestApp) {
    for lang in ["fi", "fr"] {
        let (body, _) = app.graphql(SUMMARY, json!({ "lang": lang })).await;
        let summary = &data(&body)["caseStudy"]["summary"];
        assert_eq!(summary["lang"], "sv", "{lang}");
        assert_eq!(summary["original"], true, "{lang}");
    }
    let (body, _) = app.graphql(SUMMARY, json!({})).await;
    assert_eq!(
        data(&body)["caseStudy"]["summary"]["lang"],
        "sv",
        "no preference: original"
    );
}

backend_test!(accept_language_applies_without_lang);
async fn accept_language_applies_without_lang(app: &TestApp) {
    let mut headers = HeaderMap::new();
    headers.insert(
        ACCEPT_LANGUAGE,
        HeaderValue::from_static("fi;q=1, de-DE;q=0.9, en;q=0.5"),
    );
    let (body, _) = app
        .graphql_with_headers(SUMMARY, json!({}), headers.clone())
        .await;
    let summary = &data(&body)["caseStudy"]["summary"];
    assert_eq!(summary["lang"], "de", "Finnish is missing, German is next");
    assert_eq!(summary["original"], false);

    let (body, _) = app
        .graphql_with_headers(SUMMARY, json!({ "lang": "en" }), headers)
        .await;
    assert_eq!(
        data(&body)["caseStudy"]["summary"]["lang"],
        "en",
        "lang beats the header"
    );

    let mut garbage = HeaderMap::new();
    garbage.insert(ACCEPT_LANGUAGE, HeaderValue::from_static(";;q=zz,,*"));
    let (body, status) = app.graphql_with_headers(SUMMARY, json!({}), garbage).await;
    assert_eq!(status, 200);
    assert_eq!(data(&body)["caseStudy"]["summary"]["lang"], "sv");
}

backend_test!(theme_labels_in_every_language);
async fn theme_labels_in_every_language(app: &TestApp) {
    let (body, _) = app
        .graphql(
            r#"{ theme(slug: "industrial-symbiosis") {
                  sv: label(lang: "sv") { text } nb: label(lang: "nb") { text }
                  nl: label(lang: "nl") { text } de: label(lang: "de") { text }
                  fi: label(lang: "fi") { text } labels { lang } } }"#,
            json!({}),
        )
        .await;
    let theme = &data(&body)["theme"];
    assert_eq!(theme["sv"]["text"], "Industriell symbios");
    assert_eq!(
        theme["nl"]["text"].as_str().unwrap().to_lowercase(),
        "industriële symbiose"
    );
    assert_eq!(
        theme["fi"]["text"].as_str().unwrap().to_lowercase(),
        "teollinen symbioosi"
    );
    assert_eq!(theme["labels"].as_array().unwrap().len(), 8);
}

backend_test!(malformed_lang_is_bad_user_input);
async fn malformed_lang_is_bad_user_input(app: &TestApp) {
    let (body, status) = app.graphql(SUMMARY, json!({ "lang": "12$%" })).await;
    assert_eq!(status, 200);
    assert_eq!(first_error_code(&body), "BAD_USER_INPUT");
    assert_eq!(body["errors"][0]["extensions"]["field"], "lang");
}
