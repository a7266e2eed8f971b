//! Names of AWS resources, built from a resource prefix, a label and a uri.
//!
//! A name is `<prefix>-<label>-<uri>`, lower-cased, with every character outside the
//! service's allowed set replaced by `-`, repeated separators collapsed and the label cut so
//! the whole name fits the service's length limit. The uri at the end keeps names unique.

use crate::uri::URI_LENGTH;

/// The naming rules of one AWS service.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamePattern {
    /// S3 bucket names: `a-z0-9-`, at most 63.
    S3,
    /// KMS alias names (without `alias/`), at most 63.
    Kms,
    /// IAM role names: `a-z0-9-_`, at most 63 (AWS allows 64).
    IamRole,
    /// IAM policy names: `a-z0-9-_`, at most 128.
    IamPolicy,
    /// Glue database and table names: `a-z0-9_`, at most 240 (AWS allows 255).
    Glue,
    /// Glue job and crawler names: `a-z0-9-`, at most 52.
    GlueEtl,
    /// CloudFormation stacks and Athena workgroups: `a-z0-9-_`, at most 63.
    Default,
}

impl NamePattern {
    /// Returns the maximum length of a name.
    pub fn max_length(self) -> usize {
        match self {
            NamePattern::S3 | NamePattern::Kms | NamePattern::IamRole | NamePattern::Default => 63,
            NamePattern::IamPolicy => 128,
            NamePattern::Glue => 240,
            NamePattern::GlueEtl => 52,
        }
    }

    fn separator(self) -> char {
        match self {
            NamePattern::Glue => '_',
            _ => '-',
        }
    }

    fn allows(self, character: char) -> bool {
        let basic = character.is_ascii_lowercase() || character.is_ascii_digit();
        match self {
            NamePattern::S3 | NamePattern::Kms | NamePattern::GlueEtl => basic || character == '-',
            NamePattern::IamRole | NamePattern::IamPolicy | NamePattern::Default => {
                basic || character == '-' || character == '_'
            }
            NamePattern::Glue => basic || character == '_',
        }
    }
}

/// Maximum length of an environment's resource prefix: with the separators and a uri it
/// leaves room in the shortest name limit.
pub const MAX_RESOURCE_PREFIX_LENGTH: usize = 20;

/// Builds the name `<prefix>-<label>-<uri>` under the rules of `pattern`.
///
/// The prefix is at most [`MAX_RESOURCE_PREFIX_LENGTH`] characters (validated when an
/// environment is linked) and the uri 8, so the label is the only part that is cut.
pub fn compliant_name(prefix: &str, label: &str, uri: &str, pattern: NamePattern) -> String {
    let separator = pattern.separator();
    let clean = |text: &str| -> String {
        let mut cleaned = String::with_capacity(text.len());
        for character in text.to_lowercase().chars() {
            let mapped = if pattern.allows(character) && character != '-' && character != '_' {
                character
            } else {
                separator
            };
            if mapped == separator && (cleaned.is_empty() || cleaned.ends_with(separator)) {
                continue;
            }
            cleaned.push(mapped);
        }
        cleaned.trim_end_matches(separator).to_owned()
    };
    let prefix = clean(prefix);
    let uri = clean(uri);
    let fixed = prefix.len() + uri.len() + 2;
    let room = pattern.max_length().saturating_sub(fixed);
    let mut label = clean(label);
    label.truncate(room);
    let label = label.trim_end_matches(separator);
    let mut parts: Vec<&str> = Vec::new();
    for part in [prefix.as_str(), label, uri.as_str()] {
        if !part.is_empty() {
            parts.push(part);
        }
    }
    let mut name = parts.join(&separator.to_string());
    name.truncate(pattern.max_length());
    name
}

/// Names of the AWS resources of one environment.
pub struct EnvironmentNames<'a> {
    pub prefix: &'a str,
    pub label: &'a str,
    pub uri: &'a str,
}

impl EnvironmentNames<'_> {
    /// Returns the CloudFormation stack name of the environment.
    pub fn stack(&self) -> String {
        compliant_name(self.prefix, "environment", self.uri, NamePattern::Default)
    }

    /// Returns the environment's default bucket.
    pub fn bucket(&self) -> String {
        compliant_name(self.prefix, self.label, self.uri, NamePattern::S3)
    }

    /// Returns the IAM role of the environment's admin team.
    pub fn admin_role(&self) -> String {
        compliant_name(self.prefix, self.label, self.uri, NamePattern::IamRole)
    }

    /// Returns the IAM role of an invited team.
    pub fn team_role(&self, team: &str) -> String {
        compliant_name(self.prefix, team, self.uri, NamePattern::IamRole)
    }

    /// Returns the Athena workgroup of a team; the admin team uses the environment label.
    pub fn workgroup(&self, label_or_team: &str) -> String {
        compliant_name(self.prefix, label_or_team, self.uri, NamePattern::Default)
    }
}

/// Maximum length of an access point name.
pub const MAX_ACCESS_POINT_LENGTH: usize = 50;

/// Builds the name of the S3 access point of one (dataset, principal): `<datasetUri>-<principal>`
/// in `a-z0-9-`, at most 50 characters.
pub fn access_point_name(dataset_uri: &str, principal_id: &str) -> String {
    let mut name = String::new();
    for character in format!("{dataset_uri}-{principal_id}")
        .to_lowercase()
        .chars()
    {
        let mapped = if character.is_ascii_lowercase() || character.is_ascii_digit() {
            character
        } else {
            '-'
        };
        if mapped == '-' && name.ends_with('-') {
            continue;
        }
        name.push(mapped);
    }
    name.truncate(MAX_ACCESS_POINT_LENGTH);
    name.trim_end_matches('-').to_owned()
}

const _: () = assert!(MAX_RESOURCE_PREFIX_LENGTH + URI_LENGTH + 2 < 52);

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: [NamePattern; 7] = [
        NamePattern::S3,
        NamePattern::Kms,
        NamePattern::IamRole,
        NamePattern::IamPolicy,
        NamePattern::Glue,
        NamePattern::GlueEtl,
        NamePattern::Default,
    ];

    #[test]
    fn names_fit_at_maximum_inputs() {
        let prefix = "a".repeat(MAX_RESOURCE_PREFIX_LENGTH);
        let label = "Very Long Label With Spaces ".repeat(20);
        let team = "T".repeat(128);
        for pattern in ALL {
            for text in [&label, &team] {
                let name = compliant_name(&prefix, text, "abcdefgh", pattern);
                assert!(
                    name.len() <= pattern.max_length(),
                    "{pattern:?}: {} > {}",
                    name.len(),
                    pattern.max_length()
                );
                assert!(name.ends_with("abcdefgh"), "{pattern:?}: {name}");
                assert!(name.starts_with(&prefix), "{pattern:?}: {name}");
            }
        }
    }

    #[test]
    fn names_use_only_allowed_characters() {
        for pattern in ALL {
            let name = compliant_name("data-all", "Sales & Marketing__EU!", "ab12cd34", pattern);
            assert!(
                name.chars().all(|c| pattern.allows(c)),
                "{pattern:?}: {name}"
            );
            assert!(
                !name.contains("--") && !name.contains("__"),
                "{pattern:?}: {name}"
            );
        }
    }

    #[test]
    fn glue_uses_underscores() {
        assert_eq!(
            compliant_name("dataall", "Sales Data", "ab12cd34", NamePattern::Glue),
            "dataall_sales_data_ab12cd34"
        );
    }

    #[test]
    fn environment_names_match_reference_layout() {
        let names = EnvironmentNames {
            prefix: "dataall",
            label: "DataScience",
            uri: "ab12cd34",
        };
        assert_eq!(names.stack(), "dataall-environment-ab12cd34");
        assert_eq!(names.bucket(), "dataall-datascience-ab12cd34");
        assert_eq!(names.team_role("TeamA"), "dataall-teama-ab12cd34");
    }

    #[test]
    fn access_point_names_fit() {
        assert_eq!(access_point_name("ab12cd34", "TeamA"), "ab12cd34-teama");
        let long = access_point_name("ab12cd34", &"Team_With.Long-Name".repeat(10));
        assert!(long.len() <= MAX_ACCESS_POINT_LENGTH, "{long}");
        assert!(
            long.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        );
        assert!(!long.ends_with('-'));
    }

    #[test]
    fn label_of_separators_only_is_dropped() {
        assert_eq!(
            compliant_name("dataall", "!!!", "ab12cd34", NamePattern::S3),
            "dataall-ab12cd34"
        );
    }
}
