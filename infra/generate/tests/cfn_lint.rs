//! cfn-lint, as `./test` runs it on the template, rejects a wrong `Ref`, a wrong runtime and
//! a wrong architecture. Each case lints a copy of the committed template with one value
//! broken, written to a temporary folder. The test needs `.venv/bin/cfn-lint`, which
//! `infra/local/install.sh` installs.

use std::path::{Path, PathBuf};
use std::process::Command;

use infra_generate::{TEMPLATE_PATH, workspace_root};

/// A broken copy: the exact text replaced in the template, and what replaces it.
struct Case {
    name: &'static str,
    original: &'static str,
    broken: &'static str,
}

const CASES: [Case; 3] = [
    Case {
        name: "wrong-ref",
        original: "        TABLE_NAME:\n          Ref: Table\n",
        broken: "        TABLE_NAME:\n          Ref: MissingTable\n",
    },
    Case {
        name: "wrong-runtime",
        original: "    Runtime: provided.al2023\n",
        broken: "    Runtime: provided.al2099\n",
    },
    Case {
        name: "wrong-architecture",
        original: "    Architectures: [arm64]\n",
        broken: "    Architectures: [arm65]\n",
    },
];

fn cfn_lint() -> PathBuf {
    let path = workspace_root().join(".venv/bin/cfn-lint");
    assert!(
        path.exists(),
        "{} is missing; run infra/local/install.sh",
        path.display()
    );
    path
}

/// Runs cfn-lint on `template` and returns whether it passed, with its output.
fn lint(template: &Path) -> (bool, String) {
    let output = Command::new(cfn_lint())
        .arg(template)
        .output()
        .unwrap_or_else(|error| panic!("could not run cfn-lint: {error}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

/// A folder under the system temporary folder, removed when dropped.
struct TemporaryFolder(PathBuf);

impl TemporaryFolder {
    fn new(name: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("infra-generate-{}-{name}", std::process::id()));
        std::fs::create_dir_all(&path)
            .unwrap_or_else(|error| panic!("could not create {}: {error}", path.display()));
        TemporaryFolder(path)
    }
}

impl Drop for TemporaryFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn cfn_lint_rejects_broken_templates() {
    let template = std::fs::read_to_string(workspace_root().join(TEMPLATE_PATH))
        .expect("the committed template is readable");
    let folder = TemporaryFolder::new("cfn-lint");
    let unbroken = folder.0.join("unbroken.yaml");
    std::fs::write(&unbroken, &template).expect("the copy is written");
    let mut copies = vec![("unbroken", unbroken, None)];
    for case in &CASES {
        assert_eq!(
            template.matches(case.original).count(),
            1,
            "{}: the template must hold {:?} once",
            case.name,
            case.original
        );
        let path = folder.0.join(format!("{}.yaml", case.name));
        std::fs::write(&path, template.replace(case.original, case.broken))
            .expect("the broken copy is written");
        copies.push((case.name, path, Some(case)));
    }
    // cfn-lint takes seconds per template, so the copies are linted in parallel.
    let results: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = copies
            .iter()
            .map(|(name, path, case)| scope.spawn(move || (*name, *case, lint(path))))
            .collect();
        handles
            .into_iter()
            .map(|handle| handle.join().expect("the lint thread finished"))
            .collect()
    });
    for (name, case, (passed, output)) in results {
        match case {
            None => assert!(passed, "cfn-lint rejected the {name} copy:\n{output}"),
            Some(case) => {
                assert!(!passed, "cfn-lint accepted the {name} copy");
                let value = case.broken.split_whitespace().last().unwrap_or_default();
                let value = value.trim_matches(|c| c == '[' || c == ']');
                assert!(
                    output.contains(value),
                    "cfn-lint rejected the {name} copy without naming {value}:\n{output}"
                );
            }
        }
    }
}
