//! `[[directory]]`: the directory each Region's WorkSpaces authenticate against — an AD
//! Connector forwarding to an on-premises Active Directory, or a managed directory — and
//! whether logins go through SAML 2.0.

use super::fields::{at, entry, key, Validator};
use crate::scenario::raw::{DirectoryType, RawDirectory};
use crate::scenario::{DirectoryKind, DirectorySpec};

/// The directories and the on-premises directory names their AD Connectors forward to.
pub(super) fn directories(
    validator: &mut Validator,
    raw: &[RawDirectory],
) -> (Vec<DirectorySpec>, Vec<String>) {
    let mut out: Vec<DirectorySpec> = Vec::new();
    let mut on_premises: Vec<String> = Vec::new();
    for (i, d) in raw.iter().enumerate() {
        let base = entry("directory", i);
        let region = validator.region(at(&base, &[key("region")]), &d.region);
        if let Some(r) = region {
            if let Some(other) = out.iter().find(|o| o.region == r) {
                validator.report(
                    at(&base, &[key("region")]),
                    format!(
                        "{} already has directory `{}`; allowed: one directory per Region (a connection alias is associated with at most one directory in each Region)",
                        d.region, other.name
                    ),
                );
            }
        }
        let kind = match d.kind {
            DirectoryType::AdConnector => {
                let name = d
                    .on_premises
                    .clone()
                    .unwrap_or_else(|| DirectorySpec::DEFAULT_ON_PREMISES.to_string());
                let index = match on_premises.iter().position(|n| *n == name) {
                    Some(index) => index,
                    None => {
                        on_premises.push(name);
                        on_premises.len() - 1
                    }
                };
                DirectoryKind::AdConnector { on_premises: index }
            }
            DirectoryType::Managed => {
                if d.on_premises.is_some() {
                    validator.report(
                        at(&base, &[key("on_premises")]),
                        "only an ad_connector forwards to an on-premises directory; remove it",
                    );
                }
                DirectoryKind::Managed
            }
        };
        let saml = d.saml.unwrap_or(false);
        if d.saml_session.is_some() && !saml {
            validator.report(at(&base, &[key("saml_session")]), "needs saml = true");
        }
        let saml_session_ms = saml.then(|| match &d.saml_session {
            Some(text) => validator
                .positive_duration(at(&base, &[key("saml_session")]), text)
                .unwrap_or(DirectorySpec::DEFAULT_SAML_SESSION_MS),
            None => DirectorySpec::DEFAULT_SAML_SESSION_MS,
        });
        out.push(DirectorySpec {
            name: d.name.clone(),
            region: region.unwrap_or(0),
            kind,
            saml_session_ms,
        });
    }
    for name in &on_premises {
        if validator.directories.contains(name) {
            let i = raw
                .iter()
                .position(|d| d.on_premises.as_ref() == Some(name))
                .unwrap_or(0);
            validator.report(
                at(&entry("directory", i), &[key("on_premises")]),
                format!("`{name}` is also a [[directory]] name; a directory_outage could not tell them apart"),
            );
        }
    }
    validator.on_premises = on_premises.clone();
    (out, on_premises)
}

#[cfg(test)]
mod tests {
    use super::super::{problems_of, BASE};

    const TWO: &str = "[[directory]]\nname = \"west-adc\"\nregion = \"west\"\ntype = \"ad_connector\"\non_premises = \"corp\"\nsaml = true\n[[directory]]\nname = \"east-adc\"\nregion = \"east\"\ntype = \"ad_connector\"\non_premises = \"corp\"\n";

    #[test]
    fn ad_connectors_share_their_on_premises_directory_and_saml_defaults_to_an_hour() {
        let text = format!("{BASE}\n{TWO}");
        let s = crate::scenario::load_str(&text, "t.toml", &[]).unwrap();
        assert_eq!(s.on_premises, vec!["corp".to_string()]);
        assert_eq!(s.directories.len(), 2);
        assert_eq!(s.directories[0].saml_session_ms, Some(60 * 60_000));
        assert_eq!(s.directories[1].saml_session_ms, None);
        assert_eq!(s.directory_of(1), Some(1));
    }

    #[test]
    fn one_directory_per_region_and_saml_session_needs_saml() {
        let text = format!("{BASE}\n{TWO}[[directory]]\nname = \"x\"\nregion = \"west\"\ntype = \"managed\"\nsaml_session = \"2h\"\n");
        let problems = problems_of(&text);
        let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
        assert!(fields.contains(&"directory.x.region"), "{fields:?}");
        assert!(fields.contains(&"directory.x.saml_session"), "{fields:?}");
    }

    #[test]
    fn a_directory_outage_names_a_directory_or_an_on_premises_one() {
        let ok = format!("{BASE}\n{TWO}[[event]]\nname = \"ad\"\nkind = \"directory_outage\"\ndirectory = \"corp\"\nat = \"10m\"\n");
        assert_eq!(problems_of(&ok), vec![]);
        let bad = ok.replace("directory = \"corp\"", "directory = \"nope\"");
        let problems = problems_of(&bad);
        assert_eq!(problems[0].field, "event.ad.directory");
        assert_eq!(
            problems[0].message,
            "unknown directory `nope`; allowed: west-adc, east-adc, corp"
        );
    }
}
