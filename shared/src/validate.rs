//! Checks of request fields shared by several operations. Each error names the field and
//! the rule it breaks.

use crate::error::ApiError;

/// Maximum length of a label of an organization or environment.
pub const MAX_LABEL_LENGTH: usize = 100;
/// Maximum length of a description.
pub const MAX_DESCRIPTION_LENGTH: usize = 5000;
/// Maximum number of tags on an object, and of characters in one tag.
pub const MAX_TAGS: usize = 50;
pub const MAX_TAG_LENGTH: usize = 128;

/// Checks a required label: trimmed, not empty, at most `max` characters.
pub fn label(field: &str, value: &str, max: usize) -> Result<String, ApiError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(ApiError::required(field));
    }
    if trimmed.chars().count() > max {
        return Err(ApiError::invalid(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(ApiError::invalid(
            field,
            "must not contain control characters",
        ));
    }
    Ok(trimmed.to_owned())
}

/// Checks an optional description.
pub fn description(value: Option<&str>) -> Result<String, ApiError> {
    let value = value.unwrap_or("").trim();
    if value.chars().count() > MAX_DESCRIPTION_LENGTH {
        return Err(ApiError::invalid(
            "description",
            format!("must be at most {MAX_DESCRIPTION_LENGTH} characters"),
        ));
    }
    Ok(value.to_owned())
}

/// Checks a list of tags and returns it without repeats.
pub fn tags(values: &[String]) -> Result<Vec<String>, ApiError> {
    if values.len() > MAX_TAGS {
        return Err(ApiError::invalid(
            "tags",
            format!("must hold at most {MAX_TAGS} tags"),
        ));
    }
    let mut tags = Vec::new();
    for value in values {
        let tag = value.trim();
        if tag.is_empty() || tag.chars().count() > MAX_TAG_LENGTH {
            return Err(ApiError::invalid(
                "tags",
                format!("must each be 1 to {MAX_TAG_LENGTH} characters, got {value:?}"),
            ));
        }
        if !tags.iter().any(|seen: &String| seen == tag) {
            tags.push(tag.to_owned());
        }
    }
    Ok(tags)
}

/// Checks a team (IdP group) name: 1 to 128 printable characters without `/`.
pub fn team(field: &str, value: &str) -> Result<String, ApiError> {
    let valid = !value.is_empty()
        && value.chars().count() <= 128
        && value
            .chars()
            .all(|c| !c.is_control() && c != '/' && !c.is_whitespace());
    if valid {
        Ok(value.to_owned())
    } else {
        Err(ApiError::invalid(
            field,
            "must be a group name of 1 to 128 characters without spaces or '/'",
        ))
    }
}

/// Checks a 12-digit AWS account id.
pub fn account_id(value: &str) -> Result<String, ApiError> {
    if value.len() == 12 && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(value.to_owned())
    } else {
        Err(ApiError::invalid("awsAccountId", "must be 12 digits"))
    }
}

/// Checks an AWS region name such as `eu-west-1` or `us-gov-west-1`.
pub fn region(value: &str) -> Result<String, ApiError> {
    let parts: Vec<&str> = value.split('-').collect();
    let valid = parts.len() >= 3
        && parts.iter().all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
        && parts
            .last()
            .is_some_and(|last| last.bytes().all(|b| b.is_ascii_digit()));
    if valid {
        Ok(value.to_owned())
    } else {
        Err(ApiError::invalid(
            "region",
            "must be an AWS region name such as eu-west-1",
        ))
    }
}

/// Checks an environment resource prefix: `^[a-z-]+$`, at most 20 characters.
pub fn resource_prefix(value: &str) -> Result<String, ApiError> {
    let max = crate::names::MAX_RESOURCE_PREFIX_LENGTH;
    if value.is_empty()
        || value.len() > max
        || !value.bytes().all(|b| b.is_ascii_lowercase() || b == b'-')
    {
        return Err(ApiError::invalid(
            "resourcePrefix",
            format!("must match ^[a-z-]+$ and be at most {max} characters"),
        ));
    }
    Ok(value.to_owned())
}

/// Checks that every permission is in `allowed`.
pub fn permissions(
    field: &str,
    values: &[String],
    allowed: &[&str],
) -> Result<Vec<String>, ApiError> {
    for value in values {
        if !allowed.contains(&value.as_str()) {
            return Err(ApiError::invalid(
                field,
                format!("contains {value:?}, which is not one of {allowed:?}"),
            ));
        }
    }
    let mut values = values.to_vec();
    values.sort();
    values.dedup();
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resource_prefix_rule() {
        assert!(resource_prefix("dataall").is_ok());
        assert!(resource_prefix("data-all").is_ok());
        for bad in ["", "Data", "data_all", "data1", &"a".repeat(21)] {
            assert_eq!(
                resource_prefix(bad).unwrap_err().code(),
                "InvalidInput",
                "{bad}"
            );
        }
    }

    #[test]
    fn account_and_region() {
        assert!(account_id("222222222222").is_ok());
        assert!(account_id("22222222222").is_err());
        assert!(account_id("22222222222a").is_err());
        assert!(region("eu-west-1").is_ok());
        assert!(region("us-gov-west-1").is_ok());
        assert!(region("eu-west").is_err());
        assert!(region("EU-WEST-1").is_err());
    }

    #[test]
    fn label_rules() {
        assert_eq!(label("label", "  Sales ", 10).unwrap(), "Sales");
        assert_eq!(
            label("label", "   ", 10).unwrap_err().code(),
            "RequiredParameter"
        );
        assert_eq!(
            label("label", "x".repeat(11).as_str(), 10)
                .unwrap_err()
                .code(),
            "InvalidInput"
        );
    }

    #[test]
    fn tags_deduplicate() {
        let tags = tags(&["a".into(), "a".into(), "b".into()]).unwrap();
        assert_eq!(tags, vec!["a", "b"]);
    }
}
